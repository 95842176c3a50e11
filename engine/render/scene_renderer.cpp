#include "render/scene_renderer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/log.h"
#include "gpu/check.h"
#include "gpu/context.h"
#include "gpu/pipeline.h"
#include "scene/scene.h"
#include "shared/gpu_types.h"
#include "terrain/terrain_mesh.h"
#include "terrain/tile_streamer.h"

namespace fl::render {

using gpu_types::DrawPush;
using gpu_types::FrameUniforms;

namespace {

// One vertex of the screen-space overlay (overlay.vert).
struct OverlayVertex {
    glm::vec4 posUv, color, halo, params;
    glm::vec4 style{0};  // legend swatches only (overlay.frag's swatch())
};
static_assert(sizeof(OverlayVertex) == 80);

constexpr uint32_t kMaxOverlayVertices = 6 * 8192;

glm::vec3 srgbToLinear(glm::vec3 c) {
    auto f = [](float v) { return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f); };
    return {f(c.r), f(c.g), f(c.b)};
}

}  // namespace

std::vector<LabelRequest> markerLabels(const scene::Scene& scene) {
    std::vector<LabelRequest> labels;
    int priority = static_cast<int>(scene.markers.size());
    for (const auto& place : scene.markers) {
        const double hMsl = terrain::meshHeight(scene.dem, place.lat, place.lon);
        const std::string& name = place.nameAscii.empty() ? place.name : place.nameAscii;
        if (!std::isnan(hMsl)) labels.push_back({name, name, "", place.lat, place.lon, hMsl, priority});
        --priority;
    }
    return labels;
}

SceneRenderer::~SceneRenderer() = default;

Result<std::unique_ptr<SceneRenderer>> SceneRenderer::create(gpu::Context& ctx, const scene::Scene& scene,
                                                             VkRenderPass renderPass, uint32_t slots,
                                                             const TerrainRendererOptions& tiles) {
    std::unique_ptr<SceneRenderer> r(new SceneRenderer(ctx, scene));
    if (auto s = r->init(renderPass, slots, tiles); !s) return s.error();
    return r;
}

