// render/scene_renderer.h — the passes that draw one frame of the scene.
// Owns: GPU residency of the terrain grid, border lines and glyph atlas, and recording the terrain, sky,
// draped lines and screen-space overlay (markers, shaped labels with leader lines, caption/legend/attribution)
// into a caller's render pass; per-frame label visibility (occlusion against the terrain) and placement.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/camera.h"
#include "core/look.h"
#include "core/result.h"
#include "gpu/resources.h"
#include "render/font_atlas.h"
#include "render/frame_content.h"
#include "render/label_layout.h"
#include "render/label_lines.h"
#include "render/picking.h"
#include "render/screen_furniture.h"
#include "render/terrain_renderer.h"
#include "render/text_shaper.h"

namespace fl::scene {
struct Scene;
}
namespace fl::gpu {
class Context;
}

namespace fl::render {

// What one frame is drawn with besides the camera and the content: the document's look, plus the frame's
// own switches (continuity for moving cameras, and what tests turn off to see the terrain alone).
struct RenderSettings : Look {
    // True when this frame continues the previous one (a camera move in the window or a recording): label
    // hysteresis, debounced occlusion and fades carry over between prepare() calls. False (stills, tests):
    // labels are placed afresh at full opacity, so a frame depends only on its own view.
    bool labelContinuity = false;
    // The sky gradient behind the terrain. Off (with a clear colour that never occurs in terrain, e.g.
    // magenta) lets tests see every pixel the terrain failed to cover.
    bool sky = true;
    glm::vec4 clearColor{0, 0, 0, 1};  // linear RGBA of the colour target before anything is drawn
    // The terrain's screen-space error target (px) for this frame; nullopt: the renderer's
    // TerrainLodOptions (1 px: what stills and recordings use). The window previews coarser on a CPU device.
    std::optional<double> terrainErrorPx;
    // The story's graphics alone (the recorder's --layers graphics): the terrain draws only the overlays draped on
    // it, unlit, with their coverage as alpha, and still writes depth (labels hide behind hills as on air); with
    // the sky off and a transparent clear colour, everything else is transparent.
    bool graphicsOnly = false;
};

struct FrameStats {
    uint32_t chunksDrawn = 0, chunksTotal = 0;  // terrain patches drawn / streamed leaves
    uint64_t triangles = 0;
    uint32_t labelsDrawn = 0;
    uint32_t draws = 0;    // terrain draw calls recorded (1 indirect draw for the GPU-driven path)
    uint32_t patches = 0;  // terrain patches the GPU selected (read back from an earlier frame)
};

// The labels a scene has by default: its markers, priority in scene order, at the regional grid's height.
std::vector<LabelRequest> markerLabels(const scene::Scene& scene);

class SceneRenderer {
public:
    // `renderPass` must be compatible with createScenePass(); `slots` = frames in flight.
    static Result<std::unique_ptr<SceneRenderer>> create(gpu::Context& ctx, const scene::Scene& scene,
                                                         VkRenderPass renderPass, uint32_t slots,
                                                         const TerrainRendererOptions& terrain = {});
    ~SceneRenderer();

    // CPU side of a frame: uniforms, culling and label layout for frame slot `slot`.
    void prepare(uint32_t slot, const ViewState& view, const RenderSettings& settings);
    // Records this frame's tile uploads; call after prepare() and before the render pass.
    void recordTransfers(VkCommandBuffer cmd);
    // Records the draws; call inside the render pass, after prepare() for the same slot.
    void draw(VkCommandBuffer cmd, uint32_t slot);

    // The story's part of the frame (compose/): layers, labels and furniture. Cached on content.revision:
    // the same revision only moves the dash clock; another one replaces what changed, whatever the story
    // time. Errors as setLabels() (the content is kept without the glyphs that did not fit).
    Status setContent(const FrameContent& content);
    // Overlay layers (control areas, fronts, arrows, routes) draped in the streamed terrain's shading, in
    // draw order, in place of the content's; the scene's borders are drawn above them while
    // RenderSettings::borders is on.
    void setOverlays(std::vector<OverlayLayer> layers, double animationSeconds);

    // The tile streamer and the GPU-driven terrain (a scene renderer always has both: create() refuses a
    // scene without a terrain source).
    terrain::TileStreamer* streamer() { return m_tiles ? &m_tiles->streamer() : nullptr; }
    const terrain::TileStreamer* streamer() const { return m_tiles ? &m_tiles->streamer() : nullptr; }
    TerrainRenderer* terrain() { return m_tiles.get(); }

