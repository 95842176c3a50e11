#include "render/font_atlas.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <tuple>

#include <unistd.h>

namespace fl::render {
namespace {

const std::string kRegular = std::string(FRONTLINE_ASSET_DIR) + "/fonts/NotoSans-Regular.ttf";
const std::string kBold = std::string(FRONTLINE_ASSET_DIR) + "/fonts/NotoSans-Bold.ttf";

// Building an atlas takes a noticeable fraction of a second (much more under sanitizers): share one.
class FontAtlasTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        Result<FontAtlas> loaded = FontAtlas::load(kRegular);
        ASSERT_TRUE(loaded.ok()) << loaded.error().message;
        s_atlas = std::make_unique<FontAtlas>(std::move(loaded).value());
    }
    static void TearDownTestSuite() { s_atlas.reset(); }

    static const FontAtlas& atlas() { return *s_atlas; }

    // Atlas texel at (col, row) of a glyph's bitmap.
    static int texel(const GlyphInfo& g, int col, int row) {
        const int size = atlas().size();
        const int x = int(std::lround(g.u0 * float(size))) + col;
        const int y = int(std::lround(g.v0 * float(size))) + row;
        return atlas().pixels()[size_t(y) * size_t(size) + size_t(x)];
    }

    static std::unique_ptr<FontAtlas> s_atlas;
};

std::unique_ptr<FontAtlas> FontAtlasTest::s_atlas;

float width(const TextLayout& layout) {
    return layout.maxX - layout.minX;
}

TEST_F(FontAtlasTest, LoadsNotoSans) {
    EXPECT_EQ(atlas().size(), 1024);
    EXPECT_EQ(atlas().pixels().size(), size_t(1024) * 1024);
    EXPECT_EQ(atlas().pixelSize(), 48);
    EXPECT_EQ(atlas().spread(), 8);
    EXPECT_FLOAT_EQ(atlas().sdfUnitsPerPixel(), 16.0f);
    // Noto Sans: ascender 1069, descender -293, line gap folded into height 1362 (units per em 1000).
    EXPECT_NEAR(atlas().ascender(), 1069 * 48 / 1000.0f, 1e-3f);
    EXPECT_NEAR(atlas().descender(), -293 * 48 / 1000.0f, 1e-3f);
    EXPECT_NEAR(atlas().lineHeight(), 1362 * 48 / 1000.0f, 1e-3f);

    Result<FontAtlas> bold = FontAtlas::load(kBold);
    ASSERT_TRUE(bold.ok()) << bold.error().message;
    EXPECT_NE(bold->pixels(), atlas().pixels());
}

TEST_F(FontAtlasTest, HasAsciiAndLatinExtendedGlyphs) {
    for (char32_t c : {U'K', U'ā', U'ō', U'ī', U'?', U' ', U'é', U'ß', U'ſ'})
        EXPECT_NE(atlas().glyph(c), nullptr) << "U+" << std::hex << unsigned(c);
    EXPECT_EQ(atlas().glyph(U'中'), nullptr);
    EXPECT_EQ(atlas().glyph(0x85), nullptr);  // C1 control, deliberately not rasterised
    EXPECT_EQ(atlas().glyph(0x110000), nullptr);

    const GlyphInfo* space = atlas().glyph(U' ');
    EXPECT_EQ(space->width, 0.0f);
    EXPECT_GT(space->advance, 0.0f);

    // The macron sits above the x-height, so 'ā' is taller than 'a' but shares its advance.
    const GlyphInfo* a = atlas().glyph(U'a');
    const GlyphInfo* aMacron = atlas().glyph(U'ā');
    EXPECT_GT(aMacron->bearingY, a->bearingY);
    EXPECT_FLOAT_EQ(aMacron->advance, a->advance);
}

