// render/terrain_renderer.h — the GPU-driven terrain.
// Owns: the GPU page pool (heights, slopes, height bounds) and its resident-page hash table, the compute
// passes that select, cull and order terrain patches each frame, and the one indirect draw that renders them.
#pragma once

#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/camera.h"
#include "core/result.h"
#include "gpu/resources.h"
#include "render/overlay_field.h"
#include "shared/gpu_types.h"
#include "terrain/tile_streamer.h"

namespace fl::gpu {
class Context;
}
namespace fl::terrain {
struct GeoidModel;
}

namespace fl::render {

// Level of detail. Patches are 32x32-cell grids over Web Mercator tiles; a level-L patch reads heights of
// zoom L-2, so each cell spans 2x2 samples and lighting sees every sample.
struct TerrainLodOptions {
    // Screen-space geometric error target (pixels at the output resolution).
    double maxPixelError = 1.0;
    // Geometric error of a grid cell as a fraction of its ground size: how far a 32-cell grid strays
    // vertically from the data it samples, before exaggeration (which multiplies it). Measured on the
    // Kandahar pyramid at every zoom (tests/gpu/lod_error_test.cpp): at most 0.19, typically 0.05-0.12
    // (Cesium estimates 0.25 for heightmaps in general). Rougher data (high mountains at 30 m) wants more.
    double errorPerCell = 0.2;
    // A level's range never falls below this many patch sides. Keeps neighbours within one level and the
    // coarser side of every level boundary out of its own morph zone (so the boundary is crack-free) even
    // at small output sizes: that needs a patch diagonal (1.42 sides) <= (2 * morphStart - 1) * range.
    double minRangeSides = 3.0;
    // Vertices start morphing into the parent grid at this fraction of the parent's range.
    double morphStart = 0.75;
    bool geomorph = true;        // off only to show what popping looks like (tests)
    bool tintLevels = false;     // colour patches by level (diagnostics)
    bool graphicsOnly = false;   // draw the overlays alone with their coverage as alpha (RenderSettings::graphicsOnly)
    uint32_t maxPatches = 8192;  // selected patches per frame (x 2048 triangles)
    uint32_t maxNodes = 16384;   // nodes per quadtree level in flight
};

struct TerrainRendererOptions {
    terrain::StreamingOptions streaming;
    TerrainLodOptions lod;
    OverlayFieldOptions overlays;  // control areas, fronts, routes, borders draped in the terrain shading
};

// What the GPU selected, read back from the newest finished frame of a slot (so it lags by the ring size).
struct TerrainGpuStats {
    uint32_t patches = 0;
    uint32_t nodesVisited = 0;
    uint32_t nodeOverflow = 0, patchOverflow = 0;  // non-zero: raise maxNodes / maxPatches
    uint64_t triangles() const { return uint64_t(patches) * FRONTLINE_TERRAIN_CELLS * FRONTLINE_TERRAIN_CELLS * 2; }
};

// The CPU mirror of the GPU's resident-page table: tile -> page layer, open addressing with linear probing,
// the same hash as shaders/shared/terrain_lod.glsl. Rebuilt only when residency changes.
class PageTable {
public:
    explicit PageTable(uint32_t pages);
    // The pages the GPU may use, (page, tile) sorted by page; the table changes only when the set does.
    void publish(const std::vector<std::pair<uint32_t, terrain::TileId>>& pages);
    bool dirty() const { return m_dirty; }
    // The table as the GPU reads it (uvec4 per slot: x | z << 24, y, layer, 0; empty = all ones).
    const std::vector<glm::uvec4>& entries();
    uint32_t mask() const { return uint32_t(m_slots - 1); }

private:
    uint32_t m_slots;
    uint32_t m_pages;
    std::vector<std::pair<uint32_t, terrain::TileId>> m_published;
    std::vector<glm::uvec4> m_entries;
    bool m_dirty = true;
};
uint32_t tileHash(uint32_t z, uint32_t x, uint32_t y);

// The page arrays as the streamer's TilePageUploader. upload() copies into this frame's staging memory;
// record() records the copies, the table update and the per-page compute (slopes, bounds).
class GpuPagePool final : public terrain::TilePageUploader {
public:
    GpuPagePool(gpu::Context& ctx, uint32_t pages, uint64_t stagingBytesPerFrame, uint32_t slots);
    uint32_t pageCapacity() const override { return m_pages; }
    void upload(uint32_t page, const terrain::TilePage& data) override;
    void publish(const std::vector<std::pair<uint32_t, terrain::TileId>>& pages) override {
        m_pageTable.publish(pages);
    }

