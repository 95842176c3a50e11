// Overlay fields on lavapipe with validation on: the compute field against the CPU reference (half a
// texel), the drawn area of a keyframe against its polygon (0.5 % of the pixels), a split and a hole
// morphing without stray pixels (and their golden images), no compute when only the weight changes, and
// no change to the terrain image when no layer touches the view.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "compose/story_overlay.h"
#include "gpu/context.h"
#include "output/image.h"
#include "render/offscreen.h"
#include "render/overlay_field.h"
#include "render/overlay_field_reference.h"
#include "story/arrow_geometry.h"
#include "support/golden.h"
#include "support/render_fixture.h"

using namespace fl;
using namespace fl::render;

namespace {

// The advance arrow the story draws (story/arrow_geometry.h) as field rings; `widthM` metres of body.
FieldShape arrowShape(const std::vector<glm::dvec2>& path, double progress, double widthM) {
    std::vector<story::LonLat> p;
    for (const glm::dvec2& q : path) p.push_back({q.x, q.y});
    const story::Polygon outline = story::arrowOutline(p, progress, widthM / 1000.0);
    return outline.outer.empty() ? FieldShape{} : compose::toFieldShape({outline});
}

using fl::testing::fixture;

// Near Spin Boldak, straight down from 30 km: about 29 x 22 km at 4:3.
constexpr double kLat = 31.00, kLon = 66.40;

CameraPose topDown() {
    CameraPose p;
    p.lat = kLat;
    p.lon = kLon;
    p.altitude = 30000;
    p.heading = 0;
    p.pitch = -89.99;
    p.fovY = 40;
    return p;
}

// (lon, lat) of a point `e`, `n` km east and north of the view's centre.
glm::dvec2 km(double e, double n) {
    return {kLon + e / (111.32 * std::cos(geo::radians(kLat))), kLat + n / 110.57};
}

FieldShape polygon(std::initializer_list<glm::dvec2> kmPoints) {
    FieldShape s;
    std::vector<glm::dvec2> ring;
    for (const auto& p : kmPoints) ring.push_back(km(p.x, p.y));
    s.rings.push_back(ring);
    return s;
}

FieldShape box(double e0, double n0, double e1, double n1) {
    return polygon({{e0, n0}, {e1, n0}, {e1, n1}, {e0, n1}});
}

// An opaque fill and nothing else: coverage is exactly the pixel's distance test. Dark enough that lighting
// never clips it (the classifier below needs colours affine in the coverage).
OverlayStyle opaqueFill() {
    OverlayStyle s;
    s.colour = {0.6f, 0.05f, 0.6f, 1};
    s.fillOpacity = 1.0f;
    s.pattern = Pattern::Solid;
    s.lineWidthPx = 0;
    s.glowPx = 0;
    return s;
}

RenderSettings plain() {
    RenderSettings s;
    s.borders = false;
    s.labels = false;
    return s;
}

constexpr int kW = 320, kH = 240;

output::ImageRgba8 renderWith(std::vector<OverlayLayer> layers, const CameraPose& pose = topDown(), int w = kW,
                              int h = kH) {
    fixture().renderer->sceneRenderer().setOverlays(std::move(layers), 0.0);
    auto image = fixture().renderer->render(pose, w, h, plain());
    fixture().renderer->sceneRenderer().setOverlays({}, 0.0);
    return image;
}

OverlayLayer area(FieldShape from, FieldShape to, float weight, OverlayStyle style = opaqueFill()) {
    OverlayLayer l;
    l.from = std::move(from);
    l.to = std::move(to);
    l.weight = weight;
    l.kind = OverlayKind::Area;
    l.style = style;
    return l;
}

double toLinear(uint8_t v) {
    const double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

// Pixels whose fill coverage exceeds one half, i.e. whose centre is inside the drawn area (coverage is
// 0.5 - distance in px). In linear colour a pixel is an affine function of the coverage (lighting and haze
// are the same in every render), so coverage = (pixel - bare) / (fully covered - bare), per channel.
struct Classifier {
    output::ImageRgba8 bare, full;
    std::vector<uint8_t> mask(const output::ImageRgba8& image) const {
        std::vector<uint8_t> m(size_t(image.width) * image.height);
        for (int y = 0; y < image.height; ++y)
            for (int x = 0; x < image.width; ++x) {
                double num = 0, den = 0;
                for (int c = 0; c < 3; ++c) {
                    const double b = toLinear(bare.at(x, y)[c]);
                    num += (toLinear(image.at(x, y)[c]) - b) * (toLinear(full.at(x, y)[c]) - b);
                    den += (toLinear(full.at(x, y)[c]) - b) * (toLinear(full.at(x, y)[c]) - b);
                }
                m[size_t(y) * image.width + x] = den > 1e-6 && num / den > 0.5;
            }
        return m;
    }
};

const Classifier& classifier() {
    static const Classifier c = [] {
        Classifier k;
        k.bare = renderWith({});
        k.full = renderWith({area(box(-40, -40, 40, 40), box(-40, -40, 40, 40), 0)});
        return k;
    }();
    return c;
}

size_t count(const std::vector<uint8_t>& m) {
    return size_t(std::count(m.begin(), m.end(), uint8_t(1)));
}

// The expected mask: each pixel centre unprojected to the drawn ground (picking) and tested against the
// polygon in Mercator (edges are straight in Mercator, as the field's).
std::vector<uint8_t> expectedMask(const FieldShape& shape) {
    const MercatorShape m = toMercator(shape);
    std::vector<glm::dvec2> pixels;
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) pixels.push_back({x + 0.5, y + 0.5});
    const auto picks = fixture().renderer->pick(pixels);
    std::vector<uint8_t> out(pixels.size());
    for (size_t i = 0; i < picks.size(); ++i)
        out[i] = picks[i] && insideEvenOdd(m, lonLatToMercator({picks[i]->lon, picks[i]->lat}));
    return out;
}

// Three renders side by side.
output::ImageRgba8 strip(const std::vector<output::ImageRgba8>& images) {
    output::ImageRgba8 out;
    out.width = 0;
    out.height = images[0].height;
    for (const auto& i : images) out.width += i.width;
    out.pixels.resize(size_t(out.width) * out.height * 4);
    int x0 = 0;
    for (const auto& i : images) {
        for (int y = 0; y < i.height; ++y)
            std::copy(i.at(0, y), i.at(0, y) + size_t(i.width) * 4, &out.pixels[(size_t(y) * out.width + x0) * 4]);
        x0 += i.width;
    }
    return out;
}

std::vector<uint8_t> dilate(const std::vector<uint8_t>& m, int r) {
    std::vector<uint8_t> out(m.size());
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            bool any = false;
            for (int dy = -r; dy <= r && !any; ++dy)
                for (int dx = -r; dx <= r && !any; ++dx) {
                    const int xx = x + dx, yy = y + dy;
                    any = xx >= 0 && yy >= 0 && xx < kW && yy < kH && m[size_t(yy) * kW + xx];
                }
            out[size_t(y) * kW + x] = any;
        }
    return out;
}

