#include "render/font_atlas.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_MODULE_H

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <type_traits>

#include "core/log.h"
#include "render/text_shaper.h"

namespace fl::render {

namespace {

constexpr char32_t kFallback = U'?';
constexpr char32_t kReplacement = 0xFFFD;
// Empty texels between glyphs so bilinear/mip sampling at a quad's edge never reads a neighbour.
constexpr int kPadding = 1;

struct LibraryDeleter {
    void operator()(FT_Library library) const { FT_Done_FreeType(library); }
};
struct FaceDeleter {
    void operator()(FT_Face face) const { FT_Done_Face(face); }
};
using LibraryPtr = std::unique_ptr<std::remove_pointer_t<FT_Library>, LibraryDeleter>;
using FacePtr = std::unique_ptr<std::remove_pointer_t<FT_Face>, FaceDeleter>;

// Debian builds FreeType without FT_CONFIG_OPTION_ERROR_STRINGS, so FT_Error_String() returns null.
std::string describeFtError(FT_Error error) {
    switch (error) {
        case FT_Err_Cannot_Open_Resource:
            return "cannot open file";
        case FT_Err_Unknown_File_Format:
            return "not a font file (unknown format)";
        case FT_Err_Invalid_File_Format:
            return "corrupt or invalid font file";
        case FT_Err_Out_Of_Memory:
            return "out of memory";
        default: {
            char text[48];
            std::snprintf(text, sizeof(text), "FreeType error 0x%02X", unsigned(error));
            return text;
        }
    }
}

std::string codepointName(char32_t codepoint) {
    char text[16];
    std::snprintf(text, sizeof(text), "U+%04X", unsigned(codepoint));
    return text;
}

std::vector<char32_t> atlasCharacters() {
    std::vector<char32_t> characters;
    for (char32_t c = 0x20; c <= 0x7E; ++c) characters.push_back(c);
    // Latin-1 starts at U+00A0: U+0080-U+009F are C1 control codes with no glyphs.
    for (char32_t c = 0xA0; c <= 0x17F; ++c) characters.push_back(c);
    return characters;
}

struct RenderedGlyph {
    char32_t codepoint;
    int width, height;  // padded SDF bitmap; 0x0 for blank glyphs such as space
    int left, top;
    float advance;
    std::vector<uint8_t> sdf;  // width * height, tightly packed
};

Status checkOptions(const std::string& path, const FontAtlasOptions& o) {
    if (o.pixelSize < 8 || o.pixelSize > 512)
        return Error::inFile(path, "FontAtlasOptions::pixelSize " + std::to_string(o.pixelSize) + " is outside 8..512");
    // FreeType's own limits for the property; it rejects anything else.
    if (o.spread < 2 || o.spread > 32)
        return Error::inFile(path, "FontAtlasOptions::spread " + std::to_string(o.spread) + " is outside 2..32");
    if (o.atlasSize < 64 || o.atlasSize > 8192)
        return Error::inFile(path,
                             "FontAtlasOptions::atlasSize " + std::to_string(o.atlasSize) + " is outside 64..8192");
    return Ok{};
}

Result<RenderedGlyph> renderGlyph(const std::string& path, FT_Face face, char32_t codepoint, FT_UInt index) {
    // Unhinted: hinting snaps outlines to the grid of pixelSize, which distorts them once labels are
    // scaled to other sizes. No embedded bitmaps: the SDF needs the outline.
    FT_Error error = FT_Load_Glyph(face, index, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP);
    if (error)
        return Error::inFile(path, "cannot load glyph " + codepointName(codepoint) + ": " + describeFtError(error));
    FT_GlyphSlot slot = face->glyph;
    if (slot->format != FT_GLYPH_FORMAT_OUTLINE)
        return Error::inFile(path, "glyph " + codepointName(codepoint) + " has no outline");

    RenderedGlyph glyph{codepoint, 0, 0, 0, 0, float(slot->linearHoriAdvance) / 65536.0f, {}};
    // Coverage first, then SDF from that bitmap: this selects FreeType's `bsdf` rasteriser. The direct
    // outline `sdf` rasteriser (2.12) gets the sign wrong where contours overlap, which composite glyphs
    // do (Å, Ç, Ą, Ş, Ţ...): holes of "outside" inside the ink. Elsewhere the two differ by < 1/16 px
    // on average, and `bsdf` is ~3x faster and indifferent to contour orientation.
    error = FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL);
    if (error)
        return Error::inFile(path,
                             "cannot rasterise glyph " + codepointName(codepoint) + ": " + describeFtError(error));
    if (slot->bitmap.width == 0 || slot->bitmap.rows == 0) return glyph;  // blank: advance only
    error = FT_Render_Glyph(slot, FT_RENDER_MODE_SDF);
    if (error)
        return Error::inFile(
            path, "cannot build the SDF of glyph " + codepointName(codepoint) + ": " + describeFtError(error));

