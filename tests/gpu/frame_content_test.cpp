// The seams of a frame: content composed from a document redraws on any edit whatever the story time (the
// renderer caches on the content's revision, not the time), and the float target (the recorder's EXR path)
// reads back what the 8-bit one does, within quantisation.
#include <gtest/gtest.h>

#include <cmath>

#include "compose/compose.h"
#include "core/paths.h"
#include "document/commands.h"
#include "document/document.h"
#include "story/story_eval.h"
#include "support/render_fixture.h"

using namespace fl;
using fl::testing::fixture;
using fl::testing::viewPose;

namespace {

class FrameContentTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NE(fixture().renderer, nullptr); }
    void TearDown() override {
        (void)fixture().renderer->sceneRenderer().setContent({});  // the scene's markers again
        EXPECT_EQ(fixture().ctx->validationErrors(), 0u);
    }
};

output::ImageRgba8 frameOf(const document::Document& doc, double storyTime) {
    render::RenderSettings settings;
    static_cast<Look&>(settings) = doc.look();
    return fixture().renderer->render({viewPose("spin-boldak"), 320, 180, settings},
                                      compose::compose(doc, storyTime, settings));
}

int differingPixels(const output::ImageRgba8& a, const output::ImageRgba8& b) {
    int n = 0;
    for (size_t i = 0; i < a.pixels.size(); i += 4)
        n += a.pixels[i] != b.pixels[i] || a.pixels[i + 1] != b.pixels[i + 1] || a.pixels[i + 2] != b.pixels[i + 2];
    return n;
}

}  // namespace

TEST_F(FrameContentTest, EditsRedrawTheNextFrameWithTheStoryTimeHeldStill) {
    auto loaded = document::Document::load(paths::asset("stories/spin-boldak-2021.json"));
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    document::Document doc = std::move(loaded).value();
    const double t = *story::parseStoryTime("2021-07-14T12:00:00Z");
    const output::ImageRgba8 base = frameOf(doc, t);

    // Areas' geometry: each keyframe shown at t, moved 3 km east (one undo step).
    const story::StoryFrame frame = story::evaluateStory(doc.story(), t);
    doc.beginGroup("Move areas");
    for (const story::AreaState& a : frame.areas) {
        if (!a.visible) continue;
        story::MultiPolygon moved = a.to->area;
        for (auto& p : moved) {
            for (auto& q : p.outer) q.lon += 0.03;
            for (auto& h : p.holes)
                for (auto& q : h) q.lon += 0.03;
        }
        const size_t k = static_cast<size_t>(a.to - a.area->keyframes.data());
        ASSERT_TRUE(doc.apply(document::setKeyframeArea(a.area->id, k, moved)).ok());
    }
    doc.endGroup();
    const int geometry = differingPixels(base, frameOf(doc, t));
    EXPECT_GT(geometry, 200) << "moving the areas must redraw them";
    ASSERT_TRUE(doc.undo());

    const std::string faction = doc.story().factions.front().id;
    ASSERT_TRUE(doc.apply(document::setFactionColour(faction, {0.1f, 0.8f, 0.2f, 1.0f})).ok());
    const int colour = differingPixels(base, frameOf(doc, t));
    EXPECT_GT(colour, 200) << "recolouring a faction must redraw its areas";
    ASSERT_TRUE(doc.undo());

    doc.beginGroup("Rename labels");
    for (const story::Label& l : std::vector<story::Label>(doc.story().labels))
        ASSERT_TRUE(doc.apply(document::setLabelText(l.id, "WWWWWWWW")).ok());
    doc.endGroup();
    const int label = differingPixels(base, frameOf(doc, t));
    EXPECT_GT(label, 20) << "a label's new text must be drawn";
    ASSERT_TRUE(doc.undo());

    // Everything undone: the very same frame again.
    EXPECT_EQ(differingPixels(base, frameOf(doc, t)), 0);
    std::printf("pixels changed: area %d, colour %d, label %d\n", geometry, colour, label);
}

TEST_F(FrameContentTest, FloatTargetReadsBackTheSameImageWithinQuantisation) {
    auto f = render::OffscreenRenderer::create(*fixture().ctx, fixture().scene, render::ColorTarget::Rgba16f);
    ASSERT_TRUE(f.ok()) << f.error().message;
    render::OffscreenRenderer& floatRenderer = **f;
    for (const char* view : {"kandahar-overview", "spin-boldak"}) {
        const CameraPose pose = viewPose(view);
        const output::ImageRgba8 eight = fixture().renderer->render(pose, 320, 180, {});
        const output::ImageRgba8 fromFloat = floatRenderer.render(pose, 320, 180, {});
        const output::ImageRgbaF& exact = floatRenderer.lastFloatFrame();
        ASSERT_EQ(exact.width, 320);
        ASSERT_EQ(exact.pixels.size(), size_t(320) * 180 * 4);
        // 8-bit blending rounds after every layer (sky, terrain, lines, labels): a level or two apart.
        const output::ImageDiff d = output::compareImages(eight, fromFloat, 2);
        EXPECT_LE(d.maxDiff, 3) << view;
        EXPECT_LT(d.fractionOver, 0.01) << view;
        // The float frame really holds more than 8 bits: many values fall between two 8-bit levels.
        size_t between = 0;
        for (float v : exact.pixels) between += std::abs(v * 255.0f - std::round(v * 255.0f)) > 0.05f;
        EXPECT_GT(between, exact.pixels.size() / 10) << view;
        std::printf("%s: max diff %d, mean %.3f, %.0f%% of values between 8-bit levels\n", view, d.maxDiff,
                    d.meanAbsDiff, 100.0 * between / exact.pixels.size());
    }
    EXPECT_EQ(fixture().ctx->validationErrors(), 0u);
}
