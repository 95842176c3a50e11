// Overlay fields without a GPU: the CPU reference (exact distances, even-odd sign), the view-following
// cascades (snapping, coverage), the edge binning (a CPU run of the compute shader's algorithm on the bins
// must match the reference) and the arrow geometry.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "compose/story_overlay.h"
#include "render/overlay_field.h"
#include "render/overlay_field_reference.h"
#include "story/arrow_geometry.h"

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

MercatorShape square(double x0, double y0, double x1, double y1) {
    MercatorShape s;
    s.rings.push_back({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}});
    s.min = {x0, y0};
    s.max = {x1, y1};
    return s;
}

// What overlay_field.comp computes for texel (i, j) of `bins`, in double.
double shaderField(const FieldBins& b, int i, int j, float band, bool area) {
    const glm::dvec2 p(i + 0.5, j + 0.5);
    const int tilesX = (b.rect.z - b.rect.x) / FRONTLINE_OVERLAY_TILE;
    const int tile = ((j - b.rect.y) / FRONTLINE_OVERLAY_TILE) * tilesX + (i - b.rect.x) / FRONTLINE_OVERLAY_TILE;
    double d = band;
    const glm::uvec2 r = b.tileRanges[tile];
    for (uint32_t k = 0; k < r.y; ++k) {
        const glm::vec4 e = b.edges[b.tileEdges[r.x + k]];
        d = std::min(d, pointSegmentDistance(p, {e.x, e.y}, {e.z, e.w}));
    }
    if (area) {
        const glm::uvec2 row = b.rowRanges[j - b.rect.y];
        int left = 0;
        for (uint32_t k = 0; k < row.y; ++k) left += b.crossings[row.x + k] < p.x;
        if (left & 1) d = -d;
    }
    return d;
}

// The binning must lose nothing: for every texel of the rect the shader's result equals the exact
// reference distance clamped to the band (in texels), and outside the rect every texel is farther than it.
void expectBinsMatchReference(const MercatorShape& shape, const CascadeWindow& w, uint32_t n, float band,
                              OverlayKind kind) {
    const FieldBins b = binShape(shape, w, n, band, kind);
    ASSERT_LT(b.rect.x, b.rect.z);
    const double t = w.texel();
    const bool area = kind == OverlayKind::Area;
    int checked = 0;
    for (int j = 0; j < int(n); j += 3)
        for (int i = 0; i < int(n); i += 3) {
            const glm::dvec2 m((w.x0 + i + 0.5) * t, (w.y0 + j + 0.5) * t);
            const double ref = referenceDistance(shape, m, area) / t;
            const double clamped = std::clamp(ref, -double(band), double(band));
            const bool inRect = i >= b.rect.x && i < b.rect.z && j >= b.rect.y && j < b.rect.w;
            if (!inRect) {
                EXPECT_GE(ref, band) << "texel " << i << "," << j << " outside the rect is within the band";
                continue;
            }
            const double got = shaderField(b, i, j, band, area);
            EXPECT_NEAR(got, clamped, 1e-3) << "texel " << i << "," << j;
            ++checked;
        }
    EXPECT_GT(checked, 100);
}

}  // namespace

TEST(OverlayFieldReference, SquareWithAHoleHasExactSignedDistances) {
    MercatorShape s = square(0, 0, 10, 10);
    s.rings.push_back({{4, 4}, {6, 4}, {6, 6}, {4, 6}});  // a hole: even-odd, no flag
    EXPECT_NEAR(referenceDistance(s, {2, 5}, true), -2.0, 1e-12);
    EXPECT_NEAR(referenceDistance(s, {5, 5}, true), 1.0, 1e-12);  // in the hole: outside
    EXPECT_NEAR(referenceDistance(s, {13, 14}, true), 5.0, 1e-12);
    EXPECT_NEAR(referenceDistance(s, {5, 4.5}, true), 0.5, 1e-12);
    // As a line the rings are open: (0, 5) is on the closing edge of the outer ring only when closed.
    EXPECT_NEAR(referenceDistance(s, {0, 5}, true), 0.0, 1e-12);
    EXPECT_NEAR(referenceDistance(s, {0, 5}, false), std::sqrt(17.0), 1e-12);  // to the hole ring's end (4, 6)
}

TEST(OverlayFieldReference, MultiPartAndConcaveInsideTests) {
    MercatorShape s = square(0, 0, 2, 2);
    s.rings.push_back({{5, 0}, {9, 0}, {9, 4}, {7, 1}, {5, 4}});  // a concave part (notch from the top)
    EXPECT_TRUE(insideEvenOdd(s, {1, 1}));
    EXPECT_TRUE(insideEvenOdd(s, {6, 1}));
    EXPECT_FALSE(insideEvenOdd(s, {7, 3}));  // in the notch
    EXPECT_FALSE(insideEvenOdd(s, {3, 1}));
}

