#include "terrain/terrain_mesh.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "terrain/dem.h"
#include "terrain/geoid.h"

namespace fl::terrain {

double meshHeight(const DemGrid& dem, double lat, double lon) {
    const double fc = (lon - dem.west) / dem.pixelLon - 0.5;
    const double fr = (dem.north - lat) / dem.pixelLat - 0.5;
    if (!(fc >= 0 && fr >= 0 && fc <= dem.width - 1 && fr <= dem.height - 1))
        return std::numeric_limits<double>::quiet_NaN();
    const int c = std::min(static_cast<int>(fc), dem.width - 2), r = std::min(static_cast<int>(fr), dem.height - 2);
    const double u = fc - c, v = fr - r;  // u east, v south, both in [0, 1]
    const double a = dem.at(c, r), b = dem.at(c + 1, r), d = dem.at(c, r + 1), e = dem.at(c + 1, r + 1);
    if (v >= u) return a + (d - a) * (v - u) + (e - a) * u;
    return a + (b - a) * (u - v) + (e - a) * v;
}

std::optional<RayHit> raycastTerrain(const DemGrid& dem, const GeoidModel* geoid, const geo::EnuFrame& frame,
                                     double exaggeration, const glm::dvec3& origin, const glm::dvec3& dir,
                                     double maxDistance) {
    const glm::dvec3 d = glm::normalize(dir);
    // Signed height of a point above the exaggerated surface; NaN outside the DEM.
    auto clearance = [&](double t, geo::Geodetic& g) {
        g = frame.toGeodetic(origin + d * t);
        const double h = meshHeight(dem, g.lat, g.lon);
        return g.height - (undulationOrZero(geoid, g.lat, g.lon) + exaggeration * h);
    };
    geo::Geodetic g;
    double t = 0, prevT = 0;
    double above = clearance(0, g);
    if (above < 0) return std::nullopt;  // starting underground
    for (int i = 0; i < 20000 && t < maxDistance; ++i) {
        prevT = t;
        // Steps shrink with clearance so steep slopes are not jumped over; the floor keeps grazing
        // rays over plains from crawling.
        t += std::max(std::isnan(above) ? 2000.0 : 0.4 * above, 5.0);
        above = clearance(t, g);
        if (!std::isnan(above) && above <= 0) {
            double lo = prevT, hi = t;  // bisect to ~1 m
            for (int k = 0; k < 40 && hi - lo > 0.5; ++k) {
                const double mid = 0.5 * (lo + hi);
                const double c = clearance(mid, g);
                (std::isnan(c) || c > 0 ? lo : hi) = mid;
            }
            clearance(hi, g);
            g.height = meshHeight(dem, g.lat, g.lon);
            return RayHit{g, hi};
        }
    }
    return std::nullopt;
}

}  // namespace fl::terrain
