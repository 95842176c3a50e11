// tests/support/render_fixture.h — the shared headless renderer of the GPU tests.
// Owns: one scene, one validating Vulkan context and one offscreen renderer per test binary (created on
// first use; failures are reported as test failures), and the named views' camera poses.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "gpu/context.h"
#include "render/offscreen.h"
#include "scene/scene.h"
#include "scene/views.h"

namespace fl::testing {

struct RenderFixture {
    scene::Scene scene;
    std::unique_ptr<gpu::Context> ctx;
    std::unique_ptr<render::OffscreenRenderer> renderer;
};

// Shared by every test of the binary: the caches stay warm across tests, which is also what the
// determinism tests rely on (a used renderer must draw what a fresh one draws).
inline RenderFixture& fixture() {
    static RenderFixture* f = [] {
        auto* fx = new RenderFixture;
        // No story (a scene has none): the terrain, label and overlay tests control what is drawn;
        // story_render_test draws one.
        auto scene = scene::loadScene();
        if (!scene) {
            ADD_FAILURE() << scene.error().message;
            return fx;
        }
        fx->scene = std::move(scene).value();
        gpu::ContextOptions opts;
        opts.validation = true;
        auto ctx = gpu::Context::create(opts);
        if (!ctx) {
            ADD_FAILURE() << ctx.error().message;
            return fx;
        }
        fx->ctx = std::move(ctx).value();
        auto r = render::OffscreenRenderer::create(*fx->ctx, fx->scene);
        if (!r)
            ADD_FAILURE() << r.error().message;
        else
            fx->renderer = std::move(r).value();
        return fx;
    }();
    return *f;
}

inline CameraPose viewPose(const char* name) {
    return scene::toPose(*scene::findView(name), fixture().scene.geoidModel());
}

}  // namespace fl::testing