TEST(OverlayFieldReference, MercatorRoundTrips) {
    for (const glm::dvec2 ll : {glm::dvec2(65.7, 31.6), glm::dvec2(-120.0, -45.0), glm::dvec2(0, 0)}) {
        const glm::dvec2 m = lonLatToMercator(ll);
        const glm::dvec2 back = mercatorToLonLat(m);
        EXPECT_NEAR(back.x, ll.x, 1e-9);
        EXPECT_NEAR(back.y, ll.y, 1e-9);
    }
    EXPECT_NEAR(lonLatToMercator({0, 0}).y, 0.5, 1e-15);
    EXPECT_LT(lonLatToMercator({0, 31}).y, 0.5);  // v grows south
}

TEST(OverlayFieldCascades, SnappedWindowsDoNotSwimAndDouble) {
    const glm::dvec2 focus = lonLatToMercator({65.7, 31.6});
    const double texel0 = 3e-8;
    const auto a = cascadeWindows(focus, texel0, 512, 4, {});
    ASSERT_EQ(a.size(), 4u);
    EXPECT_LE(a[0].texel(), texel0);
    EXPECT_GT(a[0].texel(), texel0 / 2);
    for (int c = 1; c < 4; ++c) EXPECT_EQ(a[c].texel(), 2 * a[c - 1].texel());
    // The focus is inside every window, near its centre.
    for (const auto& w : a) {
        EXPECT_NEAR(focus.x / w.texel() - double(w.x0), 256.0, 1.0);
        EXPECT_NEAR(focus.y / w.texel() - double(w.y0), 256.0, 1.0);
    }
    // A still camera gives identical windows; a move by a tenth of a texel changes at most the finest by one.
    EXPECT_EQ(a, cascadeWindows(focus, texel0, 512, 4, {}));
    const auto b = cascadeWindows(focus + glm::dvec2(0.1 * a[0].texel(), 0), texel0 * 1.01, 512, 4, {});
    for (int c = 0; c < 4; ++c) {
        EXPECT_EQ(a[c].level, b[c].level);
        EXPECT_LE(std::abs(a[c].x0 - b[c].x0), 1);
        EXPECT_EQ(a[c].y0, b[c].y0);
    }
}

TEST(OverlayFieldCascades, TheLastCascadeGrowsToCoverEveryLayer) {
    const glm::dvec2 focus = lonLatToMercator({65.7, 31.6});
    MercatorShape cover;
    cover.min = lonLatToMercator({60.0, 36.0});
    cover.max = lonLatToMercator({71.0, 27.0});
    const auto w = cascadeWindows(focus, 3e-8, 512, 4, cover);
    const CascadeWindow& last = w.back();
    EXPECT_LE(double(last.x0) * last.texel(), cover.min.x);
    EXPECT_GE(double(last.x0 + 512) * last.texel(), cover.max.x);
    EXPECT_LE(double(last.y0) * last.texel(), cover.min.y);
    EXPECT_GE(double(last.y0 + 512) * last.texel(), cover.max.y);
    // The jump is spread over the cascades between: each at least twice as coarse as the one before.
    for (size_t c = 1; c < w.size(); ++c) EXPECT_LT(w[c].level, w[c - 1].level);
    EXPECT_EQ(w[0].level, cascadeWindows(focus, 3e-8, 512, 4, {})[0].level);
    // Bounds beyond the view's reach are not covered.
    const auto near = cascadeWindows(focus, 3e-8, 512, 4, cover, 4096 * 3e-8);
    EXPECT_GT(near.back().level, last.level);
}

TEST(OverlayFieldBinning, ShaderAlgorithmOnTheBinsMatchesTheReference) {
    const CascadeWindow w{1000, 2000, 12};  // texel 2^-12; window texels 1000..1512
    const double t = w.texel();
    auto at = [&](double i, double j) { return glm::dvec2((w.x0 + i) * t, (w.y0 + j) * t); };
    // Concave polygon with a hole, plus a second part.
    MercatorShape s;
    s.rings.push_back({at(40, 40), at(300, 60), at(200, 150), at(320, 300), at(60, 260)});
    s.rings.push_back({at(100, 120), at(150, 110), at(140, 180)});
    s.rings.push_back({at(380, 380), at(470, 390), at(420, 470)});
    for (const auto& r : s.rings)
        for (const auto& p : r) {
            s.min = glm::min(s.min, p);
            s.max = glm::max(s.max, p);
        }
    expectBinsMatchReference(s, w, 512, 24.0f, OverlayKind::Area);
    expectBinsMatchReference(s, w, 512, 24.0f, OverlayKind::Line);
    // A shape reaching outside the window: crossings left of the window still count.
    MercatorShape big = square(at(-400, 100).x, at(-400, 100).y, at(200, 300).x, at(200, 300).y);
    expectBinsMatchReference(big, w, 512, 16.0f, OverlayKind::Area);
}

