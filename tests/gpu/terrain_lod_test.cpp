// The GPU-driven terrain on lavapipe with validation on: no holes (against a magenta clear colour), no
// popping on a slow move (geomorphing), no jitter next to the camera (precision), and golden images of the
// named views.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "gpu/context.h"
#include "output/image.h"
#include "render/offscreen.h"
#include "scene/scene.h"
#include "scene/views.h"
#include "support/golden.h"
#include "support/render_fixture.h"
#include "terrain/terrain_mesh.h"

using namespace fl;

namespace {

using fl::testing::fixture;
using fl::testing::viewPose;

render::RenderSettings terrainOnly() {
    render::RenderSettings s;
    s.borders = false;
    s.labels = false;
    return s;
}

class TerrainLodTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(fixture().renderer, nullptr);
        ASSERT_TRUE(fixture().ctx->validationEnabled()) << "install vulkan-validationlayers: the tests need them";
        lod() = render::TerrainLodOptions{};
    }
    void TearDown() override {
        lod() = render::TerrainLodOptions{};
        EXPECT_EQ(fixture().ctx->validationErrors(), 0u) << "Vulkan validation errors (see the log above)";
    }
    static render::TerrainLodOptions& lod() { return fixture().renderer->sceneRenderer().terrain()->lod(); }
};

// Where the ray through pixel (x, y) meets the ellipsoid lowered by `below` metres, if it does.
std::optional<geo::Geodetic> groundUnder(const ViewState& view, const geo::EnuFrame& frame, double x, double y,
                                         double below) {
    const glm::dvec3 o = frame.toEcef(view.eye), d = frame.dirToEcef(screenRay(view, x, y));
    const double a = geo::kSemiMajor - below, b = geo::kSemiMinor - below;
    const glm::dvec3 s(1 / a, 1 / a, 1 / b);
    const glm::dvec3 os = o * s, ds = d * s;
    const double A = glm::dot(ds, ds), B = 2 * glm::dot(os, ds), C = glm::dot(os, os) - 1;
    const double disc = B * B - 4 * A * C;
    if (disc < 0) return std::nullopt;
    const double t = (-B - std::sqrt(disc)) / (2 * A);
    if (t <= 0) return std::nullopt;
    return geo::ecefToGeodetic(o + d * t);
}

struct HoleCount {
    int checked = 0, holes = 0;
};

// Every pixel whose ray reaches the sea-level ellipsoid inside the data (with a margin) must show terrain:
// the terrain is above it there, so the ray met it first.
HoleCount countHoles(const output::ImageRgba8& img, const ViewState& view, const geo::EnuFrame& frame) {
    HoleCount c;
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            const auto g = groundUnder(view, frame, x + 0.5, y + 0.5, 100.0);
            if (!g || g->lon < 60.3 || g->lon > 70.7 || g->lat < 27.3 || g->lat > 35.7) continue;
            ++c.checked;
            const uint8_t* p = &img.pixels[(size_t(y) * img.width + x) * 4];
            if (p[0] == 255 && p[1] == 0 && p[2] == 255) ++c.holes;
        }
    return c;
}

TEST_F(TerrainLodTest, NoHolesBelowTheHorizonInAnyView) {
    render::RenderSettings s = terrainOnly();
    s.sky = false;
    s.clearColor = {1, 0, 1, 1};
    const auto& scene = fixture().scene;
    std::vector<std::pair<std::string, CameraPose>> poses;
    for (const auto& v : scene::namedViews()) poses.emplace_back(v.name, viewPose(v.name.c_str()));
    // Low and close, where many levels meet on screen: 300 m over the crossing, looking along the road.
    const double ground = terrain::meshHeight(scene.dem, 30.95, 66.43) + scene.undulation(30.95, 66.43);
    poses.emplace_back("low-crossing", CameraPose{30.95, 66.43, ground * 2 + 300, 300, -8, 50});
    for (const auto& [name, pose] : poses) {
        const int w = 480, h = 270;
        const auto img = fixture().renderer->render(pose, w, h, s);
        const HoleCount c = countHoles(img, computeView(scene.frame, pose, w, h), scene.frame);
        std::printf("%s: %d of %d ground pixels checked are holes, %u patches\n", name.c_str(), c.holes, c.checked,
                    fixture().renderer->stats().patches);
        EXPECT_GT(c.checked, w * h / 4) << name;
        EXPECT_EQ(c.holes, 0) << name << ": magenta below the horizon";
        if (c.holes) (void)output::writePng("/tmp/frontline-holes-" + name + ".png", img);
    }
}

// The image averaged over 4x4 blocks: a LOD pop moves a whole patch's worth of pixels, while single pixels
// flicker with sub-pixel detail near the horizon (aliasing, which geomorphing does not address).
output::ImageRgba8 blocks4(const output::ImageRgba8& img) {
    output::ImageRgba8 out;
    out.width = img.width / 4;
    out.height = img.height / 4;
    out.pixels.assign(size_t(out.width) * out.height * 4, 255);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            for (int c = 0; c < 3; ++c) {
                int sum = 0;
                for (int j = 0; j < 4; ++j)
                    for (int i = 0; i < 4; ++i) sum += img.pixels[(size_t(y * 4 + j) * img.width + x * 4 + i) * 4 + c];
                out.pixels[(size_t(y) * out.width + x) * 4 + c] = uint8_t((sum + 8) / 16);
            }
    return out;
}

