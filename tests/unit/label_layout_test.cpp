// Label placement: no overlaps ever, priority, hysteresis at collision boundaries, debounced occlusion,
// fades, and leader lines for displaced labels.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "render/label_layout.h"
#include "render/screen_index.h"

using namespace fl::render;

namespace {

LabelInput label(const std::string& id, glm::vec2 anchor, glm::vec2 size, int priority = 0, float marker = 2) {
    LabelInput l;
    l.id = id;
    l.anchor = anchor;
    l.size = size;
    l.priority = priority;
    l.onScreen = true;
    l.markerRadius = marker;
    return l;
}

// Every pair of visible labels: boxes apart, and no box over another's marker; all inside the frame.
void expectNoOverlap(const std::vector<LabelInput>& in, const LabelLayoutResult& r, const LabelLayoutOptions& o) {
    for (size_t i = 0; i < in.size(); ++i) {
        const LabelPlacement& a = r.placements[i];
        if (!a.visible) continue;
        EXPECT_GT(a.alpha, 0.0f);
        EXPECT_TRUE(a.box.x0 >= 0 && a.box.y0 >= 0 && a.box.x1 <= o.width && a.box.y1 <= o.height) << in[i].id;
        for (size_t j = 0; j < in.size(); ++j) {
            if (j == i || !r.placements[j].visible) continue;
            if (j > i) EXPECT_FALSE(a.box.overlaps(r.placements[j].box)) << in[i].id << " / " << in[j].id;
            const float m = in[j].markerRadius;
            const Box marker{in[j].anchor.x - m, in[j].anchor.y - m, in[j].anchor.x + m, in[j].anchor.y + m};
            EXPECT_FALSE(a.box.overlaps(marker)) << in[i].id << " covers the marker of " << in[j].id;
        }
    }
}

LabelLayoutOptions frame(float w, float h) {
    LabelLayoutOptions o;
    o.width = w;
    o.height = h;
    return o;
}

}  // namespace

TEST(LabelLayoutTest, ManyRandomLabelsNeverOverlapInAnyFrame) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> x(0, 960), y(0, 540), w(30, 140), h(12, 40), jitter(-3, 3);
    std::uniform_int_distribution<int> priority(0, 5);
    std::vector<LabelInput> labels;
    for (int i = 0; i < 200; ++i)
        labels.push_back(label("l" + std::to_string(i), {x(rng), y(rng)}, {w(rng), h(rng)}, priority(rng)));
    LabelLayoutOptions o = frame(960, 540);
    o.obstacles = {{20, 20, 300, 90}};
    LabelLayoutState state;
    int visible = 0;
    for (int f = 0; f < 60; ++f) {
        for (auto& l : labels) {
            l.anchor += glm::vec2(jitter(rng), jitter(rng));
            l.occluded = (f / 10 + std::hash<std::string>{}(l.id)) % 7 == 0;
        }
        const LabelLayoutResult r = layoutLabels(labels, state, o);
        expectNoOverlap(labels, r, o);
        for (const auto& p : r.placements)
            if (p.visible) {
                EXPECT_FALSE(p.box.overlaps(o.obstacles[0]));
                ++visible;
            }
        state = r.state;
    }
    EXPECT_GT(visible, 60 * 20) << "the layout should place a good share of the labels";
}

TEST(LabelLayoutTest, HigherPriorityWinsTheOnlyPlace) {
    // At the top-left corner only the right-hand position fits in the frame.
    LabelLayoutOptions o = frame(400, 400);
    o.leaderDistances = {};
    for (int swap = 0; swap < 2; ++swap) {
        std::vector<LabelInput> in = {label("a", {10, 10}, {60, 20}, swap ? 1 : 5),
                                      label("b", {10, 10}, {60, 20}, swap ? 5 : 1)};
        const auto r = layoutLabels(in, {}, o);
        EXPECT_EQ(r.placements[0].visible, swap == 0);
        EXPECT_EQ(r.placements[1].visible, swap == 1);
    }
    // Equal priorities: the id decides, whatever the input order.
    std::vector<LabelInput> in = {label("z", {10, 10}, {60, 20}), label("m", {10, 10}, {60, 20})};
    const auto r = layoutLabels(in, {}, o);
    EXPECT_FALSE(r.placements[0].visible);
    EXPECT_TRUE(r.placements[1].visible);
}

