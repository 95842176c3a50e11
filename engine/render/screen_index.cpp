#include "render/screen_index.h"

#include <algorithm>
#include <cmath>

namespace fl::render {

namespace {

float cross2(glm::vec2 a, glm::vec2 b) {
    return a.x * b.y - a.y * b.x;
}

bool onSegment(glm::vec2 p, glm::vec2 a, glm::vec2 b) {
    return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
           p.y <= std::max(a.y, b.y);
}

Box boundsOf(glm::vec2 a, glm::vec2 b) {
    return {std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y)};
}

}  // namespace

bool segmentsCross(glm::vec2 p0, glm::vec2 p1, glm::vec2 q0, glm::vec2 q1) {
    const float d1 = cross2(q1 - q0, p0 - q0), d2 = cross2(q1 - q0, p1 - q0);
    const float d3 = cross2(p1 - p0, q0 - p0), d4 = cross2(p1 - p0, q1 - p0);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
    return (d1 == 0 && onSegment(p0, q0, q1)) || (d2 == 0 && onSegment(p1, q0, q1)) ||
           (d3 == 0 && onSegment(q0, p0, p1)) || (d4 == 0 && onSegment(q1, p0, p1));
}

bool segmentTouchesBox(glm::vec2 a, glm::vec2 b, const Box& box) {
    auto in = [&](glm::vec2 p) { return p.x >= box.x0 && p.x <= box.x1 && p.y >= box.y0 && p.y <= box.y1; };
    if (in(a) || in(b)) return true;
    const glm::vec2 c[4] = {{box.x0, box.y0}, {box.x1, box.y0}, {box.x1, box.y1}, {box.x0, box.y1}};
    for (int i = 0; i < 4; ++i)
        if (segmentsCross(a, b, c[i], c[(i + 1) % 4])) return true;
    return false;
}

float distanceToSegment(glm::vec2 p, glm::vec2 a, glm::vec2 b) {
    const glm::vec2 ab = b - a;
    const float len2 = glm::dot(ab, ab);
    const float t = len2 > 0 ? std::clamp(glm::dot(p - a, ab) / len2, 0.0f, 1.0f) : 0.0f;
    return glm::length(p - (a + ab * t));
}

ScreenIndex::ScreenIndex(float width, float height, float cell)
    : m_cell(cell),
      m_nx(std::max(1, int(std::ceil(std::max(width, 1.0f) / cell)))),
      m_ny(std::max(1, int(std::ceil(std::max(height, 1.0f) / cell)))),
      m_boxGrid(size_t(m_nx) * size_t(m_ny)),
      m_segmentGrid(size_t(m_nx) * size_t(m_ny)) {}

ScreenIndex::Range ScreenIndex::cells(const Box& b) const {
    // NaN or huge coordinates clamp into the frame's cells (int casts of them are undefined).
    auto cx = [&](float x) { return int(std::clamp(std::isfinite(x) ? x / m_cell : 0.0f, 0.0f, float(m_nx - 1))); };
    auto cy = [&](float y) { return int(std::clamp(std::isfinite(y) ? y / m_cell : 0.0f, 0.0f, float(m_ny - 1))); };
    return {cx(b.x0), cy(b.y0), cx(b.x1), cy(b.y1)};
}

void ScreenIndex::addBox(const Box& b, uint32_t tag) {
    const Range r = cells(b);
    const auto id = uint32_t(m_boxes.size());
    m_boxes.push_back(b);
    m_tags.push_back(tag);
    m_boxSeen.push_back(0);
    for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x) m_boxGrid[size_t(y) * size_t(m_nx) + size_t(x)].push_back(id);
}

void ScreenIndex::addPolyline(const std::vector<glm::vec2>& points, bool closed) {
    const size_t n = points.size();
    if (n < 2) return;
    const float w = float(m_nx) * m_cell, h = float(m_ny) * m_cell;
    for (size_t i = 0; i + (closed ? 0 : 1) < n; ++i) {
        const glm::vec2 a = points[i], b = points[(i + 1) % n];
        const Box bb = boundsOf(a, b);
        if (bb.x1 < 0 || bb.y1 < 0 || bb.x0 > w || bb.y0 > h) continue;  // off the frame: asked about never
        const auto id = uint32_t(m_segments.size());
        m_segments.emplace_back(a.x, a.y, b.x, b.y);
        m_segmentSeen.push_back(0);
        // The cells the segment's bounds cover (a long diagonal over-covers; the exact test follows).
        const Range r = cells(bb);
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x) m_segmentGrid[size_t(y) * size_t(m_nx) + size_t(x)].push_back(id);
    }
}

template <class F>
bool ScreenIndex::anyIn(const std::vector<std::vector<uint32_t>>& grid, const Box& b, std::vector<uint32_t>& seen,
                        F&& test) const {
    if (++m_stamp == 0) {  // wrapped: forget every stamp
        std::fill(m_boxSeen.begin(), m_boxSeen.end(), 0);
        std::fill(m_segmentSeen.begin(), m_segmentSeen.end(), 0);
        m_stamp = 1;
    }
    const Range r = cells(b);
    for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x)
            for (uint32_t id : grid[size_t(y) * size_t(m_nx) + size_t(x)]) {
                if (seen[id] == m_stamp) continue;
                seen[id] = m_stamp;
                if (test(id)) return true;
            }
    return false;
}

bool ScreenIndex::anyBoxOverlaps(const Box& b, uint32_t exceptTag) const {
    return anyIn(m_boxGrid, b, m_boxSeen, [&](uint32_t id) {
        return (exceptTag == kNoTag || m_tags[id] != exceptTag) && m_boxes[id].overlaps(b);
    });
}

bool ScreenIndex::anyBoxTouchedBy(glm::vec2 a, glm::vec2 b, uint32_t exceptTag) const {
    return anyIn(m_boxGrid, boundsOf(a, b), m_boxSeen, [&](uint32_t id) {
        return (exceptTag == kNoTag || m_tags[id] != exceptTag) && segmentTouchesBox(a, b, m_boxes[id]);
    });
}

bool ScreenIndex::anySegmentTouches(const Box& b) const {
    return anyIn(m_segmentGrid, b, m_segmentSeen, [&](uint32_t id) {
        const glm::vec4 s = m_segments[id];
        return segmentTouchesBox({s.x, s.y}, {s.z, s.w}, b);
    });
}

bool ScreenIndex::anySegmentCrosses(glm::vec2 a, glm::vec2 b) const {
    return anyIn(m_segmentGrid, boundsOf(a, b), m_segmentSeen, [&](uint32_t id) {
        const glm::vec4 s = m_segments[id];
        return segmentsCross(a, b, {s.x, s.y}, {s.z, s.w});
    });
}

bool ScreenIndex::anySegmentWithin(glm::vec2 p, float distance) const {
    const Box around{p.x - distance, p.y - distance, p.x + distance, p.y + distance};
    return anyIn(m_segmentGrid, around, m_segmentSeen, [&](uint32_t id) {
        const glm::vec4 s = m_segments[id];
        return distanceToSegment(p, {s.x, s.y}, {s.z, s.w}) <= distance;
    });
}

}  // namespace fl::render