Result<Ok> SceneRenderer::init(VkRenderPass renderPass, uint32_t slotCount, const TerrainRendererOptions& tileOptions) {
    VkDevice dev = m_ctx.device();

    // Terrain streams (GPU-driven: TerrainRenderer); the regional DEM only drapes labels and answers
    // heights. Without a terrain source there is nothing to draw, and a blank frame would be a wrong one.
    if (!m_scene.terrain)
        return Error{
            "the scene has no terrain source to draw (give --terrain SOURCE, or build the sample: "
            "`bash scripts/build.sh`)"};
    // Borders: a Line layer of the overlay field (draped exactly, under any exaggeration).
    m_borderLayer.kind = OverlayKind::Line;
    m_borderLayer.style = OverlayStyle::border();
    for (const auto& line : m_scene.borders) {
        std::vector<glm::dvec2> ring;
        for (const auto& p : line.points) ring.push_back({p.lon, p.lat});
        m_borderLayer.from.rings.push_back(std::move(ring));
    }
    m_borderLayer.to = m_borderLayer.from;

    // Label text: HarfBuzz-shaped glyphs in an SDF atlas, so names stay crisp from 640x360 to 4K.
    auto fonts = FontSet::loadDefault();
    if (!fonts) return fonts.error();
    m_fonts = std::move(fonts).value();
    m_atlas = std::make_unique<GlyphAtlas>(*m_fonts);
    m_fontImage = gpu::Image(
        m_ctx, {static_cast<uint32_t>(m_atlas->size()), static_cast<uint32_t>(m_atlas->size()), VK_FORMAT_R8_UNORM,
                VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, VK_IMAGE_ASPECT_COLOR_BIT});
    // The scene's markers until content (a story) brings its own labels.
    if (auto s = setLabels(markerLabels(m_scene)); !s) return s.error();
    m_fontImage.upload(m_atlas->pixels().data(), m_atlas->pixels().size());
    m_atlasUploaded = m_atlas->generation();

    VkSamplerCreateInfo sci{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    sci.magFilter = VK_FILTER_LINEAR;
    sci.minFilter = VK_FILTER_LINEAR;
    sci.addressModeU = sci.addressModeV = sci.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    VkSampler sampler;
    VK_CHECK(vkCreateSampler(dev, &sci, nullptr, &sampler));
    m_sampler = gpu::Sampler(dev, sampler);

    VkDescriptorSetLayoutBinding bindings[2]{};
    bindings[0] = {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT,
                   nullptr};
    bindings[1] = {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    lci.bindingCount = 2;
    lci.pBindings = bindings;
    VkDescriptorSetLayout setLayout;
    VK_CHECK(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &setLayout));
    m_setLayout = gpu::DescriptorSetLayout(dev, setLayout);

    VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, slotCount},
                                     {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, slotCount}};
    VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pci.maxSets = slotCount;
    pci.poolSizeCount = 2;
    pci.pPoolSizes = sizes;
    VkDescriptorPool pool;
    VK_CHECK(vkCreateDescriptorPool(dev, &pci, nullptr, &pool));
    m_descriptorPool = gpu::DescriptorPool(dev, pool);

    m_slots.resize(slotCount);
    for (auto& s : m_slots) {
        s.uniforms =
            gpu::Buffer(m_ctx, sizeof(FrameUniforms), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, gpu::MemoryUsage::Upload);
        s.overlay = gpu::Buffer(m_ctx, kMaxOverlayVertices * sizeof(OverlayVertex), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT,
                                gpu::MemoryUsage::Upload);
        VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        ai.descriptorPool = pool;
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &setLayout;
        VK_CHECK(vkAllocateDescriptorSets(dev, &ai, &s.set));
        VkDescriptorBufferInfo bi{s.uniforms.handle(), 0, sizeof(FrameUniforms)};
        VkDescriptorImageInfo ii{sampler, m_fontImage.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
        VkWriteDescriptorSet w[2]{};
        w[0] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        w[0].dstSet = s.set;
        w[0].dstBinding = 0;
        w[0].descriptorCount = 1;
        w[0].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
        w[0].pBufferInfo = &bi;
        w[1] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        w[1].dstSet = s.set;
        w[1].dstBinding = 1;
        w[1].descriptorCount = 1;
        w[1].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
        w[1].pImageInfo = &ii;
        vkUpdateDescriptorSets(dev, 2, w, 0, nullptr);
    }

    m_layout = gpu::createPipelineLayout(m_ctx, {setLayout}, sizeof(DrawPush));
    auto tiles = TerrainRenderer::create(m_ctx, m_scene.terrain, m_scene.geoidModel(), setLayout, renderPass, slotCount,
                                         tileOptions);
    if (!tiles) return tiles.error();
    m_tiles = std::move(tiles).value();

    auto load = [&](const char* name) { return gpu::loadShader(m_ctx, name); };
    auto sv = load("sky.vert"), sf = load("sky.frag"), ov = load("overlay.vert"), of = load("overlay.frag");
    for (auto* s : {&sv, &sf, &ov, &of})
        if (!*s) return s->error();

    gpu::GraphicsPipelineDesc sky;
    sky.vertex = *sv;
    sky.fragment = *sf;
    sky.layout = m_layout;
    sky.renderPass = renderPass;
    sky.depthWrite = false;  // at depth 0 (far): fills only what the terrain left empty
    m_skyPipeline = gpu::createGraphicsPipeline(m_ctx, sky);

    gpu::GraphicsPipelineDesc overlay;
    overlay.vertex = *ov;
    overlay.fragment = *of;
    overlay.layout = m_layout;
    overlay.renderPass = renderPass;
    overlay.depthTest = false;
    overlay.depthWrite = false;
    overlay.alphaBlend = true;
    overlay.bindings = {{0, sizeof(OverlayVertex), VK_VERTEX_INPUT_RATE_VERTEX}};
    overlay.attributes = {{0, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 0},
                          {1, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 16},
                          {2, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 32},
                          {3, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 48},
                          {4, 0, VK_FORMAT_R32G32B32A32_SFLOAT, 64}};
    m_overlayPipeline = gpu::createGraphicsPipeline(m_ctx, overlay);
    return Ok{};
}

void SceneRenderer::setOverlays(std::vector<OverlayLayer> layers, double animationSeconds) {
    m_sceneBorderStandsIn.assign(layers.size(), false);
    m_overlays = std::move(layers);
    m_overlaysDirty = true;
    m_animationSeconds = animationSeconds;
    m_contentRevision.reset();  // the next setContent() applies whatever its revision
}

