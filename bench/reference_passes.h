// bench/reference_passes.h — the reference passes `frontline bench terrain` measures the renderer against.
// Owns: the practical floor (one full-screen triangle with the terrain shading), the naive full-resolution
// grid (every tile of the view as 256x256 cells, one per height sample, no LOD) and the pages both sample.
#pragma once

#include <memory>
#include <vector>

#include "core/camera.h"
#include "core/result.h"
#include "gpu/resources.h"
#include "render/scene_renderer.h"
#include "terrain/tile_page.h"
#include "terrain/tile_streamer.h"

namespace fl::scene {
struct Scene;
}
namespace fl::gpu {
class Context;
}

namespace fl::bench {

class ReferencePasses {
public:
    // `renderPass` must be compatible with createScenePass().
    static Result<std::unique_ptr<ReferencePasses>> create(gpu::Context& ctx, VkRenderPass renderPass);
    ~ReferencePasses();

    // The naive grid's tiles: each draw's area of `region` with heights from `pages[draw.page]` (the page of
    // `pageTile`). Call between frames with the GPU idle: the page array is replaced.
    void setTiles(std::vector<terrain::TileDraw> draws, const std::vector<terrain::TilePage>& pages);
    // Frame uniforms as the scene renderer fills them, and the tiles placed relative to the eye, near to far.
    // Between frames, GPU idle (one set of uniforms, not one per frame in flight).
    void prepare(const scene::Scene& scene, const ViewState& view, const render::RenderSettings& settings);

    // Record inside the scene render pass, after prepare().
    void drawNaiveGrid(VkCommandBuffer cmd);
    void drawFloor(VkCommandBuffer cmd);

    uint32_t naiveTiles() const { return uint32_t(m_draws.size()); }
    uint64_t naiveTriangles() const { return uint64_t(m_draws.size()) * m_indexCount / 3; }

private:
    explicit ReferencePasses(gpu::Context& ctx) : m_ctx(ctx) {}
    void writeDescriptors();

    gpu::Context& m_ctx;
    gpu::Buffer m_uniforms, m_tileRecords;
    gpu::Buffer m_gridVertices, m_gridIndices;
    uint32_t m_indexCount = 0;
    gpu::Image m_pages;
    float m_meanHeight = 0;  // of all pages: the floor's ground plane
    std::vector<terrain::TileDraw> m_draws;
    gpu::Sampler m_sampler;
    gpu::DescriptorSetLayout m_setLayout;
    gpu::DescriptorPool m_descriptorPool;
    VkDescriptorSet m_set = VK_NULL_HANDLE;
    gpu::PipelineLayout m_layout;
    gpu::Pipeline m_naivePipeline, m_floorPipeline;
};

}  // namespace fl::bench
