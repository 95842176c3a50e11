// The camera track: easing curves and Bézier handles, logarithmic range, the van Wijk–Nuij fly-to, orbit,
// look-at, the ground clearance, and its file form (read strictly, written back equal). Values by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/geodesy.h"
#include "story/camera_track.h"
#include "story/camera_track_json.h"
#include "story/story.h"
#include "terrain/dem.h"

using namespace fl::story;

namespace {

CameraKey key(double at, double range, double heading = 0, double pitch = -90) {
    CameraKey k;
    k.at = at;
    k.lat = 31.0;
    k.lon = 66.4;
    k.range = range;
    k.heading = heading;
    k.pitch = pitch;
    return k;
}

}  // namespace

TEST(CameraEasing, CurvesMatchHandComputedValues) {
    EXPECT_DOUBLE_EQ(cameraEase({CameraEasing::Linear}, 0.3), 0.3);
    EXPECT_DOUBLE_EQ(cameraEase({CameraEasing::EaseInOut}, 0.25), 0.15625);  // 3/16 - 2/64
    EXPECT_DOUBLE_EQ(cameraEase({CameraEasing::EaseInOut}, 0.5), 0.5);
    EXPECT_EQ(cameraEase({CameraEasing::Hold}, 0.999), 0.0);
    EXPECT_EQ(cameraEase({CameraEasing::Hold}, 1.0), 1.0);
    // Handles on the diagonal's thirds make the Bézier the identity.
    for (double u : {0.1, 0.5, 0.77}) EXPECT_NEAR(cubicBezierEase(1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, u), u, 1e-12);
    // CSS `ease` (0.25, 0.1, 0.25, 1) at x = 0.5: t = 0.6995724, y = 0.8024034 (solved by hand, bisection).
    EXPECT_NEAR(cubicBezierEase(0.25, 0.1, 0.25, 1.0, 0.5), 0.802403387584857, 1e-9);
    EXPECT_EQ(cubicBezierEase(0.25, 0.1, 0.25, 1.0, 0.0), 0.0);
    EXPECT_EQ(cubicBezierEase(0.25, 0.1, 0.25, 1.0, 1.0), 1.0);
    // Overshooting handles: y passes 1 before the end (a settle), and the ends still hold.
    EXPECT_GT(cubicBezierEase(0.3, 1.6, 0.7, 1.0, 0.6), 1.0);
}

TEST(CameraTrack, RangeIsLogarithmicSoTheEndIsNotRushed) {
    CameraTrack t;
    t.keys = {key(0, 400000), key(10, 4000)};
    t.keys[0].easing = {CameraEasing::Linear};
    // Straight down: the eye is `range` above the target. Halfway in time is the geometric mean, 40 km.
    EXPECT_NEAR(evaluateCamera(t, 5).altitudeMsl, 40000, 1e-3);
    EXPECT_NEAR(evaluateCamera(t, 2.5).altitudeMsl, std::sqrt(400000.0 * 40000.0), 1e-2);
    t.keys[0].logRange = false;
    EXPECT_NEAR(evaluateCamera(t, 5).altitudeMsl, 202000, 1e-3);
    // Held before the first key and after the last; the ends are the keys.
    EXPECT_NEAR(evaluateCamera(t, -1).altitudeMsl, 400000, 1e-3);
    EXPECT_NEAR(evaluateCamera(t, 99).altitudeMsl, 4000, 1e-3);
    EXPECT_NEAR(evaluateCamera(t, 10).altitudeMsl, 4000, 1e-3);
}

TEST(CameraTrack, ObliqueKeyPlacesTheEyeBackAlongTheHeading) {
    CameraTrack t;
    t.keys = {key(0, 10000, 90, -30)};  // looking east, 30 degrees down, from 10 km
    const CameraSample s = evaluateCamera(t, 0);
    EXPECT_NEAR(s.altitudeMsl, 5000, 10);  // sin 30 deg * 10 km, less a little curvature
    EXPECT_LT(s.lon, 66.4);                // west of the target
    EXPECT_NEAR(s.lat, 31.0, 1e-3);
    EXPECT_NEAR(s.heading, 90, 0.1);
    EXPECT_NEAR(s.pitch, -30, 0.1);
    // cos 30 deg * 10 km; the haversine distance is good to 0.5 %.
    EXPECT_NEAR(fl::geo::surfaceDistance(s.lat, s.lon, 31.0, 66.4), 8660, 45);
}

