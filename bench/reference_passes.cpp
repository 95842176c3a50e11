#include "reference_passes.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gpu/check.h"
#include "gpu/context.h"
#include "gpu/pipeline.h"
#include "scene/scene.h"
#include "shared/bench_types.h"
#include "shared/gpu_types.h"

namespace fl::bench {

using namespace fl::render;

using bench_types::BenchTile;
using gpu_types::FrameUniforms;
using terrain::kPageBytes;
using terrain::kPageSize;

namespace {

// Every vertex of the grid is one height sample: 256 cells per side, as a tile has 256 samples.
constexpr int kNaiveCells = terrain::kTileSize;

glm::vec3 srgbToLinear(glm::vec3 c) {
    auto f = [](float v) { return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f); };
    return {f(c.r), f(c.g), f(c.b)};
}

// The scene renderer's frame uniforms, rebuilt here because the renderer keeps them private. The same
// values matter: the shading's cost depends on them (the colour ramp's early exit follows the height,
// haze follows the distance), and the floor must cost what the terrain's pixels cost.
FrameUniforms frameUniforms(const scene::Scene& scene, const ViewState& view, const RenderSettings& settings) {
    FrameUniforms u{};
    u.viewProj = view.viewProj;
    u.invViewProj = view.invViewProj;
    const double az = geo::radians(settings.sunAzimuth), el = geo::radians(settings.sunElevation);
    u.sunDir = glm::vec4(std::cos(el) * std::sin(az), std::cos(el) * std::cos(az), std::sin(el), 0);
    const geo::Geodetic eyeGeo = scene.frame.toGeodetic(view.eye);
    const double eyeMsl = eyeGeo.height - scene.undulation(eyeGeo.lat, eyeGeo.lon);
    u.cameraUp = glm::vec4(glm::vec3(view.localUp), float(eyeMsl));
    u.params = glm::vec4(float(settings.exaggeration), float(1.0 / settings.hazeDistance), float(view.height), 0);
    u.skyZenith = glm::vec4(srgbToLinear({0.33f, 0.52f, 0.78f}), 1);
    u.skyHorizon = glm::vec4(srgbToLinear({0.80f, 0.86f, 0.92f}), 1);
    u.haze = glm::vec4(srgbToLinear({0.78f, 0.83f, 0.88f}), 0.80f);
    u.viewport = glm::vec4(view.width, view.height, 1.0 / view.width, 1.0 / view.height);
    u.light = glm::vec4(0.30f, float(settings.hillshade), 0.85f, float(settings.reliefShading));
    return u;
}

// The tile grid: (n+1)^2 vertices, then a skirt ring (the edge vertices again, z = 1) so tiles of different
// zooms leave no cracks, as the per-tile pipeline drew them.
void buildGrid(int n, std::vector<glm::vec4>& verts, std::vector<uint32_t>& idx) {
    auto id = [n](int i, int j) { return uint32_t(j * (n + 1) + i); };
    for (int j = 0; j <= n; ++j)
        for (int i = 0; i <= n; ++i) verts.emplace_back(float(i) / n, float(j) / n, 0, 0);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            const uint32_t a = id(i, j), b = id(i + 1, j), c = id(i, j + 1), d = id(i + 1, j + 1);
            if ((i + j) % 2 == 0)
                idx.insert(idx.end(), {a, c, b, b, c, d});
            else
                idx.insert(idx.end(), {a, c, d, a, d, b});
        }
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

// A tile's centre frame on the ellipsoid, relative to the eye (the per-tile pipeline's placement).
BenchTile placeTile(const terrain::TileDraw& d, const scene::Scene& scene, const ViewState& view, double exaggeration) {
    const glm::dmat3 ecefToScene = glm::transpose(scene.frame.enuToEcef());
    const double n = double(1u << d.region.z);
    const double span = 2.0 * geo::kPi / n;
    const double y0 = geo::kPi * (1.0 - 2.0 * (d.region.y + 0.5) / n);  // Mercator y of the centre
    const double lat0 = std::atan(std::sinh(y0)), lon0 = -geo::kPi + (d.region.x + 0.5) * span;
    const double sl = std::sin(lat0), cl = std::cos(lat0), so = std::sin(lon0), co = std::cos(lon0);
    const glm::dvec3 e = ecefToScene * glm::dvec3(-so, co, 0);
    const glm::dvec3 nn = ecefToScene * glm::dvec3(-sl * co, -sl * so, cl);
    const glm::dvec3 u = ecefToScene * glm::dvec3(cl * co, cl * so, sl);
    const double N0 = geo::kSemiMajor / std::sqrt(1.0 - geo::kEcc2 * sl * sl);
    const glm::dvec3 origin = scene.frame.fromGeodetic({geo::degrees(lat0), geo::degrees(lon0), 0.0});
    const double scale = 1.0 / double(1u << (d.region.z - d.pageTile.z));
    const double skirt = (8.0 * terrain::tileSampleSize(d.pageTile) + 20.0) * std::max(1.0, exaggeration);
    BenchTile t{};
    t.originFromCamera = glm::vec4(glm::vec3(origin - view.eye), float(skirt));
    t.axisE = glm::vec4(glm::vec3(e), float(sl));
    t.axisN = glm::vec4(glm::vec3(nn), float(cl));
    t.axisU = glm::vec4(glm::vec3(u), float(N0));
    t.tile = glm::vec4(float(y0), float(span), float(d.page),
                       float(scene.undulation(geo::degrees(lat0), geo::degrees(lon0))));
    t.pageRect = glm::vec4(float(d.region.x * scale - d.pageTile.x), float(d.region.y * scale - d.pageTile.y),
                           float(scale), float(scale));
    return t;
}

}  // namespace