namespace {
// B can only go right of its anchor (frame edge); A sits right of it. B's anchor alternates between a place
// where it just clears A by the margin and one where it does not.
int boundaryToggles(float appearMargin) {
    LabelLayoutOptions o = frame(400, 200);
    o.leaderDistances = {};
    o.margin = 3;
    o.gap = 0;
    o.appearMargin = appearMargin;
    o.fadeFrames = 0;
    LabelLayoutState state;
    int toggles = 0;
    bool last = false;
    for (int f = 0; f < 40; ++f) {
        const float bx = f % 2 == 0 ? 20.0f : 21.0f;
        std::vector<LabelInput> in = {label("A", {73.5f, 100}, {50, 20}, 10, 0), label("B", {bx, 100}, {50, 20}, 0, 0)};
        const auto r = layoutLabels(in, state, o);
        EXPECT_TRUE(r.placements[0].visible);
        if (f > 0 && r.placements[1].visible != last) ++toggles;
        last = r.placements[1].visible;
        state = r.state;
    }
    return toggles;
}
}  // namespace

TEST(LabelLayoutTest, ALabelAtTheCollisionBoundaryDoesNotAlternate) {
    EXPECT_LE(boundaryToggles(8), 1);
    // Without the appear margin the same motion flickers every frame: the test can tell.
    EXPECT_GT(boundaryToggles(0), 10);
}

TEST(LabelLayoutTest, ShownLabelsKeepTheirPositionWhileTheyFit) {
    LabelLayoutOptions o = frame(800, 400);
    LabelLayoutState state;
    int position = -1;
    for (int f = 0; f < 20; ++f) {
        // A newcomer of the same priority appears to the right, its left place over the incumbent: the
        // incumbent keeps its place.
        std::vector<LabelInput> in = {label("x", {400, 200}, {80, 20})};
        if (f >= 5) in.push_back(label("a", {560, 200}, {80, 20}));
        const auto r = layoutLabels(in, state, o);
        ASSERT_TRUE(r.placements[0].visible);
        if (position < 0) position = r.placements[0].position;
        EXPECT_EQ(r.placements[0].position, position) << "frame " << f;
        expectNoOverlap(in, r, o);
        state = r.state;
    }
}

TEST(LabelLayoutTest, OccludedLabelsHideAfterTheDebounceAndFade) {
    LabelLayoutOptions o = frame(800, 400);
    o.debounceFrames = 3;
    o.fadeFrames = 4;
    // On a cut an occluded label is hidden at once.
    LabelInput l = label("k", {400, 200}, {80, 20});
    l.occluded = true;
    EXPECT_FALSE(layoutLabels({l}, {}, o).placements[0].visible);

    l.occluded = false;
    LabelLayoutState state = layoutLabels({l}, {}, o).state;
    // A one-frame occlusion (a sliver of ridge) changes nothing.
    l.occluded = true;
    auto r = layoutLabels({l}, state, o);
    EXPECT_FLOAT_EQ(r.placements[0].alpha, 1.0f);
    l.occluded = false;
    r = layoutLabels({l}, r.state, o);
    state = r.state;
    // Lasting occlusion: full for debounceFrames - 1 frames, then fading out over fadeFrames, then gone.
    l.occluded = true;
    std::vector<float> alphas;
    for (int f = 0; f < 10; ++f) {
        r = layoutLabels({l}, state, o);
        alphas.push_back(r.placements[0].alpha);
        state = r.state;
    }
    EXPECT_FLOAT_EQ(alphas[0], 1.0f);
    EXPECT_FLOAT_EQ(alphas[1], 1.0f);
    EXPECT_NEAR(alphas[2], 0.75f, 1e-5);
    EXPECT_NEAR(alphas[4], 0.25f, 1e-5);
    EXPECT_FLOAT_EQ(alphas[5], 0.0f);
    EXPECT_FALSE(r.placements[0].visible);
    // Coming back it fades in.
    l.occluded = false;
    for (int f = 0; f < 3; ++f) r = layoutLabels({l}, r.state, o);
    EXPECT_NEAR(r.placements[0].alpha, 0.25f, 1e-5);
}

