// Issue 11 finding 3: ring checks and the overlay field's morph reach were O(n^2) in an area's vertices
// (a 192k-vertex district took ~100 s to import and as long to render). They now go through SegmentGrid;
// these tests check it finds exactly what the brute force finds, and that big rings are checked at all.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <random>
#include <set>

#include "core/segment_grid.h"
#include "story/story.h"

using namespace fl;
using fl::story::Ring;

namespace {

// A wiggly star-shaped (so simple) ring of n vertices.
Ring starRing(size_t n) {
    Ring r;
    for (size_t i = 0; i < n; ++i) {
        const double a = 2 * std::numbers::pi * double(i) / double(n);
        const double radius = 0.1 * (1 + 0.15 * std::sin(7 * a) + 0.04 * std::sin(97 * a));
        r.push_back({66.4 + radius * std::cos(a), 31.0 + radius * std::sin(a)});
    }
    return r;
}

double secondsOf(const std::function<void()>& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST(SegmentGrid, CandidatePairsIncludeEveryTouchingPairOnce) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> pos(0, 10), len(-0.6, 0.6);
    std::vector<SegmentGrid::Segment> segs;
    for (int i = 0; i < 400; ++i) {
        const glm::dvec2 a(pos(rng), pos(rng));
        segs.push_back({a, a + glm::dvec2(len(rng), len(rng))});
    }
    segs.push_back({{0, 0}, {10, 10}});  // one long diagonal across every cell
    auto boxesOverlap = [](const SegmentGrid::Segment& s, const SegmentGrid::Segment& t) {
        return std::max(s.a.x, s.b.x) >= std::min(t.a.x, t.b.x) && std::max(t.a.x, t.b.x) >= std::min(s.a.x, s.b.x) &&
               std::max(s.a.y, s.b.y) >= std::min(t.a.y, t.b.y) && std::max(t.a.y, t.b.y) >= std::min(s.a.y, s.b.y);
    };
    std::set<std::pair<uint32_t, uint32_t>> seen;
    SegmentGrid(segs).forEachCandidatePair([&](uint32_t i, uint32_t j) {
        EXPECT_LT(i, j);
        EXPECT_TRUE(seen.insert({i, j}).second) << "pair " << i << "," << j << " visited twice";
        return true;
    });
    for (uint32_t i = 0; i < segs.size(); ++i)
        for (uint32_t j = i + 1; j < segs.size(); ++j)
            if (boxesOverlap(segs[i], segs[j])) EXPECT_TRUE(seen.count({i, j})) << i << "," << j;
}

TEST(SegmentGrid, NearestDistanceMatchesBruteForceInsideAndFarOutside) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> pos(0, 10), len(-0.3, 0.3), query(-30, 40);
    std::vector<SegmentGrid::Segment> segs;
    for (int i = 0; i < 300; ++i) {
        const glm::dvec2 a(pos(rng), pos(rng) * 0.2);  // a flat strip: cells far from square
        segs.push_back({a, a + glm::dvec2(len(rng), len(rng))});
    }
    const SegmentGrid grid(segs);
    for (int q = 0; q < 500; ++q) {
        const glm::dvec2 p(query(rng), query(rng));
        double best = 1e300;
        for (const auto& s : segs) best = std::min(best, segmentDistance(p, s.a, s.b));
        EXPECT_DOUBLE_EQ(grid.nearestDistance(p), best) << p.x << "," << p.y;
    }
    EXPECT_TRUE(std::isinf(SegmentGrid(std::vector<SegmentGrid::Segment>{}).nearestDistance({0, 0})));
}

TEST(StoryRings, SelfIntersectionOfBigRingsIsFoundAndReportedAsTheFirstPair) {
    Ring r = starRing(200000);
    std::optional<story::EdgePair> none;
    // Hang guard only (>= 10x the typical ~0.2 s); the quadratic check took ~100 s at this size.
    EXPECT_LT(secondsOf([&] { none = story::findSelfIntersection(r); }), 30.0);
    EXPECT_FALSE(none.has_value());
    // A bow tie near the end: swapping two vertices crosses edges 149999 and 150001.
    std::swap(r[150000], r[150001]);
    const auto x = story::findSelfIntersection(r);
    ASSERT_TRUE(x.has_value());
    EXPECT_EQ(x->a, 149999u);
    EXPECT_EQ(x->b, 150001u);
    // A second ring touching the first, and one apart from it.
    Ring inner = starRing(50000);
    for (auto& p : inner) p = {66.4 + (p.lon - 66.4) * 0.5, 31.0 + (p.lat - 31.0) * 0.5};
    EXPECT_FALSE(story::ringsTouch(starRing(200000), inner));
    inner[10] = starRing(200000)[40000];
    EXPECT_TRUE(story::ringsTouch(starRing(200000), inner));
}
