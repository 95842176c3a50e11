// render/screen_furniture.h — the caption, legend and attribution drawn over every frame.
// Owns: what the furniture says (Furniture, LegendEntry) and where its blocks go in the broadcast
// title-safe area at a given resolution (a pure function; the scene renderer draws the result).
#pragma once

#include <glm/glm.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "render/label_layout.h"
#include "render/overlay_style.h"

namespace fl::render {

// A legend entry: its swatch is painted with `style` by the map's own area shading (shared/area_paint.glsl)
// over the ground colour at Furniture::legendGroundMsl, so it shows exactly what the map draws.
struct LegendEntry {
    std::string text;
    OverlayStyle style;
    bool operator==(const LegendEntry&) const = default;
};

struct Furniture {
    std::string caption;      // e.g. "As of 14 July 2021"
    std::string subcaption;   // under the caption, smaller; '\n' separates lines (each claim on its own)
    std::string disclaimer;   // e.g. "Areas approximate", under the subcaption
    std::string attribution;  // bottom right, small; '\n' separates lines
    std::string legendTitle;
    std::vector<LegendEntry> legend;
    // The ground under the swatches' paint: the relief colour at this height (m above sea level), lit as flat
    // ground: the median ground height under the story's areas, so swatches match their areas. NaN: the
    // renderer takes it from its regional grid under the areas drawn.
    std::optional<float> legendGroundMsl;
    bool empty() const {
        return caption.empty() && subcaption.empty() && disclaimer.empty() && attribution.empty() &&
               legendTitle.empty() && legend.empty();
    }
    bool operator==(const Furniture&) const = default;
};

struct FurnitureOptions {
    // Broadcast title-safe area: the centred box of this fraction of width and height (SMPTE RP 2046-2's
    // 90 %). Everything stays inside it, so overscan and lower thirds never clip the text.
    float titleSafe = 0.90f;
    // Em sizes as fractions of the frame height: the same layout at 640x360 and 4K. The caption is read
    // first (4.4 % of 1080 = 48 px), the attribution last (1.8 % = 19 px, the smallest legible on TV).
    float captionSize = 0.044f;
    float subcaptionSize = 0.028f;
    float bodySize = 0.024f;  // disclaimer, legend entries and title
    float attributionSize = 0.018f;
    // The smallest text drawn, px: 9 px with the panel behind it is the least a 640x360 preview can be read
    // at. Furniture never shrinks below it; what does not fit at this size is dropped, with a warning.
    float minTextPx = 9.0f;
    float lineSpacing = 1.3f;  // baseline to baseline, in ems (room for Arabic-script ascenders)
    float ascent = 1.0f;       // em fraction above the baseline reserved for the first line of a block
    float descent = 0.35f;     // and below the last
    float padding = 0.5f;      // panel padding, in body ems
    float gap = 0.8f;          // between blocks that would touch, in body ems
};

// Width of one line of text at em size `sizePx`, in pixels. The renderer passes its shaper; tests a stub.
using MeasureText = std::function<float(const std::string& text, float sizePx, bool bold)>;

struct FurnitureText {
    std::string text;
    float x = 0, baseline = 0;  // left end of the baseline, pixels (y down)
    float sizePx = 0;
    bool bold = false;
    float width = 0;  // as measured
};

struct FurnitureSwatch {
    Box box;
    OverlayStyle style;
};

struct FurnitureLayout {
    Box safe;                                         // the title-safe area
    Box captionPanel, legendPanel, attributionPanel;  // zero-size when the block is empty
    std::vector<FurnitureText> texts;
    std::vector<FurnitureSwatch> swatches;
    float scale = 1;  // < 1 when the blocks were shrunk to fit the safe area together
    // What the frame is too small to hold at a legible size ("legend", "disclaimer", ...), in the order it was
    // dropped; the attribution is never dropped (it wraps, and may leave the safe area on a tiny frame).
    std::vector<std::string> dropped;
    bool attributionOutsideSafe = false;  // a frame too small for the credits inside the title-safe area
    // The non-empty panels (labels keep off them).
    std::vector<Box> blocks() const;
};

// Caption top-left in a panel, legend bottom-left with a swatch per entry, attribution bottom-right (lines
// right-aligned). Blocks never overlap and stay inside the safe area: when they would not, everything is
// scaled down together, but no text below options.minTextPx; lines wider than the safe area wrap (the
// credits at their " · " separators first). When even that does not fit, blocks are dropped in the order
// legend title, disclaimer, legend, subcaption, caption, and listed in `dropped`. The attribution always
// stays: the credits are a licence condition.
FurnitureLayout layoutFurniture(const Furniture& furniture, int width, int height, const MeasureText& measure,
                                const FurnitureOptions& options = {});

}  // namespace fl::render
