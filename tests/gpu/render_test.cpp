// Rendering on the Vulkan device the machine has (lavapipe in CI), validation layers on.
// Golden images: tests/golden/*.png; on a mismatch the test writes *_actual.png beside the golden.
// Regenerate deliberately with FRONTLINE_UPDATE_GOLDEN=1 (and look at the result before committing).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>

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

bool isLight(const uint8_t* p) {
    return p[0] > 200 && p[1] > 200 && p[2] > 200;
}

}  // namespace

class RenderTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(fixture().renderer, nullptr);
        ASSERT_TRUE(fixture().ctx->validationEnabled()) << "install vulkan-validationlayers: the tests need them";
    }
    void TearDown() override {
        EXPECT_EQ(fixture().ctx->validationErrors(), 0u) << "Vulkan validation errors (see the log above)";
    }
};

TEST_F(RenderTest, KandaharOverviewMatchesGolden) {
    const auto image = fixture().renderer->render(viewPose("kandahar-overview"), 640, 360, {});
    fl::testing::expectMatchesGolden(image, "kandahar-overview_640x360");
}

TEST_F(RenderTest, StagingUploadPathRendersTheSameImage) {
    // Real GPUs upload through staging buffers; lavapipe could map directly. Both must agree.
    gpu::ContextOptions opts;
    opts.validation = true;
    opts.forceStaging = true;
    auto ctx = gpu::Context::create(opts);
    ASSERT_TRUE(ctx.ok()) << ctx.error().message;
    auto staged = render::OffscreenRenderer::create(**ctx, fixture().scene);
    ASSERT_TRUE(staged.ok()) << staged.error().message;
    const auto a = (*staged)->render(viewPose("spin-boldak"), 320, 180, {});
    const auto b = fixture().renderer->render(viewPose("spin-boldak"), 320, 180, {});
    const auto diff = output::compareImages(a, b, 0);
    EXPECT_TRUE(diff.sameSize);
    EXPECT_EQ(diff.maxDiff, 0);
    EXPECT_EQ((*ctx)->validationErrors(), 0u);
}

TEST_F(RenderTest, MarkersSitOnTheirPlaces) {
    // Each of the four markers is a white disc centred where the place projects.
    const CameraPose pose = viewPose("kandahar-overview");
    const int w = 960, h = 540;
    const auto image = fixture().renderer->render(pose, w, h, {});
    const auto& scene = fixture().scene;
    const ViewState view = computeView(scene.frame, pose, w, h);
    ASSERT_EQ(scene.markers.size(), 4u);
    EXPECT_EQ(fixture().renderer->stats().labelsDrawn, 4u);
    for (const auto& place : scene.markers) {
        const double hMsl = terrain::meshHeight(scene.dem, place.lat, place.lon);
        const double n = scene.geoid->undulation(place.lat, place.lon);
        const glm::dvec3 anchor = scene.frame.fromGeodetic({place.lat, place.lon, n + 2.0 * hMsl});
        const auto sp = projectToScreen(view, anchor);
        ASSERT_TRUE(sp.has_value()) << place.nameAscii;
        ASSERT_TRUE(sp->x > 2 && sp->y > 2 && sp->x < w - 2 && sp->y < h - 2) << place.nameAscii << " off screen";
        EXPECT_TRUE(isLight(image.at(int(sp->x), int(sp->y))))
            << place.nameAscii << " has no marker at " << sp->x << "," << sp->y;
        // Text to the right of the marker: some light glyph pixels within the label's first 40 px.
        int light = 0;
        for (int dx = 8; dx < 48; ++dx)
            for (int dy = -8; dy <= 4; ++dy) {
                const int x = int(sp->x) + dx, y = int(sp->y) + dy;
                if (x >= 0 && y >= 0 && x < w && y < h && isLight(image.at(x, y))) ++light;
            }
        EXPECT_GT(light, 20) << place.nameAscii << " label missing";
    }
    // Without labels the disc centres show terrain, not white.
    render::RenderSettings noLabels;
    noLabels.labels = false;
    const auto bare = fixture().renderer->render(pose, w, h, noLabels);
    EXPECT_GT(output::compareImages(image, bare, 24).fractionOver, 0.001);
}