// A split: one area becomes two inside it. A hole: an area gains a hole.
FieldShape splitFrom() {
    return polygon({{-9, -4}, {9, -5}, {10, 5}, {0, 3}, {-9, 5}});
}
FieldShape splitTo() {
    FieldShape s = polygon({{-8, -3}, {-2, -3.5}, {-2.5, 3.5}, {-8, 4}});
    s.rings.push_back(polygon({{3, -4}, {9, -4}, {9, 4}, {3.5, 2}}).rings[0]);
    return s;
}
FieldShape holeFrom() {
    return polygon({{-8, -6}, {8, -6}, {9, 6}, {-8, 6}});
}
FieldShape holeTo() {
    FieldShape s = holeFrom();
    s.rings.push_back(polygon({{-3, -2.5}, {3, -3}, {3.5, 2.5}, {-3, 3}}).rings[0]);
    return s;
}

class OverlayFieldTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(fixture().renderer, nullptr);
        ASSERT_NE(fixture().renderer->sceneRenderer().terrain(), nullptr) << "overlays drape on streamed terrain";
        ASSERT_TRUE(fixture().ctx->validationEnabled()) << "install vulkan-validationlayers: the tests need them";
    }
    void TearDown() override {
        fixture().renderer->sceneRenderer().setOverlays({}, 0.0);
        EXPECT_EQ(fixture().ctx->validationErrors(), 0u) << "Vulkan validation errors (see the log above)";
    }
};

}  // namespace