    const FT_Bitmap& bitmap = slot->bitmap;
    if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY || bitmap.pitch < int(bitmap.width))
        return Error::inFile(path, "unexpected SDF bitmap layout for glyph " + codepointName(codepoint));
    glyph.width = int(bitmap.width);
    glyph.height = int(bitmap.rows);
    // FreeType has already moved these outwards by the spread to match the padded bitmap.
    glyph.left = slot->bitmap_left;
    glyph.top = slot->bitmap_top;
    glyph.sdf.resize(size_t(glyph.width) * size_t(glyph.height));
    for (int row = 0; row < glyph.height; ++row)
        std::copy_n(bitmap.buffer + size_t(row) * size_t(bitmap.pitch), glyph.width,
                    glyph.sdf.begin() + ptrdiff_t(row) * glyph.width);
    return glyph;
}

}  // namespace

const GlyphInfo* FontAtlas::glyph(char32_t codepoint) const {
    auto it = m_glyphs.find(codepoint);
    return it == m_glyphs.end() ? nullptr : &it->second;
}

Result<FontAtlas> FontAtlas::load(const std::string& fontPath, const FontAtlasOptions& options) {
    if (Status valid = checkOptions(fontPath, options); !valid) return valid.error();

    // A library per load keeps the spread property (library-wide in FreeType) private to this atlas and
    // lets atlases be built on several threads at once.
    FT_Library rawLibrary = nullptr;
    if (FT_Error error = FT_Init_FreeType(&rawLibrary))
        return Error::inFile(fontPath, "cannot initialise FreeType: " + describeFtError(error));
    LibraryPtr library(rawLibrary);
    FT_Int spread = options.spread;
    if (FT_Error error = FT_Property_Set(library.get(), "bsdf", "spread", &spread))
        return Error::inFile(fontPath,
                             "FreeType rejected SDF spread " + std::to_string(spread) + ": " + describeFtError(error));

    FT_Face rawFace = nullptr;
    if (FT_Error error = FT_New_Face(library.get(), fontPath.c_str(), 0, &rawFace))
        return Error::inFile(fontPath, describeFtError(error));
    FacePtr face(rawFace);
    if (!FT_IS_SCALABLE(face.get()))
        return Error::inFile(fontPath, "font has no scalable outlines, which an SDF atlas needs");
    if (face->units_per_EM == 0) return Error::inFile(fontPath, "font has units_per_EM of 0");
    if (FT_Error error = FT_Set_Pixel_Sizes(face.get(), 0, FT_UInt(options.pixelSize)))
        return Error::inFile(
            fontPath, "cannot set pixel size " + std::to_string(options.pixelSize) + ": " + describeFtError(error));
    if (FT_Get_Char_Index(face.get(), kFallback) == 0)
        return Error::inFile(fontPath, "font has no '?' glyph, which stands in for missing characters");

    std::vector<RenderedGlyph> rendered;
    std::vector<char32_t> missing;
    for (char32_t codepoint : atlasCharacters()) {
        FT_UInt index = FT_Get_Char_Index(face.get(), codepoint);
        if (index == 0) {
            missing.push_back(codepoint);
            continue;
        }
        Result<RenderedGlyph> glyph = renderGlyph(fontPath, face.get(), codepoint, index);
        if (!glyph) return glyph.error();
        rendered.push_back(std::move(glyph).value());
    }
    if (!missing.empty())
        log::warn(fontPath + ": " + std::to_string(missing.size()) + " atlas characters are missing (first " +
                  codepointName(missing.front()) + "); they will render as '?'");

    // Shelf packing, tallest first so each shelf wastes little height. The codepoint tie-break keeps the
    // order, and so the atlas bytes, independent of the sort implementation.
    std::vector<const RenderedGlyph*> order;
    order.reserve(rendered.size());
    for (const RenderedGlyph& glyph : rendered) order.push_back(&glyph);
    std::sort(order.begin(), order.end(), [](const RenderedGlyph* a, const RenderedGlyph* b) {
        if (a->height != b->height) return a->height > b->height;
        return a->codepoint < b->codepoint;
    });

    FontAtlas atlas;
    const int size = options.atlasSize;
    atlas.m_size = size;
    atlas.m_pixelSize = options.pixelSize;
    atlas.m_spread = options.spread;
    // From the design units rather than size->metrics, which FreeType rounds to whole pixels.
    const float unitsToPixels = float(options.pixelSize) / float(face->units_per_EM);
    atlas.m_lineHeight = float(face->height) * unitsToPixels;
    atlas.m_ascender = float(face->ascender) * unitsToPixels;
    atlas.m_descender = float(face->descender) * unitsToPixels;
    atlas.m_pixels.assign(size_t(size) * size_t(size), 0);

    int penX = kPadding, shelfY = kPadding, shelfHeight = 0;
    for (const RenderedGlyph* g : order) {
        GlyphInfo info{};
        info.width = float(g->width);
        info.height = float(g->height);
        info.bearingX = float(g->left);
        info.bearingY = float(g->top);
        info.advance = g->advance;
        if (g->width > 0) {
            if (penX + g->width + kPadding > size) {
                shelfY += shelfHeight + kPadding;
                penX = kPadding;
                shelfHeight = 0;
            }
            if (penX + g->width + kPadding > size || shelfY + g->height + kPadding > size)
                return Error::inFile(fontPath, "glyphs at pixelSize " + std::to_string(options.pixelSize) +
                                                   " and spread " + std::to_string(options.spread) + " do not fit a " +
                                                   std::to_string(size) + "x" + std::to_string(size) +
                                                   " atlas; raise atlasSize or lower pixelSize/spread");
            for (int row = 0; row < g->height; ++row)
                std::copy_n(g->sdf.begin() + ptrdiff_t(row) * g->width, g->width,
                            atlas.m_pixels.begin() + ptrdiff_t(shelfY + row) * size + penX);
            info.u0 = float(penX) / float(size);
            info.v0 = float(shelfY) / float(size);
            info.u1 = float(penX + g->width) / float(size);
            info.v1 = float(shelfY + g->height) / float(size);
            penX += g->width + kPadding;
            shelfHeight = std::max(shelfHeight, g->height);
        }
        atlas.m_glyphs.emplace(g->codepoint, info);
    }
    return atlas;
}