TEST_F(RenderTest, BorderIsDrawnAlongTheDurandLine) {
    // The pixels that change when the border layer is on lie on the projected border line.
    const CameraPose pose = viewPose("spin-boldak");
    const int w = 640, h = 360;
    render::RenderSettings on, off;
    on.labels = off.labels = false;
    off.borders = false;
    const auto a = fixture().renderer->render(pose, w, h, on);
    const auto b = fixture().renderer->render(pose, w, h, off);
    const auto& scene = fixture().scene;
    const ViewState view = computeView(scene.frame, pose, w, h);
    // The border projected to the screen as short segments (sampled along each source segment).
    std::vector<std::pair<glm::dvec2, glm::dvec2>> projected;
    for (const auto& line : scene.borders) {
        std::optional<glm::dvec2> prev;
        for (size_t i = 0; i + 1 < line.points.size(); ++i)
            for (int k = 0; k < 20; ++k) {
                const double t = k / 20.0;
                const double lat = line.points[i].lat + (line.points[i + 1].lat - line.points[i].lat) * t;
                const double lon = line.points[i].lon + (line.points[i + 1].lon - line.points[i].lon) * t;
                const double hm = terrain::meshHeight(scene.dem, lat, lon);
                const auto sp =
                    std::isnan(hm)
                        ? std::nullopt
                        : projectToScreen(
                              view, scene.frame.fromGeodetic({lat, lon, scene.geoid->undulation(lat, lon) + 2.0 * hm}));
                if (!sp) {
                    prev.reset();
                    continue;
                }
                const glm::dvec2 p(sp->x, sp->y);
                if (prev) projected.push_back({*prev, p});
                prev = p;
            }
    }
    auto distanceToBorder = [&](glm::dvec2 q) {
        double best = 1e9;
        for (const auto& [a, b] : projected) {
            const glm::dvec2 ab = b - a;
            const double t = glm::clamp(glm::dot(q - a, ab) / std::max(glm::dot(ab, ab), 1e-9), 0.0, 1.0);
            best = std::min(best, glm::length(q - (a + t * ab)));
        }
        return best;
    };
    ASSERT_GT(projected.size(), 10u) << "the border should cross the spin-boldak view";
    int changed = 0, far = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const uint8_t *p = a.at(x, y), *q = b.at(x, y);
            if (std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]) < 30) continue;
            ++changed;
            if (distanceToBorder({x + 0.5, y + 0.5}) > 4) ++far;
        }
    EXPECT_GT(changed, 200);
    EXPECT_LT(far, changed / 50) << far << " of " << changed << " changed pixels are away from the border";
}

TEST_F(RenderTest, ObliqueViewHasSkyAboveAndTerrainBelow) {
    const auto image = fixture().renderer->render(viewPose("kandahar-overview"), 320, 180, {});
    // Top row: sky (blue dominates); bottom row: terrain (red >= blue in the arid colour ramp).
    int sky = 0, ground = 0;
    for (int x = 0; x < 320; ++x) {
        if (image.at(x, 0)[2] > image.at(x, 0)[0]) ++sky;
        if (image.at(x, 179)[0] >= image.at(x, 179)[2]) ++ground;
    }
    EXPECT_GT(sky, 300);
    EXPECT_GT(ground, 300);
}

TEST_F(RenderTest, ExaggerationAndSunChangeTheImage) {
    const CameraPose pose = viewPose("spin-boldak");
    render::RenderSettings flat, steep, evening;
    flat.exaggeration = 1.0;
    steep.exaggeration = 4.0;
    evening.sunAzimuth = 250;
    evening.sunElevation = 10;
    const auto a = fixture().renderer->render(pose, 320, 180, flat);
    const auto b = fixture().renderer->render(pose, 320, 180, steep);
    const auto c = fixture().renderer->render(pose, 320, 180, {});
    const auto d = fixture().renderer->render(pose, 320, 180, evening);
    EXPECT_GT(output::compareImages(a, b, 24).fractionOver, 0.05);
    EXPECT_GT(output::compareImages(c, d, 24).fractionOver, 0.05);
}

TEST_F(RenderTest, RendersAreDeterministic) {
    const auto a = fixture().renderer->render(viewPose("region-top-down"), 256, 256, {});
    const auto b = fixture().renderer->render(viewPose("region-top-down"), 256, 256, {});
    EXPECT_EQ(output::compareImages(a, b, 0).maxDiff, 0);
}
