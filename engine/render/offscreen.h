// render/offscreen.h — rendering a frame without a window and reading it back.
// Owns: the offscreen colour/depth targets (recreated when the size changes), the readback buffer, and
// the frame loop of headless renders (the `frontline render` command, tests, later the recorder).
#pragma once

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
    output::ImageRgba8 render(const CameraPose& pose, int width, int height, const RenderSettings& settings);
    const FrameStats& stats() const { return m_renderer->stats(); }
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
};

}  // namespace fl::render