TEST_F(FontAtlasTest, GlyphsLieInsideTheAtlasWithoutOverlapping) {
    const float size = float(atlas().size());
    std::vector<const GlyphInfo*> drawn;
    for (char32_t c = 0x20; c <= 0x17F; ++c)
        if (const GlyphInfo* g = atlas().glyph(c); g && g->width > 0) drawn.push_back(g);
    ASSERT_GT(drawn.size(), 300u);
    for (size_t i = 0; i < drawn.size(); ++i) {
        const GlyphInfo& g = *drawn[i];
        EXPECT_GE(g.u0, 0.0f);
        EXPECT_GE(g.v0, 0.0f);
        EXPECT_LE(g.u1, 1.0f);
        EXPECT_LE(g.v1, 1.0f);
        EXPECT_NEAR((g.u1 - g.u0) * size, g.width, 1e-3f);
        EXPECT_NEAR((g.v1 - g.v0) * size, g.height, 1e-3f);
        for (size_t j = i + 1; j < drawn.size(); ++j) {
            const GlyphInfo& h = *drawn[j];
            const bool apart = g.u1 <= h.u0 || h.u1 <= g.u0 || g.v1 <= h.v0 || h.v1 <= g.v0;
            EXPECT_TRUE(apart) << "glyph rectangles " << i << " and " << j << " overlap";
        }
    }
}

TEST_F(FontAtlasTest, SdfIsInsideAtTheCentreOfLAndOutsideAtItsCorners) {
    const GlyphInfo* l = atlas().glyph(U'l');
    ASSERT_NE(l, nullptr);
    const int w = int(l->width), h = int(l->height);
    // The bitmap carries the spread margin on both sides of the ink.
    EXPECT_GE(w, 2 * atlas().spread() + 1);
    EXPECT_GE(h, 2 * atlas().spread() + 1);
    EXPECT_GT(texel(*l, w / 2, h / 2), 128);
    for (auto [col, row] : {std::pair{0, 0}, {w - 1, 0}, {0, h - 1}, {w - 1, h - 1}})
        EXPECT_LT(texel(*l, col, row), 128) << col << "," << row;
}

TEST_F(FontAtlasTest, CompositeGlyphsKeepTheInkOfTheirBase) {
    // Accented capitals overlap their parts (the ring touches A, the cedilla runs into C). FreeType's
    // outline SDF rasteriser reads such overlaps as outside, punching holes into the letter; adding a
    // mark must never remove ink that the base letter has.
    for (auto [composite, base] :
         {std::pair{U'Å', U'A'}, {U'Ç', U'C'}, {U'ç', U'c'}, {U'Ą', U'A'}, {U'Ş', U'S'}, {U'ţ', U't'}, {U'ų', U'u'}}) {
        const GlyphInfo* c = atlas().glyph(composite);
        const GlyphInfo* b = atlas().glyph(base);
        ASSERT_TRUE(c && b);
        const int dx = int(b->bearingX - c->bearingX), dy = int(c->bearingY - b->bearingY);
        int lost = 0;
        for (int row = 0; row < int(b->height); ++row)
            for (int col = 0; col < int(b->width); ++col) {
                const int cc = col + dx, cr = row + dy;
                const bool outsideComposite = cc < 0 || cr < 0 || cc >= int(c->width) || cr >= int(c->height);
                if (texel(*b, col, row) < 144 || outsideComposite) continue;
                lost += texel(*c, cc, cr) <= 128;
            }
        EXPECT_EQ(lost, 0) << "U+" << std::hex << unsigned(composite);
    }
}

TEST_F(FontAtlasTest, LayoutWidthGrowsLinearlyWithSize) {
    const float base = width(layoutText(atlas(), "Kandahar", 0, 0, 10.0f));
    ASSERT_GT(base, 0.0f);
    for (float size : {12.0f, 24.0f, 48.0f, 96.0f, 300.0f}) {
        const TextLayout layout = layoutText(atlas(), "Kandahar", 0, 0, size);
        EXPECT_EQ(layout.quads.size(), 8u);
        EXPECT_NEAR(width(layout) / base, size / 10.0f, 1e-4f * size) << size;
    }
    // The origin only translates the result.
    const TextLayout here = layoutText(atlas(), "Kandahār", 100.0f, 50.0f, 24.0f);
    const TextLayout there = layoutText(atlas(), "Kandahār", 0.0f, 0.0f, 24.0f);
    EXPECT_NEAR(here.minX - there.minX, 100.0f, 1e-3f);
    EXPECT_NEAR(here.maxY - there.maxY, 50.0f, 1e-3f);
}