    const FrameStats& stats() const { return m_stats; }
    // The data height under a pick from what is already in memory (streamed tiles, else the regional grid):
    // never waits on a fetch, for the window's cursor readout. Stills use PickHeights.
    void fillCachedHeight(PickResult& pick) const;

    // Replaces the labels (default: the scene's markers, in priority order). Shapes the text now; an error
    // when the glyph atlas is full (the labels are kept, without the glyphs that did not fit).
    Status setLabels(std::vector<LabelRequest> labels);
    const std::vector<LabelRequest>& labels() const { return m_labelRequests; }
    // Where each label went in the last prepare(), in the order of labels().
    const std::vector<LabelPlacement>& labelPlacements() const { return m_placements; }
    // Caption, legend and attribution; an empty Furniture removes them. Errors as setLabels().
    Status setFurniture(const Furniture& furniture);
    // The furniture's layout in the last prepare().
    const FurnitureLayout& furnitureLayout() const { return m_furnitureLayout; }
    LabelLayoutOptions& labelLayoutOptions() { return m_labelOptions; }

private:
    SceneRenderer(gpu::Context& ctx, const scene::Scene& scene) : m_ctx(ctx), m_scene(scene) {}
    Result<Ok> init(VkRenderPass renderPass, uint32_t slots, const TerrainRendererOptions& terrain);
    void buildOverlay(uint32_t slot, const ViewState& view, const RenderSettings& settings);
    void reportDroppedFurniture(const ViewState& view);
    void updateLabelLines(const ViewState& view, const RenderSettings& settings);
    float medianGroundUnderAreas() const;
    Status shapeText(const std::string& text, bool bold, ShapedText& out);
    Status setFurnitureText(const Furniture& furniture);
    // The layers the overlay field draws this frame: the content's (unless overlays are off) and the border.
    void updateFieldLayers(const RenderSettings& settings);
    bool anchorOccluded(const ViewState& view, const glm::dvec3& anchor, double exaggeration, bool streamed) const;
    double terrainHeightMsl(double lat, double lon, bool streamed) const;
    void uploadAtlasIfChanged();

    struct Label {
        LabelRequest request;
        ShapedText line, local;
    };

    struct Slot {
        gpu::Buffer uniforms;
        gpu::Buffer overlay;
        uint32_t overlayVertices = 0;
        VkDescriptorSet set = VK_NULL_HANDLE;
    };

    gpu::Context& m_ctx;
    const scene::Scene& m_scene;
    std::unique_ptr<FontSet> m_fonts;
    std::unique_ptr<GlyphAtlas> m_atlas;
    uint64_t m_atlasUploaded = 0;  // the atlas generation in m_fontImage
    std::vector<LabelRequest> m_labelRequests;
    std::vector<Label> m_labels;
    std::vector<LabelPlacement> m_placements;
    LabelLayoutState m_labelState;
    LabelLayoutOptions m_labelOptions;
    Furniture m_furniture;
    FurnitureLayout m_furnitureLayout;
    std::unordered_map<std::string, ShapedText> m_shaped;  // by style + text (furniture lines)
    std::string m_furnitureWarning;                        // the last one logged (once per change)
    std::unique_ptr<TerrainRenderer> m_tiles;
    uint64_t m_frameNumber = 0;

    std::vector<OverlayLayer> m_overlays;
    std::vector<bool> m_sceneBorderStandsIn;  // per layer of m_overlays
    std::vector<bool> m_keepLabelsOff;        // per layer of m_overlays
    // The lines labels respect, on the ground; placed again when the content, exaggeration or borders change.
    LabelLines m_labelLines;
    std::vector<bool> m_labelOnBorder;  // per label: its place is on a border (placed with the lines)
    bool m_labelLinesDirty = true;
    std::tuple<double, bool, bool> m_labelLinesFor{0.0, false, false};  // (exaggeration, borders, overlays) placed for
    double m_animationSeconds = 0;
    std::optional<uint64_t> m_contentRevision;  // of the last setContent()
    // What the field was last given: re-sent when the layers or these switches change.
    bool m_overlaysDirty = true, m_fieldBorders = false, m_fieldOverlays = true;
    OverlayLayer m_borderLayer;  // the scene's borders as a Line layer of the overlay field

    gpu::Image m_fontImage;
    gpu::Sampler m_sampler;
    gpu::DescriptorSetLayout m_setLayout;
    gpu::DescriptorPool m_descriptorPool;
    gpu::PipelineLayout m_layout;
    gpu::Pipeline m_skyPipeline, m_overlayPipeline;
    std::vector<Slot> m_slots;

    // Per-frame results of prepare().
    glm::dvec3 m_eye{0.0};
    bool m_drawSky = true;
    FrameStats m_stats;
};

}  // namespace fl::render