TEST(LabelLayoutTest, CrowdedLabelsAreDisplacedWithLeaderLines) {
    LabelLayoutOptions o = frame(800, 600);
    std::vector<LabelInput> in;
    for (int i = 0; i < 8; ++i) in.push_back(label("p" + std::to_string(i), {400, 300}, {70, 18}, 10 - i));
    const auto r = layoutLabels(in, {}, o);
    expectNoOverlap(in, r, o);
    int near = 0, displaced = 0;
    for (const auto& p : r.placements) {
        ASSERT_TRUE(p.visible);
        if (p.position < 4) {
            ++near;
            EXPECT_FALSE(p.leader);
        } else {
            ++displaced;
            ASSERT_TRUE(p.leader);
            // The leader runs from the marker's edge to the box's nearest point.
            EXPECT_NEAR(glm::length(p.leaderFrom - glm::vec2(400, 300)), 2.0f, 1e-3);
            const bool onEdge = std::abs(p.leaderTo.x - p.box.x0) < 1e-3 || std::abs(p.leaderTo.x - p.box.x1) < 1e-3 ||
                                std::abs(p.leaderTo.y - p.box.y0) < 1e-3 || std::abs(p.leaderTo.y - p.box.y1) < 1e-3;
            EXPECT_TRUE(onEdge);
        }
    }
    // Wide labels: above/below would touch the side ones, so two near places and the rest displaced.
    EXPECT_GE(near, 2);
    EXPECT_GE(displaced, 4);
    EXPECT_EQ(near + displaced, 8);
}

TEST(LabelLayoutTest, OffScreenAnchorsAreHidden) {
    LabelInput l = label("q", {400, 200}, {80, 20});
    l.onScreen = false;
    EXPECT_FALSE(layoutLabels({l}, {}, frame(800, 400)).placements[0].visible);
}

TEST(LabelLayoutTest, SameInputSameOutput) {
    std::vector<LabelInput> in;
    for (int i = 0; i < 30; ++i)
        in.push_back(label("d" + std::to_string(i), {200.0f + i * 13, 200.0f + (i % 5) * 9}, {60, 16}));
    const auto a = layoutLabels(in, {}, frame(800, 400)), b = layoutLabels(in, {}, frame(800, 400));
    for (size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ(a.placements[i].visible, b.placements[i].visible);
        EXPECT_EQ(a.placements[i].position, b.placements[i].position);
    }
}

// The layout's own line tests, against hand-made cases.
TEST(LabelLayoutTest, ScreenGeometryPrimitives) {
    EXPECT_TRUE(segmentsCross({0, 0}, {10, 10}, {0, 10}, {10, 0}));
    EXPECT_FALSE(segmentsCross({0, 0}, {10, 0}, {0, 1}, {10, 1}));
    EXPECT_TRUE(segmentsCross({0, 0}, {10, 0}, {10, 0}, {10, 5}));  // touching counts
    EXPECT_TRUE(segmentTouchesBox({-5, 5}, {15, 5}, {0, 0, 10, 10}));
    EXPECT_TRUE(segmentTouchesBox({2, 2}, {3, 3}, {0, 0, 10, 10}));  // wholly inside
    EXPECT_FALSE(segmentTouchesBox({-5, -1}, {15, -1}, {0, 0, 10, 10}));
    EXPECT_FLOAT_EQ(distanceToSegment({5, 3}, {0, 0}, {10, 0}), 3.0f);
    ScreenIndex index(200, 100, 16);
    index.addPolyline({{0, 50}, {199, 50}}, false);
    index.addBox({10, 10, 20, 20}, 7);
    EXPECT_TRUE(index.anySegmentTouches({100, 40, 120, 60}));
    EXPECT_FALSE(index.anySegmentTouches({100, 60, 120, 80}));
    EXPECT_TRUE(index.anySegmentCrosses({150, 10}, {150, 90}));
    EXPECT_TRUE(index.anySegmentWithin({30, 53}, 4));
    EXPECT_FALSE(index.anySegmentWithin({30, 60}, 4));
    EXPECT_TRUE(index.anyBoxOverlaps({15, 15, 30, 30}));
    EXPECT_FALSE(index.anyBoxOverlaps({15, 15, 30, 30}, 7));  // its owner's own box is skipped
}

TEST(LabelLayoutTest, ANameStaysOnItsSideOfABorder) {
    // A town just east of a north-south border, with its east side taken by an obstacle: before, its name
    // went west across the border (and read as if the town were in the other country). Now it goes above or
    // below on its own side, or not at all.
    LabelLayoutOptions o = frame(400, 300);
    o.borders = {{{200, 0}, {200, 300}}};
    const LabelInput town = label("chaman", {212, 150}, {60, 16});
    for (int blocked = 0; blocked < 2; ++blocked) {
        o.obstacles = {{214, 130, 400, 170}};                    // east taken
        if (blocked) o.obstacles.push_back({202, 0, 400, 149});  // and everything north-east
        const LabelLayoutResult r = layoutLabels({town}, {}, o);
        const LabelPlacement& p = r.placements[0];
        if (p.visible) {
            EXPECT_GE(p.box.x0, 200.0f) << "the name crossed the border";
            EXPECT_FALSE(p.box.grown(o.margin).overlaps({199, 0, 201, 300}));
        }
        if (!blocked) EXPECT_TRUE(p.visible) << "a place on its own side was free";
    }
    // A place on the border itself (a crossing) may be named on either side.
    o.obstacles = {{202, 0, 400, 300}};
    LabelInput crossing = label("crossing", {201, 150}, {60, 16});
    crossing.onBorder = true;
    const LabelLayoutResult r = layoutLabels({crossing}, {}, o);
    EXPECT_TRUE(r.placements[0].visible);
    EXPECT_LT(r.placements[0].box.x1, 200.0f);
}

