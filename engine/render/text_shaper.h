// render/text_shaper.h — turning a UTF-8 string into positioned glyphs with HarfBuzz.
// Owns: the FontSet (FreeType faces + their HarfBuzz fonts, per-run font fallback, SDF rasterisation of
// one glyph by index), splitting text into script runs with their direction, and shaping each run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace fl::render {

struct FontSetOptions {
    // Em size (pixels) glyphs are shaped and rasterised at; labels scale from it. 48 keeps corners sharp
    // up to ~150 px text (4K captions) at ~2.5 KB of atlas per glyph.
    int pixelSize = 48;
    // SDF spread in atlas pixels (FreeType's "spread", 2..32): bounds the widest halo at
    // spread * sizePx / pixelSize screen pixels. Larger costs precision and atlas space.
    int spread = 8;
};

struct FontSpec {
    std::string path;
    bool bold = false;  // the style ShapeOptions::bold asks for
};

// One SDF bitmap of a glyph, padded by the spread on every side (bearings describe the padded bitmap).
struct RasterGlyph {
    int width = 0, height = 0;  // 0x0 for blank glyphs (space)
    int left = 0, top = 0;      // pen origin -> left edge; baseline -> top edge (up positive)
    std::vector<uint8_t> sdf;   // width * height, 128 at the outline, larger inside
};

// Several faces tried in order for each run of text: the first face of the requested style that has every
// character of the run wins, so Latin names take Noto Sans and Pashto/Dari take Noto Sans Arabic.
// Not thread-safe (FreeType faces and HarfBuzz fonts are used by one thread at a time).
class FontSet {
public:
    static Result<std::unique_ptr<FontSet>> load(const std::vector<FontSpec>& fonts,
                                                 const FontSetOptions& options = {});
    // The bundled Noto fonts: Sans Bold, Sans Arabic Bold, Sans Regular, Sans Arabic Regular (assets/fonts).
    static Result<std::unique_ptr<FontSet>> loadDefault(const FontSetOptions& options = {});
    ~FontSet();
    FontSet(const FontSet&) = delete;
    FontSet& operator=(const FontSet&) = delete;

    int fontCount() const;
    const FontSpec& spec(int font) const;
    bool hasCharacter(int font, char32_t c) const;
    int pixelSize() const { return m_options.pixelSize; }
    int spread() const { return m_options.spread; }
    // Of the first face, in pixels at pixelSize: baseline-to-baseline, ascender (+), descender (-).
    float lineHeight() const { return m_lineHeight; }
    float ascender() const { return m_ascender; }
    float descender() const { return m_descender; }

    // The SDF of glyph `glyph` (a glyph index, not a character) of font `font`.
    Result<RasterGlyph> rasterize(int font, uint32_t glyph);

    struct Face;  // FreeType face + HarfBuzz font (text_shaper.cpp)
    Face& face(int font);

private:
    FontSet() = default;
    struct Library;
    std::unique_ptr<Library> m_library;
    std::vector<std::unique_ptr<Face>> m_faces;
    FontSetOptions m_options;
    float m_lineHeight = 0, m_ascender = 0, m_descender = 0;
};

struct ShapeOptions {
    bool bold = true;  // labels are bold; furniture body text is regular
};

// A glyph placed on the line. Units: pixels at the font set's pixelSize (multiply by sizePx / pixelSize).
struct ShapedGlyph {
    int font = 0;
    uint32_t glyph = 0;    // glyph index in that font (0 = .notdef)
    float x = 0, y = 0;    // glyph origin relative to the line's origin (left end of the baseline), y up
    uint32_t cluster = 0;  // index of its first character in the decoded line (UTF-32)
};

struct ShapedText {
    // In visual order, left to right.
    std::vector<ShapedGlyph> glyphs;
    float advance = 0;  // pen advance of the whole line
    // Ink box relative to the line's origin, y up (collapses to 0 for blank text).
    float inkMinX = 0, inkMinY = 0, inkMaxX = 0, inkMaxY = 0;
    bool rtl = false;  // the paragraph direction: that of the first strongly directional character
    int notdefs = 0;   // characters no font of the set has
};

// Shapes one line (a '\n' or '\r' ends it; the rest is ignored: callers lay out lines themselves).
// Runs are split by script (spaces, digits and punctuation join the run around them); each run is shaped
// with its script, language-neutral, Arabic-script runs right-to-left; with an RTL paragraph the runs are
// placed right to left. Invalid UTF-8 becomes U+FFFD. Errors: the HarfBuzz buffer could not be allocated.
Result<ShapedText> shape(FontSet& fonts, std::string_view utf8, const ShapeOptions& options = {});

}  // namespace fl::render
