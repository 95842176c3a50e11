#include "render/offscreen.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "core/log.h"
#include "gpu/check.h"
#include "gpu/context.h"
#include "render/render_pass.h"
#include "scene/scene.h"

namespace fl::render {

OffscreenRenderer::~OffscreenRenderer() {
    m_frames.reset();  // waits for the GPU before the targets below are destroyed
}

Result<std::unique_ptr<OffscreenRenderer>> OffscreenRenderer::create(gpu::Context& ctx, const scene::Scene& scene,
                                                                     ColorTarget target) {
    std::unique_ptr<OffscreenRenderer> r(new OffscreenRenderer(ctx, scene, target));
    r->m_pass = createScenePass(ctx, colorFormat(target), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
    // One slot: a headless frame is rendered and read back before the next one starts.
    r->m_frames = std::make_unique<gpu::FrameRing>(ctx, 1);
    auto renderer = SceneRenderer::create(ctx, scene, r->m_pass, 1);
    if (!renderer) return renderer.error();
    r->m_renderer = std::move(renderer).value();
    r->m_heights = std::make_unique<PickHeights>(scene);
    return r;
}

void OffscreenRenderer::resize(int width, int height) {
    if (width == m_width && height == m_height) return;
    // Targets of an earlier size may still be in use by a submitted frame: release them with it.
    m_frames->deferRelease(std::move(m_images));
    m_frames->deferRelease(std::move(m_depthReadback));
    m_images = OffscreenTarget(m_ctx, m_pass, m_target, uint32_t(width), uint32_t(height));
    m_width = width;
    m_height = height;
}

output::ImageRgba8 OffscreenRenderer::render(const CameraPose& pose, int width, int height,
                                             const RenderSettings& settings, std::chrono::milliseconds detailTimeout) {
    const ViewState view = computeView(m_scene.frame, pose, width, height);
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + detailTimeout;
    gpu::FrameSlot* slotPtr = nullptr;
    m_wait = {};
    for (;;) {
        slotPtr = &m_frames->begin();
        resize(width, height);
        terrain::TileStreamer* streamer = m_renderer->streamer();
        const uint64_t uploadsBefore = streamer ? streamer->stats().uploads : 0;
        m_renderer->prepare(m_frames->slotIndex(), view, settings);  // the streamer's update: loads, uploads
        m_renderer->recordTransfers(slotPtr->cmd);
        // Pages recorded for upload in this very command buffer have not reached the GPU yet: the frame waits
        // until a pass records none, so every page it draws came with an earlier, completed submission.
        const bool uploading = streamer && streamer->stats().uploads != uploadsBefore;
        m_readiness = streamer ? streamer->readiness() : terrain::Readiness{true, 1.0, {}, {}};
        if (m_wait.uploadFrames == 0)
            m_wait.tilesWaitedFor = m_readiness.missing.size() + (uploading && m_readiness.missing.empty() ? 1 : 0);
        // Done when resolved, when only failed tiles remain (nothing more will come), or out of time.
        const bool settled = (m_readiness.resolved || (m_readiness.missing.empty() && streamer->idle())) && !uploading;
        if (settled || std::chrono::steady_clock::now() > deadline) break;
        ++m_wait.uploadFrames;
        // An upload-only frame: the pages recorded above land, then wait for the workers.
        m_frames->submit();
        m_frames->waitCurrent();
        streamer->waitForProgress(std::chrono::milliseconds(20));
    }
    m_wait.waitMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    VkCommandBuffer cmd = slotPtr->cmd;
    const uint32_t slot = m_frames->slotIndex();
    recordFrame(cmd, m_pass, m_images.target(), settings.clearColor,
                [&](VkCommandBuffer c) { m_renderer->draw(c, slot); });

    // The depth stays in TRANSFER_SRC until the next frame, so that a pick can copy it out on demand; the
    // pass starts from UNDEFINED (it clears), and its external dependency waits for that copy.
    VkImageMemoryBarrier depthToCopy{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    depthToCopy.srcAccessMask = VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
    depthToCopy.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    depthToCopy.oldLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
    depthToCopy.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    depthToCopy.srcQueueFamilyIndex = depthToCopy.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    depthToCopy.image = m_images.depth();
    depthToCopy.subresourceRange = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr,
                         0, nullptr, 1, &depthToCopy);

    m_images.recordColorCopy(cmd);
    m_frames->submit();
    m_frames->waitCurrent();
    m_haveFrame = true;
    m_lastView = view;
    m_lastExaggeration = settings.exaggeration;
    m_depthValues.clear();

    if (m_target == ColorTarget::Rgba16f) {
        m_float = m_images.colorFloat();
        return output::quantize(m_float);
    }
    return m_images.colorRgba8();
}

output::ImageRgba8 OffscreenRenderer::render(const FrameSpec& spec, const FrameContent& content,
                                             std::chrono::milliseconds detailTimeout) {
    if (Status s = m_renderer->setContent(content); !s) log::warn(s.error().message);
    return render(spec.camera, spec.width, spec.height, spec.settings, detailTimeout);
}

Result<Ok> OffscreenRenderer::readDepth() {
    if (!m_haveFrame) return Error{"nothing to pick: no frame has been rendered yet"};
    if (!m_depthValues.empty()) return Ok{};
    const VkDeviceSize bytes = VkDeviceSize(m_width) * m_height * sizeof(float);
    if (!m_depthReadback)
        m_depthReadback = gpu::Buffer(m_ctx, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::MemoryUsage::Readback);
    // The frame is complete (render() waited for it) and left the depth in TRANSFER_SRC.
    m_ctx.submitAndWait([&](VkCommandBuffer cmd) {
        VkBufferImageCopy region{};
        region.imageSubresource = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 0, 1};
        region.imageExtent = {uint32_t(m_width), uint32_t(m_height), 1};
        vkCmdCopyImageToBuffer(cmd, m_images.depth(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, m_depthReadback.handle(), 1,
                               &region);
        VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr,
                             0, nullptr);
    });
    // D32_SFLOAT copies out as tightly packed floats.
    m_depthValues.resize(size_t(m_width) * m_height);
    std::memcpy(m_depthValues.data(), m_depthReadback.mapped(), bytes);
    return Ok{};
}

Result<PickResult> OffscreenRenderer::pick(double px, double py) {
    const glm::dvec2 p(px, py);
    return std::move(pick(std::span(&p, 1)).front());
}

std::vector<Result<PickResult>> OffscreenRenderer::pick(std::span<const glm::dvec2> pixels) {
    std::vector<Result<PickResult>> out;
    out.reserve(pixels.size());
    const Result<Ok> depth = readDepth();
    for (const glm::dvec2& p : pixels) {
        if (!depth) {
            out.emplace_back(depth.error());
            continue;
        }
        auto texel = pixelTexel(p.x, p.y, m_width, m_height);
        if (!texel) {
            out.emplace_back(texel.error());
            continue;
        }
        const float d = m_depthValues[size_t(texel->y) * m_width + texel->x];
        auto r = pickFromDepth(m_scene, m_lastView, m_lastExaggeration, *texel, d);
        if (r) m_heights->fill(*r, m_renderer->streamer());
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace fl::render
