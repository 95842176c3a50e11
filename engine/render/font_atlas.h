// render/font_atlas.h — signed-distance-field glyph atlases and the quads of laid-out text.
// Owns: the R8 SDF atlases on the CPU (FontAtlas: one font's Latin characters up front; GlyphAtlas: shaped
// glyphs of a FontSet keyed by (font, glyph index), packed on demand), UTF-8 decoding, text quads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace fl::render {

class FontSet;
struct ShapedText;

struct FontAtlasOptions {
    // Size (em, in pixels) glyphs are rasterised at; labels scale from it. Larger keeps corners sharper
    // on 4K output but costs atlas space (roughly quadratically). 48 holds detail up to ~150 px labels.
    int pixelSize = 48;
    // SDF spread in atlas pixels (FreeType's "spread" property, 2..32): the distance at which the field
    // saturates. It bounds how wide an outline/halo can be: at most spread * sizePx / pixelSize screen
    // pixels. Larger spreads cost precision (256 levels cover ±spread) and atlas space.
    int spread = 8;
    // Width and height of the square R8 atlas. load() fails rather than dropping glyphs if they don't fit.
    int atlasSize = 1024;
};

// Metrics in atlas pixels at pixelSize. The bitmap includes the spread margin on every side, so
// width/height/bearings describe the padded SDF bitmap, not the ink.
struct GlyphInfo {
    float u0, v0, u1, v1;  // texel-edge UVs of the bitmap in the atlas, v down
    float width, height;   // bitmap size
    float bearingX;        // pen origin -> left edge of the bitmap
    float bearingY;        // baseline -> top edge of the bitmap (up positive)
    float advance;         // unhinted horizontal advance
};

class FontAtlas {
public:
    // Rasterises ASCII 32-126, Latin-1 Supplement (U+00A0-U+00FF) and Latin Extended-A (U+0100-U+017F).
    // Characters the font lacks are skipped (they lay out as '?'); the font must have '?' itself.
    // Deterministic: the same font and options give the same bytes.
    static Result<FontAtlas> load(const std::string& fontPath, const FontAtlasOptions& options = {});

    int size() const { return m_size; }
    // R8, row-major, size() * size(). 128 is the glyph edge, >128 inside, 0 at `spread` pixels outside.
    const std::vector<uint8_t>& pixels() const { return m_pixels; }
    const GlyphInfo* glyph(char32_t codepoint) const;

    float lineHeight() const { return m_lineHeight; }  // baseline-to-baseline, at pixelSize
    float ascender() const { return m_ascender; }      // baseline to top of the tallest letters, positive
    float descender() const { return m_descender; }    // baseline to bottom of descenders, negative
    int pixelSize() const { return m_pixelSize; }
    int spread() const { return m_spread; }
    // 8-bit SDF units per atlas pixel of distance (128 / spread). With an UNORM texture value v the
    // signed distance in atlas pixels is (v * 255 - 128) / sdfUnitsPerPixel(); multiply by
    // sizePx / pixelSize() for screen pixels.
    float sdfUnitsPerPixel() const { return 128.0f / float(m_spread); }

private:
    FontAtlas() = default;

    int m_size = 0;
    int m_pixelSize = 0;
    int m_spread = 0;
    float m_lineHeight = 0.0f;
    float m_ascender = 0.0f;
    float m_descender = 0.0f;
    std::vector<uint8_t> m_pixels;
    std::unordered_map<char32_t, GlyphInfo> m_glyphs;
};

struct GlyphQuad {
    float x0, y0, x1, y1;  // screen pixels, y down; includes the scaled spread margin
    float u0, v0, u1, v1;
};

struct TextLayout {
    std::vector<GlyphQuad> quads;
    // Union of the quads (ink plus the SDF margin the shader may draw halos into); collapses to the
    // origin when nothing is drawn.
    float minX, minY, maxX, maxY;
};

// Lays out UTF-8 text at `sizePx` (em size in screen pixels) with the first baseline's origin at (x, y).
// Advance-only, no kerning or shaping (HarfBuzz comes later). '\n' starts a new line, '\r' is ignored,
// characters missing from the atlas fall back to '?'. A non-positive or non-finite size lays out nothing.
TextLayout layoutText(const FontAtlas& atlas, std::string_view utf8, float x, float y, float sizePx);

struct GlyphAtlasOptions {
    // Width and height of the square R8 atlas. 1024 holds ~400 glyphs at pixelSize 48, spread 8: the Latin
    // and Arabic-script names and furniture of a story. A full atlas is reported, never silently reused.
    int size = 1024;
};

// Glyphs of a FontSet by (font, glyph index), rasterised and shelf-packed the first time they are asked
// for: Arabic contextual forms are distinct glyph ids, so shaping decides what the atlas holds. The
// packing depends only on the order of requests, so the same texts give the same bytes.
class GlyphAtlas {
public:
    explicit GlyphAtlas(FontSet& fonts, const GlyphAtlasOptions& options = {});

    // The glyph's entry (blank glyphs have width 0), rasterising it on first use. Errors: FreeType cannot
    // rasterise it, or the atlas is full ("glyph atlas 1024x1024 is full ...").
    Result<const GlyphInfo*> glyph(int font, uint32_t glyphIndex);
    // Adds every glyph of `text`; the first error stops it.
    Status add(const ShapedText& text);

    int size() const { return m_size; }
    const std::vector<uint8_t>& pixels() const { return m_pixels; }
    size_t glyphCount() const { return m_glyphs.size(); }
    // Bumped whenever pixels() changed: the GPU copy is stale when its generation differs (re-upload hook).
    uint64_t generation() const { return m_generation; }
    FontSet& fonts() { return m_fonts; }

private:
    FontSet& m_fonts;
    int m_size = 0;
    std::vector<uint8_t> m_pixels;
    std::unordered_map<uint64_t, GlyphInfo> m_glyphs;
    int m_penX = 1, m_shelfY = 1, m_shelfHeight = 0;
    uint64_t m_generation = 1;
};

// Quads of a shaped line whose origin (left end of the baseline) is at (x, y), y down, at `sizePx` (em size
// in screen pixels). Glyphs are added to the atlas as needed; ones that do not fit are left out (and
// counted in `missing`, if given). minX..maxY is the union of the quads.
TextLayout layoutShaped(GlyphAtlas& atlas, const ShapedText& text, float x, float y, float sizePx,
                        int* missing = nullptr);

// Decodes UTF-8 per the WHATWG/Unicode "maximal subpart" rule: each invalid or truncated sequence,
// overlong form, surrogate or value above U+10FFFF becomes one U+FFFD; never reads past the input.
std::u32string decodeUtf8(std::string_view utf8);

}  // namespace fl::render