TEST_F(FontAtlasTest, ConsecutiveGlyphInkDoesNotOverlap) {
    const float sizePx = 32.0f;
    const TextLayout layout = layoutText(atlas(), "Chaman", 10.0f, 40.0f, sizePx);
    ASSERT_EQ(layout.quads.size(), 6u);
    // Quads include the SDF margin, which is meant to overlap (halos); the ink inside it must not.
    const float margin = float(atlas().spread()) * sizePx / float(atlas().pixelSize());
    for (size_t i = 1; i < layout.quads.size(); ++i) {
        const GlyphQuad& prev = layout.quads[i - 1];
        const GlyphQuad& next = layout.quads[i];
        EXPECT_LE(prev.x1 - margin, next.x0 + margin) << "glyphs " << i - 1 << " and " << i;
        EXPECT_LT(prev.x0, next.x0);
    }
    for (const GlyphQuad& q : layout.quads) {
        EXPECT_GE(q.x0, layout.minX);
        EXPECT_LE(q.x1, layout.maxX);
        EXPECT_GE(q.y0, layout.minY);
        EXPECT_LE(q.y1, layout.maxY);
        EXPECT_LT(q.y0, 40.0f);  // y down: every letter rises above the baseline
    }
}

TEST_F(FontAtlasTest, LayoutFallsBackToQuestionMarkAndSurvivesOddInput) {
    const GlyphInfo* question = atlas().glyph(U'?');
    ASSERT_NE(question, nullptr);
    for (std::string_view text : {std::string_view("a\xFF"
                                                   "b"),
                                  std::string_view("a中b")}) {
        const TextLayout layout = layoutText(atlas(), text, 0, 0, 20.0f);
        ASSERT_EQ(layout.quads.size(), 3u);
        EXPECT_EQ(layout.quads[1].u0, question->u0);
        EXPECT_EQ(layout.quads[1].v0, question->v0);
    }

    const TextLayout empty = layoutText(atlas(), "", 5.0f, 7.0f, 20.0f);
    EXPECT_TRUE(empty.quads.empty());
    EXPECT_EQ(empty.minX, 5.0f);
    EXPECT_EQ(empty.maxY, 7.0f);
    for (float bad : {0.0f, -3.0f, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()})
        EXPECT_TRUE(layoutText(atlas(), "Chaman", 0, 0, bad).quads.empty());

    // '\n' moves the second line down by one line height.
    const TextLayout twoLines = layoutText(atlas(), "Spīn\nBōldak", 0, 0, 48.0f);
    ASSERT_EQ(twoLines.quads.size(), 10u);
    const float bearingDifference = atlas().glyph(U'S')->bearingY - atlas().glyph(U'B')->bearingY;
    EXPECT_NEAR(twoLines.quads[4].y0 - twoLines.quads[0].y0, atlas().lineHeight() + bearingDifference, 1e-3f);
    EXPECT_NEAR(twoLines.quads[4].x0, atlas().glyph(U'B')->bearingX, 1e-3f);
}

TEST_F(FontAtlasTest, AtlasIsDeterministic) {
    Result<FontAtlas> again = FontAtlas::load(kRegular);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->pixels(), atlas().pixels());
    for (char32_t c = 0x20; c <= 0x17F; ++c) {
        const GlyphInfo* a = atlas().glyph(c);
        const GlyphInfo* b = again->glyph(c);
        ASSERT_EQ(a == nullptr, b == nullptr);
        if (a) {
            EXPECT_EQ(std::memcmp(a, b, sizeof(GlyphInfo)), 0);
        }
    }
}

TEST(FontAtlasOptionsTest, OtherSizesAndTooSmallAtlases) {
    FontAtlasOptions small;
    small.pixelSize = 24;
    small.spread = 4;
    small.atlasSize = 512;
    Result<FontAtlas> atlas = FontAtlas::load(kRegular, small);
    ASSERT_TRUE(atlas.ok()) << atlas.error().message;
    EXPECT_EQ(atlas->size(), 512);
    EXPECT_FLOAT_EQ(atlas->sdfUnitsPerPixel(), 32.0f);

    FontAtlasOptions cramped;
    cramped.atlasSize = 128;
    Result<FontAtlas> tooSmall = FontAtlas::load(kRegular, cramped);
    ASSERT_FALSE(tooSmall.ok());
    EXPECT_NE(tooSmall.error().message.find("do not fit"), std::string::npos) << tooSmall.error().message;
    EXPECT_NE(tooSmall.error().message.find(kRegular), std::string::npos);

    for (auto [pixelSize, spread, atlasSize] :
         {std::tuple{0, 8, 1024}, {48, 1, 1024}, {48, 33, 1024}, {48, 8, -1}, {100000, 8, 1024}}) {
        Result<FontAtlas> bad = FontAtlas::load(kRegular, {pixelSize, spread, atlasSize});
        EXPECT_FALSE(bad.ok()) << pixelSize << " " << spread << " " << atlasSize;
    }
}

