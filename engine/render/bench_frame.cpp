#include "render/bench_frame.h"

#include <chrono>
#include <cstring>
#include <vector>

#include "gpu/check.h"
#include "gpu/context.h"
#include "render/render_pass.h"

namespace fl::render {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

Result<std::unique_ptr<BenchFrame>> BenchFrame::create(gpu::Context& ctx) {
    std::unique_ptr<BenchFrame> f(new BenchFrame(ctx));
    f->m_pass = createScenePass(ctx, kOffscreenColorFormat, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
    f->m_frames = std::make_unique<gpu::FrameRing>(ctx, 1);

    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physicalDevice(), &families, nullptr);
    std::vector<VkQueueFamilyProperties> props(families);
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physicalDevice(), &families, props.data());
    f->m_timestampBits = ctx.queueFamily() < families ? props[ctx.queueFamily()].timestampValidBits : 0;
    f->m_timestampPeriodNs = ctx.properties().limits.timestampPeriod;
    if (f->m_timestampBits > 0) {
        VkQueryPoolCreateInfo qci{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
        qci.queryType = VK_QUERY_TYPE_TIMESTAMP;
        qci.queryCount = 2;
        VK_CHECK(vkCreateQueryPool(ctx.device(), &qci, nullptr, &f->m_queries));
    }
    return f;
}

BenchFrame::~BenchFrame() {
    m_frames.reset();  // waits for the GPU
    if (m_queries) vkDestroyQueryPool(m_ctx.device(), m_queries, nullptr);
}

void BenchFrame::resize(int width, int height) {
    if (width == m_width && height == m_height) return;
    m_ctx.waitIdle();
    m_framebuffer = {};
    const uint32_t w = uint32_t(width), h = uint32_t(height);
    m_color = gpu::Image(
        m_ctx, {w, h, kOffscreenColorFormat, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                VK_IMAGE_ASPECT_COLOR_BIT});
    m_depth =
        gpu::Image(m_ctx, {w, h, kDepthFormat, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, VK_IMAGE_ASPECT_DEPTH_BIT});
    m_framebuffer = createSceneFramebuffer(m_ctx, m_pass, m_color.view(), m_depth.view(), w, h);
    m_width = width;
    m_height = height;
}

FrameTiming BenchFrame::run(const std::function<void()>& prepare, const std::function<void(VkCommandBuffer)>& transfers,
                            const std::function<void(VkCommandBuffer)>& pass, const glm::vec4& clearColor) {
    FrameTiming timing;
    VkCommandBuffer cmd = m_frames->begin().cmd;
    if (m_queries) {
        vkCmdResetQueryPool(cmd, m_queries, 0, 2);
        vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, m_queries, 0);
    }
    const Clock::time_point cpuStart = Clock::now();
    if (prepare) prepare();
    timing.prepareMs = msSince(cpuStart);
    if (transfers) transfers(cmd);
    const double transfersMs = msSince(cpuStart);

    VkClearValue clears[2]{};
    clears[0].color = {{clearColor.r, clearColor.g, clearColor.b, clearColor.a}};
    clears[1].depthStencil = {0.0f, 0};  // reversed-Z: 0 is infinitely far
    VkRenderPassBeginInfo rbi{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    rbi.renderPass = m_pass;
    rbi.framebuffer = m_framebuffer;
    rbi.renderArea = {{0, 0}, {uint32_t(m_width), uint32_t(m_height)}};
    rbi.clearValueCount = 2;
    rbi.pClearValues = clears;
    vkCmdBeginRenderPass(cmd, &rbi, VK_SUBPASS_CONTENTS_INLINE);
    VkViewport vp{0, 0, float(m_width), float(m_height), 0, 1};
    VkRect2D scissor{{0, 0}, {uint32_t(m_width), uint32_t(m_height)}};
    vkCmdSetViewport(cmd, 0, 1, &vp);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    const Clock::time_point passStart = Clock::now();
    if (pass) pass(cmd);
    timing.cpuMs = transfersMs + msSince(passStart);
    vkCmdEndRenderPass(cmd);
    if (m_queries) vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, m_queries, 1);

    const Clock::time_point submitStart = Clock::now();
    m_frames->submit();
    m_frames->waitCurrent();
    timing.gpuMs = msSince(submitStart);
    if (m_queries) {
        uint64_t ticks[2] = {0, 0};
        VK_CHECK(vkGetQueryPoolResults(m_ctx.device(), m_queries, 0, 2, sizeof ticks, ticks, sizeof(uint64_t),
                                       VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
        const uint64_t mask = m_timestampBits >= 64 ? ~0ull : (1ull << m_timestampBits) - 1;
        const uint64_t elapsed = ((ticks[1] & mask) - (ticks[0] & mask)) & mask;  // survives one wrap
        timing.gpuMs = double(elapsed) * m_timestampPeriodNs * 1e-6;
    }
    return timing;
}

void BenchFrame::runTransfers(const std::function<void()>& prepare,
                              const std::function<void(VkCommandBuffer)>& transfers) {
    VkCommandBuffer cmd = m_frames->begin().cmd;
    if (prepare) prepare();
    if (transfers) transfers(cmd);
    m_frames->submit();
    m_frames->waitCurrent();
}

output::ImageRgba8 BenchFrame::readback() {
    const VkDeviceSize bytes = VkDeviceSize(m_width) * m_height * 4;
    gpu::Buffer buffer(m_ctx, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::MemoryUsage::Readback);
    m_ctx.submitAndWait([&](VkCommandBuffer cmd) {
        VkBufferImageCopy region{};
        region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        region.imageExtent = {uint32_t(m_width), uint32_t(m_height), 1};
        vkCmdCopyImageToBuffer(cmd, m_color.handle(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer.handle(), 1,
                               &region);
        VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr,
                             0, nullptr);
    });
    output::ImageRgba8 image;
    image.width = m_width;
    image.height = m_height;
    image.pixels.resize(size_t(bytes));
    const auto* src = static_cast<const uint8_t*>(buffer.mapped());
    for (size_t i = 0; i < image.pixels.size(); i += 4) {  // BGRA -> RGBA
        image.pixels[i + 0] = src[i + 2];
        image.pixels[i + 1] = src[i + 1];
        image.pixels[i + 2] = src[i + 0];
        image.pixels[i + 3] = src[i + 3];
    }
    return image;
}

}  // namespace fl::render
