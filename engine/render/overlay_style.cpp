#include "render/overlay_style.h"

#include <cmath>

namespace fl::render {

glm::vec4 linearColour(glm::vec4 c) {
    auto f = [](float v) { return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f); };
    return {f(c.r), f(c.g), f(c.b), c.a};
}

// Styles. Legibility over the arid relief palette at broadcast sizes: lines of 3-4 px at 1080p with a soft
// glow or dark casing; fills at 35-50 % so the relief still reads through them.

OverlayStyle OverlayStyle::confirmed(glm::vec4 colour) {
    OverlayStyle s;
    s.colour = colour;
    s.fillOpacity = 0.42f;
    s.pattern = Pattern::Solid;
    s.lineWidthPx = 3.5f;
    s.glowPx = 4.0f;
    return s;
}

OverlayStyle OverlayStyle::claimed(glm::vec4 colour) {
    OverlayStyle s;
    s.colour = colour;
    s.fillOpacity = 0.55f;  // of the stripes; with the light base fill it reads lighter than confirmed
    s.pattern = Pattern::Hatched;
    s.lineWidthPx = 3.0f;
    s.glowPx = 2.0f;
    s.dashed = true;
    return s;
}

OverlayStyle OverlayStyle::contested(glm::vec4 colour, glm::vec4 other) {
    OverlayStyle s;
    s.colour = colour;
    s.secondColour = other;
    s.fillOpacity = 0.6f;
    s.hatchPx = 14.0f;  // a period holds a stripe of each colour: each stays ~5 px wide at 1080p, legible
    s.pattern = Pattern::TwoColourStripes;
    s.lineWidthPx = 3.0f;
    s.glowPx = 2.0f;
    s.dashed = true;
    return s;
}

OverlayStyle OverlayStyle::route(glm::vec4 colour, float widthPx, bool dashed) {
    OverlayStyle s;
    s.colour = colour;
    s.fillOpacity = 0.0f;
    s.pattern = Pattern::None;
    s.lineWidthPx = widthPx;
    s.casingPx = 1.5f;
    s.secondColour = {0.08f, 0.07f, 0.09f, 0.8f};
    s.dashed = dashed;
    return s;
}

OverlayStyle OverlayStyle::border(glm::vec4 colour) {
    // The look of the former draped line: a light core 3.2 px (at 1080 lines) with a 2.2 px dark halo.
    OverlayStyle s = route(colour, 3.2f);
    s.casingPx = 2.2f;
    s.secondColour = {0.10f, 0.08f, 0.10f, 0.75f};
    return s;
}

OverlayStyle OverlayStyle::arrow(glm::vec4 colour) {
    OverlayStyle s;
    s.colour = colour;
    s.fillOpacity = 0.9f;
    s.pattern = Pattern::Solid;
    s.lineWidthPx = 2.0f;
    s.lineColour = {1.0f, 1.0f, 1.0f, 0.9f};
    s.shadowPx = 6.0f;
    return s;
}

}  // namespace fl::render