ReferencePasses::~ReferencePasses() = default;

Result<std::unique_ptr<ReferencePasses>> ReferencePasses::create(gpu::Context& ctx, VkRenderPass renderPass) {
    std::unique_ptr<ReferencePasses> r(new ReferencePasses(ctx));
    VkDevice dev = ctx.device();

    std::vector<glm::vec4> verts;
    std::vector<uint32_t> idx;
    buildGrid(kNaiveCells, verts, idx);
    r->m_indexCount = uint32_t(idx.size());
    r->m_gridVertices = gpu::Buffer(ctx, verts.size() * sizeof(glm::vec4), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT,
                                    gpu::MemoryUsage::GpuOnly);
    r->m_gridVertices.upload(verts.data(), verts.size() * sizeof(glm::vec4));
    r->m_gridIndices =
        gpu::Buffer(ctx, idx.size() * sizeof(uint32_t), VK_BUFFER_USAGE_INDEX_BUFFER_BIT, gpu::MemoryUsage::GpuOnly);
    r->m_gridIndices.upload(idx.data(), idx.size() * sizeof(uint32_t));
    r->m_uniforms =
        gpu::Buffer(ctx, sizeof(FrameUniforms), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, gpu::MemoryUsage::Upload);

    // As the terrain samples its pages: linear where R32F filtering exists, else nearest.
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(ctx.physicalDevice(), VK_FORMAT_R32_SFLOAT, &fp);
    const bool linear = fp.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    VkSamplerCreateInfo sci{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    sci.magFilter = sci.minFilter = linear ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
    sci.addressModeU = sci.addressModeV = sci.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    VkSampler sampler;
    VK_CHECK(vkCreateSampler(dev, &sci, nullptr, &sampler));
    r->m_sampler = gpu::Sampler(dev, sampler);

    const VkShaderStageFlags stages = VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT;
    VkDescriptorSetLayoutBinding bindings[3] = {
        {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, stages, nullptr},
        {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, stages, nullptr},
        {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, stages, nullptr},
    };
    VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    lci.bindingCount = 3;
    lci.pBindings = bindings;
    VkDescriptorSetLayout setLayout;
    VK_CHECK(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &setLayout));
    r->m_setLayout = gpu::DescriptorSetLayout(dev, setLayout);
    VkDescriptorPoolSize sizes[3] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1},
                                     {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1},
                                     {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1}};
    VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pci.maxSets = 1;
    pci.poolSizeCount = 3;
    pci.pPoolSizes = sizes;
    VkDescriptorPool pool;
    VK_CHECK(vkCreateDescriptorPool(dev, &pci, nullptr, &pool));
    r->m_descriptorPool = gpu::DescriptorPool(dev, pool);
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = pool;
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &setLayout;
    VK_CHECK(vkAllocateDescriptorSets(dev, &ai, &r->m_set));
    r->setTiles({}, {});  // a valid (empty) page array and record buffer before any view

    // common.glsl declares the scene's push block; the range keeps the layout compatible with it.
    r->m_layout = gpu::createPipelineLayout(ctx, {setLayout}, sizeof(gpu_types::DrawPush));
    auto load = [&](const char* name) { return gpu::loadShader(ctx, name); };
    auto nv = load("bench_naive_grid.vert"), nf = load("bench_naive_grid.frag"), fv = load("bench_floor.vert"),
         ff = load("bench_floor.frag");
    for (auto* s : {&nv, &nf, &fv, &ff})
        if (!*s) return s->error();

    gpu::GraphicsPipelineDesc naive;
    naive.vertex = *nv;
    naive.fragment = *nf;
    naive.layout = r->m_layout;
    naive.renderPass = renderPass;
    naive.bindings = {{0, sizeof(glm::vec4), VK_VERTEX_INPUT_RATE_VERTEX}};
    naive.attributes = {{0, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 0}};
    r->m_naivePipeline = gpu::createGraphicsPipeline(ctx, naive);

    gpu::GraphicsPipelineDesc floor;
    floor.vertex = *fv;
    floor.fragment = *ff;
    floor.layout = r->m_layout;
    floor.renderPass = renderPass;
    floor.depthTest = false;  // every pixel exactly once
    floor.depthWrite = false;
    r->m_floorPipeline = gpu::createGraphicsPipeline(ctx, floor);
    return r;
}

