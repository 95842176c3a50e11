// render/overlay_field.h — control areas, fronts, arrows, routes and borders as GPU distance fields.
// Owns: the overlay layer description (shapes, keyframe pair, style presets), the CPU preparation of the
// field (Mercator shapes, view-following cascades, edge binning) and its GPU side (the field image, the
// compute passes that fill it, the uniform block terrain_lod.frag shades with). See docs/architecture.md.
#pragma once

#include <glm/glm.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/camera.h"
#include "core/result.h"
#include "gpu/resources.h"
#include "render/overlay_field_reference.h"
#include "render/overlay_style.h"
#include "shared/gpu_types.h"

namespace fl::gpu {
class Context;
}

namespace fl::render {

// A shape as rings of (lon, lat) degrees, WGS84. Filled even-odd, so outer rings and holes need no flag
// and multi-part areas are just more rings. Rings are not closed by a repeated point. Edges are straight
// in Web Mercator.
struct FieldShape {
    std::vector<std::vector<glm::dvec2>> rings;
};

enum class OverlayKind : uint32_t {
    Area = 0,  // signed distance to the rings (negative inside): fill, front line, glow, shadow
    Line = 1,  // unsigned distance to the rings as open polylines: routes, borders
};

// One layer of a frame. The field drawn is d(t) = (1 - weight) d_from + weight d_to of the two shapes'
// exact distances, so splits, merges, holes and different vertex counts morph without correspondence.
struct OverlayLayer {
    FieldShape from, to;
    float weight = 0.0f;  // eased, 0..1: 0 shows `from` exactly, 1 `to`
    OverlayKind kind = OverlayKind::Area;
    OverlayStyle style;
};

struct OverlayFieldOptions {
    // Texels per side of each cascade. 512: a 1080p top-down view is covered by the two finest cascades
    // at about a texel per pixel; 1024 quadruples memory and compute for little gain.
    uint32_t resolution = 512;
    // Cascades (<= FRONTLINE_OVERLAY_CASCADES), each doubling the extent; the last also grows to cover every
    // layer's bounds, so no overlay vanishes in a wide view (coarsely).
    uint32_t cascades = FRONTLINE_OVERLAY_CASCADES;
    // |d| is clamped to this many texels. The shader picks a cascade whose band covers the widest line +
    // glow + shadow at the pixel's footprint; a wider band costs compute (more edges per tile).
    float bandTexels = 48.0f;
    // Finest cascade's texels per output pixel at the nearest visible ground (1: crisp front lines in a
    // close shot; the field is a distance, so a texel of 2 px still gives a sharp edge).
    double texelsPerPixel = 1.0;
};

// Counters for `bench overlays` (cumulative since creation).
struct OverlayFieldStats {
    uint64_t updates = 0;         // frames prepared
    uint64_t dispatches = 0;      // field compute dispatches recorded (one per recomputed field rect)
    uint64_t texelsComputed = 0;  // texels those dispatches wrote
    uint64_t fieldsSkipped = 0;   // field layers whose cached content was still valid
    double lastBinningMs = 0;     // CPU time of the last frame's binning (0 when nothing was recomputed)
};

// A cascade's window: texels (x0 .. x0 + n) x (y0 .. y0 + n) of the Mercator grid of texel size 2^-level.
struct CascadeWindow {
    int64_t x0 = 0, y0 = 0;
    int level = 0;
    double texel() const;
    bool operator==(const CascadeWindow&) const = default;
};

// What the field needs from the view.
struct FieldView {
    glm::dvec2 focus{0.5};   // Mercator point the cascades centre on (the ground at the view's centre)
    double texel0 = 1e-6;    // wanted texel size (Mercator) of the finest cascade
    glm::dvec2 camera{0.5};  // the eye's Mercator position (the shader works relative to it)
    double reach = 1.0;      // Mercator distance from the focus to the farthest visible ground
    double outputHeight = 1080;
};

// The view's focus and finest texel: the centre ray's ground point, and the nearest visible ground's pixel
// footprint (the ray through the bottom centre) times `texelsPerPixel`; the reach of the visible ground
// (corner rays, or the horizon where they miss). `groundLift`: metres above the ellipsoid of the ground
// (exaggerated).
FieldView fieldViewFor(const ViewState& view, const geo::EnuFrame& frame, double groundLift,
                       const OverlayFieldOptions& options);

// Windows for `count` cascades of n texels: the finest with texel <= texel0 (a power of two), centred on
// the focus and snapped to its texel grid; each next twice as coarse; the last grown (coarser, centred on
// the bounds) until it covers `cover` within `reach` of the focus (what the view can see of the layers);
// when that takes more than a level per cascade, the levels between are spread evenly.
std::vector<CascadeWindow> cascadeWindows(glm::dvec2 focus, double texel0, uint32_t n, uint32_t count,
                                          const MercatorShape& cover, double reach = 1.0);

// The compute input of one field rect: edges in window texels, per 16x16 tile the edges within the band
// of it, per texel row the sorted x of the ring edges crossing its centre line (areas).
struct FieldBins {
    glm::ivec4 rect{0};  // texels x0, y0, x1, y1 (tile-aligned; empty: x1 <= x0)
    std::vector<glm::vec4> edges;
    std::vector<glm::uvec2> tileRanges;  // (first, count) into tileEdges, row-major over the rect's tiles
    std::vector<uint32_t> tileEdges;
    std::vector<glm::uvec2> rowRanges;  // (first, count) into crossings, per texel row of the rect
    std::vector<float> crossings;
};
FieldBins binShape(const MercatorShape& shape, const CascadeWindow& window, uint32_t n, float bandTexels,
                   OverlayKind kind);
MercatorShape toMercator(const FieldShape& shape);

class OverlayField {
public:
    static Result<std::unique_ptr<OverlayField>> create(gpu::Context& ctx, uint32_t slots,
                                                        const OverlayFieldOptions& options = {});
    ~OverlayField();