Status SceneRenderer::setContent(const FrameContent& content) {
    m_animationSeconds = content.animationSeconds;
    if (m_contentRevision == content.revision) return Ok{};
    m_contentRevision = content.revision;
    m_overlays = content.layers;
    m_sceneBorderStandsIn = content.sceneBorderStandsIn;
    m_sceneBorderStandsIn.resize(m_overlays.size(), false);
    m_keepLabelsOff = content.keepLabelsOff;
    m_keepLabelsOff.resize(m_overlays.size(), false);
    m_labelLinesDirty = true;
    m_overlaysDirty = true;
    // Anchors without a height sit on the regional grid: always loaded, so a still never depends on what
    // streamed in before it.
    std::vector<LabelRequest> labels = content.labels ? *content.labels : markerLabels(m_scene);
    for (LabelRequest& l : labels)
        if (std::isnan(l.heightMsl)) l.heightMsl = terrainHeightMsl(l.lat, l.lon, false);
    Status status = Ok{};
    if (labels != m_labelRequests) status = setLabels(std::move(labels));
    if (!(content.furniture == m_furniture))
        if (Status s = setFurnitureText(content.furniture); !s && status) status = s;
    return status;
}

void SceneRenderer::updateFieldLayers(const RenderSettings& settings) {
    const bool sceneBorder = settings.borders && !m_borderLayer.from.rings.empty();
    if (!m_overlaysDirty && settings.borders == m_fieldBorders && settings.overlays == m_fieldOverlays) {
        m_tiles->overlays().setAnimationSeconds(m_animationSeconds);
        return;
    }
    // The layers go to the field only when they change (its shapes are hashed there, and the scene's
    // border alone has 10 000+ points); otherwise only the animation clock moves.
    std::vector<OverlayLayer> layers;
    if (settings.overlays)
        for (size_t i = 0; i < m_overlays.size(); ++i)
            // The base map's border (the full line, from the scene) stands in for a story's own copy.
            if (!(m_sceneBorderStandsIn[i] && sceneBorder)) layers.push_back(m_overlays[i]);
    if (sceneBorder) {
        if (layers.size() >= FRONTLINE_OVERLAY_MAX_LAYERS) layers.resize(FRONTLINE_OVERLAY_MAX_LAYERS - 1);
        layers.push_back(m_borderLayer);
    }
    m_tiles->setOverlays(std::move(layers), m_animationSeconds);
    m_overlaysDirty = false;
    m_fieldBorders = settings.borders;
    m_fieldOverlays = settings.overlays;
}

void SceneRenderer::prepare(uint32_t slotIndex, const ViewState& view, const RenderSettings& settings) {
    Slot& slot = m_slots.at(slotIndex);
    m_eye = view.eye;
    const double exag = settings.exaggeration;

    FrameUniforms u{};
    u.viewProj = view.viewProj;
    u.invViewProj = view.invViewProj;
    const double az = geo::radians(settings.sunAzimuth), el = geo::radians(settings.sunElevation);
    // The scene frame is the ENU frame at the region's centre; the sun is far enough away that one
    // direction serves the whole region.
    u.sunDir = glm::vec4(std::cos(el) * std::sin(az), std::cos(el) * std::cos(az), std::sin(el), 0);
    const geo::Geodetic eyeGeo = m_scene.frame.toGeodetic(view.eye);
    const double eyeMsl = eyeGeo.height - m_scene.undulation(eyeGeo.lat, eyeGeo.lon);
    u.cameraUp = glm::vec4(glm::vec3(view.localUp), static_cast<float>(eyeMsl));
    u.params = glm::vec4(static_cast<float>(exag), static_cast<float>(1.0 / settings.hazeDistance),
                         static_cast<float>(view.height), 0);
    u.skyZenith = glm::vec4(srgbToLinear({0.33f, 0.52f, 0.78f}), 1);
    u.skyHorizon = glm::vec4(srgbToLinear({0.80f, 0.86f, 0.92f}), 1);
    u.haze = glm::vec4(srgbToLinear({0.78f, 0.83f, 0.88f}), 0.80f);
    u.viewport = glm::vec4(view.width, view.height, 1.0 / view.width, 1.0 / view.height);
    u.light =
        glm::vec4(0.30f, static_cast<float>(settings.hillshade), 0.85f, static_cast<float>(settings.reliefShading));
    std::memcpy(slot.uniforms.mapped(), &u, sizeof(u));

    m_stats = {};
    ++m_frameNumber;
    {
        // FrameRing::begin() waited for this slot's previous frame, so every frame up to
        // (this one - slots) is complete and its pages may be rewritten.
        const uint64_t slots = m_slots.size();
        const terrain::FrameClock clock{m_frameNumber, m_frameNumber > slots ? m_frameNumber - slots : 0};
        // LOD distances are measured to the ground under the camera (the regional DEM: always loaded, so
        // the frame does not depend on what has streamed in).
        double ground = terrain::meshHeight(m_scene.dem, eyeGeo.lat, eyeGeo.lon);
        if (std::isnan(ground)) ground = 0.0;
        if (settings.terrainErrorPx) m_tiles->lod().maxPixelError = *settings.terrainErrorPx;
        m_tiles->lod().graphicsOnly = settings.graphicsOnly;
        updateFieldLayers(settings);
        m_tiles->prepare(slotIndex, {view, m_scene.frame, exag}, clock, ground);
        const auto st = m_tiles->streamer().stats();
        const TerrainGpuStats& gpu = m_tiles->gpuStats();
        m_stats.chunksDrawn = gpu.patches;
        m_stats.chunksTotal = st.leaves;
        m_stats.patches = gpu.patches;
        m_stats.triangles = gpu.triangles();
        m_stats.draws = 1;
    }

    m_drawSky = settings.sky;

    buildOverlay(slotIndex, view, settings);
    uploadAtlasIfChanged();
}

