#include "story/arrow_geometry.h"

#include <algorithm>
#include <cmath>

#include <glm/glm.hpp>

#include "core/geodesy.h"

namespace fl::story {
namespace {

using glm::dvec2;

// Open Chaikin corner cutting that keeps both ends, so the tip stays exactly at the path's end.
std::vector<dvec2> chaikin(std::vector<dvec2> pts, int iterations) {
    for (int it = 0; it < iterations && pts.size() > 2; ++it) {
        std::vector<dvec2> out;
        out.reserve(pts.size() * 2);
        out.push_back(pts.front());
        for (size_t i = 0; i + 1 < pts.size(); ++i) {
            out.push_back(0.75 * pts[i] + 0.25 * pts[i + 1]);
            out.push_back(0.25 * pts[i] + 0.75 * pts[i + 1]);
        }
        out.push_back(pts.back());
        pts = std::move(out);
    }
    return pts;
}

dvec2 leftNormal(dvec2 d) {
    return {-d.y, d.x};
}

}  // namespace

Polygon arrowOutline(const std::vector<LonLat>& path, double progress, double widthKm,
                     const ArrowShapeOptions& options) {
    if (!(progress > 0) || !(widthKm > 0) || !std::isfinite(widthKm)) return {};
    progress = std::min(progress, 1.0);
    std::vector<LonLat> clean;
    double sumLat = 0, sumLon = 0;
    for (const LonLat& p : path) {
        if (!std::isfinite(p.lat) || !std::isfinite(p.lon) || std::abs(p.lat) > 89) return {};
        if (!clean.empty() && clean.back().lat == p.lat && clean.back().lon == p.lon) continue;
        clean.push_back(p);
        sumLat += p.lat;
        sumLon += p.lon;
    }
    if (clean.size() < 2) return {};

    // A tangent plane at the path's middle; points keep their ellipsoid drop (-r²/2R) on the way back so that the
    // round trip plane -> lon/lat is exact to millimetres over an arrow's extent.
    const geo::EnuFrame frame({sumLat / double(clean.size()), sumLon / double(clean.size()), 0});
    std::vector<dvec2> pts;
    pts.reserve(clean.size());
    for (const LonLat& p : clean) {
        const glm::dvec3 e = frame.fromGeodetic({p.lat, p.lon, 0});
        pts.push_back({e.x, e.y});
    }
    pts = chaikin(std::move(pts), std::max(0, options.smoothingIterations));

    std::vector<double> along(pts.size(), 0.0);
    for (size_t i = 1; i < pts.size(); ++i) along[i] = along[i - 1] + glm::length(pts[i] - pts[i - 1]);
    const double total = along.back();
    if (!(total > 0)) return {};
    const double drawn = progress * total;

    // Short arrows are scaled as a whole, so the shape grows from a point instead of starting as a bare head.
    const double width = widthKm * 1000.0;
    const double headLengthFull = options.headLengthFactor * width;
    const double scale = headLengthFull > 0 ? std::min(1.0, drawn / (2 * headLengthFull)) : 1.0;
    const double bodyWidth = width * scale;
    const double headLength = headLengthFull * scale;
    const double headWidth = options.headWidthFactor * width * scale;

    auto pointAt = [&](double s) {
        const size_t i = size_t(std::upper_bound(along.begin(), along.end(), s) - along.begin());
        if (i == 0) return pts.front();
        if (i >= pts.size()) return pts.back();
        const double seg = along[i] - along[i - 1];
        const double u = seg > 0 ? (s - along[i - 1]) / seg : 0;
        return pts[i - 1] + (pts[i] - pts[i - 1]) * u;
    };
    const dvec2 tip = pointAt(drawn);
    const double baseAt = drawn - headLength;
    const dvec2 base = pointAt(baseAt);
    const dvec2 axis = glm::length(tip - base) > 0 ? glm::normalize(tip - base) : dvec2(1, 0);
    const dvec2 headNormal = leftNormal(axis);

    // The body's centre line: the smoothed vertices before the head's base, then the base itself.
    std::vector<dvec2> centre;
    std::vector<double> at;
    // Vertices just before the base are skipped: their bend normals would fold against the head's square base.
    const double clearance = 0.5 * bodyWidth;
    for (size_t i = 0; i < pts.size() && (along[i] < baseAt - clearance || i == 0); ++i) {
        centre.push_back(pts[i]);
        at.push_back(along[i]);
    }
    if (centre.empty() || glm::length(base - centre.back()) > 1e-6 * width) {
        centre.push_back(base);
        at.push_back(baseAt);
    } else {
        centre.back() = base;
        at.back() = baseAt;
    }
    if (centre.size() < 2) {  // degenerate: the body has no length; start it at the tail
        centre.insert(centre.begin(), pts.front());
        at.insert(at.begin(), 0.0);
    }

    const double taper = std::max(options.taperFraction * total, 1e-9);
    auto halfWidthAt = [&](double s) {
        const double u = std::clamp(s / taper, 0.0, 1.0);
        const double smooth = u * u * (3 - 2 * u);
        return 0.5 * bodyWidth * (options.tailWidthFactor + (1 - options.tailWidthFactor) * smooth);
    };
    std::vector<dvec2> normals(centre.size());
    for (size_t i = 0; i < centre.size(); ++i) {
        if (i + 1 == centre.size()) {
            normals[i] = headNormal;  // the body meets the head square to its axis
            continue;
        }
        const dvec2 dNext = centre[i + 1] - centre[i];
        dvec2 n = leftNormal(glm::length(dNext) > 0 ? glm::normalize(dNext) : axis);
        if (i > 0) {
            const dvec2 dPrev = centre[i] - centre[i - 1];
            if (glm::length(dPrev) > 0) {
                const dvec2 nPrev = leftNormal(glm::normalize(dPrev));
                const dvec2 bisector = n + nPrev;
                if (glm::length(bisector) > 1e-9) {
                    // Miter: keep the body's width across the bend, limited so sharp turns do not spike.
                    const dvec2 m = glm::normalize(bisector);
                    const double c = std::max(glm::dot(m, n), 0.5);
                    n = m / c;
                }
            }
        }
        normals[i] = n;
    }

    std::vector<dvec2> outline;
    outline.reserve(centre.size() * 2 + 3);
    for (size_t i = 0; i < centre.size(); ++i) outline.push_back(centre[i] - normals[i] * halfWidthAt(at[i]));
    outline.push_back(base - headNormal * (0.5 * headWidth));
    outline.push_back(tip);
    outline.push_back(base + headNormal * (0.5 * headWidth));
    for (size_t i = centre.size(); i-- > 0;) outline.push_back(centre[i] + normals[i] * halfWidthAt(at[i]));

    Polygon poly;
    poly.outer.reserve(outline.size());
    for (const dvec2& p : outline) {
        const double drop = -(p.x * p.x + p.y * p.y) / (2 * geo::kSemiMajor);
        const geo::Geodetic g = frame.toGeodetic({p.x, p.y, drop});
        poly.outer.push_back({g.lon, g.lat});
    }
    // Grown all the way, the tip is the destination itself, not its round trip through the plane.
    if (progress >= 1.0) poly.outer[centre.size() + 1] = clean.back();
    if (ringSignedArea(poly.outer) < 0) std::reverse(poly.outer.begin(), poly.outer.end());
    return poly;
}

}  // namespace fl::story
