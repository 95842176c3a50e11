// render/screen_index.h — what is near a box on the screen, in time independent of how much is on it.
// Owns: a uniform grid over the frame holding boxes and line segments (pixels), and the few exact tests the
// label layout asks of them. The layout's old all-pairs checks took 4.7 s for 20k labels.
#pragma once

#include <glm/glm.hpp>

#include <cstdint>
#include <vector>

#include "render/label_layout.h"

namespace fl::render {

// Does segment a-b touch box `b` (closed)?
bool segmentTouchesBox(glm::vec2 a, glm::vec2 b, const Box& box);
// Do segments p0-p1 and q0-q1 cross (proper or touching)?
bool segmentsCross(glm::vec2 p0, glm::vec2 p1, glm::vec2 q0, glm::vec2 q1);
float distanceToSegment(glm::vec2 p, glm::vec2 a, glm::vec2 b);

class ScreenIndex {
public:
    // A frame of `width` x `height` px in cells of `cell` px; things outside it are clamped into the border
    // cells (the layout only asks about boxes inside the frame).
    ScreenIndex(float width, float height, float cell = 48.0f);

    // `tag`: whose box it is (anyBoxOverlaps can skip one owner's).
    void addBox(const Box& b, uint32_t tag = kNoTag);
    // Each segment of the polyline (a ring when `closed`).
    void addPolyline(const std::vector<glm::vec2>& points, bool closed);

    static constexpr uint32_t kNoTag = 0xFFFFFFFFu;
    bool anyBoxOverlaps(const Box& b, uint32_t exceptTag = kNoTag) const;  // strictly, as Box::overlaps
    bool anySegmentTouches(const Box& b) const;                            // segmentTouchesBox
    // Does segment a-b touch any box (but `exceptTag`'s)?
    bool anyBoxTouchedBy(glm::vec2 a, glm::vec2 b, uint32_t exceptTag = kNoTag) const;
    bool anySegmentCrosses(glm::vec2 a, glm::vec2 b) const;
    bool anySegmentWithin(glm::vec2 p, float distance) const;
    size_t boxes() const { return m_boxes.size(); }

private:
    struct Range {
        int x0, y0, x1, y1;
    };
    Range cells(const Box& b) const;
    template <class F>
    bool anyIn(const std::vector<std::vector<uint32_t>>& grid, const Box& b, std::vector<uint32_t>& seen,
               F&& test) const;

    float m_cell;
    int m_nx, m_ny;
    std::vector<Box> m_boxes;
    std::vector<uint32_t> m_tags;
    std::vector<glm::vec4> m_segments;  // (x0, y0, x1, y1)
    std::vector<std::vector<uint32_t>> m_boxGrid, m_segmentGrid;
    mutable std::vector<uint32_t> m_boxSeen, m_segmentSeen;  // query stamps: each item tested once a query
    mutable uint32_t m_stamp = 0;
};

}  // namespace fl::render