Status SceneRenderer::shapeText(const std::string& text, bool bold, ShapedText& out) {
    Result<ShapedText> shaped = shape(*m_fonts, text, {bold});
    if (!shaped) return shaped.error();
    out = std::move(shaped).value();
    return m_atlas->add(out);
}

Status SceneRenderer::setLabels(std::vector<LabelRequest> labels) {
    m_labelLinesDirty = true;  // which places lie on a border
    m_labelRequests = std::move(labels);
    m_labels.clear();
    m_placements.clear();
    Status status = Ok{};
    for (const LabelRequest& r : m_labelRequests) {
        Label l{r, {}, {}};
        // A failed line keeps its glyphs that fitted; the first error is reported.
        if (Status s = shapeText(r.text, true, l.line); !s && status) status = s;
        if (!r.textLocal.empty())
            if (Status s = shapeText(r.textLocal, true, l.local); !s && status) status = s;
        m_labels.push_back(std::move(l));
    }
    return status;
}

Status SceneRenderer::setFurniture(const Furniture& furniture) {
    m_contentRevision.reset();  // as setOverlays()
    return setFurnitureText(furniture);
}

Status SceneRenderer::setFurnitureText(const Furniture& furniture) {
    m_furniture = furniture;
    if (!m_furniture.legendGroundMsl) m_furniture.legendGroundMsl = medianGroundUnderAreas();
    m_shaped.clear();
    Status status = Ok{};
    auto add = [&](const std::string& text, bool bold) {
        if (text.empty()) return;
        ShapedText& shaped = m_shaped[(bold ? "B" : "R") + text];
        if (Status s = shapeText(text, bold, shaped); !s && status) status = s;
    };
    add(furniture.caption, true);
    add(furniture.subcaption, false);
    add(furniture.disclaimer, false);
    add(furniture.legendTitle, true);
    for (const LegendEntry& e : furniture.legend) add(e.text, false);
    size_t from = 0;
    while (from <= furniture.attribution.size()) {
        const size_t nl = std::min(furniture.attribution.find('\n', from), furniture.attribution.size());
        add(furniture.attribution.substr(from, nl - from), false);
        from = nl + 1;
    }
    return status;
}

void SceneRenderer::uploadAtlasIfChanged() {
    if (m_atlas->generation() == m_atlasUploaded) return;
    // New glyphs (setLabels/setFurniture between frames): frames in flight may still sample the image, so
    // wait for them. Rare: the atlas only changes when the text does.
    vkDeviceWaitIdle(m_ctx.device());
    m_fontImage.upload(m_atlas->pixels().data(), m_atlas->pixels().size());
    m_atlasUploaded = m_atlas->generation();
}

void SceneRenderer::fillCachedHeight(PickResult& pick) const {
    if (m_tiles)
        if (auto h = m_tiles->streamer().sampleHeight(pick.lat, pick.lon)) {
            pick.heightMsl = h->heightMsl;
            pick.heightTile = h->tile;
            return;
        }
    pick.heightMsl = terrain::meshHeight(m_scene.dem, pick.lat, pick.lon);
    pick.heightTile.reset();
}

