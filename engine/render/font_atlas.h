// render/font_atlas.h — signed-distance-field glyph atlas and simple text layout for map labels.
// Owns: rasterising a font's Latin glyphs into one R8 SDF atlas on the CPU (FreeType), their metrics,
// UTF-8 decoding, and advance-based layout of a label into screen-space quads. No GPU objects here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace fl::render {

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

// Decodes UTF-8 per the WHATWG/Unicode "maximal subpart" rule: each invalid or truncated sequence,
// overlong form, surrogate or value above U+10FFFF becomes one U+FFFD; never reads past the input.
std::u32string decodeUtf8(std::string_view utf8);

}  // namespace fl::render
