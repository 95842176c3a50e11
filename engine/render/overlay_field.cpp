#include "render/overlay_field.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>

#include "core/log.h"
#include "core/segment_grid.h"
#include "gpu/check.h"
#include "gpu/context.h"
#include "gpu/pipeline.h"

namespace fl::render {

using gpu_types::OverlayFieldJob;
using gpu_types::OverlayUniforms;

namespace {

constexpr uint32_t kTile = FRONTLINE_OVERLAY_TILE;
constexpr uint32_t kCascades = FRONTLINE_OVERLAY_CASCADES;
constexpr uint32_t kMaxLayers = FRONTLINE_OVERLAY_MAX_LAYERS;

// The largest distance from a vertex of `a` to the boundary of `b` (Mercator), once per keyframe pair. Real
// outlines have 10k..200k vertices: nearest edges come from a SegmentGrid of b's edges, not from all of them
// (which took ~100 s a frame for a 192k-vertex district).
double boundaryReach(const MercatorShape& a, const MercatorShape& b) {
    std::vector<SegmentGrid::Segment> edges;
    for (const auto& r : b.rings)
        for (size_t i = 0; i < r.size(); ++i) edges.push_back({r[i], r[(i + 1) % r.size()]});
    if (edges.empty()) return 0;
    const SegmentGrid grid(edges);
    double reach = 0;
    for (const auto& ring : a.rings)
        for (const glm::dvec2& p : ring) reach = std::max(reach, grid.nearestDistance(p));
    return reach;
}

uint64_t hashShape(const FieldShape& s) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&](uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            h ^= (v >> (8 * i)) & 0xFF;
            h *= 1099511628211ull;
        }
    };
    mix(s.rings.size());
    for (const auto& r : s.rings) {
        mix(r.size());
        for (const glm::dvec2& p : r) {
            mix(std::bit_cast<uint64_t>(p.x));
            mix(std::bit_cast<uint64_t>(p.y));
        }
    }
    return h;
}

void extend(MercatorShape& s, glm::dvec2 p) {
    s.min = glm::min(s.min, p);
    s.max = glm::max(s.max, p);
}