double SceneRenderer::terrainHeightMsl(double lat, double lon, bool streamed) const {
    // The streamed tiles where they are cached, else the regional grid. The cache holds whatever earlier
    // views left, so stills use the grid alone: a frame must not depend on what was rendered before it.
    if (m_tiles && streamed)
        if (auto s = m_tiles->streamer().sampleHeight(lat, lon)) return s->heightMsl;
    return terrain::meshHeight(m_scene.dem, lat, lon);
}

bool SceneRenderer::anchorOccluded(const ViewState& view, const glm::dvec3& anchor, double exaggeration,
                                   bool streamed) const {
    // March the sight line eye -> anchor against the exaggerated terrain. 48 samples bound the cost
    // (~0.1 ms per label); ridges narrower than a step can be missed, which is harmless for labels. The last
    // stretch near the anchor is skipped: the anchor lies on the surface itself.
    constexpr int kSamples = 48;
    const glm::dvec3 d = anchor - view.eye;
    const double length = glm::length(d);
    if (length < 1.0) return false;
    const double stop = 1.0 - std::max(0.03, 300.0 / length);
    for (int k = 1; k <= kSamples; ++k) {
        const double t = stop * k / kSamples;
        const geo::Geodetic g = m_scene.frame.toGeodetic(view.eye + d * t);
        const double h = terrainHeightMsl(g.lat, g.lon, streamed);
        if (std::isnan(h)) continue;
        const double ground = m_scene.undulation(g.lat, g.lon) + h * exaggeration;
        if (g.height < ground - 1.0) return true;
    }
    return false;
}

namespace {

// Overlay primitive kinds (OverlayVertex::params.x), as overlay.frag reads them.
constexpr float kGlyph = 0, kDisc = 1, kBar = 2, kSwatch = 3;

struct OverlayBuilder {
    std::vector<OverlayVertex>& verts;
    void quad(float x0, float y0, float x1, float y1, glm::vec2 uv0, glm::vec2 uv1, const glm::vec4& color,
              const glm::vec4& halo, const glm::vec4& params, const glm::vec4& style = glm::vec4(0)) {
        const OverlayVertex a{{x0, y0, uv0.x, uv0.y}, color, halo, params, style},
            b{{x1, y0, uv1.x, uv0.y}, color, halo, params, style},
            c{{x0, y1, uv0.x, uv1.y}, color, halo, params, style},
            d{{x1, y1, uv1.x, uv1.y}, color, halo, params, style};
        verts.insert(verts.end(), {a, c, b, b, c, d});
    }
    // An antialiased line with a halo: uv.x is the signed distance across it in pixels.
    void line(glm::vec2 p0, glm::vec2 p1, float coreWidth, float haloWidth, const glm::vec4& color,
              const glm::vec4& halo) {
        glm::vec2 dir = p1 - p0;
        const float len = glm::length(dir);
        if (len < 1e-3f) return;
        dir /= len;
        const glm::vec2 n(-dir.y, dir.x);
        const float half = 0.5f * coreWidth + haloWidth + 1.0f;
        const glm::vec2 a = p0 - dir * half, b = p1 + dir * half;
        const glm::vec4 params(kBar, haloWidth, 0.5f * coreWidth, 0);
        const glm::vec2 c0 = a - n * half, c1 = b - n * half, c2 = a + n * half, c3 = b + n * half;
        const OverlayVertex v0{{c0, -half, 0}, color, halo, params}, v1{{c1, -half, 0}, color, halo, params},
            v2{{c2, half, 0}, color, halo, params}, v3{{c3, half, 0}, color, halo, params};
        verts.insert(verts.end(), {v0, v2, v1, v1, v2, v3});
    }
    void panel(const Box& b, const glm::vec4& color) {
        quad(b.x0, b.y0, b.x1, b.y1, {0, 0}, {0, 0}, color, glm::vec4(0), {kBar, 0, 1e4f, 0});
    }
};

}  // namespace

// The swatches' ground: the median regional-grid height under the drawn areas' outlines (1000 m, the Kandahar
// plain, without areas).
float SceneRenderer::medianGroundUnderAreas() const {
    std::vector<double> heights;
    for (size_t i = 0; i < m_overlays.size(); ++i) {
        if (m_overlays[i].kind != OverlayKind::Area || m_keepLabelsOff[i]) continue;
        for (const auto& ring : m_overlays[i].from.rings) {
            const size_t step = std::max<size_t>(1, ring.size() / 16);
            for (size_t k = 0; k < ring.size(); k += step)
                if (double h = terrainHeightMsl(ring[k].y, ring[k].x, false); std::isfinite(h)) heights.push_back(h);
        }
    }
    if (heights.empty()) return 1000.0f;
    std::nth_element(heights.begin(), heights.begin() + ptrdiff_t(heights.size() / 2), heights.end());
    return float(heights[heights.size() / 2]);
}

