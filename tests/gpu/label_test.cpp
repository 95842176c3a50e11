// Labels on the real renderer (lavapipe, validation on): the story's places with their Pashto/Dari names,
// placed without overlaps or flicker through a camera move, hidden under the terrain, and the furniture.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "output/image.h"
#include "render/offscreen.h"
#include "support/golden.h"
#include "support/render_fixture.h"
#include "terrain/terrain_mesh.h"

using namespace fl;

namespace {

using fl::testing::fixture;
using fl::testing::viewPose;

struct Place {
    const char* name;
    const char* local;  // Pashto (Afghan places) or Urdu/Pashto (Pakistani), Arabic script
    double lat, lon;
    int priority;
};

// The story's places (approximate town centres).
const Place kPlaces[] = {
    {"Kandahar", "کندهار", 31.6133, 65.7101, 10},   {"Spin Boldak", "سپین بولدک", 31.0050, 66.3997, 9},
    {"Chaman", "چمن", 30.9210, 66.4450, 9},         {"Quetta", "کوټه", 30.1870, 67.0120, 8},
    {"Wesh crossing", "وېش", 30.9700, 66.4250, 7},  {"Lashkar Gah", "لښکرګاه", 31.5930, 64.3710, 6},
    {"Takhta Pul", "تخته پل", 31.3200, 65.9900, 5}, {"Qalat", "قلات", 32.1050, 66.9070, 5},
    {"Kalat", "قلات", 29.0260, 66.5900, 4},         {"Zhob", "ژوب", 31.3410, 69.4490, 4},
    {"Pishin", "پښین", 30.5810, 66.9940, 4},        {"Arghandab", "ارغنداب", 31.6800, 65.6300, 3},
};

std::vector<render::LabelRequest> storyLabels() {
    std::vector<render::LabelRequest> labels;
    for (const Place& p : kPlaces) {
        const double h = terrain::meshHeight(fixture().scene.dem, p.lat, p.lon);
        labels.push_back({p.name, p.name, p.local, p.lat, p.lon, std::isnan(h) ? 0.0 : h, p.priority});
    }
    return labels;
}

render::Furniture storyFurniture() {
    render::Furniture f;
    f.caption = "As of 14 July 2021";
    f.subcaption = "Spin Boldak — سپین بولدک";
    f.disclaimer = "Areas approximate";
    f.attribution = "Terrain: GMTED2010 (USGS/NGA) · Places: GeoNames\nSources: Reuters, AP, Long War Journal";
    f.legendTitle = "Control";
    using render::OverlayStyle;
    const glm::vec4 red{0.80f, 0.25f, 0.20f, 1}, blue{0.20f, 0.45f, 0.80f, 1};
    f.legend = {{"Taliban", OverlayStyle::confirmed(red)},
                {"Government", OverlayStyle::confirmed(blue)},
                {"Contested", OverlayStyle::contested(blue, red)},
                {"Taliban claim", OverlayStyle::claimed(red)}};
    return f;
}

CameraPose lerp(const CameraPose& a, const CameraPose& b, double t) {
    CameraPose p = a;
    p.lat = a.lat + (b.lat - a.lat) * t;
    p.lon = a.lon + (b.lon - a.lon) * t;
    p.altitude = a.altitude + (b.altitude - a.altitude) * t;
    p.heading = a.heading + (b.heading - a.heading) * t;
    p.pitch = a.pitch + (b.pitch - a.pitch) * t;
    p.fovY = a.fovY + (b.fovY - a.fovY) * t;
    return p;
}

}  // namespace

class LabelTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(fixture().renderer, nullptr);
        ASSERT_TRUE(fixture().ctx->validationEnabled()) << "install vulkan-validationlayers: the tests need them";
        ASSERT_TRUE(scene().setLabels(storyLabels()).ok());
    }
    void TearDown() override {
        // The renderer is shared with the other GPU tests: give it back with the scene's own labels.
        EXPECT_TRUE(scene().setLabels(render::markerLabels(fixture().scene)).ok());
        EXPECT_TRUE(scene().setFurniture({}).ok());
        EXPECT_EQ(fixture().ctx->validationErrors(), 0u) << "Vulkan validation errors (see the log above)";
    }
    static render::SceneRenderer& scene() { return fixture().renderer->sceneRenderer(); }
};

