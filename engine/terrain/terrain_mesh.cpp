#include "terrain/terrain_mesh.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "terrain/dem.h"
#include "terrain/geoid.h"

namespace fl::terrain {

namespace {

// Metres per degree of longitude / latitude on the ellipsoid at `lat`.
glm::dvec2 metresPerDegree(double lat) {
    const double s = std::sin(geo::radians(lat));
    const double w = std::sqrt(1.0 - geo::kEcc2 * s * s);
    const double n = geo::kSemiMajor / w;                                 // prime vertical radius
    const double m = geo::kSemiMajor * (1.0 - geo::kEcc2) / (w * w * w);  // meridian radius
    return {geo::radians(1.0) * n * std::cos(geo::radians(lat)), geo::radians(1.0) * m};
}

}  // namespace

TerrainMesh buildTerrainMesh(const DemGrid& dem, const GeoidModel* geoid, const geo::EnuFrame& frame,
                             const TerrainMeshOptions& options) {
    TerrainMesh mesh;
    const int cells = std::max(1, options.chunkCells);
    const glm::dmat3 ecefToScene = glm::transpose(frame.enuToEcef());
    for (int r0 = 0; r0 < dem.height - 1; r0 += cells) {
        for (int c0 = 0; c0 < dem.width - 1; c0 += cells) {
            const int nc = std::min(cells, dem.width - 1 - c0), nr = std::min(cells, dem.height - 1 - r0);
            TerrainChunk chunk;
            const double midLat = dem.sampleLat(r0 + nr / 2), midLon = dem.sampleLon(c0 + nc / 2);
            chunk.origin = frame.fromGeodetic({midLat, midLon, undulationOrZero(geoid, midLat, midLon)});
            chunk.vertexOffset = static_cast<int32_t>(mesh.vertices.size());
            chunk.firstIndex = static_cast<uint32_t>(mesh.indices.size());
            chunk.boundsMin = glm::dvec3(std::numeric_limits<double>::max());
            chunk.boundsMax = glm::dvec3(std::numeric_limits<double>::lowest());
            chunk.minHeight = std::numeric_limits<float>::max();
            chunk.maxHeight = std::numeric_limits<float>::lowest();
            for (int r = r0; r <= r0 + nr; ++r) {
                const double lat = dem.sampleLat(r);
                const glm::dvec2 mpd = metresPerDegree(lat);
                for (int c = c0; c <= c0 + nc; ++c) {
                    const double lon = dem.sampleLon(c);
                    const float h = dem.at(c, r);
                    const glm::dvec3 base = frame.fromGeodetic({lat, lon, undulationOrZero(geoid, lat, lon)});
                    const glm::dvec3 up = ecefToScene * geo::ellipsoidNormal(lat, lon);
                    const glm::dvec3 east =
                        ecefToScene * glm::dvec3(-std::sin(geo::radians(lon)), std::cos(geo::radians(lon)), 0.0);
                    const glm::dvec3 north = glm::cross(up, east);
                    // Central differences (one-sided at the grid's edge); rows run north to south.
                    const int cw = std::max(c - 1, 0), ce = std::min(c + 1, dem.width - 1);
                    const int rn = std::max(r - 1, 0), rs = std::min(r + 1, dem.height - 1);
                    const double gE = (dem.at(ce, r) - dem.at(cw, r)) / ((ce - cw) * dem.pixelLon * mpd.x);
                    const double gN = (dem.at(c, rn) - dem.at(c, rs)) / ((rs - rn) * dem.pixelLat * mpd.y);
                    const glm::dvec3 grad = gE * east + gN * north;
                    mesh.vertices.push_back({glm::vec4(glm::vec3(base - chunk.origin), h), glm::vec4(glm::vec3(up), 0),
                                             glm::vec4(glm::vec3(grad), 0)});
                    const glm::dvec3 top = base + up * static_cast<double>(h);
                    chunk.boundsMin = glm::min(chunk.boundsMin, glm::min(base, top));
                    chunk.boundsMax = glm::max(chunk.boundsMax, glm::max(base, top));
                    chunk.minHeight = std::min(chunk.minHeight, h);
                    chunk.maxHeight = std::max(chunk.maxHeight, h);
                }
            }
            const uint32_t stride = static_cast<uint32_t>(nc + 1);
            for (int r = 0; r < nr; ++r) {
                for (int c = 0; c < nc; ++c) {
                    // Corners: a = north-west, b = north-east, d = south-west, e = south-east. The a-e
                    // diagonal matches meshHeight(); counter-clockwise seen from above.
                    const uint32_t a = r * stride + c, b = a + 1, d = a + stride, e = d + 1;
                    mesh.indices.insert(mesh.indices.end(), {a, d, e, a, e, b});
                }
            }
            chunk.indexCount = static_cast<uint32_t>(mesh.indices.size()) - chunk.firstIndex;
            mesh.chunks.push_back(chunk);
        }
    }
    return mesh;
}

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
