#include "render/terrain_tiles.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "gpu/check.h"
#include "gpu/context.h"
#include "gpu/pipeline.h"

namespace fl::render {

using gpu_types::TilePush;
using terrain::kPageBytes;
using terrain::kPageSize;

GpuPagePool::GpuPagePool(gpu::Context& ctx, uint32_t pages, uint64_t stagingBytesPerFrame, uint32_t slots)
    : m_ctx(ctx), m_pages(pages) {
    gpu::ImageDesc desc;
    desc.width = desc.height = kPageSize;
    desc.format = VK_FORMAT_R32_SFLOAT;
    desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    desc.layers = pages;
    desc.arrayView = true;
    m_image = gpu::Image(ctx, desc);
    ctx.submitAndWait([&](VkCommandBuffer cmd) {
        gpu::transitionImage(cmd, m_image.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                             VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    });
    // The streamer uploads at most max(1, budget / page) pages a frame.
    const uint64_t pagesPerFrame = std::max<uint64_t>(1, stagingBytesPerFrame / kPageBytes);
    m_staging.resize(slots);
    for (auto& s : m_staging)
        s.buffer =
            gpu::Buffer(ctx, pagesPerFrame * kPageBytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, gpu::MemoryUsage::Upload);
}

void GpuPagePool::beginFrame(uint32_t slot) {
    m_slot = slot;
    m_staging[slot].copies.clear();
    m_staging[slot].used = 0;
}

void GpuPagePool::upload(uint32_t page, const terrain::TilePage& data) {
    Staging& s = m_staging[m_slot];
    assert(page < m_pages && data.heights.size() * sizeof(float) == kPageBytes);
    assert(s.used + kPageBytes <= s.buffer.size() && "the streamer exceeded its per-frame upload budget");
    std::memcpy(static_cast<uint8_t*>(s.buffer.mapped()) + s.used, data.heights.data(), kPageBytes);
    VkBufferImageCopy c{};
    c.bufferOffset = s.used;
    c.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, page, 1};
    c.imageExtent = {uint32_t(kPageSize), uint32_t(kPageSize), 1};
    s.copies.push_back(c);
    s.used += kPageBytes;
}

void GpuPagePool::recordUploads(VkCommandBuffer cmd) {
    Staging& s = m_staging[m_slot];
    if (s.copies.empty()) return;
    // Earlier frames' shader reads of the array finish before the copy; the copy finishes before this
    // frame's reads. Pages being written are never read by a frame in flight (the streamer's rule).
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = m_image.handle();
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, VK_REMAINING_ARRAY_LAYERS};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &b);
    vkCmdCopyBufferToImage(cmd, s.buffer.handle(), m_image.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                           uint32_t(s.copies.size()), s.copies.data());
    b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, nullptr, 0,
                         nullptr, 1, &b);
    s.copies.clear();
}

namespace {

// The shared grid: (n+1)^2 vertices over the tile, then a skirt ring (the edge vertices again, flagged).
void buildGrid(int n, std::vector<glm::vec4>& verts, std::vector<uint32_t>& idx) {
    auto id = [n](int i, int j) { return uint32_t(j * (n + 1) + i); };
    for (int j = 0; j <= n; ++j)
        for (int i = 0; i <= n; ++i) verts.emplace_back(float(i) / n, float(j) / n, 0, 0);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            // Alternate the diagonal so slopes in both directions are represented alike.
            const uint32_t a = id(i, j), b = id(i + 1, j), c = id(i, j + 1), d = id(i + 1, j + 1);
            if ((i + j) % 2 == 0)
                idx.insert(idx.end(), {a, c, b, b, c, d});
            else
                idx.insert(idx.end(), {a, c, d, a, d, b});
        }
    // Perimeter walk, then a quad from each edge segment down to its skirt copy.
    std::vector<uint32_t> ring;
    for (int i = 0; i < n; ++i) ring.push_back(id(i, 0));
    for (int j = 0; j < n; ++j) ring.push_back(id(n, j));
    for (int i = n; i > 0; --i) ring.push_back(id(i, n));
    for (int j = n; j > 0; --j) ring.push_back(id(0, j));
    const uint32_t base = uint32_t(verts.size());
    for (uint32_t v : ring) verts.emplace_back(verts[v].x, verts[v].y, 1, 0);
    for (size_t k = 0; k < ring.size(); ++k) {
        const uint32_t a = ring[k], b = ring[(k + 1) % ring.size()];
        const uint32_t as = base + uint32_t(k), bs = base + uint32_t((k + 1) % ring.size());
        idx.insert(idx.end(), {a, as, b, b, as, bs});
    }
}

}  // namespace