// Where a ray from `o` along `d` (ECEF) meets the ellipsoid raised by `lift` metres; nullopt when it misses.
std::optional<glm::dvec3> hitEllipsoid(glm::dvec3 o, glm::dvec3 d, double lift) {
    const double a = geo::kSemiMajor + lift, b = geo::kSemiMinor + lift;
    const glm::dvec3 s(1 / a, 1 / a, 1 / b);
    const glm::dvec3 os = o * s, ds = d * s;
    const double A = glm::dot(ds, ds), B = 2 * glm::dot(os, ds), C = glm::dot(os, os) - 1;
    const double disc = B * B - 4 * A * C;
    if (disc < 0) return std::nullopt;
    const double t = (-B - std::sqrt(disc)) / (2 * A);
    if (t <= 0) return std::nullopt;
    return o + d * t;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
double CascadeWindow::texel() const {
    return std::ldexp(1.0, -level);
}

MercatorShape toMercator(const FieldShape& shape) {
    MercatorShape m;
    for (const auto& ring : shape.rings) {
        std::vector<glm::dvec2> r;
        r.reserve(ring.size());
        for (const glm::dvec2& p : ring) {
            if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;  // bad points are dropped, not drawn
            r.push_back(lonLatToMercator(p));
            extend(m, r.back());
        }
        if (!r.empty()) m.rings.push_back(std::move(r));
    }
    return m;
}

FieldView fieldViewFor(const ViewState& view, const geo::EnuFrame& frame, double groundLift,
                       const OverlayFieldOptions& options) {
    FieldView f;
    const glm::dvec3 eye = frame.toEcef(view.eye);
    const geo::Geodetic eyeGeo = geo::ecefToGeodetic(eye);
    f.camera = lonLatToMercator({eyeGeo.lon, eyeGeo.lat});
    f.outputHeight = view.height;
    const auto centre = hitEllipsoid(eye, frame.dirToEcef(view.forward), groundLift);
    const auto nearest = hitEllipsoid(eye, frame.dirToEcef(screenRay(view, 0.5 * view.width, view.height)), groundLift);
    geo::Geodetic focus = eyeGeo;
    if (centre) focus = geo::ecefToGeodetic(*centre);
    f.focus = lonLatToMercator({focus.lon, focus.lat});
    double distance = std::max(1.0, eyeGeo.height - groundLift);
    double lat = focus.lat;
    if (nearest) {
        distance = glm::length(*nearest - eye);
        lat = geo::ecefToGeodetic(*nearest).lat;
    } else if (centre) {
        distance = glm::length(*centre - eye);
    }
    // The visible ground's reach from the focus: the farthest ground point of the edge rays; a ray that
    // misses the ground counts as the horizon's distance beyond the focus.
    const glm::dvec3 focusEcef = geo::geodeticToEcef({focus.lat, focus.lon, groundLift});
    const double horizon = std::sqrt(std::max(0.0, eyeGeo.height - groundLift) * 2.0 * geo::kSemiMajor);
    double reachM = 0;
    for (const glm::dvec2 px : {glm::dvec2(0, 0), glm::dvec2(0.5, 0), glm::dvec2(1, 0), glm::dvec2(0, 0.5),
                                glm::dvec2(1, 0.5), glm::dvec2(0, 1), glm::dvec2(1, 1)}) {
        const auto hit =
            hitEllipsoid(eye, frame.dirToEcef(screenRay(view, px.x * view.width, px.y * view.height)), groundLift);
        reachM = std::max(reachM, hit ? glm::length(*hit - focusEcef) : horizon + glm::length(focusEcef - eye));
    }
    const double pxPerRadian = view.height / (2.0 * std::tan(geo::radians(view.fovY) * 0.5));
    const double metresPerPx = distance / pxPerRadian;
    const double mercPerMetre = 1.0 / (2 * geo::kPi * geo::kSemiMajor * std::max(0.01, std::cos(geo::radians(lat))));
    f.texel0 = metresPerPx * mercPerMetre / std::max(1e-3, options.texelsPerPixel);
    f.reach = reachM / (2 * geo::kPi * geo::kSemiMajor * std::max(0.01, std::cos(geo::radians(focus.lat))));
    return f;
}

std::vector<CascadeWindow> cascadeWindows(glm::dvec2 focus, double texel0, uint32_t n, uint32_t count,
                                          const MercatorShape& coverAll, double reach) {
    // A degenerate view (NaN, under the ellipsoid) still gets windows, never undefined conversions.
    if (!std::isfinite(focus.x) || !std::isfinite(focus.y)) focus = glm::dvec2(0.5);
    focus = glm::clamp(focus, glm::dvec2(-1.0), glm::dvec2(2.0));
    if (!std::isfinite(texel0) || texel0 <= 0) texel0 = 1e-6;
    if (!std::isfinite(reach) || reach <= 0) reach = 1.0;
    // Only what the view can see needs covering: the layers' bounds within `reach` of the focus.
    MercatorShape cover;
    if (!coverAll.empty()) {
        cover.min = glm::max(coverAll.min, focus - reach);
        cover.max = glm::min(coverAll.max, focus + reach);
    }
    const int level0 = std::clamp(int(std::ceil(-std::log2(std::max(texel0, 1e-14)))), 2, 46);
    std::vector<CascadeWindow> w;
    auto centreOn = [&](CascadeWindow& c, glm::dvec2 p) {
        const double t = c.texel();
        c.x0 = int64_t(std::floor(p.x / t)) - int64_t(n / 2);
        c.y0 = int64_t(std::floor(p.y / t)) - int64_t(n / 2);
    };
    for (uint32_t i = 0; i < count; ++i) {
        CascadeWindow c;
        c.level = std::max(0, level0 - int(i));
        centreOn(c, focus);
        w.push_back(c);
    }
    if (!cover.empty() && !w.empty()) {
        CascadeWindow& last = w.back();
        auto covers = [&](const CascadeWindow& c) {
            const double t = c.texel();
            return double(c.x0) * t <= cover.min.x && double(c.y0) * t <= cover.min.y &&
                   double(c.x0 + n) * t >= cover.max.x && double(c.y0 + n) * t >= cover.max.y;
        };
        while (!covers(last) && last.level > 0) {
            --last.level;
            centreOn(last, 0.5 * (cover.min + cover.max));
        }
        // When the cover needs a jump of more than a level, spread it over the cascades between: the ground
        // between the last doubling window and the cover gets texels that match its pixels much better.
        const int span = level0 - last.level;
        if (count > 2 && span > int(count) - 1)
            for (uint32_t i = 1; i + 1 < count; ++i) {
                w[i].level = level0 - int(std::lround(double(i) * span / double(count - 1)));
                centreOn(w[i], focus);
            }
    }
    return w;
}

// Vertices nearer than this (texels) to the last vertex kept are dropped before binning. Every tile lists the
// edges within the band (48 texels) of it, and every texel of the tile tests them all, so a 200k-vertex
// district outline in a coarse cascade put all 200k edges in every tile: minutes a frame, quadratic in effect.
// After the filter a tile holds O(band / tolerance) edges whatever the vertex count. Each dropped vertex lies
// within the tolerance of a kept one, so the field moves by at most that much: invisible at a quarter texel.
constexpr double kSimplifyTexels = 0.25;

// `ring` in the cascade's texels, with vertices closer than kSimplifyTexels to the previous kept one dropped.
// Open lines keep their last vertex (their end is drawn); closed rings drop a last vertex next to the first.
template <typename ToTexel>
void simplifyToTexels(const std::vector<glm::dvec2>& ring, const ToTexel& toTexel, bool open,
                      std::vector<glm::dvec2>& out) {
    out.clear();
    const double tol2 = kSimplifyTexels * kSimplifyTexels;
    auto far = [&](glm::dvec2 a, glm::dvec2 b) { return glm::dot(a - b, a - b) >= tol2; };
    for (const glm::dvec2& p : ring) {
        const glm::dvec2 t = toTexel(p);
        if (out.empty() || far(t, out.back())) out.push_back(t);
    }
    if (ring.empty()) return;
    const glm::dvec2 last = toTexel(ring.back());
    if (open && out.back() != last) out.push_back(last);
    if (!open && out.size() > 3 && !far(out.back(), out.front())) out.pop_back();
}

FieldBins binShape(const MercatorShape& shape, const CascadeWindow& window, uint32_t n, float bandTexels,
                   OverlayKind kind) {
    FieldBins b;
    if (shape.empty()) return b;
    const double t = window.texel();
    const bool area = kind == OverlayKind::Area;
    auto toTexel = [&](glm::dvec2 m) { return glm::dvec2(m.x / t - double(window.x0), m.y / t - double(window.y0)); };
    const double band = bandTexels;
    const glm::dvec2 lo = toTexel(shape.min) - (band + 1), hi = toTexel(shape.max) + (band + 1);
    // The rect: the shape's bounds plus the band, within the window, rounded out to whole tiles. Outside it
    // every texel is at least `band` away (and outside the area), which the shader assumes.
    const double N = double(n);
    const double rx0 = std::clamp(std::floor(lo.x / kTile) * kTile, 0.0, N);
    const double ry0 = std::clamp(std::floor(lo.y / kTile) * kTile, 0.0, N);
    const double rx1 = std::clamp(std::ceil(hi.x / kTile) * kTile, 0.0, N);
    const double ry1 = std::clamp(std::ceil(hi.y / kTile) * kTile, 0.0, N);
    if (rx1 <= rx0 || ry1 <= ry0) return b;
    b.rect = glm::ivec4(int(rx0), int(ry0), int(rx1), int(ry1));
    const int tilesX = (b.rect.z - b.rect.x) / int(kTile), tilesY = (b.rect.w - b.rect.y) / int(kTile);
    const int rows = b.rect.w - b.rect.y;

    std::vector<std::vector<uint32_t>> tiles(size_t(tilesX) * tilesY);
    std::vector<std::vector<float>> rowX(area ? rows : 0);
    const double tileReach = band + kTile * 0.7072;  // band + half the tile's diagonal
    auto addEdge = [&](glm::dvec2 a, glm::dvec2 c) {
        // Sign: the rows whose centre line the edge crosses, half-open in y as in insideEvenOdd.
        if (area && a.y != c.y) {
            const double ymin = std::min(a.y, c.y), ymax = std::max(a.y, c.y);
            // Clamped as doubles first: far edges are beyond int range in a fine cascade's texels.
            const int r0 = int(std::clamp(std::ceil(ymin - 0.5), double(b.rect.y), double(b.rect.w)));
            const int r1 = int(std::clamp(std::ceil(ymax - 0.5) - 1, double(b.rect.y) - 1, double(b.rect.w - 1)));
            for (int r = r0; r <= r1; ++r) {
                const double y = r + 0.5;
                const double x = a.x + (y - a.y) * (c.x - a.x) / (c.y - a.y);
                rowX[r - b.rect.y].push_back(float(std::clamp(x, rx0 - 1.0, rx1 + 1.0)));
            }
        }
        // Distance: the tiles within the band of the edge.
        const glm::dvec2 emin = glm::min(a, c) - band, emax = glm::max(a, c) + band;
        if (emax.x < rx0 || emax.y < ry0 || emin.x > rx1 || emin.y > ry1) return;
        auto tileOf = [](double v, int count) {
            return int(std::clamp(std::floor(v / kTile), 0.0, double(count - 1)));
        };
        const int tx0 = tileOf(emin.x - rx0, tilesX), ty0 = tileOf(emin.y - ry0, tilesY);
        const int tx1 = tileOf(emax.x - rx0, tilesX), ty1 = tileOf(emax.y - ry0, tilesY);
        uint32_t index = UINT32_MAX;
        for (int ty = ty0; ty <= ty1; ++ty)
            for (int tx = tx0; tx <= tx1; ++tx) {
                const glm::dvec2 centre(rx0 + (tx + 0.5) * kTile, ry0 + (ty + 0.5) * kTile);
                if (pointSegmentDistance(centre, a, c) > tileReach) continue;
                if (index == UINT32_MAX) {
                    index = uint32_t(b.edges.size());
                    b.edges.push_back(glm::vec4(float(a.x), float(a.y), float(c.x), float(c.y)));
                }
                tiles[size_t(ty) * tilesX + tx].push_back(index);
            }
    };
    std::vector<glm::dvec2> texels;
    for (const auto& ring : shape.rings) {
        simplifyToTexels(ring, toTexel, !area, texels);
        const size_t m = texels.size();
        if (m == 1) addEdge(texels[0], texels[0]);
        for (size_t i = 0; i + 1 < m; ++i) addEdge(texels[i], texels[i + 1]);
        if (area && m >= 3) addEdge(texels[m - 1], texels[0]);
    }
    b.tileRanges.reserve(tiles.size());
    for (const auto& list : tiles) {
        b.tileRanges.push_back(glm::uvec2(uint32_t(b.tileEdges.size()), uint32_t(list.size())));
        b.tileEdges.insert(b.tileEdges.end(), list.begin(), list.end());
    }
    for (auto& xs : rowX) {
        std::sort(xs.begin(), xs.end());
        b.rowRanges.push_back(glm::uvec2(uint32_t(b.crossings.size()), uint32_t(xs.size())));
        b.crossings.insert(b.crossings.end(), xs.begin(), xs.end());
    }
    return b;
}

// ---------------------------------------------------------------------------------------------------------
OverlayField::~OverlayField() = default;

Result<std::unique_ptr<OverlayField>> OverlayField::create(gpu::Context& ctx, uint32_t slots,
                                                           const OverlayFieldOptions& options) {
    std::unique_ptr<OverlayField> f(new OverlayField(ctx, options));
    OverlayFieldOptions& o = f->m_options;
    o.resolution = std::clamp((o.resolution + kTile - 1) / kTile * kTile, kTile, 4096u);
    o.cascades = std::clamp(o.cascades, 1u, kCascades);
    o.bandTexels = std::clamp(o.bandTexels, 2.0f, 1024.0f);

    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(ctx.physicalDevice(), VK_FORMAT_R32_SFLOAT, &fp);
    if (!(fp.optimalTilingFeatures & VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT))
        return Error{"the Vulkan device cannot write R32_SFLOAT storage images (overlay fields)"};

    VkDevice dev = ctx.device();
    const VkDescriptorSetLayoutBinding bindings[2] = {
        {0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
    VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    lci.bindingCount = 2;
    lci.pBindings = bindings;
    VkDescriptorSetLayout setLayout;
    VK_CHECK(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &setLayout));
    f->m_setLayout = gpu::DescriptorSetLayout(dev, setLayout);
    const VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, slots},
                                           {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, slots}};
    VkDescriptorPoolCreateInfo pci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pci.maxSets = slots;
    pci.poolSizeCount = 2;
    pci.pPoolSizes = sizes;
    VkDescriptorPool pool;
    VK_CHECK(vkCreateDescriptorPool(dev, &pci, nullptr, &pool));
    f->m_pool = gpu::DescriptorPool(dev, pool);
    f->m_sets.resize(slots);
    f->m_slots.resize(slots);
    for (uint32_t i = 0; i < slots; ++i) {
        VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        ai.descriptorPool = pool;
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &setLayout;
        VK_CHECK(vkAllocateDescriptorSets(dev, &ai, &f->m_sets[i]));
        Slot& s = f->m_slots[i];
        s.uniforms =
            gpu::Buffer(ctx, sizeof(OverlayUniforms), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, gpu::MemoryUsage::Upload);
        OverlayUniforms zero{};
        std::memcpy(s.uniforms.mapped(), &zero, sizeof(zero));
    }
    f->m_pipelineLayout =
        gpu::createPipelineLayout(ctx, {setLayout}, sizeof(OverlayFieldJob), VK_SHADER_STAGE_COMPUTE_BIT);
    auto cs = gpu::loadShader(ctx, "overlay_field.comp");
    if (!cs) return cs.error();
    // Areas (kind 0) and lines: a specialization constant, not the job's kind (gpu/pipeline.h says why).
    for (uint32_t area = 0; area < 2; ++area)
        f->m_pipelines[area] = gpu::createComputePipeline(ctx, *cs, f->m_pipelineLayout, {area});
    f->ensureCapacity(2);
    return f;
}