TEST(FontAtlasErrorTest, MissingFileNamesThePath) {
    const std::string path = std::string(FRONTLINE_ASSET_DIR) + "/fonts/NoSuchFont-Regular.ttf";
    Result<FontAtlas> atlas = FontAtlas::load(path);
    ASSERT_FALSE(atlas.ok());
    EXPECT_NE(atlas.error().message.find(path), std::string::npos) << atlas.error().message;
}

TEST(FontAtlasErrorTest, TextFileIsNotAFont) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("frontline_font_atlas_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "not_a_font.ttf").string();
    std::ofstream(path) << "Kandahar, Spin Boldak, Lashkar Gah\nthis is not a font\n";

    Result<FontAtlas> atlas = FontAtlas::load(path);
    ASSERT_FALSE(atlas.ok());
    EXPECT_NE(atlas.error().message.find(path), std::string::npos) << atlas.error().message;
    EXPECT_NE(atlas.error().message.find("not a font"), std::string::npos) << atlas.error().message;

    // A directory and an empty file are no fonts either.
    std::ofstream(dir / "empty.ttf");
    EXPECT_FALSE(FontAtlas::load((dir / "empty.ttf").string()).ok());
    EXPECT_FALSE(FontAtlas::load(dir.string()).ok());
    fs::remove_all(dir);
}

TEST(DecodeUtf8Test, ValidMultibyteText) {
    EXPECT_EQ(decodeUtf8("Kandahār"), U"Kandahār");
    EXPECT_EQ(decodeUtf8("Spīn Bōldak"), U"Spīn Bōldak");
    EXPECT_EQ(decodeUtf8("Lashkar Gāh"), U"Lashkar Gāh");
    EXPECT_EQ(decodeUtf8("قندهار"), U"قندهار");                    // 2-byte Arabic
    EXPECT_EQ(decodeUtf8("€ 中 \U0001F5FA"), U"€ 中 \U0001F5FA");  // 3- and 4-byte
    EXPECT_EQ(decodeUtf8("\xF4\x8F\xBF\xBF"), std::u32string(1, 0x10FFFF));
    EXPECT_EQ(decodeUtf8(std::string_view("a\0b", 3)), std::u32string(U"a\0b", 3));
    EXPECT_EQ(decodeUtf8(""), U"");
}

TEST(DecodeUtf8Test, InvalidBytesBecomeReplacementCharacters) {
    const char32_t R = 0xFFFD;
    auto u = [](std::initializer_list<char32_t> c) { return std::u32string(c); };
    EXPECT_EQ(decodeUtf8("\x80"), u({R}));  // stray continuation
    EXPECT_EQ(decodeUtf8("a\xFF"
                         "b"),
              u({'a', R, 'b'}));            // never valid
    EXPECT_EQ(decodeUtf8("\xC3"), u({R}));  // truncated at the end
    EXPECT_EQ(decodeUtf8("\xE2\x82"
                         "A"),
              u({R, 'A'}));                                      // truncated, next byte kept
    EXPECT_EQ(decodeUtf8("\xC0\xAF"), u({R, R}));                // overlong '/'
    EXPECT_EQ(decodeUtf8("\xE0\x80\xAF"), u({R, R, R}));         // overlong 3-byte
    EXPECT_EQ(decodeUtf8("\xED\xA0\x80"), u({R, R, R}));         // UTF-16 surrogate
    EXPECT_EQ(decodeUtf8("\xF4\x90\x80\x80"), u({R, R, R, R}));  // above U+10FFFF
    EXPECT_EQ(decodeUtf8("\xF0\x9F\x97"), u({R}));               // 4-byte sequence cut short
    EXPECT_EQ(decodeUtf8("\xC4\xC4\x81"), u({R, 0x101}));        // a lead interrupts a lead

    // Random bytes: no crash, and only scalar values come out.
    std::mt19937 random(1234);
    for (int round = 0; round < 2000; ++round) {
        std::string bytes(size_t(random() % 16), '\0');
        for (char& b : bytes) b = char(random() & 0xFF);
        for (char32_t c : decodeUtf8(bytes)) {
            EXPECT_LE(c, char32_t(0x10FFFF));
            EXPECT_FALSE(c >= 0xD800 && c <= 0xDFFF);
        }
    }
}

}  // namespace
}  // namespace fl::render
