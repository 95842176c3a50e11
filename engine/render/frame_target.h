// render/frame_target.h — where a frame is drawn, and the one way a frame is recorded into it.
// Owns: FrameTarget (a framebuffer of the scene pass and its size), the offscreen targets of one size
// (colour RGBA8 or RGBA16F, depth, colour readback) and the swapchain's (a framebuffer per image, one
// depth), and recordFrame(): clear, viewport, scissor and the draws inside the scene pass. The window,
// headless renders (`frontline render`, tests, the recorder) and the benches all record frames through it.
#pragma once

#include <functional>
#include <vector>

#include <glm/vec4.hpp>

#include "gpu/resources.h"
#include "output/image.h"

namespace fl::gpu {
class Context;
class Swapchain;
}  // namespace fl::gpu

namespace fl::render {

struct FrameTarget {
    VkFramebuffer framebuffer = VK_NULL_HANDLE;
    VkExtent2D extent{};
};

// Records the scene pass on `target`: colour cleared to `clear` (linear RGBA), depth to 0 (reversed-Z: 0 is
// infinitely far), viewport and scissor over the whole target, then `draws` (the scene, then e.g. ImGui).
// Uploads and compute work go before it, into the same command buffer.
void recordFrame(VkCommandBuffer cmd, VkRenderPass pass, const FrameTarget& target, const glm::vec4& clear,
                 const std::function<void(VkCommandBuffer)>& draws);

// The colour of headless frames. Rgba8: 8-bit sRGB-encoded (PNGs, tests). Rgba16f: half floats, the
// recorder's EXR path (no banding; alpha unquantised). Shaders write sRGB-encoded values into either.
enum class ColorTarget { Rgba8, Rgba16f };
VkFormat colorFormat(ColorTarget target);

// Offscreen colour and depth of one size, with a host-visible copy of the colour. The depth can be copied
// out too (TRANSFER_SRC): picking reads it.
class OffscreenTarget {
public:
    OffscreenTarget() = default;
    OffscreenTarget(gpu::Context& ctx, VkRenderPass pass, ColorTarget format, uint32_t width, uint32_t height);

    FrameTarget target() const { return {m_framebuffer, {m_width, m_height}}; }
    VkImage depth() const { return m_depth.handle(); }
    bool valid() const { return m_width > 0; }
    // After the pass (the colour is in TRANSFER_SRC): copies it to the host-visible buffer.
    void recordColorCopy(VkCommandBuffer cmd);
    // Once the frame with recordColorCopy() has completed.
    output::ImageRgba8 colorRgba8() const;
    output::ImageRgbaF colorFloat() const;  // ColorTarget::Rgba16f only

private:
    ColorTarget m_format = ColorTarget::Rgba8;
    uint32_t m_width = 0, m_height = 0;
    gpu::Image m_color, m_depth;
    gpu::Framebuffer m_framebuffer;
    gpu::Buffer m_readback;
};

// The swapchain's images as targets: a framebuffer each, one depth image shared by all (one frame renders
// at a time into it; the render pass orders the writes). TRANSFER_SRC: the window copies the cursor's
// depth texel out.
class SwapchainTargets {
public:
    void build(gpu::Context& ctx, const gpu::Swapchain& swapchain, VkRenderPass pass);
    FrameTarget target(uint32_t imageIndex) const { return {m_framebuffers.at(imageIndex), m_extent}; }
    VkImage depth() const { return m_depth.handle(); }

private:
    gpu::Image m_depth;
    std::vector<gpu::Framebuffer> m_framebuffers;
    VkExtent2D m_extent{};
};

}  // namespace fl::render