void OverlayField::ensureCapacity(uint32_t layers) {
    const uint32_t want = std::min(kMaxLayers, std::bit_ceil(std::max(2u, layers)));
    if (want <= m_capacity) return;
    // Rare (the layer count grows past a power of two): wait for frames that may read the old image, so it
    // and every descriptor naming it can be replaced at once.
    if (m_field) m_ctx.waitIdle();
    const uint32_t n = m_options.resolution;
    gpu::ImageDesc desc;
    desc.width = desc.height = n;
    desc.format = VK_FORMAT_R32_SFLOAT;
    desc.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    desc.layers = want * 2 * kCascades;
    desc.arrayView = true;
    m_field = gpu::Image(m_ctx, desc);
    m_ctx.submitAndWait([&](VkCommandBuffer cmd) {
        // Written by compute, read by fragments (and copied out by tests): GENERAL serves all three.
        gpu::transitionImage(cmd, m_field.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                             VK_IMAGE_LAYOUT_GENERAL);
    });
    m_capacity = want;
    m_keys.assign(size_t(want) * 2 * kCascades, FieldKey{});
    m_rects.assign(m_keys.size(), glm::ivec4(0));
    ++m_generation;
    const VkDescriptorImageInfo ii{VK_NULL_HANDLE, m_field.view(), VK_IMAGE_LAYOUT_GENERAL};
    for (VkDescriptorSet set : m_sets) {
        VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        w.dstSet = set;
        w.dstBinding = 0;
        w.descriptorCount = 1;
        w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE;
        w.pImageInfo = &ii;
        vkUpdateDescriptorSets(m_ctx.device(), 1, &w, 0, nullptr);
    }
}