Result<std::unique_ptr<TerrainTiles>> TerrainTiles::create(gpu::Context& ctx,
                                                           std::shared_ptr<terrain::TileSource> source,
                                                           VkDescriptorSetLayout frameSetLayout,
                                                           VkRenderPass renderPass, uint32_t slots,
                                                           const TerrainTileOptions& options) {
    std::unique_ptr<TerrainTiles> t(new TerrainTiles(ctx));
    VkDevice dev = ctx.device();
    const uint64_t wantPages = std::max<uint64_t>(16, options.streaming.gpuCacheBytes / kPageBytes);
    const uint32_t pages = uint32_t(std::min<uint64_t>(wantPages, ctx.properties().limits.maxImageArrayLayers));
    t->m_pool = std::make_unique<GpuPagePool>(ctx, pages, options.streaming.uploadBytesPerFrame, slots);
    t->m_streamer = std::make_unique<terrain::TileStreamer>(std::move(source), *t->m_pool, options.streaming);

    std::vector<glm::vec4> verts;
    std::vector<uint32_t> idx;
    buildGrid(std::clamp(options.gridCells, 1, 256), verts, idx);
    t->m_indexCount = uint32_t(idx.size());
    t->m_gridVertices = gpu::Buffer(ctx, verts.size() * sizeof(glm::vec4), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT,
                                    gpu::MemoryUsage::GpuOnly);
    t->m_gridVertices.upload(verts.data(), verts.size() * sizeof(glm::vec4));
    t->m_gridIndices =
        gpu::Buffer(ctx, idx.size() * sizeof(uint32_t), VK_BUFFER_USAGE_INDEX_BUFFER_BIT, gpu::MemoryUsage::GpuOnly);
    t->m_gridIndices.upload(idx.data(), idx.size() * sizeof(uint32_t));

    // Linear filtering of R32F is optional in Vulkan; where missing, normals fall back to nearest samples.
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(ctx.physicalDevice(), VK_FORMAT_R32_SFLOAT, &fp);
    const bool linear = fp.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    VkSamplerCreateInfo sci{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    sci.magFilter = sci.minFilter = linear ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
    sci.addressModeU = sci.addressModeV = sci.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    VkSampler sampler;
    VK_CHECK(vkCreateSampler(dev, &sci, nullptr, &sampler));
    t->m_sampler = gpu::Sampler(dev, sampler);

    VkDescriptorSetLayoutBinding binding{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1,
                                         VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    lci.bindingCount = 1;
    lci.pBindings = &binding;
    VkDescriptorSetLayout setLayout;
    VK_CHECK(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &setLayout));
    t->m_setLayout = gpu::DescriptorSetLayout(dev, setLayout);
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1};
    VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pci.maxSets = 1;
    pci.poolSizeCount = 1;
    pci.pPoolSizes = &size;
    VkDescriptorPool pool;
    VK_CHECK(vkCreateDescriptorPool(dev, &pci, nullptr, &pool));
    t->m_descriptorPool = gpu::DescriptorPool(dev, pool);
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = pool;
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &setLayout;
    VK_CHECK(vkAllocateDescriptorSets(dev, &ai, &t->m_set));
    VkDescriptorImageInfo ii{sampler, t->m_pool->view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    w.dstSet = t->m_set;
    w.dstBinding = 0;
    w.descriptorCount = 1;
    w.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
    w.pImageInfo = &ii;
    vkUpdateDescriptorSets(dev, 1, &w, 0, nullptr);

    t->m_layout = gpu::createPipelineLayout(ctx, {frameSetLayout, setLayout}, sizeof(TilePush));
    auto vs = gpu::loadShader(ctx, "terrain_tile.vert"), fs = gpu::loadShader(ctx, "terrain_tile.frag");
    if (!vs) return vs.error();
    if (!fs) return fs.error();
    gpu::GraphicsPipelineDesc d;
    d.vertex = *vs;
    d.fragment = *fs;
    d.layout = t->m_layout;
    d.renderPass = renderPass;
    d.bindings = {{0, sizeof(glm::vec4), VK_VERTEX_INPUT_RATE_VERTEX}};
    d.attributes = {{0, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 0}};
    t->m_pipeline = gpu::createGraphicsPipeline(ctx, d);
    return t;
}

void TerrainTiles::prepare(uint32_t slot, const terrain::SelectionView& view, terrain::FrameClock clock,
                           const std::function<double(double, double)>& undulation) {
    m_pool->beginFrame(slot);
    const auto& draws = m_streamer->update(view, clock);
    const glm::dmat3 ecefToScene = glm::transpose(view.frame.enuToEcef());
    std::vector<std::pair<double, TilePush>> sorted;
    sorted.reserve(draws.size());
    for (const terrain::TileDraw& d : draws) {
        const double n = double(1u << d.region.z);
        const double span = 2.0 * geo::kPi / n;
        const double y0 = geo::kPi * (1.0 - 2.0 * (d.region.y + 0.5) / n);  // Mercator y of the centre
        const double lat0 = std::atan(std::sinh(y0)), lon0 = -geo::kPi + (d.region.x + 0.5) * span;
        const double sl = std::sin(lat0), cl = std::cos(lat0), so = std::sin(lon0), co = std::cos(lon0);
        const glm::dvec3 e = ecefToScene * glm::dvec3(-so, co, 0);
        const glm::dvec3 nn = ecefToScene * glm::dvec3(-sl * co, -sl * so, cl);
        const glm::dvec3 u = ecefToScene * glm::dvec3(cl * co, cl * so, sl);
        const double N0 = geo::kSemiMajor / std::sqrt(1.0 - geo::kEcc2 * sl * sl);
        const glm::dvec3 origin = view.frame.fromGeodetic({geo::degrees(lat0), geo::degrees(lon0), 0.0});
        const double scale = 1.0 / double(1u << (d.region.z - d.pageTile.z));
        TilePush p{};
        // Skirts deep enough to cover the height step to a coarser neighbour, which grows with sample size.
        const double skirt = (8.0 * terrain::tileSampleSize(d.pageTile) + 20.0) * std::max(1.0, view.exaggeration);
        p.originFromCamera = glm::vec4(glm::vec3(origin - view.view.eye), float(skirt));
        p.axisE = glm::vec4(glm::vec3(e), float(sl));
        p.axisN = glm::vec4(glm::vec3(nn), float(cl));
        p.axisU = glm::vec4(glm::vec3(u), float(N0));
        p.tile = glm::vec4(float(y0), float(span), float(d.page),
                           float(undulation ? undulation(geo::degrees(lat0), geo::degrees(lon0)) : 0.0));
        p.pageRect = glm::vec4(float(d.region.x * scale - d.pageTile.x), float(d.region.y * scale - d.pageTile.y),
                               float(scale), float(scale));
        sorted.emplace_back(glm::length(origin - view.view.eye), p);
    }
    // Near to far: early depth rejection saves fragment work, lavapipe's second cost.
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    m_pushes.clear();
    for (auto& [dist, p] : sorted) m_pushes.push_back(p);
}

void TerrainTiles::draw(VkCommandBuffer cmd, VkDescriptorSet frameSet) {
    if (m_pushes.empty()) return;
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_pipeline);
    const VkDescriptorSet sets[2] = {frameSet, m_set};
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_layout, 0, 2, sets, 0, nullptr);
    VkDeviceSize zero = 0;
    VkBuffer vb = m_gridVertices.handle();
    vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &zero);
    vkCmdBindIndexBuffer(cmd, m_gridIndices.handle(), 0, VK_INDEX_TYPE_UINT32);
    for (const TilePush& p : m_pushes) {
        vkCmdPushConstants(cmd, m_layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(p), &p);
        vkCmdDrawIndexed(cmd, m_indexCount, 1, 0, 0, 0);
    }
}

}  // namespace fl::render
