#include "render/screen_furniture.h"

#include <algorithm>
#include <sstream>

namespace fl::render {

namespace {

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

struct Line {
    std::string text;
    float sizePx;
    bool bold;
    float width;
    float swatch;  // legend entries: swatch width before the text (0 otherwise)
};

// A block's lines stacked from (0, 0): returns the size, and the baselines relative to the top.
struct Block {
    std::vector<Line> lines;
    std::vector<float> baselines;
    float width = 0, height = 0;
};

Block stack(std::vector<Line> lines, const FurnitureOptions& o) {
    Block b;
    b.lines = std::move(lines);
    float y = 0;
    for (size_t i = 0; i < b.lines.size(); ++i) {
        const Line& l = b.lines[i];
        y += i == 0 ? o.ascent * l.sizePx : o.lineSpacing * l.sizePx;
        b.baselines.push_back(y);
        b.width = std::max(b.width, l.swatch + l.width);
    }
    if (!b.lines.empty()) y += o.descent * b.lines.back().sizePx;
    b.height = y;
    return b;
}

FurnitureLayout layoutAt(const Furniture& f, int width, int height, const MeasureText& measure,
                         const FurnitureOptions& o, float scale) {
    FurnitureLayout out;
    out.scale = scale;
    const float w = float(width), h = float(height);
    const float inset = (1.0f - o.titleSafe) * 0.5f;
    out.safe = {w * inset, h * inset, w * (1 - inset), h * (1 - inset)};
    auto px = [&](float fraction) { return std::max(o.minBodyPx * scale, fraction * h * scale); };
    const float body = px(o.bodySize);
    const float pad = o.padding * body, gap = o.gap * body;
    auto line = [&](const std::string& text, float size, bool bold, float swatch = 0) {
        return Line{text, size, bold, measure(text, size, bold), swatch};
    };

    std::vector<Line> caption;
    if (!f.caption.empty()) caption.push_back(line(f.caption, px(o.captionSize), true));
    if (!f.subcaption.empty()) caption.push_back(line(f.subcaption, px(o.subcaptionSize), false));
    if (!f.disclaimer.empty()) caption.push_back(line(f.disclaimer, body, false));
    std::vector<Line> legend;
    if (!f.legendTitle.empty()) legend.push_back(line(f.legendTitle, body, true));
    const float swatchW = 1.6f * body, swatchGap = 0.5f * body;
    for (const LegendEntry& e : f.legend) legend.push_back(line(e.text, body, false, swatchW + swatchGap));
    std::vector<Line> attribution;
    for (const std::string& l : splitLines(f.attribution)) attribution.push_back(line(l, px(o.attributionSize), false));

    const Block cb = stack(caption, o), lb = stack(legend, o), ab = stack(attribution, o);
    auto panel = [&](const Block& b, float x0, float y0) {
        return b.lines.empty() ? Box{x0, y0, x0, y0} : Box{x0, y0, x0 + b.width + 2 * pad, y0 + b.height + 2 * pad};
    };
    out.captionPanel = panel(cb, out.safe.x0, out.safe.y0);
    out.legendPanel = panel(lb, out.safe.x0, out.safe.y1 - (lb.lines.empty() ? 0 : lb.height + 2 * pad));
    const float aw = ab.lines.empty() ? 0 : ab.width + 2 * pad;
    out.attributionPanel = panel(ab, out.safe.x1 - aw, out.safe.y1 - (ab.lines.empty() ? 0 : ab.height + 2 * pad));
    // Legend and attribution side by side when they fit, else the legend stacks above the attribution.
    if (!lb.lines.empty() && !ab.lines.empty() &&
        out.legendPanel.grown(gap * 0.5f).overlaps(out.attributionPanel.grown(gap * 0.5f))) {
        const float dy = out.legendPanel.y1 - (out.attributionPanel.y0 - gap);
        out.legendPanel.y0 -= dy;
        out.legendPanel.y1 -= dy;
    }

    auto emit = [&](const Block& b, const Box& p, bool rightAlign) {
        for (size_t i = 0; i < b.lines.size(); ++i) {
            const Line& l = b.lines[i];
            FurnitureText t{l.text, 0, p.y0 + pad + b.baselines[i], l.sizePx, l.bold, l.width};
            t.x = rightAlign ? p.x1 - pad - l.width : p.x0 + pad + l.swatch;
            out.texts.push_back(t);
        }
    };
    emit(cb, out.captionPanel, false);
    emit(lb, out.legendPanel, false);
    emit(ab, out.attributionPanel, true);
    const size_t firstEntry = f.legendTitle.empty() ? 0 : 1;
    for (size_t k = 0; k < f.legend.size(); ++k) {
        const float baseline = out.legendPanel.y0 + pad + lb.baselines[firstEntry + k];
        // The swatch spans the entry's x-height band and a little more: centred on the lowercase letters.
        const float x0 = out.legendPanel.x0 + pad;
        const float y1 = baseline + 0.1f * body, y0 = baseline - 0.75f * body;
        out.swatches.push_back({{x0, y0, x0 + swatchW, y1}, f.legend[k].colourSrgb, f.legend[k].pattern});
    }
    return out;
}

bool fits(const FurnitureLayout& l) {
    const std::vector<Box> blocks = l.blocks();
    for (const Box& b : blocks)
        if (b.x0 < l.safe.x0 - 0.01f || b.y0 < l.safe.y0 - 0.01f || b.x1 > l.safe.x1 + 0.01f ||
            b.y1 > l.safe.y1 + 0.01f)
            return false;
    for (size_t i = 0; i < blocks.size(); ++i)
        for (size_t j = i + 1; j < blocks.size(); ++j)
            if (blocks[i].overlaps(blocks[j])) return false;
    return true;
}

}  // namespace

std::vector<Box> FurnitureLayout::blocks() const {
    std::vector<Box> out;
    for (const Box& b : {captionPanel, legendPanel, attributionPanel})
        if (b.width() > 0 && b.height() > 0) out.push_back(b);
    return out;
}

FurnitureLayout layoutFurniture(const Furniture& furniture, int width, int height, const MeasureText& measure,
                                const FurnitureOptions& options) {
    if (width <= 0 || height <= 0) return {};
    FurnitureLayout layout;
    for (float scale = 1.0f; scale >= 0.4f - 1e-4f; scale *= 0.9f) {
        layout = layoutAt(furniture, width, height, measure, options, scale);
        if (fits(layout)) return layout;
    }
    return layoutAt(furniture, width, height, measure, options, 0.4f);
}

}  // namespace fl::render