    // The layers of the next frames (at most FRONTLINE_OVERLAY_MAX_LAYERS; more are dropped) and the
    // animation clock (story time, for the dash animation). Cheap to call every frame: a layer's shapes are
    // re-projected only when they change.
    void setLayers(std::vector<OverlayLayer> layers, double animationSeconds);
    // The animation clock alone (dashes), for frames whose layers did not change.
    void setAnimationSeconds(double seconds) { m_animationSeconds = seconds; }
    // CPU side of a frame in `slot`: cascade windows, which fields to recompute, binning, uniforms.
    void prepare(uint32_t slot, const FieldView& view);
    // Records this frame's field computations (nothing when every needed field is cached); outside a pass.
    void recordCompute(VkCommandBuffer cmd);

    VkBuffer uniformBuffer(uint32_t slot) const { return m_slots[slot].uniforms.handle(); }
    VkImageView fieldView() const { return m_field.view(); }
    // Bumped when the field image is replaced (more layers): descriptor sets must be rewritten.
    uint64_t generation() const { return m_generation; }
    const OverlayFieldStats& stats() const { return m_stats; }
    const std::vector<CascadeWindow>& windows() const { return m_windows; }
    const OverlayFieldOptions& options() const { return m_options; }
    size_t layerCount() const { return m_layers.size(); }

    // Tests: the field layer of (layer, keyframe 0/1, cascade) as n x n floats (texels of that cascade),
    // read back after waiting for the device; texels outside its computed rect are not meaningful.
    std::vector<float> readField(uint32_t layer, uint32_t keyframe, uint32_t cascade);
    glm::ivec4 computedRect(uint32_t layer, uint32_t keyframe, uint32_t cascade) const;

private:
    OverlayField(gpu::Context& ctx, const OverlayFieldOptions& options) : m_ctx(ctx), m_options(options) {}
    void ensureCapacity(uint32_t layers);
    uint32_t fieldIndex(uint32_t layer, uint32_t keyframe, uint32_t cascade) const {
        return (layer * 2 + keyframe) * FRONTLINE_OVERLAY_CASCADES + cascade;
    }

    struct Layer {
        OverlayLayer layer;
        uint64_t hash[2] = {0, 0};
        MercatorShape merc[2];
        bool sameShapes = false;
        // Mercator distance within which both keyframes' fields must be exact for their blend to be: the
        // largest distance from a vertex of either shape to the other's boundary. Beyond it a field clamped
        // at the band would blend two clamped values into a false zero (a region-wide "front line").
        double morphReach = 0;
    };
    // What a field layer of the image holds, to skip recomputing it.
    struct FieldKey {
        uint64_t hash = 0;
        CascadeWindow window;
        float band = 0;
        OverlayKind kind = OverlayKind::Area;
        bool valid = false;
        bool operator==(const FieldKey&) const = default;
    };
    struct Job {
        gpu_types::OverlayFieldJob gpu;
        uint32_t tilesX, tilesY;
    };
    struct Slot {
        gpu::Buffer uniforms;
        gpu::Buffer input;  // the jobs' words, grown as needed (only this slot's frame reads it)
        gpu::Buffer jobs;
        std::vector<Job> pending;
    };

    gpu::Context& m_ctx;
    OverlayFieldOptions m_options;
    std::vector<Layer> m_layers;
    double m_animationSeconds = 0;
    bool m_warnedTooMany = false;
    gpu::Image m_field;
    uint32_t m_capacity = 0;  // overlay layers the image holds
    uint64_t m_generation = 0;
    std::vector<FieldKey> m_keys;     // per field layer of the image
    std::vector<glm::ivec4> m_rects;  // per field layer: its computed rect
    std::vector<CascadeWindow> m_windows;
    gpu::DescriptorSetLayout m_setLayout;
    gpu::DescriptorPool m_pool;
    gpu::PipelineLayout m_pipelineLayout;
    std::array<gpu::Pipeline, 2> m_pipelines;  // overlay_field.comp for lines, for areas
    std::vector<VkDescriptorSet> m_sets;       // per slot
    std::vector<Slot> m_slots;
    uint32_t m_slot = 0;
    OverlayFieldStats m_stats;
};

}  // namespace fl::render
