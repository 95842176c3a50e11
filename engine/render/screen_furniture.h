// render/screen_furniture.h — the caption, legend and attribution drawn over every frame.
// Owns: what the furniture says (Furniture, LegendEntry) and where its blocks go in the broadcast
// title-safe area at a given resolution (a pure function; the scene renderer draws the result).
#pragma once

#include <glm/glm.hpp>

#include <functional>
#include <string>
#include <vector>

#include "render/label_layout.h"

namespace fl::render {

struct LegendEntry {
    std::string text;
    glm::vec4 colourSrgb{1, 1, 1, 1};  // straight (not premultiplied) alpha
    int pattern = 0;                   // 0 solid, 1 hatched, 2 cross-hatched, 3 outline-dashed
    bool operator==(const LegendEntry&) const = default;
};

struct Furniture {
    std::string caption;      // e.g. "As of 14 July 2021"
    std::string subcaption;   // under the caption, smaller
    std::string disclaimer;   // e.g. "Areas approximate", under the subcaption
    std::string attribution;  // bottom right, small; '\n' separates lines
    std::string legendTitle;
    std::vector<LegendEntry> legend;
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
    float minBodyPx = 9.0f;    // below this, small frames keep text legible rather than proportional
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
    glm::vec4 colourSrgb{1};
    int pattern = 0;
};

struct FurnitureLayout {
    Box safe;                                         // the title-safe area
    Box captionPanel, legendPanel, attributionPanel;  // zero-size when the block is empty
    std::vector<FurnitureText> texts;
    std::vector<FurnitureSwatch> swatches;
    float scale = 1;  // < 1 when the blocks were shrunk to fit the safe area together
    // The non-empty panels (labels keep off them).
    std::vector<Box> blocks() const;
};

// Caption top-left in a panel, legend bottom-left with a swatch per entry, attribution bottom-right (lines
// right-aligned). Blocks never overlap and stay inside the safe area: when they would not, everything is
// scaled down together (down to 40 %; below that the frame is too small to hold the furniture and the
// blocks are laid out at 40 % regardless).
FurnitureLayout layoutFurniture(const Furniture& furniture, int width, int height, const MeasureText& measure,
                                const FurnitureOptions& options = {});

}  // namespace fl::render
