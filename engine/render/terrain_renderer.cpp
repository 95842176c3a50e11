#include "render/terrain_renderer.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "gpu/check.h"
#include "gpu/context.h"
#include "gpu/pipeline.h"
#include "terrain/geoid.h"

namespace fl::render {

using gpu_types::TerrainPatch;
using gpu_types::TerrainUniforms;
using terrain::kPageBytes;
using terrain::kPageSize;
using terrain::TileId;

namespace {

constexpr uint32_t kCells = FRONTLINE_TERRAIN_CELLS;
constexpr uint32_t kMaxLevels = FRONTLINE_MAX_LEVELS;
constexpr uint32_t kBins = FRONTLINE_TERRAIN_BINS;
constexpr uint32_t kEmpty = 0xFFFFFFFFu;

// The Counters block of terrain_select.comp / terrain_sort.comp (std430).
constexpr VkDeviceSize kLevelArgsOffset = 0;
constexpr VkDeviceSize kPatchArgsOffset = kMaxLevels * 16;
constexpr VkDeviceSize kDrawArgsOffset = kPatchArgsOffset + 16;
constexpr VkDeviceSize kStatsOffset = kDrawArgsOffset + 8 * 4;
constexpr VkDeviceSize kWalkLevelOffset = kStatsOffset + 8 * 4 + 2 * kBins * 4;
constexpr VkDeviceSize kCountersBytes = kWalkLevelOffset + 4;
// Read back each frame: patchArgs, drawArgs, stats.
constexpr VkDeviceSize kReadbackBytes = kStatsOffset + 8 * 4 - kPatchArgsOffset;

constexpr VkShaderStageFlags kAllStages =
    VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT | VK_SHADER_STAGE_COMPUTE_BIT;

void memoryBarrier(VkCommandBuffer cmd, VkPipelineStageFlags src, VkAccessFlags srcAccess, VkPipelineStageFlags dst,
                   VkAccessFlags dstAccess) {
    VkMemoryBarrier b{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    b.srcAccessMask = srcAccess;
    b.dstAccessMask = dstAccess;
    vkCmdPipelineBarrier(cmd, src, dst, 0, 1, &b, 0, nullptr, 0, nullptr);
}

// Screen pixels per unit of (size / distance) at the centre of the view.
double pixelsPerRadian(const ViewState& v) {
    return v.height / (2.0 * std::tan(geo::radians(v.fovY) * 0.5));
}

uint32_t nextPow2(uint32_t v) {
    uint32_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

}  // namespace

uint32_t tileHash(uint32_t z, uint32_t x, uint32_t y) {
    const uint32_t h = (x * 0x9E3779B1u) ^ ((y + 0x7F4A7C15u) * 0x85EBCA77u) ^ (z * 0xC2B2AE3Du);
    return h ^ (h >> 15);
}

// ---------------------------------------------------------------------------------------------------------
PageTable::PageTable(uint32_t pages) : m_slots(nextPow2(std::max(16u, pages * 4))), m_pages(pages) {}

void PageTable::publish(const std::vector<std::pair<uint32_t, TileId>>& pages) {
    if (pages == m_published) return;
    assert(pages.size() <= m_pages);
    m_published = pages;
    m_dirty = true;
}

const std::vector<glm::uvec4>& PageTable::entries() {
    if (!m_dirty && !m_entries.empty()) return m_entries;
    m_entries.assign(m_slots, glm::uvec4(kEmpty, kEmpty, kEmpty, 0));
    const uint32_t mask = m_slots - 1;
    for (const auto& [page, t] : m_published) {
        assert(page < m_pages);
        uint32_t i = tileHash(t.z, t.x, t.y) & mask;
        while (m_entries[i].x != kEmpty) i = (i + 1) & mask;
        m_entries[i] = glm::uvec4(t.x | (uint32_t(t.z) << 24), t.y, page, 0);
    }
    m_dirty = false;
    return m_entries;
}

// ---------------------------------------------------------------------------------------------------------
GpuPagePool::GpuPagePool(gpu::Context& ctx, uint32_t pages, uint64_t stagingBytesPerFrame, uint32_t slots)
    : m_ctx(ctx), m_pages(pages), m_pageTable(pages) {
    gpu::ImageDesc desc;
    desc.width = desc.height = kPageSize;
    desc.format = VK_FORMAT_R32_SFLOAT;
    desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    desc.layers = pages;
    desc.arrayView = true;
    m_heights = gpu::Image(ctx, desc);
    desc.format = VK_FORMAT_R16G16_SFLOAT;
    desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT;
    m_gradients = gpu::Image(ctx, desc);
    ctx.submitAndWait([&](VkCommandBuffer cmd) {
        gpu::transitionImage(cmd, m_heights.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                             VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
        // Written by compute and sampled by fragments: GENERAL serves both without transitions.
        gpu::transitionImage(cmd, m_gradients.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                             VK_IMAGE_LAYOUT_GENERAL);
    });
    const VkDeviceSize tableBytes = VkDeviceSize(m_pageTable.mask() + 1) * sizeof(glm::uvec4);
    m_table = gpu::Buffer(ctx, tableBytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                          gpu::MemoryUsage::GpuOnly);
    m_bounds = gpu::Buffer(ctx, VkDeviceSize(pages) * FRONTLINE_PAGE_BOUNDS * sizeof(glm::vec2),
                           VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, gpu::MemoryUsage::GpuOnly);
    // The streamer uploads at most max(1, budget / page) pages a frame.
    const uint64_t pagesPerFrame = std::max<uint64_t>(1, stagingBytesPerFrame / kPageBytes);
    m_staging.resize(slots);
    for (auto& s : m_staging) {
        s.buffer =
            gpu::Buffer(ctx, pagesPerFrame * kPageBytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, gpu::MemoryUsage::Upload);
        s.table = gpu::Buffer(ctx, tableBytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, gpu::MemoryUsage::Upload);
    }
}

void GpuPagePool::beginFrame(uint32_t slot) {
    m_slot = slot;
    m_staging[slot].copies.clear();
    m_staging[slot].uploaded.clear();
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
    s.uploaded.push_back({page, data.tile});
    s.used += kPageBytes;
}

std::vector<GpuPagePool::Uploaded> GpuPagePool::recordUploads(VkCommandBuffer cmd) {
    Staging& s = m_staging[m_slot];
    if (!s.copies.empty()) {
        // Earlier frames' reads of the array finish before the copy (one queue: the barrier orders against
        // everything submitted before), and the copy finishes before this frame's reads.
        VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
        b.srcAccessMask = VK_ACCESS_SHADER_READ_BIT;
        b.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        b.oldLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
        b.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
        b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        b.image = m_heights.handle();
        b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, VK_REMAINING_ARRAY_LAYERS};
        const VkPipelineStageFlags readers = VK_PIPELINE_STAGE_VERTEX_SHADER_BIT |
                                             VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT |
                                             VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
        vkCmdPipelineBarrier(cmd, readers, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &b);
        vkCmdCopyBufferToImage(cmd, s.buffer.handle(), m_heights.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                               uint32_t(s.copies.size()), s.copies.data());
        b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
        b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
        b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, readers, 0, 0, nullptr, 0, nullptr, 1, &b);
        s.copies.clear();
    }
    if (m_pageTable.dirty()) {
        const auto& entries = m_pageTable.entries();
        std::memcpy(s.table.mapped(), entries.data(), entries.size() * sizeof(glm::uvec4));
        memoryBarrier(cmd, VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                      VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
        const VkBufferCopy region{0, 0, s.table.size()};
        vkCmdCopyBuffer(cmd, s.table.handle(), m_table.handle(), 1, &region);
        memoryBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                      VK_ACCESS_SHADER_READ_BIT);
    }
    return std::move(s.uploaded);
}

// ---------------------------------------------------------------------------------------------------------
TerrainRenderer::~TerrainRenderer() = default;

Result<std::unique_ptr<TerrainRenderer>> TerrainRenderer::create(gpu::Context& ctx,
                                                                 std::shared_ptr<terrain::TileSource> source,
                                                                 const terrain::GeoidModel* geoid,
                                                                 VkDescriptorSetLayout frameSetLayout,
                                                                 VkRenderPass renderPass, uint32_t slots,
                                                                 const TerrainRendererOptions& options) {
    std::unique_ptr<TerrainRenderer> t(new TerrainRenderer(ctx));
    t->m_options = options;
    if (auto r = t->init(std::move(source), geoid, frameSetLayout, renderPass, slots); !r) return r.error();
    return t;
}

Result<Ok> TerrainRenderer::init(std::shared_ptr<terrain::TileSource> source, const terrain::GeoidModel* geoid,
                                 VkDescriptorSetLayout frameSetLayout, VkRenderPass renderPass, uint32_t slotCount) {
    VkDevice dev = m_ctx.device();
    TerrainLodOptions& lod = m_options.lod;
    lod.maxPatches = std::clamp(lod.maxPatches, 64u, 1u << 20);
    lod.maxNodes = std::clamp(lod.maxNodes, 64u, 1u << 22);

    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(m_ctx.physicalDevice(), VK_FORMAT_R16G16_SFLOAT, &fp);
    if (!(fp.optimalTilingFeatures & VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT))
        return Error{"the Vulkan device cannot write R16G16_SFLOAT storage images (terrain slopes)"};

    const uint64_t wantPages = std::max<uint64_t>(16, m_options.streaming.gpuCacheBytes / kPageBytes);
    const uint32_t pages =
        uint32_t(std::min<uint64_t>({wantPages, m_ctx.properties().limits.maxImageArrayLayers, 2047}));
    m_pool = std::make_unique<GpuPagePool>(m_ctx, pages, m_options.streaming.uploadBytesPerFrame, slotCount);
    m_streamer = std::make_unique<terrain::TileStreamer>(std::move(source), *m_pool, m_options.streaming);
    const terrain::TileSourceInfo& info = m_streamer->sourceInfo();
    m_coarsestZoom = uint32_t(std::clamp(info.minZoom, 0, 20));
    m_deepestLevel = uint32_t(std::clamp(info.maxZoom + 2, int(m_coarsestZoom) + 2, int(kMaxLevels) - 1));
    auto merc = [](double lat, double lon) {
        const double phi = geo::radians(std::clamp(lat, -terrain::kMaxMercatorLat, terrain::kMaxMercatorLat));
        return glm::dvec2((lon + 180.0) / 360.0, 0.5 - std::log(std::tan(geo::kPi / 4 + phi / 2)) / (2 * geo::kPi));
    };
    const glm::dvec2 nw = merc(info.bounds.north, info.bounds.west), se = merc(info.bounds.south, info.bounds.east);
    m_sourceMerc = glm::dvec4(nw.x, nw.y, se.x, se.y);

    // The shared patch grid: 33x33 vertices from gl_VertexIndex, every cell split along the same diagonal
    // so that a fully morphed patch is exactly its parent's triangles.
    std::vector<uint32_t> idx;
    auto id = [](uint32_t i, uint32_t j) { return j * (kCells + 1) + i; };
    for (uint32_t j = 0; j < kCells; ++j)
        for (uint32_t i = 0; i < kCells; ++i) {
            const uint32_t a = id(i, j), b = id(i + 1, j), c = id(i, j + 1), d = id(i + 1, j + 1);
            idx.insert(idx.end(), {a, c, d, a, d, b});
        }
    m_indices = gpu::Buffer(m_ctx, idx.size() * 4, VK_BUFFER_USAGE_INDEX_BUFFER_BIT, gpu::MemoryUsage::GpuOnly);
    m_indices.upload(idx.data(), idx.size() * 4);
    m_nodes =
        gpu::Buffer(m_ctx, VkDeviceSize(2) * lod.maxNodes * 16,
                    VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::MemoryUsage::GpuOnly);
    m_counters = gpu::Buffer(m_ctx, kCountersBytes,
                             VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT |
                                 VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                             gpu::MemoryUsage::GpuOnly);
    m_patches = gpu::Buffer(m_ctx, VkDeviceSize(lod.maxPatches) * sizeof(TerrainPatch),
                            VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, gpu::MemoryUsage::GpuOnly);
    m_order = gpu::Buffer(m_ctx, VkDeviceSize(lod.maxPatches) * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                          gpu::MemoryUsage::GpuOnly);

    // Geoid grid (N in metres), or one zero texel.
    std::vector<float> geoidTexels{0.0f};
    uint32_t gw = 1, gh = 1;
    if (geoid && geoid->grid.width > 0 && geoid->grid.height > 0) {
        gw = uint32_t(geoid->grid.width);
        gh = uint32_t(geoid->grid.height);
        geoidTexels.assign(geoid->grid.heights.begin(), geoid->grid.heights.end());
        for (float& v : geoidTexels)
            if (std::isnan(v)) v = 0.0f;
        m_hasGeoid = true;
        m_geoidFrame = glm::vec4(float(geoid->grid.north), float(geoid->grid.west), float(geoid->grid.pixelLat),
                                 float(geoid->grid.pixelLon));
    }
    m_geoidSize = glm::uvec2(gw, gh);
    m_geoid =
        gpu::Image(m_ctx, {gw, gh, VK_FORMAT_R32_SFLOAT, VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                           VK_IMAGE_ASPECT_COLOR_BIT});
    m_geoid.upload(geoidTexels.data(), geoidTexels.size() * sizeof(float));

    auto makeSampler = [&](bool linear) {
        VkSamplerCreateInfo sci{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
        sci.magFilter = sci.minFilter = linear ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
        sci.addressModeU = sci.addressModeV = sci.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
        VkSampler s;
        VK_CHECK(vkCreateSampler(dev, &sci, nullptr, &s));
        return gpu::Sampler(dev, s);
    };
    // Linear filtering of R32F is optional in Vulkan; the geoid then falls back to nearest (heights are
    // always fetched texel by texel).
    vkGetPhysicalDeviceFormatProperties(m_ctx.physicalDevice(), VK_FORMAT_R32_SFLOAT, &fp);
    const bool r32Linear = fp.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    m_nearest = makeSampler(false);
    m_linear = makeSampler(true);
    VkSampler geoidSampler = r32Linear ? m_linear.get() : m_nearest.get();

    const VkDescriptorType kSampled = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
                           kStorage = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    // 11, 12: the overlay fields' uniforms and image (shaders/shared/overlay_shading.glsl).
    const std::array<VkDescriptorType, 13> types = {kSampled,
                                                    kSampled,
                                                    VK_DESCRIPTOR_TYPE_STORAGE_IMAGE,
                                                    kSampled,
                                                    kStorage,
                                                    kStorage,
                                                    kStorage,
                                                    kStorage,
                                                    kStorage,
                                                    VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER,
                                                    kStorage,
                                                    VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER,
                                                    kSampled};
    std::vector<VkDescriptorSetLayoutBinding> bindings;
    for (uint32_t b = 0; b < types.size(); ++b) bindings.push_back({b, types[b], 1, kAllStages, nullptr});
    VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    lci.bindingCount = uint32_t(bindings.size());
    lci.pBindings = bindings.data();
    VkDescriptorSetLayout setLayout;
    VK_CHECK(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &setLayout));
    m_setLayout = gpu::DescriptorSetLayout(dev, setLayout);
    const VkDescriptorPoolSize sizes[] = {{kSampled, 4 * slotCount},
                                          {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, slotCount},
                                          {kStorage, 6 * slotCount},
                                          {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 2 * slotCount}};
    VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pci.maxSets = slotCount;
    pci.poolSizeCount = 4;
    pci.pPoolSizes = sizes;
    VkDescriptorPool pool;
    VK_CHECK(vkCreateDescriptorPool(dev, &pci, nullptr, &pool));
    m_descriptorPool = gpu::DescriptorPool(dev, pool);

    auto field = OverlayField::create(m_ctx, slotCount, m_options.overlays);
    if (!field) return field.error();
    m_field = std::move(field).value();
    m_fieldGeneration = m_field->generation();

    m_slots.resize(slotCount);
    for (uint32_t slotIndex = 0; slotIndex < slotCount; ++slotIndex) {
        Slot& s = m_slots[slotIndex];
        s.uniforms =
            gpu::Buffer(m_ctx, sizeof(TerrainUniforms), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, gpu::MemoryUsage::Upload);
        s.statsReadback =
            gpu::Buffer(m_ctx, kReadbackBytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::MemoryUsage::Readback);
        VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        ai.descriptorPool = pool;
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &setLayout;
        VK_CHECK(vkAllocateDescriptorSets(dev, &ai, &s.set));
        const VkDescriptorImageInfo heights{m_nearest, m_pool->heightView(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
        const VkDescriptorImageInfo grads{m_linear, m_pool->gradientView(), VK_IMAGE_LAYOUT_GENERAL};
        const VkDescriptorImageInfo gradStore{VK_NULL_HANDLE, m_pool->gradientView(), VK_IMAGE_LAYOUT_GENERAL};
        const VkDescriptorImageInfo geoidInfo{geoidSampler, m_geoid.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
        const VkDescriptorBufferInfo buffers[] = {
            {m_pool->tableBuffer(), 0, VK_WHOLE_SIZE}, {m_pool->boundsBuffer(), 0, VK_WHOLE_SIZE},
            {m_nodes.handle(), 0, VK_WHOLE_SIZE},      {m_counters.handle(), 0, VK_WHOLE_SIZE},
            {m_patches.handle(), 0, VK_WHOLE_SIZE},    {s.uniforms.handle(), 0, sizeof(TerrainUniforms)},
            {m_order.handle(), 0, VK_WHOLE_SIZE}};
        std::vector<VkWriteDescriptorSet> writes;
        auto write = [&](uint32_t binding, const VkDescriptorImageInfo* ii, const VkDescriptorBufferInfo* bi) {
            VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
            w.dstSet = s.set;
            w.dstBinding = binding;
            w.descriptorCount = 1;
            w.descriptorType = types[binding];
            w.pImageInfo = ii;
            w.pBufferInfo = bi;
            writes.push_back(w);
        };
        write(0, &heights, nullptr);
        write(1, &grads, nullptr);
        write(2, &gradStore, nullptr);
        write(3, &geoidInfo, nullptr);
        for (uint32_t b = 4; b <= 10; ++b) write(b, nullptr, &buffers[b - 4]);
        const VkDescriptorBufferInfo overlayUniforms{m_field->uniformBuffer(slotIndex), 0,
                                                     sizeof(gpu_types::OverlayUniforms)};
        const VkDescriptorImageInfo overlayField{m_nearest, m_field->fieldView(), VK_IMAGE_LAYOUT_GENERAL};
        write(11, nullptr, &overlayUniforms);
        write(12, &overlayField, nullptr);
        vkUpdateDescriptorSets(dev, uint32_t(writes.size()), writes.data(), 0, nullptr);
    }

    m_graphicsLayout = gpu::createPipelineLayout(m_ctx, {frameSetLayout, setLayout}, sizeof(gpu_types::DrawPush));
    m_computeLayout = gpu::createPipelineLayout(m_ctx, {frameSetLayout, setLayout}, 16, VK_SHADER_STAGE_COMPUTE_BIT);
    auto vs = gpu::loadShader(m_ctx, "terrain_lod.vert"), fs = gpu::loadShader(m_ctx, "terrain_lod.frag"),
         sel = gpu::loadShader(m_ctx, "terrain_select.comp"), sort = gpu::loadShader(m_ctx, "terrain_sort.comp"),
         page = gpu::loadShader(m_ctx, "terrain_page.comp");
    for (auto* s : {&vs, &fs, &sel, &sort, &page})
        if (!*s) return s->error();
    gpu::GraphicsPipelineDesc d;
    d.vertex = *vs;
    d.fragment = *fs;
    d.layout = m_graphicsLayout;
    d.renderPass = renderPass;
    m_drawPipeline = gpu::createGraphicsPipeline(m_ctx, d);
    m_selectPipeline = gpu::createComputePipeline(m_ctx, *sel, m_computeLayout);
    // One pipeline per mode (a specialization constant): see gpu/pipeline.h for why not a push constant.
    for (uint32_t mode = 0; mode < m_sortPipelines.size(); ++mode)
        m_sortPipelines[mode] = gpu::createComputePipeline(m_ctx, *sort, m_computeLayout, {mode});
    for (uint32_t mode = 0; mode < m_pagePipelines.size(); ++mode)
        m_pagePipelines[mode] = gpu::createComputePipeline(m_ctx, *page, m_computeLayout, {mode});
    return Ok{};
}

void TerrainRenderer::prepare(uint32_t slotIndex, const terrain::SelectionView& view, terrain::FrameClock clock,
                              double groundMsl) {
    m_slot = slotIndex;
    Slot& slot = m_slots.at(slotIndex);
    m_pool->beginFrame(slotIndex);
    if (slot.statsValid) {
        // FrameRing::begin() waited for this slot's previous frame: its counters are in.
        uint32_t raw[kReadbackBytes / 4];
        std::memcpy(raw, slot.statsReadback.mapped(), sizeof(raw));
        m_gpuStats.patches = std::min(raw[3], m_options.lod.maxPatches);
        m_gpuStats.nodesVisited = raw[12];
        m_gpuStats.nodeOverflow = raw[13];
        m_gpuStats.patchOverflow = raw[14];
    }
    // Streaming decides what to load from the view (cost: the tiles the view needs, not the dataset);
    // what is drawn is decided on the GPU from whatever is resident. For frames to depend on the view
    // alone (not on what earlier views left resident), the streamer must load every tile the GPU can
    // use: a level-L patch reads zoom L-2 within lodRange(L-1) = 4 cells of zoom L-2's samples times the
    // range factor, which the streamer's "refine while a sample covers more than E px" reaches with
    // E = K / (2 * rangeFactor); a quarter less for the differences between their bounding boxes.
    const TerrainLodOptions& lod = m_options.lod;
    const double cellError = lod.errorPerCell * std::max(1.0, view.exaggeration);
    const double rangeFactor =
        std::max(cellError / lod.maxPixelError * pixelsPerRadian(view.view), lod.minRangeSides * kCells);
    m_streamer->setMaxScreenSpaceError(0.75 * pixelsPerRadian(view.view) / (2.0 * rangeFactor));
    m_streamer->update(view, clock);

    const ViewState& v = view.view;
    const geo::Geodetic eye = view.frame.toGeodetic(v.eye);
    const double lat = geo::radians(eye.lat), lon = geo::radians(eye.lon);
    const double sl = std::sin(lat), cl = std::cos(lat), so = std::sin(lon), co = std::cos(lon);
    const double u = (eye.lon + 180.0) / 360.0;
    const double y = std::log(std::tan(geo::kPi / 4 + lat / 2));
    const double vMerc = 0.5 - y / (2 * geo::kPi);
    const float uHi = float(u), vHi = float(vMerc);

    TerrainUniforms t{};
    t.camMerc = glm::vec4(uHi, vHi, float(u - double(uHi)), float(vMerc - double(vHi)));
    t.camLatLon = glm::vec4(float(eye.lat), float(eye.lon), 0, 0);
    t.camGeo =
        glm::vec4(float(sl), float(cl), float(geo::kSemiMajor / std::sqrt(1.0 - geo::kEcc2 * sl * sl)), float(y));
    t.camHeight = glm::vec4(float(eye.height), float(groundMsl * view.exaggeration), float(view.exaggeration),
                            lod.geomorph ? 1.0f : 0.0f);
    // Camera ENU axes (ECEF) and the scene frame.
    const glm::dmat3 enuCam(glm::dvec3(-so, co, 0), glm::dvec3(-sl * co, -sl * so, cl),
                            glm::dvec3(cl * co, cl * so, sl));
    const glm::dmat3 ecefToScene = glm::transpose(view.frame.enuToEcef());
    const glm::dmat3 toScene = ecefToScene * enuCam;
    for (int i = 0; i < 3; ++i) t.toScene[i] = glm::vec4(glm::vec3(toScene[i]), 0);
    // Frustum planes of the camera-relative scene matrix, taken into camera ENU.
    const std::array<glm::dvec4, 5> planes = frustumPlanes(v.viewProjD);
    for (int i = 0; i < 5; ++i)
        t.planes[i] = glm::vec4(glm::vec3(glm::transpose(toScene) * glm::dvec3(planes[i])), float(planes[i].w));
    const double K = pixelsPerRadian(v);
    t.lod =
        glm::vec4(float(cellError * K / lod.maxPixelError), float(lod.minRangeSides), float(lod.morphStart), float(K));
    // Horizon: a sphere inside every surface point (the semi-minor axis, less the lowest exaggerated height).
    const glm::dvec3 eyeEcef = geo::geodeticToEcef(eye);
    const glm::dvec3 centreEnu = glm::transpose(enuCam) * (-eyeEcef);
    double occluder = geo::kSemiMinor - 500.0 * view.exaggeration - 150.0;
    if (glm::length(eyeEcef) <= occluder + 1.0) occluder = 0.0;  // under it: no horizon culling
    t.horizon = glm::vec4(glm::vec3(centreEnu), float(occluder));
    t.levels = glm::uvec4(m_deepestLevel, m_coarsestZoom, lod.maxPatches, lod.maxNodes);
    t.table = glm::uvec4(m_pool->table().mask(), m_geoidSize.x, m_geoidSize.y, m_hasGeoid ? 1u : 0u);
    t.geoid = m_geoidFrame;
    t.bounds = glm::vec4(m_sourceMerc);
    t.debug = glm::vec4(lod.tintLevels ? 1.0f : 0.0f, lod.graphicsOnly ? 1.0f : 0.0f, 0, 0);
    std::memcpy(slot.uniforms.mapped(), &t, sizeof(t));

    // Overlay fields: cascades follow the view; recomputed only where a window or a shape changed.
    m_field->prepare(slotIndex, fieldViewFor(v, view.frame, groundMsl * view.exaggeration, m_options.overlays));
    if (m_field->generation() != m_fieldGeneration) {
        // The field image grew (OverlayField waited for the device): every slot's set names the new one.
        const VkDescriptorImageInfo ii{m_nearest, m_field->fieldView(), VK_IMAGE_LAYOUT_GENERAL};
        for (Slot& s : m_slots) {
            VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
            w.dstSet = s.set;
            w.dstBinding = 12;
            w.descriptorCount = 1;
            w.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
            w.pImageInfo = &ii;
            vkUpdateDescriptorSets(m_ctx.device(), 1, &w, 0, nullptr);
        }
        m_fieldGeneration = m_field->generation();
    }
}

void TerrainRenderer::setOverlays(std::vector<OverlayLayer> layers, double animationSeconds) {
    m_field->setLayers(std::move(layers), animationSeconds);
}

void TerrainRenderer::recordCompute(VkCommandBuffer cmd) {
    Slot& slot = m_slots[m_slot];
    m_field->recordCompute(cmd);
    const std::vector<GpuPagePool::Uploaded> uploaded = m_pool->recordUploads(cmd);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_computeLayout, 1, 1, &slot.set, 0, nullptr);
    const VkPipelineStageFlags shaders = VK_PIPELINE_STAGE_VERTEX_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT |
                                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
    const VkAccessFlags rw = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;

    // Earlier frames' reads of everything this frame rewrites (slopes, bounds, nodes, patches, counters)
    // are done before it is written.
    memoryBarrier(cmd, shaders | VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                  VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_INDIRECT_COMMAND_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT,
                  VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                  rw | VK_ACCESS_TRANSFER_WRITE_BIT);

    if (!uploaded.empty()) {
        // Slopes (mode 0) and height bounds (mode 1) of a page are independent: all slopes, then all bounds.
        for (uint32_t mode = 0; mode < m_pagePipelines.size(); ++mode) {
            vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pagePipelines[mode]);
            for (const auto& u : uploaded) {
                const uint32_t push[3] = {u.page, u.tile.z, u.tile.y};
                vkCmdPushConstants(cmd, m_computeLayout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
                if (mode == 0)
                    vkCmdDispatch(cmd, (kPageSize + 15) / 16, (kPageSize + 15) / 16, 1);
                else
                    vkCmdDispatch(cmd, 1, 1, 1);
            }
        }
        memoryBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                      VK_ACCESS_SHADER_READ_BIT);
    }

    // Reset the counters and seed level 0 with the whole world.
    vkCmdFillBuffer(cmd, m_counters.handle(), 0, kCountersBytes, 0);
    // Dispatch sizes start at (0, 1, 1): the shaders only ever raise x. Level 0 holds the root.
    std::array<glm::uvec4, kMaxLevels + 1> args;
    args.fill(glm::uvec4(0, 1, 1, 0));
    args[0] = glm::uvec4(1, 1, 1, 1);
    const glm::uvec4 root(0, 0, m_coarsestZoom, 0);
    memoryBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                  VK_ACCESS_TRANSFER_WRITE_BIT);
    vkCmdUpdateBuffer(cmd, m_counters.handle(), kLevelArgsOffset, sizeof(args), args.data());
    vkCmdUpdateBuffer(cmd, m_nodes.handle(), 0, sizeof(root), &root);
    memoryBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                  VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT,
                  rw | VK_ACCESS_INDIRECT_COMMAND_READ_BIT);

