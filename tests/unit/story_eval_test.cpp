// Evaluating a story at a time: easing, area weights before/at/between/after keyframes, captions, and the arrow
// outline (empty at 0, growing monotonically, simple and counter-clockwise, tip at the path's end).
#include <gtest/gtest.h>

#include <cmath>

#include "core/geodesy.h"
#include "story/arrow_geometry.h"
#include "story/story.h"
#include "story/story_eval.h"

using namespace fl::story;

namespace {

StoryTime at(const char* iso) {
    return *parseStoryTime(iso);
}

MultiPolygon box(double lon, double lat, double d) {
    return {{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}}, {}}};
}

Story threeKeyframes() {
    Story s;
    s.title = "t";
    s.clock = {at("2021-07-01"), at("2021-07-15"), 10};
    s.factions.push_back({"g", "G", "G", {0, 0, 1, 1}, FillPattern::Solid, nlohmann::json::object()});
    ControlArea a{"a", "g", "A", {}, nlohmann::json::object()};
    ControlKeyframe k;
    k.time = at("2021-07-02");
    k.area = box(66, 31, 0.1);
    k.easing = Easing::Linear;
    a.keyframes.push_back(k);
    k.time = at("2021-07-04");
    k.status = ClaimStatus::Claimed;
    k.easing = Easing::EaseInOut;
    a.keyframes.push_back(k);
    k.time = at("2021-07-10");
    k.status = ClaimStatus::Contested;
    a.keyframes.push_back(k);
    s.areas.push_back(a);
    s.arrows.push_back({"arr",
                        "g",
                        "",
                        {{66.0, 31.3}, {66.2, 31.15}, {66.44, 30.96}},
                        at("2021-07-13T18:00:00Z"),
                        at("2021-07-14T10:00:00Z"),
                        Easing::Linear,
                        2.5,
                        nlohmann::json::object()});
    s.captions = {{at("2021-07-01"), at("2021-07-15"), "As of {date}"},
                  {at("2021-07-14"), at("2021-07-15"), "Claim on {date}, repeated {date}"}};
    return s;
}

// Area in square metres in a local plane (good enough to compare outlines with each other).
double areaM2(const Ring& r) {
    if (r.size() < 3) return 0;
    const double k = 111320.0 * std::cos(fl::geo::radians(r[0].lat));
    double a = 0;
    for (size_t i = 0; i < r.size(); ++i) {
        const LonLat& p = r[i];
        const LonLat& q = r[(i + 1) % r.size()];
        a += (p.lon * k) * (q.lat * 110900.0) - (q.lon * k) * (p.lat * 110900.0);
    }
    return a / 2;
}

}  // namespace

TEST(Ease, EndpointsAndMonotonicity) {
    for (Easing e : {Easing::Linear, Easing::EaseInOut, Easing::EaseIn, Easing::EaseOut, Easing::Step}) {
        EXPECT_EQ(ease(e, 0), 0.0) << easingName(e);
        EXPECT_EQ(ease(e, 1), 1.0) << easingName(e);
        EXPECT_EQ(ease(e, -3), 0.0);
        EXPECT_EQ(ease(e, 7), 1.0);
        EXPECT_EQ(ease(e, std::nan("")), 0.0);
        double last = 0;
        for (int i = 1; i <= 1000; ++i) {
            const double v = ease(e, i / 1000.0);
            EXPECT_GE(v, last) << easingName(e) << " at " << i;
            EXPECT_LE(v, 1.0);
            last = v;
        }
    }
    EXPECT_EQ(ease(Easing::Linear, 0.25), 0.25);
    EXPECT_EQ(ease(Easing::EaseInOut, 0.5), 0.5);
    EXPECT_LT(ease(Easing::EaseInOut, 0.1), 0.1);
    EXPECT_LT(ease(Easing::EaseIn, 0.5), 0.5);
    EXPECT_GT(ease(Easing::EaseOut, 0.5), 0.5);
    EXPECT_EQ(ease(Easing::Step, 0.999), 0.0);
}

TEST(EvaluateStory, AreaWeightsAroundKeyframes) {
    const Story s = threeKeyframes();
    const auto& keys = s.areas[0].keyframes;
    {  // before the first: not visible
        const StoryFrame f = evaluateStory(s, at("2021-07-01"));
        ASSERT_EQ(f.areas.size(), 1u);
        EXPECT_FALSE(f.areas[0].visible);
        EXPECT_EQ(f.areas[0].weight, 0);
    }
    {  // at the first: visible, weight 0 toward the second
        const StoryFrame f = evaluateStory(s, at("2021-07-02"));
        EXPECT_TRUE(f.areas[0].visible);
        EXPECT_EQ(f.areas[0].from, &keys[0]);
        EXPECT_EQ(f.areas[0].to, &keys[1]);
        EXPECT_EQ(f.areas[0].weight, 0);
        EXPECT_EQ(f.areas[0].status, ClaimStatus::Confirmed);
    }
    {  // a quarter of the way, linear easing of keyframe 0
        const StoryFrame f = evaluateStory(s, at("2021-07-02T12:00:00Z"));
        EXPECT_DOUBLE_EQ(f.areas[0].weight, 0.25);
        EXPECT_EQ(f.areas[0].status, ClaimStatus::Confirmed);
    }
    {  // at the second keyframe exactly: from the second toward the third
        const StoryFrame f = evaluateStory(s, at("2021-07-04"));
        EXPECT_EQ(f.areas[0].from, &keys[1]);
        EXPECT_EQ(f.areas[0].to, &keys[2]);
        EXPECT_EQ(f.areas[0].weight, 0);
        EXPECT_EQ(f.areas[0].status, ClaimStatus::Claimed);
    }
    {  // a sixth of the way with easeInOut: smoothstep(1/6)
        const StoryFrame f = evaluateStory(s, at("2021-07-05"));
        const double u = 1.0 / 6;
        EXPECT_NEAR(f.areas[0].weight, u * u * (3 - 2 * u), 1e-12);
    }
    {  // at and after the last: held
        for (const char* t : {"2021-07-10", "2021-07-20"}) {
            const StoryFrame f = evaluateStory(s, at(t));
            EXPECT_TRUE(f.areas[0].visible);
            EXPECT_EQ(f.areas[0].from, &keys[2]);
            EXPECT_EQ(f.areas[0].to, &keys[2]);
            EXPECT_EQ(f.areas[0].weight, 0);
            EXPECT_EQ(f.areas[0].status, ClaimStatus::Contested);
        }
    }
}

