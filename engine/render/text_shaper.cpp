#include "render/text_shaper.h"
#include "core/paths.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_MODULE_H
#include <hb-ft.h>
#include <hb.h>

#include <algorithm>
#include <cstdio>

#include "render/font_atlas.h"

namespace fl::render {

namespace {

std::string ftError(FT_Error error) {
    // Debian builds FreeType without error strings (FT_Error_String() returns null).
    switch (error) {
        case FT_Err_Cannot_Open_Resource:
            return "cannot open file";
        case FT_Err_Unknown_File_Format:
            return "not a font file (unknown format)";
        case FT_Err_Invalid_File_Format:
            return "corrupt or invalid font file";
        case FT_Err_Invalid_Glyph_Index:
            return "invalid glyph index";
        default: {
            char text[48];
            std::snprintf(text, sizeof(text), "FreeType error 0x%02X", unsigned(error));
            return text;
        }
    }
}

bool isNeutral(hb_script_t script) {
    return script == HB_SCRIPT_COMMON || script == HB_SCRIPT_INHERITED || script == HB_SCRIPT_UNKNOWN;
}

struct Run {
    size_t begin = 0, end = 0;  // characters [begin, end) of the line
    hb_script_t script = HB_SCRIPT_COMMON;
};

}  // namespace

struct FontSet::Library {
    FT_Library ft = nullptr;
    ~Library() {
        if (ft) FT_Done_FreeType(ft);
    }
};

struct FontSet::Face {
    FontSpec spec;
    FT_Face ft = nullptr;
    hb_font_t* hb = nullptr;
    ~Face() {
        if (hb) hb_font_destroy(hb);  // drops its reference to the FT face first
        if (ft) FT_Done_Face(ft);
    }
};

FontSet::~FontSet() {
    m_faces.clear();  // before the library that owns them
}

Result<std::unique_ptr<FontSet>> FontSet::load(const std::vector<FontSpec>& fonts, const FontSetOptions& options) {
    if (fonts.empty()) return Error{"FontSet::load: no fonts given"};
    const std::string& first = fonts.front().path;
    if (options.pixelSize < 8 || options.pixelSize > 512)
        return Error::inFile(first,
                             "FontSetOptions::pixelSize " + std::to_string(options.pixelSize) + " is outside 8..512");
    if (options.spread < 2 || options.spread > 32)
        return Error::inFile(first, "FontSetOptions::spread " + std::to_string(options.spread) + " is outside 2..32");

    std::unique_ptr<FontSet> set(new FontSet);
    set->m_options = options;
    set->m_library = std::make_unique<Library>();
    // A library per set keeps the spread (a library-wide FreeType property) private to it.
    if (FT_Error e = FT_Init_FreeType(&set->m_library->ft))
        return Error::inFile(first, "cannot initialise FreeType: " + ftError(e));
    FT_Int spread = options.spread;
    if (FT_Error e = FT_Property_Set(set->m_library->ft, "bsdf", "spread", &spread))
        return Error::inFile(first, "FreeType rejected SDF spread " + std::to_string(spread) + ": " + ftError(e));

    for (const FontSpec& spec : fonts) {
        auto face = std::make_unique<Face>();
        face->spec = spec;
        if (FT_Error e = FT_New_Face(set->m_library->ft, spec.path.c_str(), 0, &face->ft))
            return Error::inFile(spec.path, ftError(e));
        if (!FT_IS_SCALABLE(face->ft))
            return Error::inFile(spec.path, "font has no scalable outlines, which an SDF atlas needs");
        if (face->ft->units_per_EM == 0) return Error::inFile(spec.path, "font has units_per_EM of 0");
        if (FT_Error e = FT_Set_Pixel_Sizes(face->ft, 0, FT_UInt(options.pixelSize)))
            return Error::inFile(spec.path,
                                 "cannot set pixel size " + std::to_string(options.pixelSize) + ": " + ftError(e));
        // Positions in 26.6 pixels at pixelSize; unhinted like the SDF outlines, so they scale cleanly.
        face->hb = hb_ft_font_create_referenced(face->ft);
        if (!face->hb) return Error::inFile(spec.path, "HarfBuzz cannot open the font");
        hb_ft_font_set_load_flags(face->hb, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP);
        set->m_faces.push_back(std::move(face));
    }
    const FT_Face primary = set->m_faces.front()->ft;
    // From design units rather than size->metrics, which FreeType rounds to whole pixels.
    const float unitsToPixels = float(options.pixelSize) / float(primary->units_per_EM);
    set->m_lineHeight = float(primary->height) * unitsToPixels;
    set->m_ascender = float(primary->ascender) * unitsToPixels;
    set->m_descender = float(primary->descender) * unitsToPixels;
    return set;
}

Result<std::unique_ptr<FontSet>> FontSet::loadDefault(const FontSetOptions& options) {
    const std::string dir = paths::asset("fonts/");
    return load({{dir + "NotoSans-Bold.ttf", true},
                 {dir + "NotoSansArabic-Bold.ttf", true},
                 {dir + "NotoSans-Regular.ttf", false},
                 {dir + "NotoSansArabic-Regular.ttf", false}},
                options);
}

int FontSet::fontCount() const {
    return int(m_faces.size());
}

const FontSpec& FontSet::spec(int font) const {
    return m_faces.at(size_t(font))->spec;
}

FontSet::Face& FontSet::face(int font) {
    return *m_faces.at(size_t(font));
}

bool FontSet::hasCharacter(int font, char32_t c) const {
    return FT_Get_Char_Index(m_faces.at(size_t(font))->ft, FT_ULong(c)) != 0;
}

Result<RasterGlyph> FontSet::rasterize(int font, uint32_t glyph) {
    Face& f = face(font);
    const std::string name = "glyph " + std::to_string(glyph);
    // Unhinted: hinting snaps outlines to the grid of pixelSize, which distorts them once scaled. No
    // embedded bitmaps: the SDF needs the outline.
    if (FT_Error e = FT_Load_Glyph(f.ft, glyph, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP))
        return Error::inFile(f.spec.path, "cannot load " + name + ": " + ftError(e));
    FT_GlyphSlot slot = f.ft->glyph;
    RasterGlyph out;
    if (slot->format != FT_GLYPH_FORMAT_OUTLINE) return out;  // e.g. an empty composite: nothing to draw
    // Coverage first, then the SDF from that bitmap (FreeType's `bsdf`): the direct outline rasteriser
    // gets the sign wrong where contours overlap, which composite and Arabic ligature glyphs do.
    if (FT_Error e = FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL))
        return Error::inFile(f.spec.path, "cannot rasterise " + name + ": " + ftError(e));
    if (slot->bitmap.width == 0 || slot->bitmap.rows == 0) return out;  // blank: advance only
    if (FT_Error e = FT_Render_Glyph(slot, FT_RENDER_MODE_SDF))
        return Error::inFile(f.spec.path, "cannot build the SDF of " + name + ": " + ftError(e));
    const FT_Bitmap& bitmap = slot->bitmap;
    if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY || bitmap.pitch < int(bitmap.width))
        return Error::inFile(f.spec.path, "unexpected SDF bitmap layout for " + name);
    out.width = int(bitmap.width);
    out.height = int(bitmap.rows);
    out.left = slot->bitmap_left;
    out.top = slot->bitmap_top;
    out.sdf.resize(size_t(out.width) * size_t(out.height));
    for (int row = 0; row < out.height; ++row)
        std::copy_n(bitmap.buffer + size_t(row) * size_t(bitmap.pitch), out.width,
                    out.sdf.begin() + ptrdiff_t(row) * out.width);
    return out;
}