void SceneRenderer::updateLabelLines(const ViewState& view, const RenderSettings& settings) {
    const std::tuple<double, bool, bool> key{settings.exaggeration,
                                             settings.borders && !m_borderLayer.from.rings.empty(), settings.overlays};
    if (m_labelLinesDirty || key != m_labelLinesFor) {
        const terrain::GeoidModel* geoid = m_scene.geoidModel();
        const glm::dmat3 ecefToScene = glm::transpose(m_scene.frame.enuToEcef());
        // The regional grid: always loaded, so where a name may go never depends on what streamed in.
        auto ground = [&](double lat, double lon) {
            double h = terrainHeightMsl(lat, lon, false);
            if (!std::isfinite(h)) h = 0.0;
            return m_scene.frame.fromGeodetic({lat, lon, terrain::undulationOrZero(geoid, lat, lon)}) +
                   ecefToScene * geo::ellipsoidNormal(lat, lon) * (h * settings.exaggeration);
        };
        static const std::vector<OverlayLayer> kNone;
        m_labelLines =
            placeLabelLines(std::get<1>(key) ? &m_borderLayer : nullptr, settings.overlays ? m_overlays : kNone,
                            m_sceneBorderStandsIn, m_keepLabelsOff, ground);
        std::vector<glm::dvec2> places;
        for (const Label& l : m_labels) places.emplace_back(l.request.lat, l.request.lon);
        m_labelOnBorder = placesOnBorders(m_labelLines, places);
        m_labelLinesFor = key;
        m_labelLinesDirty = false;
    }
    projectLabelLines(m_labelLines, view, m_labelOptions);
}

// A frame too small for its furniture says what it left out, once per change (not once per frame).
void SceneRenderer::reportDroppedFurniture(const ViewState& view) {
    std::string warning;
    const FurnitureLayout& l = m_furnitureLayout;
    const std::string size = std::to_string(int(view.width)) + "x" + std::to_string(int(view.height));
    if (!l.dropped.empty()) {
        warning = "furniture: " + size + " is too small to show the ";
        for (size_t i = 0; i < l.dropped.size(); ++i) warning += (i ? ", " : "") + l.dropped[i];
        warning += " at a legible size; left out";
    }
    if (l.attributionOutsideSafe)
        warning += std::string(warning.empty() ? "furniture: " + size + ": " : "; ") +
                   "the credits do not fit the title-safe area and use the whole frame";
    if (warning != m_furnitureWarning && !warning.empty()) log::warn(warning);
    m_furnitureWarning = warning;
}

