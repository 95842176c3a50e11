#include "render/label_lines.h"

#include <cmath>

#include "core/segment_grid.h"

namespace fl::render {

namespace {

std::vector<glm::dvec3> onGround(const std::vector<glm::dvec2>& ring, const GroundPoint& ground) {
    std::vector<glm::dvec3> out;
    out.reserve(ring.size());
    for (const glm::dvec2& p : ring) out.push_back(ground(p.y, p.x));  // rings are (lon, lat)
    return out;
}

void project(const std::vector<std::vector<glm::dvec3>>& lines, const ViewState& view, bool closed,
             std::vector<std::vector<glm::vec2>>& out) {
    out.clear();
    for (const auto& line : lines) {
        std::vector<glm::vec2> run;
        auto flush = [&] {
            if (run.size() >= 2) out.push_back(std::move(run));
            run.clear();
        };
        for (const glm::dvec3& p : line) {
            const auto s = projectToScreen(view, p);
            if (!s) {
                flush();
                continue;
            }
            run.emplace_back(float(s->x), float(s->y));
        }
        if (closed && !line.empty() && run.size() == line.size()) run.push_back(run.front());  // whole ring seen
        flush();
    }
}

}  // namespace

LabelLines placeLabelLines(const OverlayLayer* sceneBorder, const std::vector<OverlayLayer>& layers,
                           const std::vector<bool>& isBorder, const std::vector<bool>& keepOff,
                           const GroundPoint& ground) {
    LabelLines out;
    if (sceneBorder)
        for (const auto& ring : sceneBorder->from.rings) {
            out.borders.push_back(onGround(ring, ground));
            out.bordersLonLat.push_back(ring);
        }
    for (size_t i = 0; i < layers.size(); ++i) {
        const OverlayLayer& l = layers[i];
        const bool border = i < isBorder.size() && isBorder[i], arrow = i < keepOff.size() && keepOff[i];
        if (l.kind == OverlayKind::Line)
            for (const auto& ring : l.from.rings) {
                (border ? out.borders : out.routes).push_back(onGround(ring, ground));
                if (border) out.bordersLonLat.push_back(ring);
            }
        else if (arrow)
            for (const auto& ring : l.from.rings) out.keepOff.push_back(onGround(ring, ground));
    }
    return out;
}

std::vector<bool> placesOnBorders(const LabelLines& lines, const std::vector<glm::dvec2>& latLon, double metres) {
    // Web Mercator metres (at the equator): a distance there times cos(latitude) is the ground distance nearby.
    constexpr double kR = 6378137.0, kDeg = 3.14159265358979323846 / 180.0;
    auto merc = [&](double lat, double lon) {
        return glm::dvec2(kR * lon * kDeg, kR * std::log(std::tan(0.25 * 3.14159265358979323846 + 0.5 * lat * kDeg)));
    };
    std::vector<SegmentGrid::Segment> segments;
    for (const auto& ring : lines.bordersLonLat)
        for (size_t i = 0; i + 1 < ring.size(); ++i)
            if (std::isfinite(ring[i].x + ring[i].y + ring[i + 1].x + ring[i + 1].y) && std::abs(ring[i].y) < 85 &&
                std::abs(ring[i + 1].y) < 85)
                segments.push_back({merc(ring[i].y, ring[i].x), merc(ring[i + 1].y, ring[i + 1].x)});
    std::vector<bool> out(latLon.size(), false);
    if (segments.empty()) return out;
    const SegmentGrid grid(segments);
    for (size_t i = 0; i < latLon.size(); ++i) {
        const double lat = latLon[i].x, lon = latLon[i].y;
        if (!std::isfinite(lat + lon) || std::abs(lat) >= 85) continue;
        out[i] = grid.nearestDistance(merc(lat, lon)) * std::cos(lat * kDeg) <= metres;
    }
    return out;
}

void projectLabelLines(const LabelLines& lines, const ViewState& view, LabelLayoutOptions& options) {
    project(lines.borders, view, false, options.borders);
    project(lines.routes, view, false, options.routes);
    project(lines.keepOff, view, true, options.keepOff);
}

}  // namespace fl::render