void OverlayField::setLayers(std::vector<OverlayLayer> layers, double animationSeconds) {
    m_animationSeconds = animationSeconds;
    if (layers.size() > kMaxLayers) {
        if (!m_warnedTooMany)
            log::warn("overlay fields: " + std::to_string(layers.size()) + " layers given, drawing the first " +
                      std::to_string(kMaxLayers) + " (FRONTLINE_OVERLAY_MAX_LAYERS)");
        m_warnedTooMany = true;
        layers.resize(kMaxLayers);
    }
    std::vector<Layer> next(layers.size());
    for (size_t i = 0; i < layers.size(); ++i) {
        Layer& l = next[i];
        l.layer = std::move(layers[i]);
        for (int k = 0; k < 2; ++k) {
            const FieldShape& s = k == 0 ? l.layer.from : l.layer.to;
            l.hash[k] = hashShape(s);
            // Reuse the projection of a shape the previous frame had at the same place.
            if (i < m_layers.size() && m_layers[i].hash[k] == l.hash[k])
                l.merc[k] = std::move(m_layers[i].merc[k]);
            else if (k == 1 && l.hash[1] == l.hash[0])
                l.merc[1] = l.merc[0];
            else
                l.merc[k] = toMercator(s);
        }
        l.sameShapes = l.hash[0] == l.hash[1];
        l.morphReach = 0;
        if (!l.sameShapes) {
            if (i < m_layers.size() && m_layers[i].hash[0] == l.hash[0] && m_layers[i].hash[1] == l.hash[1])
                l.morphReach = m_layers[i].morphReach;  // same keyframe pair: only the weight moved
            else
                l.morphReach = std::max(boundaryReach(l.merc[0], l.merc[1]), boundaryReach(l.merc[1], l.merc[0]));
        }
    }
    m_layers = std::move(next);
}