    void beginFrame(uint32_t slot);
    VkImageView heightView() const { return m_heights.view(); }
    VkImageView gradientView() const { return m_gradients.view(); }
    VkBuffer tableBuffer() const { return m_table.handle(); }
    VkBuffer boundsBuffer() const { return m_bounds.handle(); }
    PageTable& table() { return m_pageTable; }

    struct Uploaded {
        uint32_t page;
        terrain::TileId tile;
    };
    // Records this frame's page copies and table update; returns the pages that changed.
    std::vector<Uploaded> recordUploads(VkCommandBuffer cmd);

private:
    gpu::Context& m_ctx;
    uint32_t m_pages;
    gpu::Image m_heights, m_gradients;
    gpu::Buffer m_table, m_bounds;
    PageTable m_pageTable;
    struct Staging {
        gpu::Buffer buffer, table;
        std::vector<VkBufferImageCopy> copies;
        std::vector<Uploaded> uploaded;
        VkDeviceSize used = 0;
    };
    std::vector<Staging> m_staging;
    uint32_t m_slot = 0;
};

class TerrainRenderer {
public:
    static Result<std::unique_ptr<TerrainRenderer>> create(gpu::Context& ctx,
                                                           std::shared_ptr<terrain::TileSource> source,
                                                           const terrain::GeoidModel* geoid,
                                                           VkDescriptorSetLayout frameSetLayout,
                                                           VkRenderPass renderPass, uint32_t slots,
                                                           const TerrainRendererOptions& options = {});
    ~TerrainRenderer();

    // CPU side of frame `clock.frame` in `slot`: streaming (what to load) and this frame's uniforms.
    // `groundMsl`: terrain height under the camera (m), the reference for LOD distances.
    void prepare(uint32_t slot, const terrain::SelectionView& view, terrain::FrameClock clock, double groundMsl);
    // Uploads, per-page compute, selection and ordering; before the render pass.
    void recordCompute(VkCommandBuffer cmd);
    // The one indirect draw; inside the render pass.
    void draw(VkCommandBuffer cmd, VkDescriptorSet frameSet);

    // The overlay layers of the next frames (draw order = layer order) and the story clock for animated
    // dashes. Changing only the layers' weights costs no compute (see OverlayField).
    void setOverlays(std::vector<OverlayLayer> layers, double animationSeconds);
    OverlayField& overlays() { return *m_field; }

    terrain::TileStreamer& streamer() { return *m_streamer; }
    const terrain::TileStreamer& streamer() const { return *m_streamer; }
    const TerrainGpuStats& gpuStats() const { return m_gpuStats; }
    TerrainLodOptions& lod() { return m_options.lod; }

private:
    explicit TerrainRenderer(gpu::Context& ctx) : m_ctx(ctx) {}
    Result<Ok> init(std::shared_ptr<terrain::TileSource> source, const terrain::GeoidModel* geoid,
                    VkDescriptorSetLayout frameSetLayout, VkRenderPass renderPass, uint32_t slots);

    gpu::Context& m_ctx;
    TerrainRendererOptions m_options;
    std::unique_ptr<GpuPagePool> m_pool;
    std::unique_ptr<terrain::TileStreamer> m_streamer;
    std::unique_ptr<OverlayField> m_field;
    uint64_t m_fieldGeneration = 0;  // the field image the descriptor sets name
    gpu::Buffer m_indices, m_nodes, m_counters, m_patches, m_order;
    gpu::Image m_geoid;
    bool m_hasGeoid = false;
    glm::uvec2 m_geoidSize{1, 1};
    glm::vec4 m_geoidFrame{0, 0, 1, 1};  // north, west, cell height, cell width (degrees)
    gpu::Sampler m_nearest, m_linear;
    gpu::DescriptorSetLayout m_setLayout;
    gpu::DescriptorPool m_descriptorPool;
    gpu::PipelineLayout m_graphicsLayout, m_computeLayout;
    gpu::Pipeline m_drawPipeline, m_selectPipeline;
    std::array<gpu::Pipeline, 3> m_sortPipelines;  // terrain_sort.comp: count, offsets, scatter
    std::array<gpu::Pipeline, 2> m_pagePipelines;  // terrain_page.comp: slopes, height bounds
    struct Slot {
        gpu::Buffer uniforms;
        gpu::Buffer statsReadback;
        VkDescriptorSet set = VK_NULL_HANDLE;
        bool statsValid = false;
    };
    std::vector<Slot> m_slots;
    uint32_t m_slot = 0;
    uint32_t m_deepestLevel = 0, m_coarsestZoom = 0;
    glm::dvec4 m_sourceMerc{0, 0, 1, 1};
    TerrainGpuStats m_gpuStats;
};

}  // namespace fl::render