TEST_F(OverlayFieldTest, ComputedFieldMatchesTheCpuReferenceWithinHalfATexel) {
    OverlayFieldOptions options;
    options.resolution = 256;
    options.bandTexels = 24;
    auto created = OverlayField::create(*fixture().ctx, 1, options);
    ASSERT_TRUE(created) << created.error().message;
    OverlayField& field = **created;

    // Concave, multi-part, with a hole; a polyline; and a keyframe pair with different vertex counts.
    FieldShape concave = polygon({{-3, -3}, {3, -3.2}, {0.5, 0}, {3, 3}, {-3, 2.6}});
    concave.rings.push_back(polygon({{-2, -1}, {-0.5, -1}, {-1, 1}}).rings[0]);   // a hole
    concave.rings.push_back(polygon({{3.5, -1}, {5, -1}, {4.2, 1.5}}).rings[0]);  // a second part
    OverlayLayer a = area(concave, concave, 0);
    OverlayLayer line;
    line.kind = OverlayKind::Line;
    line.from.rings.push_back({km(-4, 4), km(-1, 1.5), km(2, 4.5), km(4.5, 2)});
    line.to = line.from;
    OverlayLayer morph = area(box(-2, -2, 2, 2), polygon({{-1, -3}, {3, 0}, {-1, 3}}), 0.5f);
    field.setLayers({a, line, morph}, 0.0);
    FieldView view;
    view.focus = lonLatToMercator(km(0, 0));
    view.camera = view.focus;
    view.texel0 = 30.0 / 40075000.0 * 1.17;  // about 30 m texels at 31 N: a 7.7 km finest window
    field.prepare(0, view);
    fixture().ctx->submitAndWait([&](VkCommandBuffer cmd) { field.recordCompute(cmd); });
    EXPECT_GT(field.stats().dispatches, 0u);

    const uint32_t n = options.resolution;
    struct Case {
        uint32_t layer, keyframe;
        FieldShape shape;
        bool area;
    };
    const std::vector<Case> cases = {
        {0, 0, concave, true}, {1, 0, line.from, false}, {2, 0, morph.from, true}, {2, 1, morph.to, true}};
    for (const Case& c : cases) {
        const MercatorShape merc = toMercator(c.shape);
        for (uint32_t cascade = 0; cascade < field.windows().size(); ++cascade) {
            const CascadeWindow w = field.windows()[cascade];
            const glm::ivec4 rect = field.computedRect(c.layer, c.keyframe, cascade);
            ASSERT_LT(rect.x, rect.z) << "layer " << c.layer << " cascade " << cascade << " was not computed";
            const std::vector<float> gpu = field.readField(c.layer, c.keyframe, cascade);
            double worst = 0;
            int checked = 0, insideTexels = 0;
            for (int j = rect.y; j < rect.w; ++j)
                for (int i = rect.x; i < rect.z; ++i) {
                    const glm::dvec2 m((double(w.x0) + i + 0.5) * w.texel(), (double(w.y0) + j + 0.5) * w.texel());
                    const double ref = std::clamp(referenceDistance(merc, m, c.area) / w.texel(), -24.0, 24.0);
                    worst = std::max(worst, std::abs(double(gpu[size_t(j) * n + i]) - ref));
                    insideTexels += ref < 0;
                    ++checked;
                }
            EXPECT_LE(worst, 0.5) << "layer " << c.layer << " keyframe " << c.keyframe << " cascade " << cascade;
            EXPECT_GT(checked, 1000);
            if (c.area && cascade == 0) EXPECT_GT(insideTexels, 1000);
        }
    }
}

