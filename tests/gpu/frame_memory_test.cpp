// Memory over repeated frames (issue 12, finding 8): once a view is streamed and drawn, drawing it again must
// not allocate more. lavapipe 22.3 compiled a new shader variant, and kept it, whenever a push constant or a
// uniform steered a branch of a shader (every dispatch, every frame): the heap grew by ~0.5 MB a frame. The
// measure is bytes held by malloc (all arenas, mmapped blocks included), not time.
#include <gtest/gtest.h>

#include <malloc.h>

#include "compose/compose.h"
#include "core/paths.h"
#include "document/document.h"
#include "render/offscreen.h"
#include "story/story.h"
#include "support/render_fixture.h"

using namespace fl;

namespace {

using fl::testing::fixture;
using fl::testing::viewPose;

double heapMb() {
    const struct mallinfo2 m = mallinfo2();
    return double(m.uordblks + m.hblkhd) / (1024.0 * 1024.0);
}

}  // namespace

TEST(FrameMemory, RedrawingAStreamedViewDoesNotGrowTheHeap) {
    ASSERT_NE(fixture().renderer, nullptr);
    render::OffscreenRenderer& r = *fixture().renderer;
    auto doc = document::Document::load(fl::paths::asset("stories/spin-boldak-2021.json"));
    ASSERT_TRUE(doc) << doc.error().message;
    render::RenderSettings settings;
    const CameraPose pose = viewPose("spin-boldak");
    // The story playing: a new time each frame (morphs move, fields are recomputed), over terrain with overlay
    // fields, labels and furniture: every pipeline a window frame binds.
    const story::StoryClock& clock = doc->story().clock;
    auto draw = [&](int frame) {
        const double t = clock.start + (clock.end - clock.start) * (0.2 + 0.01 * frame);
        (void)r.render({pose, 96, 54, settings}, compose::compose(*doc, t, settings));
    };
    for (int i = 0; i < 6; ++i) draw(i);  // streams the view, compiles the pipelines, fills the caches
    const double before = heapMb();
    constexpr int kFrames = 30;
    for (int i = 0; i < kFrames; ++i) draw(6 + i);
    const double grown = heapMb() - before;
    // Before the fix: ~0.5 MB a frame (15 MB here). A few MB of slack for allocator and cache noise.
    EXPECT_LT(grown, 4.0) << "the heap grew by " << grown << " MB over " << kFrames << " redraws";
    EXPECT_EQ(fixture().ctx->validationErrors(), 0u);
}