TEST(LabelLayoutTest, LeadersDoNotRunAlongRoutesOrBorders) {
    // Crowded so the label needs a leader; a route runs right from the anchor, where the first leader would go.
    LabelLayoutOptions o = frame(600, 400);
    const glm::vec2 a{300, 200};
    const LabelInput l = label("town", a, {60, 16});
    o.obstacles = {{240, 150, 360, 250}};  // the four near places are taken
    const LabelLayoutResult free = layoutLabels({l}, {}, o);
    ASSERT_TRUE(free.placements[0].visible);
    ASSERT_TRUE(free.placements[0].leader);
    const glm::vec2 mid = 0.5f * (free.placements[0].leaderFrom + free.placements[0].leaderTo);
    // A route along that leader: the layout must choose another direction.
    o.routes = {{a, a + 3.0f * (mid - a)}};
    const LabelLayoutResult r = layoutLabels({l}, {}, o);
    ASSERT_TRUE(r.placements[0].visible);
    ASSERT_TRUE(r.placements[0].leader);
    for (float t : {0.25f, 0.5f, 0.75f}) {
        const glm::vec2 p = r.placements[0].leaderFrom + t * (r.placements[0].leaderTo - r.placements[0].leaderFrom);
        EXPECT_GT(distanceToSegment(p, o.routes[0][0], o.routes[0][1]), o.leaderClearance);
    }
}

TEST(LabelLayoutTest, NamesKeepOffArrows) {
    // An arrowhead ending just right of a crossing, where its name would go first: the name goes elsewhere.
    LabelLayoutOptions o = frame(400, 300);
    const glm::vec2 a{200, 150};
    o.keepOff = {{{260, 140}, {204, 150}, {260, 160}, {260, 140}}};
    const LabelLayoutResult r = layoutLabels({label("crossing", a, {80, 16})}, {}, o);
    ASSERT_TRUE(r.placements[0].visible);
    EXPECT_NE(r.placements[0].position, int(LabelSide::Right));
    for (size_t k = 0; k + 1 < o.keepOff[0].size(); ++k)
        EXPECT_FALSE(segmentTouchesBox(o.keepOff[0][k], o.keepOff[0][k + 1], r.placements[0].box.grown(o.margin)));
    // A place inside a wide arrow: its name does not sit on the arrow either, it leaves it with a leader.
    o.keepOff = {{{100, 100}, {300, 100}, {300, 200}, {100, 200}, {100, 100}}};
    const LabelLayoutResult inside = layoutLabels({label("town", a, {60, 16})}, {}, o);
    ASSERT_TRUE(inside.placements[0].visible);
    const Box& b = inside.placements[0].box;
    EXPECT_TRUE(b.x1 < 100 || b.x0 > 300 || b.y1 < 100 || b.y0 > 200) << "on the arrow";
}

TEST(LabelLayoutTest, TwentyThousandLabelsLayOutWithTheGuarantees) {
    // The grid makes the layout about linear: 20k labels took 4.7 s with all-pairs checks (bench story has
    // the timing); here the result keeps every guarantee.
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> x(0, 3840), y(0, 2160), w(30, 140), h(12, 30);
    std::vector<LabelInput> labels;
    for (int i = 0; i < 20000; ++i)
        labels.push_back(label("l" + std::to_string(i), {x(rng), y(rng)}, {w(rng), h(rng)}));
    const LabelLayoutOptions o = frame(3840, 2160);
    const LabelLayoutResult r = layoutLabels(labels, {}, o);
    int visible = 0;
    std::vector<Box> boxes;
    for (const auto& p : r.placements)
        if (p.visible) boxes.push_back(p.box), ++visible;
    EXPECT_GT(visible, 500);
    // Overlaps checked by sorting on x (all pairs would be the quadratic cost this test is about).
    std::sort(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) { return a.x0 < b.x0; });
    for (size_t i = 0; i < boxes.size(); ++i)
        for (size_t j = i + 1; j < boxes.size() && boxes[j].x0 < boxes[i].x1; ++j)
            EXPECT_FALSE(boxes[i].overlaps(boxes[j]));
}