TEST_F(OverlayFieldTest, AKeyframesDrawnAreaIsItsPolygon) {
    // A concave polygon with a hole, about 14 x 11 km, at weight 0 (exactly the keyframe `from`).
    FieldShape shape = polygon({{-7, -5}, {6, -6}, {2, 0}, {7, 5}, {-6, 5.5}, {-3, 0}});
    shape.rings.push_back(polygon({{-1.5, -3}, {1.5, -3.2}, {0, -1}}).rings[0]);
    const auto image = renderWith({area(shape, holeFrom(), 0)});
    const auto drawn = classifier().mask(image);
    const auto expected = expectedMask(shape);
    const size_t a = count(drawn), e = count(expected);
    size_t differ = 0;
    for (size_t i = 0; i < drawn.size(); ++i) differ += drawn[i] != expected[i];
    ASSERT_GT(e, 5000u) << "the polygon should fill a good part of the view";
    EXPECT_LT(std::abs(double(a) - double(e)) / double(e), 0.005) << a << " pixels drawn, " << e << " expected";
    EXPECT_LT(double(differ) / double(e), 0.01) << differ << " pixels disagree";
}

TEST_F(OverlayFieldTest, SplitAndHoleMorphWithoutStrayPixels) {
    struct Morph {
        const char* name;
        FieldShape from, to;
    };
    const std::vector<Morph> morphs = {{"split", splitFrom(), splitTo()}, {"hole", holeFrom(), holeTo()}};
    for (const Morph& m : morphs) {
        std::vector<std::vector<uint8_t>> masks;
        for (float w : {0.0f, 0.25f, 0.5f, 0.75f, 1.0f})
            masks.push_back(classifier().mask(renderWith({area(m.from, m.to, w)})));
        // The interpolated field is negative only where one of the keyframes' is: nothing outside their union
        // (a texel of slack), and since `to` lies inside `from` the area only shrinks.
        std::vector<uint8_t> both(masks[0].size());
        for (size_t i = 0; i < both.size(); ++i) both[i] = masks[0][i] || masks[4][i];
        const auto allowed = dilate(both, 1);
        for (size_t k = 1; k + 1 < masks.size(); ++k) {
            size_t stray = 0;
            for (size_t i = 0; i < both.size(); ++i) stray += masks[k][i] && !allowed[i];
            EXPECT_EQ(stray, 0u) << m.name << " step " << k;
            EXPECT_LE(count(masks[k]), count(masks[k - 1])) << m.name << " step " << k;
        }
        EXPECT_LT(count(masks[4]), count(masks[0])) << m.name;
        // The golden: weights 0, 0.5, 1 in the look of a confirmed area.
        const OverlayStyle look = OverlayStyle::confirmed({0.85f, 0.15f, 0.12f, 1});
        std::vector<output::ImageRgba8> frames;
        for (float w : {0.0f, 0.5f, 1.0f})
            frames.push_back(renderWith({area(m.from, m.to, w, look)}, topDown(), 240, 180));
        fl::testing::expectMatchesGolden(strip(frames), std::string("overlay_") + m.name + "_720x180");
    }
}

TEST_F(OverlayFieldTest, ChangingOnlyTheWeightDispatchesNoCompute) {
    OverlayField& field = fixture().renderer->sceneRenderer().terrain()->overlays();
    const auto a = renderWith({area(splitFrom(), splitTo(), 0.2f)});
    const uint64_t dispatches = field.stats().dispatches;
    const auto b = renderWith({area(splitFrom(), splitTo(), 0.8f)});
    EXPECT_EQ(field.stats().dispatches, dispatches) << "a new weight is a per-fragment lerp";
    EXPECT_GT(output::compareImages(a, b, 24).fractionOver, 0.001) << "the morph should show";
    (void)renderWith({area(splitFrom(), holeTo(), 0.8f)});
    EXPECT_GT(field.stats().dispatches, dispatches) << "a new keyframe shape is computed";
}

