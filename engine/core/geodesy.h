// core/geodesy.h — WGS84 geodesy in doubles.
// Owns: geodetic (lat, lon, ellipsoidal height) <-> ECEF <-> local East-North-Up frames.
// Everything here is double precision; floats only appear at the GPU boundary, camera-relative.
#pragma once

#include <glm/glm.hpp>

namespace fl::geo {

// WGS84 defining constants (NIMA TR8350.2).
inline constexpr double kSemiMajor = 6378137.0;
inline constexpr double kFlattening = 1.0 / 298.257223563;
inline constexpr double kSemiMinor = kSemiMajor * (1.0 - kFlattening);
inline constexpr double kEcc2 = kFlattening * (2.0 - kFlattening);  // first eccentricity squared
inline constexpr double kPi = 3.14159265358979323846;

inline constexpr double radians(double deg) {
    return deg * (kPi / 180.0);
}
inline constexpr double degrees(double rad) {
    return rad * (180.0 / kPi);
}

struct Geodetic {
    double lat = 0;     // degrees, north positive
    double lon = 0;     // degrees, east positive
    double height = 0;  // metres above the WGS84 ellipsoid
};

glm::dvec3 geodeticToEcef(const Geodetic& g);
// Exact to well below a millimetre for any height from the Earth's centre region outwards
// (Bowring's iteration, converged to 1e-12 rad).
Geodetic ecefToGeodetic(const glm::dvec3& ecef);

// Unit normal to the ellipsoid (geodetic "up") at a latitude/longitude, in ECEF.
glm::dvec3 ellipsoidNormal(double latDeg, double lonDeg);

// A local tangent frame: East-North-Up axes at an origin on (or above) the ellipsoid.
// The scene is placed in one such frame around the region so that doubles -> floats stay small.
class EnuFrame {
public:
    EnuFrame() = default;
    explicit EnuFrame(const Geodetic& origin);

    const Geodetic& origin() const { return m_origin; }
    const glm::dvec3& originEcef() const { return m_originEcef; }

    glm::dvec3 fromEcef(const glm::dvec3& ecef) const;  // ECEF point -> local ENU point
    glm::dvec3 toEcef(const glm::dvec3& enu) const;     // local ENU point -> ECEF point
    glm::dvec3 dirFromEcef(const glm::dvec3& d) const;  // rotate a direction only
    glm::dvec3 dirToEcef(const glm::dvec3& d) const;

    glm::dvec3 fromGeodetic(const Geodetic& g) const { return fromEcef(geodeticToEcef(g)); }
    Geodetic toGeodetic(const glm::dvec3& enu) const { return ecefToGeodetic(toEcef(enu)); }

    // Columns are East, North, Up expressed in ECEF.
    const glm::dmat3& enuToEcef() const { return m_enuToEcef; }

private:
    Geodetic m_origin;
    glm::dvec3 m_originEcef{0.0};
    glm::dmat3 m_enuToEcef{1.0};
};

// Great-circle-ish ground distance on the ellipsoid's mean sphere (haversine), metres. Good to ~0.5 %.
double surfaceDistance(double lat1, double lon1, double lat2, double lon2);

}  // namespace fl::geo
