// What the recorder waits for, in-process: a slow source (every tile 150 ms late) still gives a first frame
// identical to the frame drawn once everything is cached (resident and uploaded, never a coarser stand-in), after
// upload-only passes the wait reports; a source that fails tiles for good leaves the frame unresolved with the
// tiles named, which `record` turns into a failure or, with --allow-degraded, a marked frame.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "gpu/context.h"
#include "render/offscreen.h"
#include "scene/scene.h"
#include "scene/views.h"
#include "terrain/tile_id.h"

namespace {

using namespace fl;

// The sample archive behind a delay, failing the tiles `fails` picks for good.
class SlowSource final : public terrain::TileSource {
public:
    SlowSource(std::shared_ptr<terrain::TileSource> inner, int delayMs, std::function<bool(terrain::TileId)> fails)
        : m_inner(std::move(inner)), m_delayMs(delayMs), m_fails(std::move(fails)) {}
    const terrain::TileSourceInfo& info() const override { return m_inner->info(); }
    terrain::TileFetch fetch(terrain::TileId tile, const terrain::CancelFlag& cancel) override {
        for (int waited = 0; waited < m_delayMs; waited += 5) {
            if (cancel.cancelled()) return terrain::TileFetch::cancelled();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (m_fails && m_fails(tile))
            return terrain::TileFetch::failed(Error{"slow source: tile " + terrain::toString(tile) + " is broken"},
                                              false);
        return m_inner->fetch(tile, cancel);
    }

private:
    std::shared_ptr<terrain::TileSource> m_inner;
    int m_delayMs;
    std::function<bool(terrain::TileId)> m_fails;
};

struct Rig {
    scene::Scene scene;
    std::unique_ptr<gpu::Context> ctx;
    std::unique_ptr<render::OffscreenRenderer> renderer;
};

std::unique_ptr<Rig> makeRig(int delayMs, std::function<bool(terrain::TileId)> fails = {}) {
    auto rig = std::make_unique<Rig>();
    auto scene = scene::loadScene();
    if (!scene) {
        ADD_FAILURE() << scene.error().message;
        return nullptr;
    }
    rig->scene = std::move(scene).value();
    rig->scene.terrain = std::make_shared<SlowSource>(rig->scene.terrain, delayMs, std::move(fails));
    gpu::ContextOptions opts;
    opts.validation = true;
    auto ctx = gpu::Context::create(opts);
    if (!ctx) {
        ADD_FAILURE() << ctx.error().message;
        return nullptr;
    }
    rig->ctx = std::move(ctx).value();
    auto r = render::OffscreenRenderer::create(*rig->ctx, rig->scene, render::ColorTarget::Rgba16f);
    if (!r) {
        ADD_FAILURE() << r.error().message;
        return nullptr;
    }
    rig->renderer = std::move(r).value();
    return rig;
}

CameraPose spinBoldak(const Rig& rig) {
    return scene::toPose(*scene::findView("spin-boldak"), rig.scene.geoidModel());
}

}  // namespace

TEST(RecordWait, SlowSourceFirstFrameEqualsTheWarmFrame) {
    auto rig = makeRig(150);
    ASSERT_TRUE(rig);
    render::RenderSettings settings;
    const auto cold = rig->renderer->render(spinBoldak(*rig), 160, 90, settings);
    const render::DetailWait wait = rig->renderer->lastWait();
    ASSERT_TRUE(rig->renderer->lastReadiness().resolved);
    EXPECT_GT(wait.tilesWaitedFor, 0u);
    EXPECT_GT(wait.uploadFrames, 0) << "the tiles came in upload-only passes before the frame was drawn";
    const auto warm = rig->renderer->render(spinBoldak(*rig), 160, 90, settings);
    EXPECT_EQ(rig->renderer->lastWait().tilesWaitedFor, 0u);
    EXPECT_EQ(cold.pixels, warm.pixels) << "the waited-for frame shows no coarse stand-in";
    EXPECT_EQ(rig->ctx->validationErrors(), 0u);
}

TEST(RecordWait, FailedTilesLeaveTheFrameUnresolvedAndNamed) {
    // Every zoom-9 tile fails for good: the frame is drawn from their parents and says which tiles.
    auto rig = makeRig(20, [](terrain::TileId t) { return t.z == 9; });
    ASSERT_TRUE(rig);
    render::RenderSettings settings;
    rig->renderer->render(spinBoldak(*rig), 160, 90, settings, std::chrono::seconds(60));
    const terrain::Readiness& ready = rig->renderer->lastReadiness();
    EXPECT_FALSE(ready.resolved);
    ASSERT_FALSE(ready.failed.empty());
    EXPECT_EQ(ready.failed.front().first.z, 9);
    EXPECT_NE(ready.failed.front().second.message.find("is broken"), std::string::npos);
    EXPECT_EQ(rig->ctx->validationErrors(), 0u);
}