// Largest change of a 4x4 block's colour between consecutive frames of a slow dolly (full detail each
// frame).
int largestFrameChange(const CameraPose& start, double stepM, int frames, int w, int h) {
    const render::RenderSettings s = terrainOnly();
    const auto& scene = fixture().scene;
    CameraPose pose = start;
    output::ImageRgba8 prev = fixture().renderer->render(pose, w, h, s);
    int worst = 0;
    for (int i = 1; i < frames; ++i) {
        // Forward along the heading, holding altitude: the distance to everything shrinks smoothly, so every
        // LOD range is crossed by some patch during the move.
        const double hd = geo::radians(pose.heading);
        pose.lat += stepM * std::cos(hd) / 111320.0;
        pose.lon += stepM * std::sin(hd) / (111320.0 * std::cos(geo::radians(pose.lat)));
        output::ImageRgba8 img = fixture().renderer->render(pose, w, h, s);
        const int d = output::compareImages(blocks4(img), blocks4(prev), 255).maxDiff;
        worst = std::max(worst, d);
        prev = std::move(img);
    }
    (void)scene;
    return worst;
}

TEST_F(TerrainLodTest, SlowMoveDoesNotPop) {
    // 60 frames over the ranges north-east of Kandahar, 1 m per frame at 9 km: about a tenth of a pixel of
    // image motion per frame, so a large change is a LOD switch showing.
    const CameraPose start{32.25, 66.20, 9000, 135, -30, 45};
    const int morphed = largestFrameChange(start, 1.0, 60, 480, 270);
    // The camera still, the error target swept from 0.6 to 1.2 px over 60 frames: every level boundary on
    // screen moves by half a level, and nothing else changes. With geomorphing the image changes smoothly;
    // without it the switches show (so this test can see popping).
    auto sweep = [&](bool geomorph) {
        lod().geomorph = geomorph;
        output::ImageRgba8 prev;
        int worst = 0;
        for (int i = 0; i < 60; ++i) {
            lod().maxPixelError = 0.6 * std::pow(2.0, i / 59.0);
            auto img = blocks4(fixture().renderer->render(start, 640, 360, terrainOnly()));
            if (i > 0) worst = std::max(worst, output::compareImages(img, prev, 255).maxDiff);
            prev = std::move(img);
        }
        return worst;
    };
    const int coarseMorphed = sweep(true), coarsePopping = sweep(false);
    std::printf(
        "largest 4x4-block change between frames: %d moving; sweeping the error target %d with "
        "geomorphing, %d without\n",
        morphed, coarseMorphed, coarsePopping);
    // Bounds from lavapipe runs (18 moving, 15 sweeping; 40 without geomorphing), with a margin.
    EXPECT_LE(morphed, 24) << "popping at the default error target";
    EXPECT_LE(coarseMorphed, 20) << "popping with geomorphing on";
    EXPECT_GE(coarsePopping, 2 * coarseMorphed) << "without geomorphing the switches should show";
}

TEST_F(TerrainLodTest, NoJitterTwoMetresAboveTheGround) {
    // 2 m above the ground near 31.0N 66.4E, creeping forward 2 cm a frame: with camera-relative floats the
    // image changes a little every frame; with 0.5 m float steps it would stand still and then jump.
    const auto& scene = fixture().scene;
    const double lat = 31.0, lon = 66.4;
    CameraPose pose{lat, lon, terrain::meshHeight(scene.dem, lat, lon) * 2.0 + 400.0, 90, -20, 45};
    // The eye 2 m above the streamed surface (heights at full detail after a first frame there).
    (void)fixture().renderer->render(pose, 320, 180, terrainOnly());
    const auto* streamer = fixture().renderer->streamer();
    ASSERT_NE(streamer, nullptr);
    const auto here = streamer->sampleHeight(lat, lon);
    ASSERT_TRUE(here.has_value());
    pose.altitude = here->heightMsl * 2.0 + scene.undulation(lat, lon) + 2.0;
    (void)fixture().renderer->render(pose, 320, 180, terrainOnly());
    const auto under = fixture().renderer->pick(160, 179);
    ASSERT_TRUE(under.ok()) << under.error().message;
    EXPECT_LT(under->distance, 50.0) << "the ground below the eye should be metres away";
    std::vector<double> diffs;
    output::ImageRgba8 prev;
    for (int i = 0; i < 12; ++i) {
        pose.lon += 0.02 / (111320.0 * std::cos(geo::radians(lat)));
        auto img = fixture().renderer->render(pose, 320, 180, terrainOnly());
        if (i > 0) diffs.push_back(output::compareImages(img, prev, 255).meanAbsDiff);
        prev = std::move(img);
    }
    std::sort(diffs.begin(), diffs.end());
    const double median = diffs[diffs.size() / 2], worst = diffs.back();
    std::printf("mean change per 2 cm step: median %.4f, worst %.4f\n", median, worst);
    EXPECT_LE(worst, 3.0 * median + 0.05) << "uneven image motion: positions are jumping";
    EXPECT_GT(diffs.front(), 0.0) << "a 2 cm step changed nothing: positions are quantised";
}

TEST_F(TerrainLodTest, NamedViewsMatchGoldens) {
    for (const char* name : {"spin-boldak", "region-top-down"}) {
        const auto image = fixture().renderer->render(viewPose(name), 640, 360, {});
        fl::testing::expectMatchesGolden(image, std::string(name) + "_640x360");
    }
}

}  // namespace
