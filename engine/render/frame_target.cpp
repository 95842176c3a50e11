#include "render/frame_target.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "gpu/context.h"
#include "gpu/swapchain.h"
#include "render/render_pass.h"

namespace fl::render {

namespace {

// IEEE 754 binary16 -> float (the target's storage; no F16C assumption on the host).
float halfToFloat(uint16_t h) {
    const uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ffu;
    if (exponent == 0) return (sign ? -1.0f : 1.0f) * std::ldexp(static_cast<float>(mantissa), -24);
    if (exponent == 31)
        return mantissa ? std::numeric_limits<float>::quiet_NaN()
                        : (sign ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity());
    const uint32_t bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

}  // namespace

void recordFrame(VkCommandBuffer cmd, VkRenderPass pass, const FrameTarget& target, const glm::vec4& clear,
                 const std::function<void(VkCommandBuffer)>& draws) {
    VkClearValue clears[2]{};
    clears[0].color = {{clear.r, clear.g, clear.b, clear.a}};
    clears[1].depthStencil = {0.0f, 0};
    VkRenderPassBeginInfo rbi{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    rbi.renderPass = pass;
    rbi.framebuffer = target.framebuffer;
    rbi.renderArea = {{0, 0}, target.extent};
    rbi.clearValueCount = 2;
    rbi.pClearValues = clears;
    vkCmdBeginRenderPass(cmd, &rbi, VK_SUBPASS_CONTENTS_INLINE);
    const VkViewport vp{0, 0, float(target.extent.width), float(target.extent.height), 0, 1};
    const VkRect2D scissor{{0, 0}, target.extent};
    vkCmdSetViewport(cmd, 0, 1, &vp);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    if (draws) draws(cmd);
    vkCmdEndRenderPass(cmd);
}

VkFormat colorFormat(ColorTarget target) {
    return target == ColorTarget::Rgba16f ? VK_FORMAT_R16G16B16A16_SFLOAT : kOffscreenColorFormat;
}

OffscreenTarget::OffscreenTarget(gpu::Context& ctx, VkRenderPass pass, ColorTarget format, uint32_t width,
                                 uint32_t height)
    : m_format(format), m_width(width), m_height(height) {
    m_color = gpu::Image(
        ctx, {width, height, colorFormat(format), VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
              VK_IMAGE_ASPECT_COLOR_BIT});
    m_depth = gpu::Image(ctx, {width, height, kDepthFormat,
                               VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                               VK_IMAGE_ASPECT_DEPTH_BIT});
    m_framebuffer = createSceneFramebuffer(ctx, pass, m_color.view(), m_depth.view(), width, height);
    const VkDeviceSize texel = format == ColorTarget::Rgba16f ? 8 : 4;
    m_readback = gpu::Buffer(ctx, VkDeviceSize(width) * height * texel, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                             gpu::MemoryUsage::Readback);
}

void OffscreenTarget::recordColorCopy(VkCommandBuffer cmd) {
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {m_width, m_height, 1};
    vkCmdCopyImageToBuffer(cmd, m_color.handle(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, m_readback.handle(), 1,
                           &region);
    VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr, 0,
                         nullptr);
}

output::ImageRgba8 OffscreenTarget::colorRgba8() const {
    if (m_format == ColorTarget::Rgba16f) return output::quantize(colorFloat());
    output::ImageRgba8 image;
    image.width = int(m_width);
    image.height = int(m_height);
    image.pixels.resize(size_t(m_width) * m_height * 4);
    const auto* src = static_cast<const uint8_t*>(m_readback.mapped());
    for (size_t i = 0; i < image.pixels.size(); i += 4) {  // BGRA -> RGBA
        image.pixels[i + 0] = src[i + 2];
        image.pixels[i + 1] = src[i + 1];
        image.pixels[i + 2] = src[i + 0];
        image.pixels[i + 3] = src[i + 3];
    }
    return image;
}

output::ImageRgbaF OffscreenTarget::colorFloat() const {
    output::ImageRgbaF image;
    if (m_format != ColorTarget::Rgba16f) return image;
    image.width = int(m_width);
    image.height = int(m_height);
    image.pixels.resize(size_t(m_width) * m_height * 4);
    const auto* src = static_cast<const uint16_t*>(m_readback.mapped());
    for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = halfToFloat(src[i]);
    return image;
}

void SwapchainTargets::build(gpu::Context& ctx, const gpu::Swapchain& swapchain, VkRenderPass pass) {
    m_framebuffers.clear();
    m_extent = swapchain.extent();
    m_depth = gpu::Image(ctx, {m_extent.width, m_extent.height, kDepthFormat,
                               VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                               VK_IMAGE_ASPECT_DEPTH_BIT});
    for (uint32_t i = 0; i < swapchain.imageCount(); ++i)
        m_framebuffers.push_back(
            createSceneFramebuffer(ctx, pass, swapchain.view(i), m_depth.view(), m_extent.width, m_extent.height));
}

}  // namespace fl::render
