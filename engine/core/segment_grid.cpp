#include "core/segment_grid.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <glm/geometric.hpp>

namespace fl {

double segmentDistance(glm::dvec2 p, glm::dvec2 a, glm::dvec2 b) {
    const glm::dvec2 ab = b - a;
    const double len2 = glm::dot(ab, ab);
    const double t = len2 > 0 ? std::clamp(glm::dot(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    return glm::length(p - (a + t * ab));
}

SegmentGrid::SegmentGrid(const std::vector<Segment>& segments) : m_segments(segments) {
    if (segments.empty()) return;
    glm::dvec2 lo(std::numeric_limits<double>::max()), hi(-std::numeric_limits<double>::max());
    for (const Segment& s : segments) {
        lo = glm::min(lo, glm::min(s.a, s.b));
        hi = glm::max(hi, glm::max(s.a, s.b));
    }
    // About one cell per segment, square-ish cells: each cell then holds a handful of short edges.
    const glm::dvec2 size = glm::max(hi - lo, glm::dvec2(1e-12));
    const double cells = std::clamp(double(segments.size()), 1.0, 4.0e6);
    const double side = std::sqrt(size.x * size.y / cells);
    m_nx = int(std::clamp(std::ceil(size.x / side), 1.0, 4096.0));
    m_ny = int(std::clamp(std::ceil(size.y / side), 1.0, 4096.0));
    m_min = lo;
    m_cell = size / glm::dvec2(m_nx, m_ny);

    // Two passes (count, then fill) so the cells are one flat array.
    std::vector<uint32_t> count(size_t(m_nx) * m_ny + 1, 0);
    auto forCells = [&](const Segment& s, auto&& f) {
        const int x0 = cellX(std::min(s.a.x, s.b.x)), x1 = cellX(std::max(s.a.x, s.b.x));
        const int y0 = cellY(std::min(s.a.y, s.b.y)), y1 = cellY(std::max(s.a.y, s.b.y));
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) f(size_t(y) * m_nx + x);
    };
    for (const Segment& s : segments) forCells(s, [&](size_t c) { ++count[c + 1]; });
    for (size_t c = 1; c < count.size(); ++c) count[c] += count[c - 1];
    m_start = count;
    m_items.resize(count.back());
    for (uint32_t i = 0; i < segments.size(); ++i) forCells(segments[i], [&](size_t c) { m_items[count[c]++] = i; });
}

int SegmentGrid::cellX(double x) const {
    return int(std::clamp(std::floor((x - m_min.x) / m_cell.x), 0.0, double(m_nx - 1)));
}

int SegmentGrid::cellY(double y) const {
    return int(std::clamp(std::floor((y - m_min.y) / m_cell.y), 0.0, double(m_ny - 1)));
}

void SegmentGrid::forEachCandidatePair(const std::function<bool(uint32_t, uint32_t)>& visit) const {
    for (int y = 0; y < m_ny; ++y)
        for (int x = 0; x < m_nx; ++x) {
            const size_t c = size_t(y) * m_nx + x;
            for (uint32_t p = m_start[c]; p < m_start[c + 1]; ++p)
                for (uint32_t q = p + 1; q < m_start[c + 1]; ++q) {
                    uint32_t i = m_items[p], j = m_items[q];
                    if (i > j) std::swap(i, j);
                    // Visit the pair only in the first cell both boxes cover (the corner of the overlap).
                    const Segment &s = m_segments[i], &t = m_segments[j];
                    const int ox = std::max(cellX(std::min(s.a.x, s.b.x)), cellX(std::min(t.a.x, t.b.x)));
                    const int oy = std::max(cellY(std::min(s.a.y, s.b.y)), cellY(std::min(t.a.y, t.b.y)));
                    if (ox != x || oy != y) continue;
                    if (!visit(i, j)) return;
                }
        }
}

void SegmentGrid::forEachNear(glm::dvec2 lo, glm::dvec2 hi, const std::function<bool(uint32_t)>& visit) const {
    if (m_items.empty()) return;
    for (int y = cellY(lo.y); y <= cellY(hi.y); ++y)
        for (int x = cellX(lo.x); x <= cellX(hi.x); ++x) {
            const size_t c = size_t(y) * m_nx + x;
            for (uint32_t p = m_start[c]; p < m_start[c + 1]; ++p)
                if (!visit(m_items[p])) return;
        }
}

namespace {
// Distance from p to the box [x0, x1] x [y0, y1]; infinity for an empty box.
double boxDistance(glm::dvec2 p, double x0, double y0, double x1, double y1) {
    if (x0 >= x1 || y0 >= y1) return std::numeric_limits<double>::infinity();
    const double dx = std::max({x0 - p.x, 0.0, p.x - x1}), dy = std::max({y0 - p.y, 0.0, p.y - y1});
    return std::sqrt(dx * dx + dy * dy);
}
}  // namespace

double SegmentGrid::unvisitedDistance(glm::dvec2 p, int cx0, int cy0, int cx1, int cy1) const {
    cx0 = std::max(cx0, 0), cy0 = std::max(cy0, 0), cx1 = std::min(cx1, m_nx - 1), cy1 = std::min(cy1, m_ny - 1);
    const double gx0 = m_min.x, gy0 = m_min.y, gx1 = m_min.x + m_nx * m_cell.x, gy1 = m_min.y + m_ny * m_cell.y;
    const double x0 = m_min.x + cx0 * m_cell.x, x1 = m_min.x + (cx1 + 1) * m_cell.x;
    const double y0 = m_min.y + cy0 * m_cell.y, y1 = m_min.y + (cy1 + 1) * m_cell.y;
    return std::min({boxDistance(p, gx0, gy0, x0, gy1), boxDistance(p, x1, gy0, gx1, gy1),
                     boxDistance(p, x0, gy0, x1, y0), boxDistance(p, x0, y1, x1, gy1)});
}

double SegmentGrid::nearestDistance(glm::dvec2 p) const {
    double best = std::numeric_limits<double>::infinity();
    if (m_items.empty()) return best;
    const int cx = cellX(p.x), cy = cellY(p.y);
    const int maxRing = std::max({cx, cy, m_nx - 1 - cx, m_ny - 1 - cy});
    for (int r = 0; r <= maxRing; ++r) {
        for (int y = cy - r; y <= cy + r; ++y) {
            if (y < 0 || y >= m_ny) continue;
            const bool edgeRow = y == cy - r || y == cy + r;
            for (int x = cx - r; x <= cx + r; x += edgeRow ? 1 : 2 * r) {
                if (x >= 0 && x < m_nx) {
                    const size_t c = size_t(y) * m_nx + x;
                    for (uint32_t q = m_start[c]; q < m_start[c + 1]; ++q) {
                        const Segment& s = m_segments[m_items[q]];
                        best = std::min(best, segmentDistance(p, s.a, s.b));
                    }
                }
                if (r == 0) break;
            }
        }
        // Anything not yet seen lies wholly in the grid's cells outside the square of rings 0..r (also when p
        // itself is outside the grid): stop once the nearest of those strips is no nearer than the best.
        if (best <= unvisitedDistance(p, cx - r, cy - r, cx + r, cy + r)) break;
    }
    return best;
}

}  // namespace fl
