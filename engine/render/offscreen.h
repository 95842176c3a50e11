// render/offscreen.h — rendering a frame without a window and reading it back.
// Owns: the offscreen colour/depth targets (recreated when the size changes), the readback buffer, and
// the frame loop of headless renders (the `frontline render` command, tests, later the recorder).
#pragma once

#include <chrono>
#include <memory>

#include "core/camera.h"
#include "core/result.h"
#include "gpu/frames.h"
#include "output/image.h"
#include "render/scene_renderer.h"

namespace fl::render {

class OffscreenRenderer {
public:
    static Result<std::unique_ptr<OffscreenRenderer>> create(gpu::Context& ctx, const story::Scene& scene);
    ~OffscreenRenderer();

    // Renders one frame and waits for it: deterministic for the same (scene, pose, size, settings).
    // With streamed terrain it first streams until the view is at full detail (no pop-in in stills or
    // recordings), up to `detailTimeout`; tiles that failed for good are drawn from their parents and
    // reported by lastReadiness().
    output::ImageRgba8 render(const CameraPose& pose, int width, int height, const RenderSettings& settings,
                              std::chrono::milliseconds detailTimeout = std::chrono::seconds(120));
    const FrameStats& stats() const { return m_renderer->stats(); }
    // The streamed terrain's state when the last frame was drawn (resolved = true without streaming).
    const terrain::Readiness& lastReadiness() const { return m_readiness; }
    terrain::TileStreamer* streamer() { return m_renderer->streamer(); }
    SceneRenderer& sceneRenderer() { return *m_renderer; }
    const story::Scene& scene() const { return m_scene; }

private:
    OffscreenRenderer(gpu::Context& ctx, const story::Scene& scene) : m_ctx(ctx), m_scene(scene) {}
    void resize(int width, int height);

    gpu::Context& m_ctx;
    const story::Scene& m_scene;
    gpu::RenderPass m_pass;
    std::unique_ptr<gpu::FrameRing> m_frames;
    std::unique_ptr<SceneRenderer> m_renderer;
    gpu::Image m_color, m_depth;
    gpu::Framebuffer m_framebuffer;
    gpu::Buffer m_readback;
    int m_width = 0, m_height = 0;
    terrain::Readiness m_readiness;
};

}  // namespace fl::render
