// Shaping with HarfBuzz over the bundled Noto fonts: Pashto/Dari names in Arabic script (right to left,
// contextual forms) and transliterated Latin names, and the on-demand SDF glyph atlas.
#include <gtest/gtest.h>

#include <set>

#include "render/font_atlas.h"
#include "render/text_shaper.h"

using namespace fl;
using namespace fl::render;

namespace {

FontSet& fonts() {
    static std::unique_ptr<FontSet> set = [] {
        auto s = FontSet::loadDefault();
        EXPECT_TRUE(s.ok()) << s.error().message;
        return s.ok() ? std::move(s).value() : nullptr;
    }();
    return *set;
}

bool isArabicFont(int font) {
    return fonts().spec(font).path.find("Arabic") != std::string::npos;
}

ShapedText mustShape(const std::string& text, bool bold = true) {
    auto r = shape(fonts(), text, {bold});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : ShapedText{};
}

// The glyph shaped for the character at `index` of the line (clusters are character indices).
uint32_t glyphAt(const ShapedText& t, uint32_t index) {
    for (const auto& g : t.glyphs)
        if (g.cluster == index) return g.glyph;
    ADD_FAILURE() << "no glyph for character " << index;
    return 0;
}

}  // namespace

TEST(TextShaperTest, PashtoSpinBoldakIsRightToLeftInTheArabicFont) {
    const ShapedText t = mustShape("سپین بولدک");
    EXPECT_TRUE(t.rtl);
    EXPECT_EQ(t.notdefs, 0);
    ASSERT_GE(t.glyphs.size(), 9u);
    for (const auto& g : t.glyphs) {
        EXPECT_TRUE(isArabicFont(g.font)) << "glyph " << g.glyph;
        EXPECT_NE(g.glyph, 0u);
    }
    // Visual order left to right is the reverse of the logical order: clusters never increase, and the
    // first character (س) is the rightmost glyph.
    for (size_t i = 1; i < t.glyphs.size(); ++i) EXPECT_LE(t.glyphs[i].cluster, t.glyphs[i - 1].cluster);
    EXPECT_EQ(t.glyphs.back().cluster, 0u);
    EXPECT_GT(t.glyphs.back().x, t.glyphs.front().x);
    EXPECT_GT(t.advance, 0.0f);
    EXPECT_GT(t.inkMaxX - t.inkMinX, 0.5f * t.advance);
}

TEST(TextShaperTest, ArabicLettersTakeTheirContextualForms) {
    // ن: final in سپین (index 3), medial in کندهار (index 1), isolated alone; ب: initial in بولدک (index 0).
    const uint32_t finalNoon = glyphAt(mustShape("سپین"), 3);
    const uint32_t medialNoon = glyphAt(mustShape("کندهار"), 1);
    const uint32_t isolatedNoon = glyphAt(mustShape("ن"), 0);
    const uint32_t initialNoon = glyphAt(mustShape("نر"), 0);
    const std::set<uint32_t> forms = {finalNoon, medialNoon, isolatedNoon, initialNoon};
    EXPECT_EQ(forms.size(), 4u) << "final " << finalNoon << " medial " << medialNoon << " isolated " << isolatedNoon
                                << " initial " << initialNoon;
    EXPECT_NE(glyphAt(mustShape("بولدک"), 0), glyphAt(mustShape("ب"), 0));
    // Kandahar shapes with no missing glyphs either, Pashto ټ in Quetta (کوټه) too.
    EXPECT_EQ(mustShape("کندهار").notdefs, 0);
    EXPECT_EQ(mustShape("کوټه").notdefs, 0);
}

TEST(TextShaperTest, LatinWithMacronsIsLeftToRightInNotoSans) {
    const ShapedText t = mustShape("Spīn Bōldak");
    EXPECT_FALSE(t.rtl);
    EXPECT_EQ(t.notdefs, 0);
    ASSERT_EQ(t.glyphs.size(), 11u);
    for (size_t i = 0; i < t.glyphs.size(); ++i) {
        EXPECT_FALSE(isArabicFont(t.glyphs[i].font));
        EXPECT_TRUE(fonts().spec(t.glyphs[i].font).bold);
        EXPECT_EQ(t.glyphs[i].cluster, i);
        if (i) EXPECT_GT(t.glyphs[i].x, t.glyphs[i - 1].x);
    }
    // Regular is narrower than bold.
    EXPECT_LT(mustShape("Spīn Bōldak", false).advance, t.advance);
}