void OverlayField::prepare(uint32_t slotIndex, const FieldView& view) {
    m_slot = slotIndex;
    Slot& slot = m_slots.at(slotIndex);
    slot.pending.clear();
    ++m_stats.updates;
    ensureCapacity(uint32_t(m_layers.size()));
    const uint32_t n = m_options.resolution;
    const float band = m_options.bandTexels;

    MercatorShape cover;
    for (const Layer& l : m_layers)
        for (const MercatorShape& m : l.merc)
            if (!m.empty()) {
                extend(cover, m.min);
                extend(cover, m.max);
            }
    m_windows = cascadeWindows(view.focus, view.texel0, n, m_options.cascades, cover, view.reach);

    const auto t0 = std::chrono::steady_clock::now();
    std::vector<uint32_t> words;
    auto append = [&](const void* data, size_t bytes) {
        const uint32_t at = uint32_t(words.size());
        words.resize(words.size() + bytes / 4);
        if (bytes) std::memcpy(words.data() + at, data, bytes);
        return at;
    };
    bool binned = false;
    for (uint32_t l = 0; l < m_layers.size(); ++l) {
        const Layer& layer = m_layers[l];
        for (uint32_t k = 0; k < (layer.sameShapes ? 1u : 2u); ++k)
            for (uint32_t c = 0; c < m_windows.size(); ++c) {
                const uint32_t idx = fieldIndex(l, k, c);
                const FieldKey key{layer.hash[k], m_windows[c], band, layer.layer.kind, true};
                if (m_keys[idx] == key) {
                    ++m_stats.fieldsSkipped;
                    continue;
                }
                binned = true;
                const FieldBins bins = binShape(layer.merc[k], m_windows[c], n, band, layer.layer.kind);
                m_keys[idx] = key;
                m_rects[idx] = bins.rect;
                if (bins.rect.z <= bins.rect.x) continue;
                Job job;
                job.tilesX = uint32_t(bins.rect.z - bins.rect.x) / kTile;
                job.tilesY = uint32_t(bins.rect.w - bins.rect.y) / kTile;
                OverlayFieldJob& g = job.gpu;
                g.target = glm::uvec4(idx, uint32_t(layer.layer.kind), std::bit_cast<uint32_t>(band), 0);
                g.rect = glm::uvec4(uint32_t(bins.rect.x), uint32_t(bins.rect.y), job.tilesX, job.tilesY);
                g.offsets.x = append(bins.edges.data(), bins.edges.size() * sizeof(glm::vec4));
                g.offsets.y = append(bins.tileRanges.data(), bins.tileRanges.size() * sizeof(glm::uvec2));
                g.offsets.z = append(bins.tileEdges.data(), bins.tileEdges.size() * 4);
                g.offsets.w = append(bins.rowRanges.data(), bins.rowRanges.size() * sizeof(glm::uvec2));
                g.more = glm::uvec4(append(bins.crossings.data(), bins.crossings.size() * 4), 0, 0, 0);
                slot.pending.push_back(job);
            }
    }
    m_stats.lastBinningMs =
        binned ? std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() : 0.0;
    if (!slot.pending.empty()) {
        const VkDeviceSize bytes = std::max<VkDeviceSize>(16, words.size() * 4);
        if (!slot.input || slot.input.size() < bytes) {
            // This slot's previous frame has finished (the frame ring waited), so its buffer can go now.
            slot.input =
                gpu::Buffer(m_ctx, std::bit_ceil(bytes), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, gpu::MemoryUsage::Upload);
            const VkDescriptorBufferInfo bi{slot.input.handle(), 0, VK_WHOLE_SIZE};
            VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
            w.dstSet = m_sets[slotIndex];
            w.dstBinding = 1;
            w.descriptorCount = 1;
            w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
            w.pBufferInfo = &bi;
            vkUpdateDescriptorSets(m_ctx.device(), 1, &w, 0, nullptr);
        }
        std::memcpy(slot.input.mapped(), words.data(), words.size() * 4);
    }

    // The shading uniforms: windows relative to the camera (small differences, precise in float).
    OverlayUniforms u{};
    for (uint32_t c = 0; c < m_windows.size(); ++c) {
        const double t = m_windows[c].texel();
        u.cascades[c] = glm::vec4(float(double(m_windows[c].x0) * t - view.camera.x),
                                  float(double(m_windows[c].y0) * t - view.camera.y), float(t), float(1.0 / t));
    }
    const double q = 1.0 / 1024.0;
    const glm::dvec2 anchor = view.camera - glm::floor(view.camera / q) * q;
    u.anchor = glm::vec4(float(anchor.x), float(anchor.y), float(std::fmod(m_animationSeconds, 3600.0)),
                         float(m_layers.size()));
    float reach = 1.0f;
    for (uint32_t l = 0; l < m_layers.size(); ++l) {
        const Layer& layer = m_layers[l];
        const OverlayStyle& s = layer.layer.style;
        gpu_types::OverlayLayerGpu& g = u.layers[l];
        g.colour = linearColour(s.colour);
        g.second = linearColour(s.secondColour);
        g.lineColour = s.lineColour.a > 0 ? linearColour(s.lineColour) : g.colour;
        g.sizes = glm::vec4(std::max(0.0f, s.lineWidthPx), std::max(0.0f, s.glowPx), std::max(0.0f, s.shadowPx),
                            std::max(0.0f, s.casingPx));
        g.params = glm::vec4(std::clamp(layer.layer.weight, 0.0f, 1.0f), std::clamp(s.fillOpacity, 0.0f, 1.0f),
                             s.dashed ? std::max(2.0f, s.dashPx) : 0.0f, std::max(3.0f, s.hatchPx));
        g.info = glm::uvec4(uint32_t(layer.layer.kind), uint32_t(s.pattern), s.animatedDash ? 1u : 0u,
                            layer.sameShapes ? 0u : 1u);
        g.morph = glm::vec4(float(layer.morphReach), 0, 0, 0);
        reach = std::max(reach, 0.5f * g.sizes.x + g.sizes.w + 2.5f * g.sizes.y + 2.5f * g.sizes.z + 1.0f);
        for (uint32_t k = 0; k < 2; ++k)
            for (uint32_t c = 0; c < m_windows.size(); ++c) {
                const glm::ivec4 r = m_rects[fieldIndex(l, k, c)];
                u.rects[fieldIndex(l, k, c)] = glm::uvec4(r);
            }
    }
    u.field = glm::vec4(float(n), band, float(view.outputHeight / 1080.0), reach);
    std::memcpy(slot.uniforms.mapped(), &u, sizeof(u));
}