TEST_F(LabelTest, NoOverlapAndNoFlickerDuringAScriptedMove) {
    // From the wide view over Kandahar to the close one over the crossing: labels meet, part and leave the
    // frame. Every frame continues the previous one (hysteresis and fades on), as in a recording.
    const CameraPose from = viewPose("kandahar-overview"), to = viewPose("spin-boldak");
    render::RenderSettings settings;
    settings.labelContinuity = true;
    // A renderer of its own: frames that do not wait for full terrain detail leave the streamed terrain in a
    // state the shared renderer's stills must not inherit.
    auto own = render::OffscreenRenderer::create(*fixture().ctx, fixture().scene);
    ASSERT_TRUE(own.ok()) << own.error().message;
    render::OffscreenRenderer& renderer = **own;
    render::SceneRenderer& scene = renderer.sceneRenderer();
    ASSERT_TRUE(scene.setLabels(storyLabels()).ok());
    ASSERT_TRUE(scene.setFurniture(storyFurniture()).ok());
    const size_t n = std::size(kPlaces);
    std::vector<int> toggles(n, 0);
    std::vector<bool> last(n, false);
    std::vector<std::string> trace(n);  // per frame: 1 shown, 0 hidden
    int shownFrames = 0, displaced = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int f = 0; f < 120; ++f) {
        (void)renderer.render(lerp(from, to, f / 119.0), 480, 270, settings, std::chrono::milliseconds(0));
        const auto& placements = scene.labelPlacements();
        ASSERT_EQ(placements.size(), n);
        const auto blocks = scene.furnitureLayout().blocks();
        for (size_t i = 0; i < n; ++i) {
            const auto& a = placements[i];
            if (f > 0 && a.visible != last[i]) ++toggles[i];
            trace[i] += a.visible ? '1' : '0';
            last[i] = a.visible;
            if (!a.visible) continue;
            ++shownFrames;
            displaced += a.leader ? 1 : 0;
            EXPECT_TRUE(a.box.x0 >= 0 && a.box.y0 >= 0 && a.box.x1 <= 480 && a.box.y1 <= 270)
                << kPlaces[i].name << " leaves the frame at frame " << f;
            for (const auto& b : blocks) EXPECT_FALSE(a.box.overlaps(b)) << kPlaces[i].name << " under the furniture";
            for (size_t j = i + 1; j < n; ++j)
                if (placements[j].visible)
                    EXPECT_FALSE(a.box.overlaps(placements[j].box))
                        << kPlaces[i].name << " overlaps " << kPlaces[j].name << " at frame " << f;
        }
    }
    // Flicker is a label shown or hidden for a moment. A label may hide for a stretch and come back (while a
    // border line sweeps between its place and every free spot for its name, showing it would put it in the
    // wrong country), but every run of shown or hidden frames between the first and the last lasts 10 frames
    // (0.4 s at 25 fps) or more, and it changes state at most 3 times in the move.
    for (size_t i = 0; i < n; ++i) {
        EXPECT_LE(toggles[i], 3) << kPlaces[i].name << " flickers: " << trace[i];
        std::vector<size_t> runs;
        for (size_t f = 0; f < trace[i].size(); ++f)
            if (f == 0 || trace[i][f] != trace[i][f - 1])
                runs.push_back(1);
            else
                ++runs.back();
        for (size_t r = 1; r + 1 < runs.size(); ++r)
            EXPECT_GE(runs[r], 10u) << kPlaces[i].name << " flickers: " << trace[i];
    }
    // Not vacuous: labels were shown through the move.
    EXPECT_GT(shownFrames, 120 * 3);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("120 frames at 480x270 in %.1f s; %d label-frames shown, %d with leader lines\n", seconds, shownFrames,
                displaced);
}

TEST_F(LabelTest, AnchorsUnderTheSurfaceAreHidden) {
    // The same place twice: on the terrain (visible), and 3 km under it, where the sight line runs through
    // rock before it gets there.
    const Place& k = kPlaces[0];
    const double h = terrain::meshHeight(fixture().scene.dem, k.lat, k.lon);
    ASSERT_TRUE(scene()
                    .setLabels({{"on", "Kandahar", "", k.lat, k.lon, h, 1},
                                {"under", "Kandahar", "", k.lat + 0.001, k.lon, h - 3000, 1}})
                    .ok());
    (void)fixture().renderer->render(viewPose("kandahar-overview"), 480, 270, {}, std::chrono::milliseconds(0));
    const auto& p = scene().labelPlacements();
    ASSERT_EQ(p.size(), 2u);
    EXPECT_TRUE(p[0].visible);
    EXPECT_FALSE(p[1].visible);
}

TEST_F(LabelTest, PashtoLabelsAndFurnitureMatchGolden) {
    ASSERT_TRUE(scene().setFurniture(storyFurniture()).ok());
    const auto image = fixture().renderer->render(viewPose("kandahar-overview"), 640, 360, {});
    // The Arabic-script lines are drawn: a render without them differs.
    int visible = 0;
    for (const auto& p : scene().labelPlacements()) visible += p.visible ? 1 : 0;
    EXPECT_GE(visible, 4);
    fl::testing::expectMatchesGolden(image, "labels-furniture_640x360");
}

TEST_F(LabelTest, FurnitureIsDrawnInsideTheSafeArea) {
    render::RenderSettings on, off;
    on.labels = off.labels = false;
    off.furniture = false;
    const auto bare = fixture().renderer->render(viewPose("region-top-down"), 480, 270, off);
    ASSERT_TRUE(scene().setFurniture(storyFurniture()).ok());
    const auto with = fixture().renderer->render(viewPose("region-top-down"), 480, 270, on);
    const auto& layout = scene().furnitureLayout();
    ASSERT_EQ(layout.blocks().size(), 3u);
    // Every changed pixel lies in a furniture block.
    int changed = 0, outside = 0;
    for (int y = 0; y < 270; ++y)
        for (int x = 0; x < 480; ++x) {
            const uint8_t *a = bare.at(x, y), *b = with.at(x, y);
            if (std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]) < 12) continue;
            ++changed;
            bool in = false;
            for (const auto& box : layout.blocks())
                in |= x + 0.5f >= box.x0 - 1 && x + 0.5f <= box.x1 + 1 && y + 0.5f >= box.y0 - 1 &&
                      y + 0.5f <= box.y1 + 1;
            outside += in ? 0 : 1;
        }
    EXPECT_GT(changed, 2000);
    EXPECT_EQ(outside, 0);
}