TextLayout layoutText(const FontAtlas& atlas, std::string_view utf8, float x, float y, float sizePx) {
    TextLayout layout{{}, x, y, x, y};
    if (!(sizePx > 0.0f) || !std::isfinite(sizePx) || atlas.pixelSize() <= 0) return layout;
    const float scale = sizePx / float(atlas.pixelSize());
    const GlyphInfo* fallback = atlas.glyph(kFallback);

    float penX = x, baseline = y;
    bool any = false;
    for (char32_t codepoint : decodeUtf8(utf8)) {
        if (codepoint == U'\n') {
            penX = x;
            baseline += atlas.lineHeight() * scale;
            continue;
        }
        if (codepoint == U'\r') continue;
        const GlyphInfo* glyph = atlas.glyph(codepoint);
        if (!glyph) glyph = fallback;
        if (!glyph) continue;  // only an atlas without '?' (never produced by load()) gets here
        if (glyph->width > 0 && glyph->height > 0) {
            GlyphQuad quad{};
            quad.x0 = penX + glyph->bearingX * scale;
            quad.y0 = baseline - glyph->bearingY * scale;
            quad.x1 = quad.x0 + glyph->width * scale;
            quad.y1 = quad.y0 + glyph->height * scale;
            quad.u0 = glyph->u0;
            quad.v0 = glyph->v0;
            quad.u1 = glyph->u1;
            quad.v1 = glyph->v1;
            if (!any) {
                layout.minX = quad.x0;
                layout.minY = quad.y0;
                layout.maxX = quad.x1;
                layout.maxY = quad.y1;
                any = true;
            }
            layout.minX = std::min(layout.minX, quad.x0);
            layout.minY = std::min(layout.minY, quad.y0);
            layout.maxX = std::max(layout.maxX, quad.x1);
            layout.maxY = std::max(layout.maxY, quad.y1);
            layout.quads.push_back(quad);
        }
        penX += glyph->advance * scale;
    }
    return layout;
}

GlyphAtlas::GlyphAtlas(FontSet& fonts, const GlyphAtlasOptions& options)
    : m_fonts(fonts), m_size(std::clamp(options.size, 64, 8192)) {
    m_pixels.assign(size_t(m_size) * size_t(m_size), 0);
    m_penX = m_shelfY = kPadding;
}