    // The walk: one dispatch per level, sized by the level before it on the GPU.
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_selectPipeline);
    for (uint32_t level = 0; level <= m_deepestLevel; ++level) {
        // The level goes through the counters, not a push constant (gpu/pipeline.h); the barrier after the
        // previous level's dispatch also ordered its read of walkLevel before this write.
        vkCmdFillBuffer(cmd, m_counters.handle(), kWalkLevelOffset, 4, level);
        memoryBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
        vkCmdDispatchIndirect(cmd, m_counters.handle(), kLevelArgsOffset + level * 16);
        memoryBarrier(
            cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
            rw | VK_ACCESS_INDIRECT_COMMAND_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
    }
    // Front to back: count per distance bin, offsets + draw arguments, scatter.
    for (uint32_t mode = 0; mode < m_sortPipelines.size(); ++mode) {
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_sortPipelines[mode]);
        if (mode == 1)
            vkCmdDispatch(cmd, 1, 1, 1);
        else
            vkCmdDispatchIndirect(cmd, m_counters.handle(), kPatchArgsOffset);
        memoryBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_VERTEX_SHADER_BIT |
                          VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                      rw | VK_ACCESS_INDIRECT_COMMAND_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT);
    }
    const VkBufferCopy region{kPatchArgsOffset, 0, kReadbackBytes};
    vkCmdCopyBuffer(cmd, m_counters.handle(), slot.statsReadback.handle(), 1, &region);
    memoryBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                  VK_ACCESS_HOST_READ_BIT);
    slot.statsValid = true;
}

void TerrainRenderer::draw(VkCommandBuffer cmd, VkDescriptorSet frameSet) {
    Slot& slot = m_slots[m_slot];
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_drawPipeline);
    const VkDescriptorSet sets[2] = {frameSet, slot.set};
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_graphicsLayout, 0, 2, sets, 0, nullptr);
    vkCmdBindIndexBuffer(cmd, m_indices.handle(), 0, VK_INDEX_TYPE_UINT32);
    vkCmdDrawIndexedIndirect(cmd, m_counters.handle(), kDrawArgsOffset, 1, sizeof(VkDrawIndexedIndirectCommand));
}

}  // namespace fl::render
