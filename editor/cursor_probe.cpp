#include "cursor_probe.h"

#include <cstring>

#include "gpu/context.h"
#include "render/scene_renderer.h"

namespace fl::app {

CursorProbes::CursorProbes(gpu::Context& ctx, uint32_t slots) : m_probes(slots) {
    for (Probe& p : m_probes)
        p.depth = gpu::Buffer(ctx, sizeof(float), VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::MemoryUsage::Readback);
}

void CursorProbes::collect(uint32_t slot, const scene::Scene& scene, const render::SceneRenderer& renderer) {
    Probe& probe = m_probes.at(slot);
    if (!probe.pending) return;
    probe.pending = false;
    float depth = 0;
    std::memcpy(&depth, probe.depth.mapped(), sizeof depth);
    m_cursor = render::pickFromDepth(scene, probe.view, probe.exaggeration, probe.texel, depth);
    // The data height from what is in memory: the frame loop never waits on a fetch.
    if (*m_cursor) renderer.fillCachedHeight(m_cursor->value());
}

void CursorProbes::record(VkCommandBuffer cmd, uint32_t slot, VkImage depth, glm::ivec2 texel, const ViewState& view,
                          double exaggeration) {
    Probe& probe = m_probes.at(slot);
    probe.texel = texel;
    probe.view = view;
    probe.exaggeration = exaggeration;
    probe.pending = true;
    VkImageMemoryBarrier toCopy{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    toCopy.srcAccessMask = VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
    toCopy.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    toCopy.oldLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
    toCopy.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    toCopy.srcQueueFamilyIndex = toCopy.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toCopy.image = depth;
    toCopy.subresourceRange = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr,
                         0, nullptr, 1, &toCopy);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 0, 1};
    region.imageOffset = {texel.x, texel.y, 0};
    region.imageExtent = {1, 1, 1};
    vkCmdCopyImageToBuffer(cmd, depth, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, probe.depth.handle(), 1, &region);
    VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr, 0,
                         nullptr);
}

}  // namespace fl::app
