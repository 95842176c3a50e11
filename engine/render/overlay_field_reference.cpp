#include "render/overlay_field_reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/geodesy.h"

namespace fl::render {

namespace {
// Web Mercator's latitude limit: the square world of the tile pyramid.
constexpr double kMaxLat = 85.05112877980659;
}  // namespace

glm::dvec2 lonLatToMercator(glm::dvec2 lonLat) {
    const double phi = geo::radians(std::clamp(lonLat.y, -kMaxLat, kMaxLat));
    return {(lonLat.x + 180.0) / 360.0, 0.5 - std::log(std::tan(geo::kPi / 4 + phi / 2)) / (2 * geo::kPi)};
}

glm::dvec2 mercatorToLonLat(glm::dvec2 m) {
    const double y = (0.5 - m.y) * 2 * geo::kPi;
    return {m.x * 360.0 - 180.0, geo::degrees(2 * std::atan(std::exp(y)) - geo::kPi / 2)};
}

double pointSegmentDistance(glm::dvec2 p, glm::dvec2 a, glm::dvec2 b) {
    const glm::dvec2 ab = b - a, ap = p - a;
    const double len2 = glm::dot(ab, ab);
    const double t = len2 > 0 ? std::clamp(glm::dot(ap, ab) / len2, 0.0, 1.0) : 0.0;
    return glm::length(ap - t * ab);
}

bool insideEvenOdd(const MercatorShape& shape, glm::dvec2 p) {
    bool inside = false;
    for (const auto& ring : shape.rings) {
        const size_t n = ring.size();
        if (n < 3) continue;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            const glm::dvec2 a = ring[j], b = ring[i];
            // Half-open in y, so a vertex on the scanline counts once.
            if ((a.y > p.y) != (b.y > p.y)) {
                const double x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
                if (x < p.x) inside = !inside;
            }
        }
    }
    return inside;
}

double distanceToEdges(const MercatorShape& shape, glm::dvec2 p, bool closed) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& ring : shape.rings) {
        const size_t n = ring.size();
        if (n == 1) best = std::min(best, glm::length(p - ring[0]));
        for (size_t i = 0; i + 1 < n; ++i) best = std::min(best, pointSegmentDistance(p, ring[i], ring[i + 1]));
        if (closed && n >= 3) best = std::min(best, pointSegmentDistance(p, ring[n - 1], ring[0]));
    }
    return best;
}

double referenceDistance(const MercatorShape& shape, glm::dvec2 p, bool area) {
    const double d = distanceToEdges(shape, p, area);
    return area && insideEvenOdd(shape, p) ? -d : d;
}

}  // namespace fl::render
