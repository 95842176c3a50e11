// core/segment_grid.h — a uniform grid over 2D segments, for the questions that are O(n^2) when asked of
// every pair: which segments may touch (ring simplicity checks) and which segment is nearest a point.
// Owns: SegmentGrid (about one cell per segment, each segment listed in the cells its bounding box covers).
// Real outlines (OSM, geoBoundaries: 10k..200k vertices of short edges) cost O(n) to index and query.
#pragma once

#include <glm/vec2.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace fl {

class SegmentGrid {
public:
    struct Segment {
        glm::dvec2 a, b;
    };
    // `segments` must outlive the grid. Non-finite coordinates are the caller's to reject first.
    explicit SegmentGrid(const std::vector<Segment>& segments);

    // Calls visit(i, j), i < j, for each pair of segments whose bounding boxes share a grid cell: every pair
    // that touches is among them. A pair sharing several cells is visited once. Stops when visit returns false.
    void forEachCandidatePair(const std::function<bool(uint32_t, uint32_t)>& visit) const;
    // Calls visit(i) for each segment listed in a cell that the box [lo, hi] covers (repeats possible).
    void forEachNear(glm::dvec2 lo, glm::dvec2 hi, const std::function<bool(uint32_t)>& visit) const;
    // Distance from p to the nearest segment (infinity without segments): rings of cells outwards from p,
    // stopping when no unvisited cell can hold anything nearer.
    double nearestDistance(glm::dvec2 p) const;

private:
    int cellX(double x) const;
    int cellY(double y) const;
    // Distance from p to the grid's cells outside the cell box [cx0, cx1] x [cy0, cy1] (infinity: none left).
    double unvisitedDistance(glm::dvec2 p, int cx0, int cy0, int cx1, int cy1) const;
    const std::vector<Segment>& m_segments;
    glm::dvec2 m_min{0}, m_cell{1};
    int m_nx = 0, m_ny = 0;
    std::vector<uint32_t> m_start;  // CSR: the segments of cell c are m_items[m_start[c] .. m_start[c + 1])
    std::vector<uint32_t> m_items;
};

// Distance from p to the segment ab.
double segmentDistance(glm::dvec2 p, glm::dvec2 a, glm::dvec2 b);

}  // namespace fl