TEST_F(OverlayFieldTest, LayersOutsideTheViewLeaveTheTerrainUnchanged) {
    const auto bare = renderWith({});
    // Far east of the view (but inside the coarsest cascade's cover): the field is computed, nothing drawn.
    const auto away = renderWith(
        {area(box(200, -5, 210, 5), box(200, -5, 210, 5), 0.0f, OverlayStyle::confirmed({0.2f, 0.4f, 0.9f, 1}))});
    EXPECT_EQ(output::compareImages(bare, away, 0).maxDiff, 0);
}

TEST_F(OverlayFieldTest, StylesDrawDistinctly) {
    // Confirmed, claimed and contested areas and a route look different from each other and from the ground.
    const FieldShape shape = box(-6, -5, 6, 5);
    const glm::vec4 red{0.85f, 0.15f, 0.12f, 1}, blue{0.15f, 0.35f, 0.85f, 1};
    std::vector<output::ImageRgba8> images;
    for (const OverlayStyle& s :
         {OverlayStyle::confirmed(red), OverlayStyle::claimed(red), OverlayStyle::contested(red, blue)})
        images.push_back(renderWith({area(shape, shape, 0, s)}));
    OverlayLayer route;
    route.kind = OverlayKind::Line;
    route.from.rings.push_back({km(-10, -6), km(0, 2), km(10, -3)});
    route.to = route.from;
    route.style = OverlayStyle::route(blue, 5.0f, true);
    OverlayLayer arrow = area(arrowShape({km(-9, 6), km(0, 0), km(8, -6)}, 0.8, 1500),
                              arrowShape({km(-9, 6), km(0, 0), km(8, -6)}, 0.8, 1500), 0, OverlayStyle::arrow(red));
    images.push_back(renderWith({route, arrow}));
    const auto& bare = classifier().bare;
    for (size_t i = 0; i < images.size(); ++i) {
        EXPECT_GT(output::compareImages(images[i], bare, 24).fractionOver, 0.02) << "style " << i;
        for (size_t j = i + 1; j < images.size(); ++j)
            EXPECT_GT(output::compareImages(images[i], images[j], 24).fractionOver, 0.02) << i << " vs " << j;
    }
    fl::testing::expectMatchesGolden(strip(images), "overlay_styles_1280x240");
}

TEST_F(OverlayFieldTest, SceneBorderFieldMatchesTheReferenceInAnObliqueView) {
    // The default overlay: the scene's Afghanistan-Pakistan border (10 000+ points) as a Line layer, in the
    // oblique spin-boldak view whose cascades range from tens of metres to the whole visible border.
    RenderSettings s;
    s.labels = false;
    fixture().renderer->render(fl::testing::viewPose("spin-boldak"), 640, 360, s);
    OverlayField& field = fixture().renderer->sceneRenderer().terrain()->overlays();
    ASSERT_EQ(field.layerCount(), 1u);
    FieldShape border;
    for (const auto& line : fixture().scene.borders) {
        std::vector<glm::dvec2> ring;
        for (const auto& p : line.points) ring.push_back({p.lon, p.lat});
        border.rings.push_back(ring);
    }
    const MercatorShape merc = toMercator(border);
    const uint32_t n = field.options().resolution;
    const double band = field.options().bandTexels;
    int computed = 0;
    for (uint32_t c = 0; c < field.windows().size(); ++c) {
        const CascadeWindow w = field.windows()[c];
        const glm::ivec4 r = field.computedRect(0, 0, c);
        if (r.z <= r.x) continue;
        ++computed;
        const auto gpu = field.readField(0, 0, c);
        double worst = 0;
        for (int j = r.y; j < r.w; j += 2)
            for (int i = r.x; i < r.z; i += 2) {
                const glm::dvec2 m((double(w.x0) + i + 0.5) * w.texel(), (double(w.y0) + j + 0.5) * w.texel());
                const double ref = std::min(distanceToEdges(merc, m, false) / w.texel(), band);
                worst = std::max(worst, std::abs(double(gpu[size_t(j) * n + i]) - ref));
            }
        EXPECT_LE(worst, 0.5) << "cascade " << c;
    }
    EXPECT_GE(computed, 2);
    // The coarsest cascade reaches the farthest visible border, the finest stays near the view's focus.
    EXPECT_GT(field.windows().back().texel(), 4 * field.windows().front().texel());
}