void OverlayField::recordCompute(VkCommandBuffer cmd) {
    Slot& slot = m_slots[m_slot];
    if (slot.pending.empty()) return;
    // Earlier frames' reads of the field (fragments, copies) finish before it is rewritten.
    VkMemoryBarrier b{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &b, 0, nullptr, 0, nullptr);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipelineLayout, 0, 1, &m_sets[m_slot], 0, nullptr);
    int bound = -1;  // which of m_pipelines
    for (const Job& job : slot.pending) {
        const int area = job.gpu.target.y == 0u ? 1 : 0;
        if (area != bound) {
            vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipelines[size_t(area)]);
            bound = area;
        }
        vkCmdPushConstants(cmd, m_pipelineLayout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(OverlayFieldJob), &job.gpu);
        vkCmdDispatch(cmd, job.tilesX, job.tilesY, 1);
        ++m_stats.dispatches;
        m_stats.texelsComputed += uint64_t(job.tilesX) * job.tilesY * kTile * kTile;
    }
    b.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &b, 0, nullptr,
                         0, nullptr);
    slot.pending.clear();
}

glm::ivec4 OverlayField::computedRect(uint32_t layer, uint32_t keyframe, uint32_t cascade) const {
    const uint32_t idx = fieldIndex(layer, keyframe, cascade);
    return idx < m_rects.size() ? m_rects[idx] : glm::ivec4(0);
}

std::vector<float> OverlayField::readField(uint32_t layer, uint32_t keyframe, uint32_t cascade) {
    const uint32_t n = m_options.resolution;
    const uint32_t idx = fieldIndex(layer, keyframe, cascade);
    assert(idx < m_keys.size());
    m_ctx.waitIdle();
    gpu::Buffer readback(m_ctx, VkDeviceSize(n) * n * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::MemoryUsage::Readback);
    m_ctx.submitAndWait([&](VkCommandBuffer cmd) {
        VkBufferImageCopy region{};
        region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, idx, 1};
        region.imageExtent = {n, n, 1};
        vkCmdCopyImageToBuffer(cmd, m_field.handle(), VK_IMAGE_LAYOUT_GENERAL, readback.handle(), 1, &region);
        VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr,
                             0, nullptr);
    });
    std::vector<float> out(size_t(n) * n);
    std::memcpy(out.data(), readback.mapped(), out.size() * 4);
    return out;
}

}  // namespace fl::render