Result<ShapedText> shape(FontSet& fonts, std::string_view utf8, const ShapeOptions& options) {
    std::u32string text = decodeUtf8(utf8);
    if (size_t end = text.find_first_of(U"\r\n"); end != std::u32string::npos) text.resize(end);
    ShapedText out;
    if (text.empty()) return out;

    // Script runs. Neutral characters (spaces, digits, punctuation) join the run they follow, or the
    // first strong run when they lead the line.
    hb_unicode_funcs_t* unicode = hb_unicode_funcs_get_default();
    std::vector<Run> runs;
    bool directionKnown = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const hb_script_t script = hb_unicode_script(unicode, hb_codepoint_t(text[i]));
        if (runs.empty()) runs.push_back({i, i, HB_SCRIPT_COMMON});
        Run& current = runs.back();
        if (!isNeutral(script)) {
            if (!directionKnown) {
                out.rtl = hb_script_get_horizontal_direction(script) == HB_DIRECTION_RTL;
                directionKnown = true;
            }
            if (isNeutral(current.script))
                current.script = script;
            else if (current.script != script) {
                current.end = i;
                runs.push_back({i, i, script});
            }
        }
        runs.back().end = i + 1;
    }

    // Font per run: the first face of the asked style with every character, else of any style, else the
    // face with the most (the rest shape as .notdef and are counted).
    std::vector<int> order;
    for (int f = 0; f < fonts.fontCount(); ++f)
        if (fonts.spec(f).bold == options.bold) order.push_back(f);
    for (int f = 0; f < fonts.fontCount(); ++f)
        if (fonts.spec(f).bold != options.bold) order.push_back(f);

    struct ShapedRun {
        std::vector<ShapedGlyph> glyphs;  // x relative to the run's start
        float advance = 0;
    };
    std::vector<ShapedRun> shaped;
    hb_buffer_t* buffer = hb_buffer_create();
    if (!hb_buffer_allocation_successful(buffer)) {
        hb_buffer_destroy(buffer);
        return Error{"cannot allocate a HarfBuzz buffer to shape \"" + std::string(utf8) + "\""};
    }
    for (const Run& run : runs) {
        int best = order.front();
        size_t bestCount = 0;
        for (int f : order) {
            size_t count = 0;
            for (size_t i = run.begin; i < run.end; ++i) count += fonts.hasCharacter(f, text[i]) ? 1 : 0;
            if (count > bestCount) {
                best = f;
                bestCount = count;
            }
            if (count == run.end - run.begin) break;
        }
        hb_buffer_clear_contents(buffer);
        // The whole line as context, so joining at run edges sees its neighbours.
        hb_buffer_add_utf32(buffer, reinterpret_cast<const uint32_t*>(text.data()), int(text.size()),
                            unsigned(run.begin), int(run.end - run.begin));
        const hb_script_t script = isNeutral(run.script) ? HB_SCRIPT_LATIN : run.script;
        hb_buffer_set_script(buffer, script);
        hb_buffer_set_direction(buffer, hb_script_get_horizontal_direction(script) == HB_DIRECTION_RTL
                                            ? HB_DIRECTION_RTL
                                            : HB_DIRECTION_LTR);
        hb_shape(fonts.face(best).hb, buffer, nullptr, 0);
        unsigned count = 0;
        const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
        const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &count);
        ShapedRun r;
        float pen = 0;
        for (unsigned g = 0; g < count; ++g) {
            ShapedGlyph glyph;
            glyph.font = best;
            glyph.glyph = info[g].codepoint;
            glyph.cluster = info[g].cluster;
            glyph.x = pen + float(pos[g].x_offset) / 64.0f;
            glyph.y = float(pos[g].y_offset) / 64.0f;
            pen += float(pos[g].x_advance) / 64.0f;
            if (glyph.glyph == 0) ++out.notdefs;
            r.glyphs.push_back(glyph);
        }
        r.advance = pen;
        shaped.push_back(std::move(r));
    }
    hb_buffer_destroy(buffer);

    // Visual order: HarfBuzz already returns each RTL run's glyphs left to right; an RTL paragraph places
    // its runs right to left (the simple bidi case of one direction per line).
    if (out.rtl) std::reverse(shaped.begin(), shaped.end());
    float pen = 0;
    bool anyInk = false;
    for (const ShapedRun& r : shaped) {
        for (ShapedGlyph g : r.glyphs) {
            g.x += pen;
            hb_glyph_extents_t ext{};
            if (hb_font_get_glyph_extents(fonts.face(g.font).hb, g.glyph, &ext) && ext.width != 0 && ext.height != 0) {
                const float x0 = g.x + float(ext.x_bearing) / 64.0f;
                const float x1 = x0 + float(ext.width) / 64.0f;
                const float y1 = g.y + float(ext.y_bearing) / 64.0f;
                const float y0 = y1 + float(ext.height) / 64.0f;  // height is negative (y up)
                if (!anyInk) {
                    out.inkMinX = x0;
                    out.inkMaxX = x1;
                    out.inkMinY = y0;
                    out.inkMaxY = y1;
                    anyInk = true;
                }
                out.inkMinX = std::min(out.inkMinX, std::min(x0, x1));
                out.inkMaxX = std::max(out.inkMaxX, std::max(x0, x1));
                out.inkMinY = std::min(out.inkMinY, std::min(y0, y1));
                out.inkMaxY = std::max(out.inkMaxY, std::max(y0, y1));
            }
            out.glyphs.push_back(g);
        }
        pen += r.advance;
    }
    out.advance = pen;
    return out;
}

}  // namespace fl::render