void SceneRenderer::buildOverlay(uint32_t slotIndex, const ViewState& view, const RenderSettings& settings) {
    Slot& slot = m_slots[slotIndex];
    slot.overlayVertices = 0;
    std::vector<OverlayVertex> verts;
    OverlayBuilder out{verts};
    const float w = static_cast<float>(view.width), h = static_cast<float>(view.height);
    const float haloPx = std::max(1.5f, 0.0045f * h);
    const float pxPerAtlasPx = 1.0f / m_fonts->pixelSize();
    // FreeType's SDF spans +-spread atlas pixels over the 0..1 texel range.
    auto sdfScale = [&](float sizePx) { return 2.0f * m_fonts->spread() * sizePx * pxPerAtlasPx; };
    auto text = [&](const ShapedText& shaped, float x, float y, float sizePx, const glm::vec4& color,
                    const glm::vec4& halo, float haloWidth) {
        const TextLayout layout = layoutShaped(*m_atlas, shaped, x, y, sizePx);
        for (const auto& g : layout.quads)
            out.quad(g.x0, g.y0, g.x1, g.y1, {g.u0, g.v0}, {g.u1, g.v1}, color, halo,
                     {kGlyph, haloWidth, sdfScale(sizePx), 0});
    };

    // Furniture first: its blocks are obstacles the labels keep off.
    m_furnitureLayout = {};
    if (settings.furniture && !m_furniture.empty()) {
        // Wrapped lines are new strings: shaped here, once (their glyphs reach the atlas before this frame
        // draws: prepare() uploads it after buildOverlay()).
        auto shaped = [&](const std::string& t, bool bold) -> const ShapedText* {
            const std::string key = (bold ? "B" : "R") + t;
            auto it = m_shaped.find(key);
            if (it == m_shaped.end()) {
                ShapedText s;
                if (!shapeText(t, bold, s)) return nullptr;  // the whole line's shaping error was reported
                it = m_shaped.emplace(key, std::move(s)).first;
            }
            return &it->second;
        };
        auto measure = [&](const std::string& t, float sizePx, bool bold) {
            const ShapedText* s = shaped(t, bold);
            return s ? s->advance * sizePx * pxPerAtlasPx : 0.0f;
        };
        m_furnitureLayout = layoutFurniture(m_furniture, view.width, view.height, measure);
        reportDroppedFurniture(view);
        // Broadcast lower-third style: dark translucent panels with white text.
        const glm::vec4 panel(0.05f, 0.06f, 0.08f, 0.62f), white(1, 1, 1, 1), none(0);
        for (const Box& b : m_furnitureLayout.blocks()) out.panel(b, panel);
        const float styleScale = float(view.height) / 1080.0f;  // style sizes are px at 1080 lines, as on the map
        for (const FurnitureSwatch& s : m_furnitureLayout.swatches) {
            const OverlayStyle& st = s.style;
            const glm::vec4 colour(glm::vec3(linearColour(st.colour)), std::clamp(st.fillOpacity, 0.0f, 1.0f));
            const glm::vec4 second = linearColour(st.secondColour);
            const glm::vec4 style(st.lineWidthPx * styleScale, std::max(8.0f, st.hatchPx * styleScale),
                                  m_furniture.legendGroundMsl.value_or(1000.0f),
                                  st.dashed ? std::max(4.0f, st.dashPx * styleScale) : 0);
            out.quad(s.box.x0, s.box.y0, s.box.x1, s.box.y1, {0, 0}, {s.box.width(), s.box.height()}, colour, second,
                     {kSwatch, s.box.width(), s.box.height(), static_cast<float>(st.pattern)}, style);
        }
        for (const FurnitureText& t : m_furnitureLayout.texts) {
            if (const ShapedText* s = shaped(t.text, t.bold)) text(*s, t.x, t.baseline, t.sizePx, white, none, 0);
        }
    }

    m_placements.assign(m_labels.size(), {});
    if (settings.labels && !m_labels.empty()) {
        // Sizes follow the output height so a 640x360 preview and a 4K render look the same.
        const float textPx = std::max(12.0f, static_cast<float>(settings.labelSize) * h);
        const float localPx = 0.9f * textPx;
        const float discR = std::max(3.0f, 0.0065f * h);
        const float lineGap = 0.32f * textPx;  // room for Arabic dots above between the lines
        const glm::vec4 white(1, 1, 1, 1), ink(0.08f, 0.09f, 0.11f, 0.85f);
        const terrain::GeoidModel* geoid = m_scene.geoidModel();
        const glm::dmat3 ecefToScene = glm::transpose(m_scene.frame.enuToEcef());

        std::vector<LabelInput> inputs(m_labels.size());
        for (size_t i = 0; i < m_labels.size(); ++i) {
            const Label& l = m_labels[i];
            const LabelRequest& r = l.request;
            LabelInput& in = inputs[i];
            in.id = r.id;
            in.priority = r.priority;
            in.markerRadius = discR + haloPx;
            // Box: the ink of both lines plus the halo on every side.
            const float s1 = textPx * pxPerAtlasPx, s2 = localPx * pxPerAtlasPx;
            float width = (l.line.inkMaxX - l.line.inkMinX) * s1, height = (l.line.inkMaxY - l.line.inkMinY) * s1;
            if (!l.local.glyphs.empty()) {
                width = std::max(width, (l.local.inkMaxX - l.local.inkMinX) * s2);
                height += lineGap + (l.local.inkMaxY - l.local.inkMinY) * s2;
            }
            in.size = {width + 2 * haloPx, height + 2 * haloPx};
            const double n = terrain::undulationOrZero(geoid, r.lat, r.lon);
            const glm::dvec3 anchor =
                m_scene.frame.fromGeodetic({r.lat, r.lon, n}) +
                ecefToScene * geo::ellipsoidNormal(r.lat, r.lon) * (r.heightMsl * settings.exaggeration);
            const auto sp = projectToScreen(view, anchor);
            if (!sp) continue;
            in.anchor = {static_cast<float>(sp->x), static_cast<float>(sp->y)};
            in.onScreen = sp->x >= 0 && sp->y >= 0 && sp->x <= view.width && sp->y <= view.height;
            if (in.onScreen)
                in.occluded = anchorOccluded(view, anchor, settings.exaggeration, settings.labelContinuity);
        }
        m_labelOptions.width = w;
        m_labelOptions.height = h;
        // The marker's halo and the box's halo padding may overlap: ink starts 1.2 marker radii from the anchor.
        m_labelOptions.gap = 0.2f * discR - 2.0f * haloPx;
        m_labelOptions.margin = std::max(2.0f, 0.004f * h);
        m_labelOptions.appearMargin = std::max(4.0f, 0.012f * h);
        m_labelOptions.obstacles = m_furnitureLayout.blocks();
        updateLabelLines(view, settings);
        for (size_t i = 0; i < inputs.size() && i < m_labelOnBorder.size(); ++i)
            inputs[i].onBorder = m_labelOnBorder[i];
        if (!settings.labelContinuity) m_labelState.clear();
        LabelLayoutResult result = layoutLabels(inputs, m_labelState, m_labelOptions);
        m_labelState = std::move(result.state);
        m_placements = std::move(result.placements);

        const float leaderCore = std::max(1.0f, 0.0016f * h), leaderHalo = std::max(1.0f, 0.0015f * h);
        const float r = discR + haloPx + 1;
        for (size_t i = 0; i < m_labels.size(); ++i) {
            const LabelPlacement& p = m_placements[i];
            const LabelInput& in = inputs[i];
            if (p.markerAlpha > 0)
                out.quad(in.anchor.x - r, in.anchor.y - r, in.anchor.x + r, in.anchor.y + r, {-r, -r}, {r, r},
                         white * p.markerAlpha, ink * p.markerAlpha, {kDisc, haloPx, discR, 0});
        }
        for (size_t i = 0; i < m_labels.size(); ++i) {
            const LabelPlacement& p = m_placements[i];
            if (!p.visible) continue;
            const Label& l = m_labels[i];
            const glm::vec4 fill = white * p.alpha, halo = ink * p.alpha;
            if (p.leader) out.line(p.leaderFrom, p.leaderTo, leaderCore, leaderHalo, fill, halo);
            // Lines aligned to the side facing the anchor; ink starts inside the halo padding.
            auto lineX = [&](const ShapedText& t, float sizePx) {
                const float s = sizePx * pxPerAtlasPx, inkW = (t.inkMaxX - t.inkMinX) * s;
                const float left = p.align < 0   ? p.box.x0 + haloPx
                                   : p.align > 0 ? p.box.x1 - haloPx - inkW
                                                 : 0.5f * (p.box.x0 + p.box.x1 - inkW);
                return left - t.inkMinX * s;
            };
            const float base1 = p.box.y0 + haloPx + l.line.inkMaxY * textPx * pxPerAtlasPx;
            text(l.line, lineX(l.line, textPx), base1, textPx, fill, halo, haloPx);
            if (!l.local.glyphs.empty()) {
                const float base2 =
                    base1 - l.line.inkMinY * textPx * pxPerAtlasPx + lineGap + l.local.inkMaxY * localPx * pxPerAtlasPx;
                text(l.local, lineX(l.local, localPx), base2, localPx, fill, halo, haloPx);
            }
            m_stats.labelsDrawn++;
        }
    }
    verts.resize(std::min<size_t>(verts.size(), kMaxOverlayVertices));
    std::memcpy(slot.overlay.mapped(), verts.data(), verts.size() * sizeof(OverlayVertex));
    slot.overlayVertices = static_cast<uint32_t>(verts.size());
}

void SceneRenderer::recordTransfers(VkCommandBuffer cmd) {
    m_tiles->recordCompute(cmd);
}

void SceneRenderer::draw(VkCommandBuffer cmd, uint32_t slotIndex) {
    Slot& slot = m_slots.at(slotIndex);
    m_tiles->draw(cmd, slot.set);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_layout, 0, 1, &slot.set, 0, nullptr);

    if (m_drawSky) {
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_skyPipeline);
        vkCmdDraw(cmd, 3, 1, 0, 0);
    }

    if (slot.overlayVertices) {
        const VkDeviceSize zero = 0;
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_overlayPipeline);
        VkBuffer ob = slot.overlay.handle();
        vkCmdBindVertexBuffers(cmd, 0, 1, &ob, &zero);
        vkCmdDraw(cmd, slot.overlayVertices, 1, 0, 0);
    }
}

}  // namespace fl::render
