// WGS84 geodesy: reference ECEF values come from PROJ 9.1 (`gdaltransform -s_srs EPSG:4979
// -t_srs EPSG:4978`), an implementation independent of ours.
#include <gtest/gtest.h>

#include <random>

#include "core/geodesy.h"

using namespace fl::geo;

namespace {
void expectNear(const glm::dvec3& a, const glm::dvec3& b, double tol) {
    EXPECT_NEAR(a.x, b.x, tol);
    EXPECT_NEAR(a.y, b.y, tol);
    EXPECT_NEAR(a.z, b.z, tol);
}
}  // namespace

TEST(Geodesy, KnownEcefPointsMatchProj) {
    expectNear(geodeticToEcef({0, 0, 0}), {6378137.0, 0, 0}, 1e-3);
    expectNear(geodeticToEcef({90, 0, 0}), {0, 0, 6356752.314245}, 1e-3);
    // Kandahar at its GMTED2010 height, and San Francisco.
    expectNear(geodeticToEcef({31.6133, 65.7101, 1006}), {2236741.56478893, 4956162.6806079, 3324519.22653481}, 1e-3);
    expectNear(geodeticToEcef({37.7749, -122.4194, 100}), {-2706217.22221133, -4261126.21261031, 3885786.74610817},
               1e-3);
}

TEST(Geodesy, GeodeticEcefRoundTripWithinAMillimetre) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> lat(-89.999, 89.999), lon(-180, 180), h(-500, 500000);
    for (int i = 0; i < 20000; ++i) {
        const Geodetic g{lat(rng), lon(rng), h(rng)};
        const glm::dvec3 e = geodeticToEcef(g);
        const Geodetic back = ecefToGeodetic(e);
        ASSERT_LT(glm::length(geodeticToEcef(back) - e), 1e-3) << g.lat << "," << g.lon << "," << g.height;
        ASSERT_NEAR(back.height, g.height, 1e-3);
    }
    // Poles and the equator exactly.
    for (const Geodetic g : {Geodetic{90, 0, 10}, Geodetic{-90, 0, 10}, Geodetic{0, 180, -20}}) {
        const Geodetic back = ecefToGeodetic(geodeticToEcef(g));
        EXPECT_NEAR(back.lat, g.lat, 1e-9);
        EXPECT_NEAR(back.height, g.height, 1e-3);
    }
}

TEST(Geodesy, EnuFrameRoundTripAndAxes) {
    const EnuFrame frame({31.0, 66.0, 0});
    // Up at the origin is the ellipsoid normal; 1 km north is +y.
    const glm::dvec3 up = frame.fromGeodetic({31.0, 66.0, 1000});
    expectNear(up, {0, 0, 1000}, 1e-6);
    const glm::dvec3 north = frame.fromGeodetic({31.01, 66.0, 0});
    EXPECT_NEAR(north.x, 0, 1e-6);
    EXPECT_GT(north.y, 1100);  // 0.01 deg of latitude is ~1109 m at 31N
    EXPECT_LT(north.y, 1120);
    EXPECT_LT(north.z, 0);  // the Earth curves away below the tangent plane
    // Curvature drop ~ d^2 / 2R: at 100 km east the surface is ~785 m below the plane.
    const glm::dvec3 east = frame.fromGeodetic({31.0, 66.0 + 100000.0 / (111320.0 * std::cos(radians(31.0))), 0});
    EXPECT_NEAR(east.z, -(100000.0 * 100000.0) / (2 * 6378137.0), 15.0);

    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> d(-600000, 600000);
    for (int i = 0; i < 2000; ++i) {
        const glm::dvec3 p{d(rng), d(rng), d(rng) * 0.01};
        expectNear(frame.fromGeodetic(frame.toGeodetic(p)), p, 1e-3);
    }
}

TEST(Geodesy, SurfaceDistanceKandaharToSpinBoldak) {
    // ~98 km along the highway's general direction (straight line).
    const double d = surfaceDistance(31.6133, 65.7101, 31.0058, 66.4000);
    EXPECT_GT(d, 90000);
    EXPECT_LT(d, 100000);
}
