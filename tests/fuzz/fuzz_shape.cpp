// libFuzzer target: label and furniture text comes from story files, so shaping must survive any bytes
// (invalid UTF-8, mixed scripts, controls, characters no font has) and lay out into the glyph atlas.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "render/font_atlas.h"
#include "render/text_shaper.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static std::unique_ptr<fl::render::FontSet> fonts = [] {
        auto f = fl::render::FontSet::loadDefault();
        return f ? std::move(f).value() : nullptr;
    }();
    static std::unique_ptr<fl::render::GlyphAtlas> atlas =
        fonts ? std::make_unique<fl::render::GlyphAtlas>(*fonts) : nullptr;
    if (!fonts || size > 4096) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (bool bold : {true, false}) {
        auto shaped = fl::render::shape(*fonts, text, {bold});
        if (!shaped) continue;
        // A full atlas is an error value, not a crash; start afresh so later inputs still reach the packer.
        if (!atlas->add(*shaped)) atlas = std::make_unique<fl::render::GlyphAtlas>(*fonts);
        (void)fl::render::layoutShaped(*atlas, *shaped, 0, 0, 24);
    }
    return 0;
}