TEST(FlyTo, EndpointsWidestInTheMiddleAndMonotonicProgress) {
    const FlyToPath p = makeFlyTo(100000, 1000, 1000, std::sqrt(2.0));
    EXPECT_NEAR(p.length, 7.492987631542593, 1e-9);
    EXPECT_EQ(flyToAt(p, 0).u, 0);
    EXPECT_EQ(flyToAt(p, 0).w, 1000);
    EXPECT_EQ(flyToAt(p, 1).u, 100000);
    EXPECT_EQ(flyToAt(p, 1).w, 1000);
    // Symmetric ends: the middle is at half the distance and zoomed out to w0 cosh(r0) = 1000 sqrt(1 + 100^2).
    EXPECT_NEAR(flyToAt(p, 0.5).u, 50000, 1e-6);
    EXPECT_NEAR(flyToAt(p, 0.5).w, 1000 * std::sqrt(10001.0), 1e-6);
    double last = -1;
    for (int i = 0; i <= 100; ++i) {
        const double u = flyToAt(p, i / 100.0).u;
        EXPECT_GT(u, last);
        last = u;
    }
    // No pan: a pure zoom of length ln(w0/w1)/rho, exponential in s.
    const FlyToPath zoom = makeFlyTo(0, 8000, 1000, std::sqrt(2.0));
    EXPECT_NEAR(zoom.length, std::log(8.0) / std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(flyToAt(zoom, 1.0 / 3).w, 4000, 1e-9);
}

TEST(CameraTrack, FlyToSegmentEndsOnBothKeys) {
    CameraTrack t;
    t.keys = {key(0, 300000, 0, -89), key(20, 8000, 120, -20)};
    t.keys[1].lat = 30.99;
    t.keys[1].lon = 66.39;
    t.keys[0].path = CameraPath::FlyTo;
    t.keys[0].lat = 31.5;
    t.keys[0].lon = 65.9;
    const CameraSample a = evaluateCamera(t, 0), b = evaluateCamera(t, 20), mid = evaluateCamera(t, 10);
    EXPECT_NEAR(a.targetLat, 31.5, 1e-12);
    EXPECT_NEAR(b.targetLat, 30.99, 1e-12);
    // The heading is the target's; at the eye, meridians converge by dlon sin(lat) ~ 0.04 deg.
    EXPECT_NEAR(b.heading, 120, 0.06);
    EXPECT_GT(mid.altitudeMsl, 0);
    EXPECT_NEAR(evaluateCamera(t, 19.999).targetLon, 66.39, 1e-4);
}

TEST(CameraTrack, OrbitTurnsByTheGivenDegrees) {
    CameraTrack t;
    t.keys = {key(0, 5000, 10, -30), key(8, 5000, 10, -30)};
    t.keys[0].orbit = 360;
    t.keys[0].easing = {CameraEasing::Linear};
    EXPECT_NEAR(evaluateCamera(t, 4).heading, 190, 0.05);
    EXPECT_NEAR(evaluateCamera(t, 2).heading, 100, 0.05);
    EXPECT_FALSE(checkCameraTrack(t));
    t.keys[1].heading = 20;  // 10 + 360 is not 20
    EXPECT_TRUE(checkCameraTrack(t));
}

TEST(CameraTrack, LookAtInfluenceTurnsTheViewToThePoint) {
    CameraTrack t;
    t.keys = {key(0, 20000, 0, -45)};
    t.lookAt = LookAtPoint{31.3, 66.4, 0};  // north of the target
    const CameraSample none = evaluateCamera(t, 0);
    t.keys[0].lookAtInfluence = 1;
    const CameraSample full = evaluateCamera(t, 0);
    t.keys[0].lookAtInfluence = 0.5;
    const CameraSample half = evaluateCamera(t, 0);
    EXPECT_NEAR(full.lat, none.lat, 1e-12);  // the eye stays; only the view turns
    EXPECT_GT(full.pitch, none.pitch);       // the point is further away: the view rises toward it
    EXPECT_NEAR(half.pitch, (none.pitch + full.pitch) / 2, 1e-9);
}

TEST(CameraTrack, ClearanceLiftsTheEyeAboveTheGround) {
    CameraTrack t;
    t.keys = {key(0, 3000, 0, -10)};  // eye ~520 m above the target's height 0
    t.minClearance = 100;
    const CameraSample free = evaluateCamera(t, 0, [](double, double) { return std::optional<double>(0.0); });
    EXPECT_FALSE(free.clearanceRaised);
    const CameraSample lifted = evaluateCamera(t, 0, [](double, double) { return std::optional<double>(1500.0); });
    EXPECT_TRUE(lifted.clearanceRaised);
    EXPECT_NEAR(lifted.altitudeMsl, 1600, 1e-6);
    EXPECT_LT(lifted.pitch, -10);  // still looking at the target, now from above
}

TEST(CameraTrackJson, RoundTripsAndNamesBadKeys) {
    const char* text = R"({"minClearance": 80, "lookAt": {"lat": 31, "lon": 66.4},
        "keyframes": [{"at": 0, "lat": 31.5, "lon": 65.9, "range": 300000, "pitch": -89, "path": "flyTo",
                       "easing": [0.4, 0, 0.2, 1]},
                      {"at": 20, "lat": 31, "lon": 66.4, "height": 2400, "range": 8000, "heading": 120,
                       "pitch": -20, "easing": "hold", "rangeInterpolation": "linear", "lookAtInfluence": 0.3}]})";
    auto t = cameraTrackFromJson(nlohmann::json::parse(text));
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(t->keys.size(), 2u);
    EXPECT_EQ(t->keys[0].path, CameraPath::FlyTo);
    EXPECT_EQ(t->keys[0].easing.kind, CameraEasing::Bezier);
    EXPECT_EQ(t->keys[1].easing.kind, CameraEasing::Hold);
    EXPECT_FALSE(t->keys[1].logRange);
    auto back = cameraTrackFromJson(nlohmann::json::parse(cameraTrackToJson(*t).dump()));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, *t);

    auto error = [](const char* j) { return cameraTrackFromJson(nlohmann::json::parse(j)).error().message; };
    EXPECT_EQ(error(R"({"keyframes": [{"at": 0, "lat": 1, "lon": 2, "range": 5, "rnage": 3}]})"),
              "keyframe 0: unknown key \"rnage\"");
    EXPECT_EQ(error(R"({"keyframes": [{"at": 0, "lat": 1, "lon": 2, "range": -5}]})"),
              "keyframe 0: \"range\" must be 0.1..100000000 m");
    EXPECT_EQ(error(R"({"keyframes": [{"at": 0, "lat": 1, "lon": 2}]})"), "keyframe 0: needs \"range\"");
    EXPECT_EQ(error(R"({"keyframes": []})"), "a camera track needs at least one keyframe");
    EXPECT_EQ(error(R"({"keyframes": [{"at": 1, "lat": 1, "lon": 2, "range": 5}, {"at": 1, "lat": 1, "lon": 2,
                 "range": 5}]})"),
              "keyframe 1: \"at\" must be after the previous keyframe's");
    EXPECT_NE(error(R"({"keyframes": [{"at": 0, "lat": 1, "lon": 2, "range": 5, "easing": "bounce"}]})").find("bounce"),
              std::string::npos);
    EXPECT_NE(error("[1]").find("keyframes"), std::string::npos);
}