TEST(TextShaperTest, MixedScriptsSplitIntoRunsInVisualOrder) {
    // LTR paragraph: the Latin run first (left), the Arabic run after it, itself right to left.
    const ShapedText ltr = mustShape("Kandahar کندهار");
    EXPECT_FALSE(ltr.rtl);
    EXPECT_EQ(ltr.notdefs, 0);
    ASSERT_FALSE(ltr.glyphs.empty());
    EXPECT_FALSE(isArabicFont(ltr.glyphs.front().font));
    EXPECT_TRUE(isArabicFont(ltr.glyphs.back().font));
    // RTL paragraph: the Arabic run on the right, the Latin on the left.
    const ShapedText rtl = mustShape("کندهار Kandahar");
    EXPECT_TRUE(rtl.rtl);
    EXPECT_EQ(rtl.notdefs, 0);
    EXPECT_FALSE(isArabicFont(rtl.glyphs.front().font));
    EXPECT_TRUE(isArabicFont(rtl.glyphs.back().font));
}

TEST(TextShaperTest, OddInputShapesWithoutCrashing) {
    EXPECT_TRUE(mustShape("").glyphs.empty());
    const ShapedText bad =
        mustShape(std::string("Ka\xff\xfe"
                              "ndahar"));
    EXPECT_GT(bad.glyphs.size(), 6u);
    // Only the first line is shaped.
    EXPECT_EQ(mustShape("Chaman\nQuetta").glyphs.size(), 6u);
    // A character none of the fonts has is a .notdef, counted.
    EXPECT_GT(mustShape("\xe4\xb8\xad").notdefs, 0);  // U+4E2D (CJK)
}

TEST(TextShaperTest, MissingFontFileNamesThePath) {
    auto r = FontSet::load({{"/nonexistent/font.ttf", true}});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("/nonexistent/font.ttf"), std::string::npos) << r.error().message;
    EXPECT_FALSE(FontSet::load({}).ok());
}

TEST(GlyphAtlasTest, ShapedGlyphsArePackedOnDemandWithoutOverlap) {
    GlyphAtlas atlas(fonts());
    const uint64_t before = atlas.generation();
    const ShapedText t = mustShape("سپین بولدک Spin Boldak");
    ASSERT_TRUE(atlas.add(t).ok());
    EXPECT_GT(atlas.generation(), before);
    const uint64_t after = atlas.generation();
    ASSERT_TRUE(atlas.add(t).ok());
    EXPECT_EQ(atlas.generation(), after) << "the same glyphs again must not change the atlas";
    std::vector<const GlyphInfo*> inked;
    for (const auto& g : t.glyphs) {
        auto info = atlas.glyph(g.font, g.glyph);
        ASSERT_TRUE(info.ok());
        if ((*info)->width > 0) inked.push_back(*info);
    }
    for (size_t i = 0; i < inked.size(); ++i)
        for (size_t j = i + 1; j < inked.size(); ++j) {
            const GlyphInfo &a = *inked[i], &b = *inked[j];
            if (a.u0 == b.u0 && a.v0 == b.v0) continue;  // the same glyph twice
            const bool overlap = a.u0 < b.u1 && b.u0 < a.u1 && a.v0 < b.v1 && b.v0 < a.v1;
            EXPECT_FALSE(overlap);
        }
    const TextLayout layout = layoutShaped(atlas, t, 10, 50, 24);
    EXPECT_EQ(layout.quads.size(), inked.size());
    EXPECT_LT(layout.minX, layout.maxX);
}

TEST(GlyphAtlasTest, AFullAtlasSaysSo) {
    GlyphAtlas atlas(fonts(), {64});
    auto status = atlas.add(mustShape("Kandahar Spin Boldak Chaman Quetta"));
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("full"), std::string::npos) << status.error().message;
    int missing = 0;
    (void)layoutShaped(atlas, mustShape("Quetta"), 0, 0, 20, &missing);
    EXPECT_GT(missing, 0);
}