void ReferencePasses::setTiles(std::vector<terrain::TileDraw> draws, const std::vector<terrain::TilePage>& pages) {
    m_draws = std::move(draws);
    const uint32_t layers = uint32_t(std::max<size_t>(1, pages.size()));
    gpu::ImageDesc desc;
    desc.width = desc.height = kPageSize;
    desc.format = VK_FORMAT_R32_SFLOAT;
    desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    desc.layers = layers;
    desc.arrayView = true;
    m_pages = gpu::Image(m_ctx, desc);
    gpu::Buffer staging(m_ctx, layers * kPageBytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, gpu::MemoryUsage::Upload);
    std::memset(staging.mapped(), 0, layers * kPageBytes);
    double sum = 0;
    for (size_t i = 0; i < pages.size(); ++i) {
        std::memcpy(static_cast<uint8_t*>(staging.mapped()) + i * kPageBytes, pages[i].heights.data(), kPageBytes);
        for (float h : pages[i].heights) sum += h;
    }
    m_meanHeight = pages.empty() ? 0.0f : float(sum / (double(pages.size()) * kPageSize * kPageSize));
    m_ctx.submitAndWait([&](VkCommandBuffer cmd) {
        gpu::transitionImage(cmd, m_pages.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                             VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
        VkBufferImageCopy region{};
        region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, layers};
        region.imageExtent = {uint32_t(kPageSize), uint32_t(kPageSize), 1};
        vkCmdCopyBufferToImage(cmd, staging.handle(), m_pages.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1,
                               &region);
        gpu::transitionImage(cmd, m_pages.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                             VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    });
    // Record 0 is the floor's; the grid's instances follow.
    const VkDeviceSize recordBytes = (m_draws.size() + 1) * sizeof(BenchTile);
    if (!m_tileRecords || m_tileRecords.size() < recordBytes)
        m_tileRecords = gpu::Buffer(m_ctx, recordBytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, gpu::MemoryUsage::Upload);
    std::memset(m_tileRecords.mapped(), 0, m_tileRecords.size());
    writeDescriptors();
}

void ReferencePasses::writeDescriptors() {
    VkDescriptorBufferInfo ub{m_uniforms.handle(), 0, sizeof(FrameUniforms)};
    VkDescriptorImageInfo ii{m_sampler, m_pages.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkDescriptorBufferInfo sb{m_tileRecords.handle(), 0, VK_WHOLE_SIZE};
    VkWriteDescriptorSet w[3]{};
    for (uint32_t i = 0; i < 3; ++i) {
        w[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        w[i].dstSet = m_set;
        w[i].dstBinding = i;
        w[i].descriptorCount = 1;
    }
    w[0].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
    w[0].pBufferInfo = &ub;
    w[1].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
    w[1].pImageInfo = &ii;
    w[2].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    w[2].pBufferInfo = &sb;
    vkUpdateDescriptorSets(m_ctx.device(), 3, w, 0, nullptr);
}

void ReferencePasses::prepare(const scene::Scene& scene, const ViewState& view, const RenderSettings& settings) {
    const FrameUniforms u = frameUniforms(scene, view, settings);
    std::memcpy(m_uniforms.mapped(), &u, sizeof(u));

    std::vector<std::pair<double, BenchTile>> sorted;
    sorted.reserve(m_draws.size());
    for (const terrain::TileDraw& d : m_draws) {
        const BenchTile t = placeTile(d, scene, view, settings.exaggeration);
        sorted.emplace_back(glm::length(glm::vec3(t.originFromCamera)), t);
    }
    // Near to far, as the renderer orders its tiles: early depth rejection is part of any fair grid.
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto* records = static_cast<BenchTile*>(m_tileRecords.mapped());
    for (size_t i = 0; i < sorted.size(); ++i) records[i + 1] = sorted[i].second;

    // The floor: the nearest tile's page and axes, on a plane at the pages' mean (exaggerated) height.
    BenchTile floor = sorted.empty() ? BenchTile{} : sorted.front().second;
    if (sorted.empty()) {
        floor.axisE = glm::vec4(1, 0, 0, 0);
        floor.axisN = glm::vec4(0, 1, 0, 1);
        floor.axisU = glm::vec4(0, 0, 1, float(geo::kSemiMajor));
        floor.tile = glm::vec4(0, float(2.0 * geo::kPi / 2048.0), 0, 0);
    }
    const double drop = double(u.cameraUp.w) - double(m_meanHeight) * settings.exaggeration;
    floor.originFromCamera.w = float(std::max(100.0, drop));
    records[0] = floor;
}

void ReferencePasses::drawNaiveGrid(VkCommandBuffer cmd) {
    if (m_draws.empty()) return;
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_naivePipeline);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_layout, 0, 1, &m_set, 0, nullptr);
    VkDeviceSize zero = 0;
    VkBuffer vb = m_gridVertices.handle();
    vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &zero);
    vkCmdBindIndexBuffer(cmd, m_gridIndices.handle(), 0, VK_INDEX_TYPE_UINT32);
    // One instance per tile (records 1..n, near to far): instances rasterize in order, like separate draws.
    vkCmdDrawIndexed(cmd, m_indexCount, uint32_t(m_draws.size()), 0, 0, 1);
}

void ReferencePasses::drawFloor(VkCommandBuffer cmd) {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_floorPipeline);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_layout, 0, 1, &m_set, 0, nullptr);
    vkCmdDraw(cmd, 3, 1, 0, 0);
}

}  // namespace fl::bench
