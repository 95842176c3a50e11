// render/offscreen.h — rendering a frame without a window and reading it back.
// Owns: the offscreen colour/depth targets (recreated when the size changes), the colour and depth readback,
// picking on the last frame, and the frame loop of headless renders (`frontline render`, tests, the recorder).
#pragma once

#include <glm/glm.hpp>

#include <chrono>
#include <memory>
#include <span>
#include <vector>

#include "core/camera.h"
#include "core/result.h"
#include "gpu/frames.h"
#include "output/image.h"
#include "render/frame_target.h"
#include "render/picking.h"
#include "render/scene_renderer.h"

namespace fl::render {

// One frame as the hosts ask for it: camera, size and settings; the content comes with it.
struct FrameSpec {
    CameraPose camera;
    int width = 1280, height = 720;
    RenderSettings settings;
};

// How long a frame waited for full detail (the recorder logs it per frame).
struct DetailWait {
    size_t tilesWaitedFor = 0;  // tiles not yet resident and uploaded when the frame was first asked for
    int uploadFrames = 0;       // upload-only submissions before the frame was drawn
    double waitMs = 0;          // wall time spent in them (a measurement, never an input to the frame)
};

class OffscreenRenderer {
public:
    static Result<std::unique_ptr<OffscreenRenderer>> create(gpu::Context& ctx, const scene::Scene& scene,
                                                             ColorTarget target = ColorTarget::Rgba8);
    ~OffscreenRenderer();

    // Renders one frame and waits for it: deterministic for the same (scene, pose, size, settings).
    // With streamed terrain it first streams until the view is at full detail (no pop-in in stills or
    // recordings), up to `detailTimeout`: every page the frame draws is resident AND its upload was in an
    // earlier submission whose fence has signalled (not merely loaded, nor recorded for upload in the same
    // command buffer). Tiles that failed for good are drawn from their parents and reported by lastReadiness().
    output::ImageRgba8 render(const CameraPose& pose, int width, int height, const RenderSettings& settings,
                              std::chrono::milliseconds detailTimeout = std::chrono::seconds(120));
    // The same with the frame's content (compose/) set first: a frame of (document, camera, story time).
    output::ImageRgba8 render(const FrameSpec& spec, const FrameContent& content,
                              std::chrono::milliseconds detailTimeout = std::chrono::seconds(120));
    // The last frame as the float target holds it (empty for ColorTarget::Rgba8).
    const output::ImageRgbaF& lastFloatFrame() const { return m_float; }
    ColorTarget colorTarget() const { return m_target; }
    // What the last rendered frame shows at pixel position (px, py) (x right, y down; pixel (i, j) covers
    // [i, i + 1) x [j, j + 1)), from its depth. Errors: no frame yet, NaN or outside the frame, and
    // "no terrain under pixel (x, y)" where only sky was drawn. The data height may read tiles from the
    // terrain source (see PickHeights). The depth is read back once per frame, on the first pick.
    Result<PickResult> pick(double px, double py);
    std::vector<Result<PickResult>> pick(std::span<const glm::dvec2> pixels);
    // The view of the last rendered frame (picks unproject with it).
    const ViewState& lastView() const { return m_lastView; }

    const FrameStats& stats() const { return m_renderer->stats(); }
    // The streamed terrain's state when the last frame was drawn (resolved = true without streaming).
    const terrain::Readiness& lastReadiness() const { return m_readiness; }
    const DetailWait& lastWait() const { return m_wait; }
    terrain::TileStreamer* streamer() { return m_renderer->streamer(); }
    SceneRenderer& sceneRenderer() { return *m_renderer; }
    const scene::Scene& scene() const { return m_scene; }

private:
    OffscreenRenderer(gpu::Context& ctx, const scene::Scene& scene, ColorTarget target)
        : m_ctx(ctx), m_scene(scene), m_target(target) {}

    void resize(int width, int height);
    Result<Ok> readDepth();

    gpu::Context& m_ctx;
    const scene::Scene& m_scene;
    ColorTarget m_target = ColorTarget::Rgba8;
    output::ImageRgbaF m_float;
    gpu::RenderPass m_pass;
    std::unique_ptr<gpu::FrameRing> m_frames;
    std::unique_ptr<SceneRenderer> m_renderer;
    OffscreenTarget m_images;
    gpu::Buffer m_depthReadback;  // made on the first pick at this size
    int m_width = 0, m_height = 0;
    terrain::Readiness m_readiness;
    DetailWait m_wait;

    // The last frame, for picking.
    bool m_haveFrame = false;
    ViewState m_lastView;
    double m_lastExaggeration = 1;
    std::vector<float> m_depthValues;  // host copy of its depth; empty until a pick needs it
    std::unique_ptr<PickHeights> m_heights;
};

}  // namespace fl::render
