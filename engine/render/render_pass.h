// render/render_pass.h — the scene's render pass: one colour target plus reversed-Z depth.
// Owns: the attachment formats and clear values every scene pass (terrain, sky, lines, overlay, and the
// editor's ImGui) is built against, for both the window's swapchain and offscreen targets.
#pragma once

#include "gpu/resources.h"

namespace fl::render {

inline constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;
// Offscreen colour: UNORM with shaders writing sRGB-encoded values, so the same pipelines serve the
// UNORM swapchain (where ImGui expects UNORM) and PNG output (sRGB-encoded bytes).
inline constexpr VkFormat kOffscreenColorFormat = VK_FORMAT_B8G8R8A8_UNORM;

// `finalLayout`: PRESENT_SRC_KHR for a swapchain, TRANSFER_SRC_OPTIMAL for readback.
gpu::RenderPass createScenePass(gpu::Context& ctx, VkFormat colorFormat, VkImageLayout finalLayout);

// A framebuffer of the scene pass: `color` and `depth` views of `width` x `height`.
gpu::Framebuffer createSceneFramebuffer(gpu::Context& ctx, VkRenderPass pass, VkImageView color, VkImageView depth,
                                        uint32_t width, uint32_t height);

}  // namespace fl::render
