// render/terrain_tiles.h — the streamed terrain pass.
// Owns: the GPU page pool (a 2D-array image of tile pages fed through per-frame staging), the shared tile
// grid with skirts, the tile pipeline, and turning the streamer's draw list into camera-relative draws.
#pragma once

#include <memory>
#include <vector>

#include "core/camera.h"
#include "core/result.h"
#include "gpu/resources.h"
#include "shared/gpu_types.h"
#include "terrain/tile_streamer.h"

namespace fl::gpu {
class Context;
}

namespace fl::render {

struct TerrainTileOptions {
    terrain::StreamingOptions streaming;
    // Grid cells per tile side. 32 cells = 8 samples per cell: geometry follows the relief closely while
    // a 1080p view of ~150 tiles stays near 300 k triangles (lavapipe's first cost); shading reads every
    // sample regardless (normals come from the page in the fragment shader).
    int gridCells = 32;
};

// The page array as the streamer's TilePageUploader: upload() copies into this frame's staging memory;
// recordUploads() records the copies (call before the render pass of the same frame).
class GpuPagePool final : public terrain::TilePageUploader {
public:
    GpuPagePool(gpu::Context& ctx, uint32_t pages, uint64_t stagingBytesPerFrame, uint32_t slots);
    uint32_t pageCapacity() const override { return m_pages; }
    void upload(uint32_t page, const terrain::TilePage& data) override;

    void beginFrame(uint32_t slot);
    void recordUploads(VkCommandBuffer cmd);
    VkImageView view() const { return m_image.view(); }
    VkImage image() const { return m_image.handle(); }

private:
    gpu::Context& m_ctx;
    uint32_t m_pages;
    gpu::Image m_image;
    struct Staging {
        gpu::Buffer buffer;
        std::vector<VkBufferImageCopy> copies;
        VkDeviceSize used = 0;
    };
    std::vector<Staging> m_staging;
    uint32_t m_slot = 0;
};

class TerrainTiles {
public:
    static Result<std::unique_ptr<TerrainTiles>> create(gpu::Context& ctx, std::shared_ptr<terrain::TileSource> source,
                                                        VkDescriptorSetLayout frameSetLayout, VkRenderPass renderPass,
                                                        uint32_t slots, const TerrainTileOptions& options = {});

    // Streams for this view (frame `clock.frame`; every frame <= clock.completed has finished) and
    // prepares the draws. `undulation(lat, lon)` gives the geoid height used for each tile.
    void prepare(uint32_t slot, const terrain::SelectionView& view, terrain::FrameClock clock,
                 const std::function<double(double, double)>& undulation);
    void recordUploads(VkCommandBuffer cmd) { m_pool->recordUploads(cmd); }
    void draw(VkCommandBuffer cmd, VkDescriptorSet frameSet);

    terrain::TileStreamer& streamer() { return *m_streamer; }
    uint32_t drawCount() const { return uint32_t(m_pushes.size()); }
    uint64_t triangles() const { return uint64_t(m_pushes.size()) * m_indexCount / 3; }

private:
    TerrainTiles(gpu::Context& ctx) : m_ctx(ctx) {}
    gpu::Context& m_ctx;
    std::unique_ptr<GpuPagePool> m_pool;
    std::unique_ptr<terrain::TileStreamer> m_streamer;
    gpu::Buffer m_gridVertices, m_gridIndices;
    uint32_t m_indexCount = 0;
    gpu::Sampler m_sampler;
    gpu::DescriptorSetLayout m_setLayout;
    gpu::DescriptorPool m_descriptorPool;
    VkDescriptorSet m_set = VK_NULL_HANDLE;
    gpu::PipelineLayout m_layout;
    gpu::Pipeline m_pipeline;
    std::vector<gpu_types::TilePush> m_pushes;
};

}  // namespace fl::render