TEST(CameraTrackJson, StoryFileCarriesTheTrackAndNamesTheFile) {
    auto story = loadStory(FRONTLINE_ASSET_DIR "/stories/spin-boldak-2021.json");
    ASSERT_TRUE(story) << story.error().message;
    ASSERT_TRUE(story->camera);  // the default story has its shot
    EXPECT_GE(trackDuration(*story->camera), 15.0);
    auto again = parseStory(serializeStory(*story), "again.json");
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*again->camera, *story->camera);

    std::string text = serializeStory(*story);
    const size_t at = text.find("\"range\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 7, "\"rang\"");
    auto bad = parseStory(text, "shot.json");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("shot.json"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("camera"), std::string::npos) << bad.error().message;
}

TEST(CameraTrack, DefaultShotKeepsItsClearanceAboveTheDrawnTerrain) {
    auto story = loadStory(FRONTLINE_ASSET_DIR "/stories/spin-boldak-2021.json");
    ASSERT_TRUE(story && story->camera);
    auto dem = fl::terrain::loadDem(FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif");
    ASSERT_TRUE(dem) << dem.error().message;
    const double exaggeration = 2.0;  // the default look's
    const GroundHeight ground = [&](double lat, double lon) -> std::optional<double> {
        const double h = dem->sampleBilinear(lat, lon);
        return std::isfinite(h) ? std::optional(h * exaggeration) : std::nullopt;
    };
    double lowest = 1e9;
    for (double t = 0; t <= trackDuration(*story->camera); t += 0.04) {
        const CameraSample s = evaluateCamera(*story->camera, t, ground);
        const auto g = ground(s.lat, s.lon);
        ASSERT_TRUE(g) << "the eye at " << t << " s is over the elevation grid";
        EXPECT_GE(s.altitudeMsl, *g + story->camera->minClearance - 1e-6) << t << " s";
        lowest = std::min(lowest, s.altitudeMsl - *g);
        EXPECT_LT(s.pitch, 0) << "the shot looks down at " << t << " s";
    }
    EXPECT_LT(lowest, 20000) << "the shot ends low over the crossing";
}
