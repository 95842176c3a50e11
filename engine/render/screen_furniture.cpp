#include "render/screen_furniture.h"

#include <algorithm>
#include <sstream>

namespace fl::render {

namespace {

std::vector<std::string> splitOn(const std::string& text, const std::string& sep) {
    std::vector<std::string> parts;
    size_t from = 0;
    for (size_t at; (at = text.find(sep, from)) != std::string::npos; from = at + sep.size())
        parts.push_back(text.substr(from, at - from));
    parts.push_back(text.substr(from));
    return parts;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

// `text` broken into lines no wider than `maxWidth`: at the first separator that helps (credits at " · ",
// then words at spaces), greedily. A word wider than the line stays whole (the caller sees it overflow).
std::vector<std::string> wrap(const std::string& text, float maxWidth,
                              const std::function<float(const std::string&)>& width, size_t sepIndex = 0) {
    static const std::string seps[] = {" \u00b7 ", " "};
    if (width(text) <= maxWidth || sepIndex >= std::size(seps)) return {text};
    const std::string& sep = seps[sepIndex];
    std::vector<std::string> packed;
    std::string line;
    for (const std::string& part : splitOn(text, sep)) {
        const std::string joined = line.empty() ? part : line + sep + part;
        if (!line.empty() && width(joined) > maxWidth) {
            packed.push_back(line);
            line = part;
        } else {
            line = joined;
        }
    }
    packed.push_back(line);
    std::vector<std::string> out;
    for (const std::string& l : packed)
        for (std::string& w : wrap(l, maxWidth, width, sepIndex + 1)) out.push_back(std::move(w));
    return out;
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

// Which blocks are laid out (the rest were dropped for want of room).
struct Parts {
    bool legendTitle = true, disclaimer = true, legend = true, subcaption = true, caption = true;
};

FurnitureLayout layoutAt(const Furniture& f, int width, int height, const MeasureText& measure,
                         const FurnitureOptions& o, float scale, const Parts& parts, bool attributionInSafe) {
    FurnitureLayout out;
    out.scale = scale;
    const float w = float(width), h = float(height);
    const float inset = (1.0f - o.titleSafe) * 0.5f;
    out.safe = {w * inset, h * inset, w * (1 - inset), h * (1 - inset)};
    auto px = [&](float fraction) { return std::max(o.minTextPx, fraction * h * scale); };
    const float body = px(o.bodySize);
    const float pad = o.padding * body, gap = o.gap * body;
    const float maxText = out.safe.width() - 2 * pad;
    // Lines wider than the safe area wrap.
    auto lines = [&](std::vector<Line>& block, const std::string& text, float size, bool bold, float limit) {
        auto widthOf = [&](const std::string& t) { return measure(t, size, bold); };
        for (const std::string& l : splitLines(text))
            for (std::string& piece : wrap(l, limit, widthOf)) block.push_back({piece, size, bold, widthOf(piece), 0});
    };

    std::vector<Line> caption;
    if (parts.caption) lines(caption, f.caption, px(o.captionSize), true, maxText);
    if (parts.subcaption) lines(caption, f.subcaption, px(o.subcaptionSize), false, maxText);
    if (parts.disclaimer) lines(caption, f.disclaimer, body, false, maxText);
    std::vector<Line> legend;
    const float swatchW = 1.6f * body, swatchGap = 0.5f * body;
    if (parts.legend) {
        if (parts.legendTitle) lines(legend, f.legendTitle, body, true, maxText);
        for (const LegendEntry& e : f.legend)
            legend.push_back({e.text, body, false, measure(e.text, body, false), swatchW + swatchGap});
    }
    std::vector<Line> attribution;
    const float attributionLimit = attributionInSafe ? maxText : w - 2 * pad;
    lines(attribution, f.attribution, px(o.attributionSize), false, attributionLimit);

    const Block cb = stack(caption, o), lb = stack(legend, o), ab = stack(attribution, o);
    auto panel = [&](const Block& b, float x0, float y0) {
        return b.lines.empty() ? Box{x0, y0, x0, y0} : Box{x0, y0, x0 + b.width + 2 * pad, y0 + b.height + 2 * pad};
    };
    out.captionPanel = panel(cb, out.safe.x0, out.safe.y0);
    out.legendPanel = panel(lb, out.safe.x0, out.safe.y1 - (lb.lines.empty() ? 0 : lb.height + 2 * pad));
    const Box credits = attributionInSafe ? out.safe : Box{0, 0, w, h};
    const float aw = ab.lines.empty() ? 0 : ab.width + 2 * pad;
    out.attributionPanel = panel(ab, credits.x1 - aw, credits.y1 - (ab.lines.empty() ? 0 : ab.height + 2 * pad));
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
    if (parts.legend) {
        const size_t firstEntry = lb.lines.size() - f.legend.size();
        for (size_t k = 0; k < f.legend.size(); ++k) {
            const float baseline = out.legendPanel.y0 + pad + lb.baselines[firstEntry + k];
            // The swatch spans the entry's x-height band and a little more: centred on the lowercase letters.
            const float x0 = out.legendPanel.x0 + pad;
            const float y1 = baseline + 0.1f * body, y0 = baseline - 0.75f * body;
            out.swatches.push_back({{x0, y0, x0 + swatchW, y1}, f.legend[k].style});
        }
    }
    out.attributionOutsideSafe = !attributionInSafe;
    return out;
}

bool inside(const Box& b, const Box& area) {
    return b.x0 >= area.x0 - 0.01f && b.y0 >= area.y0 - 0.01f && b.x1 <= area.x1 + 0.01f && b.y1 <= area.y1 + 0.01f;
}

bool fits(const FurnitureLayout& l, float width, float height) {
    const std::vector<Box> blocks = l.blocks();
    const Box frame{0, 0, width, height};
    auto isCredits = [&](const Box& b) {
        return b.x0 == l.attributionPanel.x0 && b.y0 == l.attributionPanel.y0 && b.x1 == l.attributionPanel.x1 &&
               b.y1 == l.attributionPanel.y1;
    };
    for (const Box& b : blocks)
        if (!inside(b, l.attributionOutsideSafe && isCredits(b) ? frame : l.safe)) return false;
    for (size_t i = 0; i < blocks.size(); ++i)
        for (size_t j = i + 1; j < blocks.size(); ++j)
            if (blocks[i].overlaps(blocks[j])) return false;
    for (const FurnitureText& t : l.texts)  // an unbreakable word wider than its panel
        if (t.x + t.width > frame.x1 + 0.01f || t.x < -0.01f) return false;
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
    const float w = float(width), h = float(height);
    // Shrink everything together until each size is at its legible minimum...
    const float sizes[] = {options.captionSize, options.subcaptionSize, options.bodySize, options.attributionSize};
    const float floorScale = options.minTextPx / (h * *std::max_element(std::begin(sizes), std::end(sizes)));
    Parts parts;
    for (float scale = 1.0f;; scale *= 0.9f) {
        FurnitureLayout layout = layoutAt(furniture, width, height, measure, options, scale, parts, true);
        if (fits(layout, w, h)) return layout;
        if (scale <= floorScale) break;
    }
    // ...then leave out blocks, least needed first; the credits may finally use the whole frame.
    FurnitureLayout layout;
    std::vector<std::string> dropped;
    auto tryWith = [&](bool* part, const char* name) {
        if (part) {
            if (!*part) return false;
            *part = false;
            dropped.push_back(name);
        }
        for (bool inSafe : {true, false}) {
            layout = layoutAt(furniture, width, height, measure, options, 0.0f, parts, inSafe);
            if (fits(layout, w, h)) return true;
        }
        return false;
    };
    const bool hasDisclaimer = !furniture.disclaimer.empty(), hasLegend = !furniture.legend.empty();
    if (!((!furniture.legendTitle.empty() && hasLegend && tryWith(&parts.legendTitle, "legend title")) ||
          (hasDisclaimer && tryWith(&parts.disclaimer, "disclaimer")) ||
          (hasLegend && tryWith(&parts.legend, "legend")) ||
          (!furniture.subcaption.empty() && tryWith(&parts.subcaption, "subcaption")) ||
          (!furniture.caption.empty() && tryWith(&parts.caption, "caption"))))
        tryWith(nullptr, "");  // the credits alone, as well as they go
    layout.dropped = std::move(dropped);
    return layout;
}

}  // namespace fl::render