TEST(EvaluateStory, ArrowsAndCaptions) {
    const Story s = threeKeyframes();
    const StoryFrame before = evaluateStory(s, at("2021-07-13"));
    ASSERT_EQ(before.arrows.size(), 1u);
    EXPECT_EQ(before.arrows[0].progress, 0);
    EXPECT_TRUE(before.arrows[0].shape.outer.empty());
    EXPECT_EQ(before.caption, "As of 13 July 2021");
    const StoryFrame mid = evaluateStory(s, at("2021-07-14T02:00:00Z"));
    EXPECT_DOUBLE_EQ(mid.arrows[0].progress, 0.5);
    EXPECT_FALSE(mid.arrows[0].shape.outer.empty());
    EXPECT_EQ(mid.caption, "As of 14 July 2021\nClaim on 14 July 2021, repeated 14 July 2021");
    const StoryFrame after = evaluateStory(s, at("2021-07-20"));
    EXPECT_EQ(after.arrows[0].progress, 1.0);
    EXPECT_EQ(after.caption, "");
}

TEST(ArrowOutline, EmptyAtZeroAndForDegeneratePaths) {
    const std::vector<LonLat> path{{66.0, 31.3}, {66.44, 30.96}};
    EXPECT_TRUE(arrowOutline(path, 0, 2.5).outer.empty());
    EXPECT_TRUE(arrowOutline(path, -1, 2.5).outer.empty());
    EXPECT_TRUE(arrowOutline(path, 0.5, 0).outer.empty());
    EXPECT_TRUE(arrowOutline(path, 0.5, std::nan("")).outer.empty());
    EXPECT_TRUE(arrowOutline({{66.0, 31.3}}, 0.5, 2.5).outer.empty());
    EXPECT_TRUE(arrowOutline({{66.0, 31.3}, {66.0, 31.3}}, 0.5, 2.5).outer.empty());
    EXPECT_TRUE(arrowOutline({{66.0, 31.3}, {std::nan(""), 31.3}}, 0.5, 2.5).outer.empty());
}

TEST(ArrowOutline, GrowsMonotonicallyIsSimpleCcwAndEndsAtThePath) {
    const std::vector<std::vector<LonLat>> paths = {
        {{66.0, 31.3}, {66.44, 30.96}},                                                                    // straight
        {{66.02, 31.3}, {66.12, 31.21}, {66.24, 31.13}, {66.34, 31.05}, {66.41, 30.99}, {66.44, 30.962}},  // the
                                                                                                           // story's
        {{66.0, 31.0}, {66.3, 31.0}, {66.3, 31.3}, {66.0, 31.3}},  // two right-angle bends, 30 km legs
    };
    for (size_t pi = 0; pi < paths.size(); ++pi) {
        const auto& path = paths[pi];
        double last = 0;
        for (int i = 1; i <= 40; ++i) {
            const double progress = i / 40.0;
            const Polygon p = arrowOutline(path, progress, 2.5);
            ASSERT_GE(p.outer.size(), 5u);
            EXPECT_TRUE(p.holes.empty());
            const auto x = findSelfIntersection(p.outer);
            EXPECT_FALSE(x) << "path " << pi << " progress " << progress << ": edges " << (x ? x->a : 0) << ", "
                            << (x ? x->b : 0);
            EXPECT_GT(ringSignedArea(p.outer), 0) << "counter-clockwise";
            const double a = areaM2(p.outer);
            EXPECT_GT(a, last) << "path " << pi << " progress " << progress;
            last = a;
        }
        // At 1 the tip is the path's end; the head is ~2.2 body widths across.
        const Polygon full = arrowOutline(path, 1, 2.5);
        double best = 1e9;
        for (const LonLat& q : full.outer)
            best = std::min(best, fl::geo::surfaceDistance(q.lat, q.lon, path.back().lat, path.back().lon));
        EXPECT_LT(best, 1.0) << "path " << pi;
    }
    // Body width: the area of a long straight arrow is about its length times its width.
    const std::vector<LonLat> straight{{66.0, 31.0}, {66.0, 31.5}};
    const double length = fl::geo::surfaceDistance(31.0, 66.0, 31.5, 66.0);
    const double a = areaM2(arrowOutline(straight, 1, 2.0).outer);
    EXPECT_GT(a, 0.6 * length * 2000.0);
    EXPECT_LT(a, 1.1 * length * 2000.0);
}