Result<const GlyphInfo*> GlyphAtlas::glyph(int font, uint32_t glyphIndex) {
    const uint64_t key = (uint64_t(uint32_t(font)) << 32) | glyphIndex;
    if (auto it = m_glyphs.find(key); it != m_glyphs.end()) return &it->second;
    Result<RasterGlyph> raster = m_fonts.rasterize(font, glyphIndex);
    if (!raster) return raster.error();
    const RasterGlyph& g = *raster;
    GlyphInfo info{};
    info.width = float(g.width);
    info.height = float(g.height);
    info.bearingX = float(g.left);
    info.bearingY = float(g.top);
    if (g.width > 0) {
        // Shelf packing in request order (no sort: glyphs arrive one at a time).
        if (m_penX + g.width + kPadding > m_size) {
            m_shelfY += m_shelfHeight + kPadding;
            m_penX = kPadding;
            m_shelfHeight = 0;
        }
        if (m_penX + g.width + kPadding > m_size || m_shelfY + g.height + kPadding > m_size)
            return Error::inFile(m_fonts.spec(font).path,
                                 "glyph atlas " + std::to_string(m_size) + "x" + std::to_string(m_size) + " is full (" +
                                     std::to_string(m_glyphs.size()) + " glyphs) at glyph " +
                                     std::to_string(glyphIndex) + "; raise GlyphAtlasOptions::size");
        for (int row = 0; row < g.height; ++row)
            std::copy_n(g.sdf.begin() + ptrdiff_t(row) * g.width, g.width,
                        m_pixels.begin() + ptrdiff_t(m_shelfY + row) * m_size + m_penX);
        info.u0 = float(m_penX) / float(m_size);
        info.v0 = float(m_shelfY) / float(m_size);
        info.u1 = float(m_penX + g.width) / float(m_size);
        info.v1 = float(m_shelfY + g.height) / float(m_size);
        m_penX += g.width + kPadding;
        m_shelfHeight = std::max(m_shelfHeight, g.height);
        ++m_generation;
    }
    return &m_glyphs.emplace(key, info).first->second;
}

Status GlyphAtlas::add(const ShapedText& text) {
    for (const ShapedGlyph& g : text.glyphs)
        if (auto r = glyph(g.font, g.glyph); !r) return r.error();
    return Ok{};
}

TextLayout layoutShaped(GlyphAtlas& atlas, const ShapedText& text, float x, float y, float sizePx, int* missing) {
    TextLayout layout{{}, x, y, x, y};
    if (!(sizePx > 0.0f) || !std::isfinite(sizePx)) return layout;
    const float scale = sizePx / float(atlas.fonts().pixelSize());
    bool any = false;
    for (const ShapedGlyph& g : text.glyphs) {
        Result<const GlyphInfo*> info = atlas.glyph(g.font, g.glyph);
        if (!info) {
            if (missing) ++*missing;
            continue;
        }
        const GlyphInfo& gi = **info;
        if (gi.width <= 0 || gi.height <= 0) continue;
        GlyphQuad quad{};
        quad.x0 = x + (g.x + gi.bearingX) * scale;
        quad.y0 = y - (g.y + gi.bearingY) * scale;
        quad.x1 = quad.x0 + gi.width * scale;
        quad.y1 = quad.y0 + gi.height * scale;
        quad.u0 = gi.u0;
        quad.v0 = gi.v0;
        quad.u1 = gi.u1;
        quad.v1 = gi.v1;
        if (!any) {
            layout.minX = quad.x0;
            layout.minY = quad.y0;
            layout.maxX = quad.x1;
            layout.maxY = quad.y1;
            any = true;
        }
        layout.minX = std::min(layout.minX, quad.x0);
        layout.minY = std::min(layout.minY, quad.y0);
        layout.maxX = std::max(layout.maxX, quad.x1);
        layout.maxY = std::max(layout.maxY, quad.y1);
        layout.quads.push_back(quad);
    }
    return layout;
}

std::u32string decodeUtf8(std::string_view utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    size_t i = 0;
    while (i < utf8.size()) {
        const auto lead = uint8_t(utf8[i]);
        if (lead < 0x80) {
            out.push_back(lead);
            ++i;
            continue;
        }
        int needed = 0;
        char32_t codepoint = 0;
        // The bounds on the second byte reject overlong forms, surrogates and values above U+10FFFF
        // before they are assembled (Unicode table 3-7).
        uint8_t lower = 0x80, upper = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            needed = 1;
            codepoint = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            needed = 2;
            codepoint = lead & 0x0F;
            if (lead == 0xE0) lower = 0xA0;
            if (lead == 0xED) upper = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            needed = 3;
            codepoint = lead & 0x07;
            if (lead == 0xF0) lower = 0x90;
            if (lead == 0xF4) upper = 0x8F;
        } else {
            out.push_back(kReplacement);  // stray continuation byte, C0/C1 overlong lead, or F5..FF
            ++i;
            continue;
        }
        ++i;
        bool valid = true;
        for (int k = 0; k < needed; ++k) {
            if (i >= utf8.size()) {
                valid = false;
                break;
            }
            const auto byte = uint8_t(utf8[i]);
            if (byte < lower || byte > upper) {
                valid = false;  // not consumed: it may start the next sequence
                break;
            }
            lower = 0x80;
            upper = 0xBF;
            codepoint = (codepoint << 6) | (byte & 0x3F);
            ++i;
        }
        out.push_back(valid ? codepoint : kReplacement);
    }
    return out;
}

}  // namespace fl::render
