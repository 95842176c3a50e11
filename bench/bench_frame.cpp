#include "bench_frame.h"

#include <chrono>
#include <cstring>
#include <vector>

#include "gpu/check.h"
#include "gpu/context.h"
#include "render/render_pass.h"

namespace fl::bench {

using namespace fl::render;

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
    m_target = OffscreenTarget(m_ctx, m_pass, ColorTarget::Rgba8, uint32_t(width), uint32_t(height));
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

    Clock::time_point passStart;
    recordFrame(cmd, m_pass, m_target.target(), clearColor, [&](VkCommandBuffer c) {
        passStart = Clock::now();
        if (pass) pass(c);
    });
    timing.cpuMs = transfersMs + msSince(passStart);
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
    m_ctx.submitAndWait([&](VkCommandBuffer cmd) { m_target.recordColorCopy(cmd); });
    return m_target.colorRgba8();
}

}  // namespace fl::bench