TEST(OverlayFieldBinning, FarShapesGiveAnEmptyRect) {
    const CascadeWindow w{0, 0, 10};
    const MercatorShape s = square(0.5, 0.5, 0.6, 0.6);  // texels 512.. : beyond the 256-texel window
    const FieldBins far = binShape(s, w, 256, 8.0f, OverlayKind::Area);
    EXPECT_LE(far.rect.z, far.rect.x);
    const FieldBins none = binShape(MercatorShape{}, w, 256, 8.0f, OverlayKind::Area);
    EXPECT_LE(none.rect.z, none.rect.x);
}

TEST(OverlayFieldShapes, BadPointsAreDroppedNotDrawn) {
    FieldShape s;
    s.rings.push_back({{65.0, 31.0}, {NAN, 31.0}, {66.0, 31.0}, {65.5, INFINITY}, {65.5, 32.0}});
    const MercatorShape m = toMercator(s);
    ASSERT_EQ(m.rings.size(), 1u);
    EXPECT_EQ(m.rings[0].size(), 3u);
}

TEST(OverlayFieldShapes, ArrowGrowsAlongItsPathWithAHead) {
    const std::vector<glm::dvec2> path = {{65.70, 31.60}, {65.90, 31.40}, {66.30, 31.20}};
    EXPECT_TRUE(arrowShape(path, 0.0, 3000).rings.empty());
    auto areaOf = [](const FieldShape& s) {
        double a = 0;
        for (const auto& r : s.rings)
            for (size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) a += (r[j].x * r[i].y - r[i].x * r[j].y) * 0.5;
        return std::abs(a);
    };
    double previous = 0;
    for (double p : {0.1, 0.3, 0.6, 1.0}) {
        const FieldShape s = arrowShape(path, p, 3000);
        ASSERT_EQ(s.rings.size(), 1u);
        const double a = areaOf(s);
        EXPECT_GT(a, previous) << "progress " << p;
        previous = a;
    }
    // The full arrow's tip is the path's end; points along the shaft are inside.
    const FieldShape full = arrowShape(path, 1.0, 3000);
    double tipDist = 1e9;
    for (const auto& p : full.rings[0]) tipDist = std::min(tipDist, glm::length(p - path.back()));
    EXPECT_LT(tipDist, 1e-9);
    const MercatorShape m = toMercator(full);
    EXPECT_TRUE(insideEvenOdd(m, lonLatToMercator({65.80, 31.50})));
    EXPECT_TRUE(insideEvenOdd(m, lonLatToMercator({66.10, 31.30})));
    EXPECT_FALSE(insideEvenOdd(m, lonLatToMercator({65.70, 31.40})));
}

TEST(OverlayFieldStyles, PresetsImplementTheStatusLook) {
    const glm::vec4 red{0.85f, 0.15f, 0.12f, 1}, blue{0.1f, 0.3f, 0.8f, 1};
    const OverlayStyle confirmed = OverlayStyle::confirmed(red), claimed = OverlayStyle::claimed(red),
                       contested = OverlayStyle::contested(red, blue), arrow = OverlayStyle::arrow(red);
    EXPECT_EQ(confirmed.pattern, Pattern::Solid);
    EXPECT_FALSE(confirmed.dashed);
    EXPECT_EQ(claimed.pattern, Pattern::Hatched);
    EXPECT_TRUE(claimed.dashed);
    EXPECT_EQ(contested.pattern, Pattern::TwoColourStripes);
    EXPECT_EQ(contested.secondColour, blue);
    EXPECT_GT(arrow.shadowPx, 0.0f);
    EXPECT_GT(OverlayStyle::border().casingPx, 0.0f);
    EXPECT_EQ(OverlayStyle::route(blue, 5.0f, true).lineWidthPx, 5.0f);
}

TEST(OverlayFieldCascades, DegenerateViewsStillGiveWindows) {
    const auto w = cascadeWindows({NAN, 0.3}, std::numeric_limits<double>::infinity(), 512, 4, {}, NAN);
    ASSERT_EQ(w.size(), 4u);
    for (const auto& c : w) EXPECT_GE(c.level, 0);
}
