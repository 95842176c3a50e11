// bench/bench_frame.h — timed offscreen frames for the benchmarks.
// Owns: a colour + depth target with the scene render pass, a timestamp query pool, and recording,
// submitting and timing one frame (GPU timestamps where the queue has them, else wall time of submit + wait).
#pragma once

#include <functional>
#include <memory>

#include <glm/glm.hpp>

#include "core/result.h"
#include "gpu/frames.h"
#include "gpu/resources.h"
#include "output/image.h"
#include "render/frame_target.h"

namespace fl::gpu {
class Context;
}

namespace fl::bench {

struct FrameTiming {
    double gpuMs = 0;      // the recorded work (transfers + render pass): timestamps, or wall time of submit+wait
    double cpuMs = 0;      // wall time of prepare + recording on this thread
    double prepareMs = 0;  // the prepare part alone
};

class BenchFrame {
public:
    static Result<std::unique_ptr<BenchFrame>> create(gpu::Context& ctx);
    ~BenchFrame();

    // Compatible with createScenePass(): SceneRenderer and the reference passes are built against it.
    VkRenderPass renderPass() const { return m_pass; }
    // One frame in flight, so the renderer's frame slot is always 0 and every frame is complete before
    // the next one is prepared (the timings do not overlap).
    static constexpr uint32_t kSlot = 0;
    // True when the queue writes timestamps; otherwise FrameTiming::gpuMs is wall time of submit + wait.
    bool timestamps() const { return m_timestampBits > 0; }

    // Resizes the target (the GPU is idle between frames, so old targets die at once).
    void resize(int width, int height);

    // One frame: `prepare` (CPU), then `transfers` recorded before the render pass and `pass` inside it,
    // both inside the timed span, so work a renderer does before its pass (uploads, compute selection)
    // counts. Submits and waits.
    FrameTiming run(const std::function<void()>& prepare, const std::function<void(VkCommandBuffer)>& transfers,
                    const std::function<void(VkCommandBuffer)>& pass, const glm::vec4& clearColor);
    // A frame without the render pass (streaming: uploads land, nothing is drawn). Submits and waits.
    void runTransfers(const std::function<void()>& prepare, const std::function<void(VkCommandBuffer)>& transfers);

    // The colour target after the last run(), RGBA8 (for checking what was timed).
    output::ImageRgba8 readback();

private:
    explicit BenchFrame(gpu::Context& ctx) : m_ctx(ctx) {}

    gpu::Context& m_ctx;
    gpu::RenderPass m_pass;
    std::unique_ptr<gpu::FrameRing> m_frames;
    render::OffscreenTarget m_target;
    int m_width = 0, m_height = 0;
    VkQueryPool m_queries = VK_NULL_HANDLE;
    uint32_t m_timestampBits = 0;
    double m_timestampPeriodNs = 1.0;
};

}  // namespace fl::bench
