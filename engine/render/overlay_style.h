// render/overlay_style.h — how an overlay layer looks: colours, fill pattern, line, and the presets for the
// story's statuses, routes, borders and arrows. Plain data, shared by the map (overlay_field) and the legend
// (screen_furniture), so the legend's swatches are drawn from the very style the map uses.
#pragma once

#include <glm/glm.hpp>

#include <cstdint>

namespace fl::render {

// Area fills (shared/area_paint.glsl draws them): TwoColourStripes alternates the layer's colour and its
// second colour stripe by stripe (contested: both factions).
enum class Pattern : uint32_t { Solid = 0, Hatched = 1, TwoColourStripes = 2, None = 3 };

// How a layer looks. Colours are sRGB with alpha. Pixel sizes are at 1080 output lines and scale with the
// output height (a 640x360 preview looks like the 4K render), never below 1 px.
struct OverlayStyle {
    glm::vec4 colour{0.85f, 0.15f, 0.12f, 1.0f};  // fill, hatching and (by default) the line; a: layer opacity
    float fillOpacity = 0.35f;                    // areas: fill strength (hatching: of the stripes)
    Pattern pattern = Pattern::Solid;
    float lineWidthPx = 3.0f;   // the front line (areas, centred on the edge) or the line (lines); 0 = none
    float glowPx = 0.0f;        // soft falloff around the line; 0 = none
    bool dashed = false;        // dashes along the line (period dashPx)
    bool animatedDash = false;  // dashes march with the animation time
    // Cross-hatching's second colour (e.g. the other faction in contested areas); the dark casing of lines.
    glm::vec4 secondColour{0.08f, 0.07f, 0.09f, 0.8f};
    float shadowPx = 0.0f;  // areas: soft drop shadow offset down-right by this much (arrows); 0 = none
    // Additions to the brief's fields, with neutral defaults:
    glm::vec4 lineColour{0, 0, 0, 0};  // the line's colour; alpha 0 = use `colour`
    float casingPx = 0.0f;             // lines: dark casing (secondColour) on each side of the core
    float dashPx = 16.0f;              // dash period (on + off)
    float hatchPx = 9.0f;              // hatching period

    // The story's statuses, broadcast-legible:
    // confirmed: solid fill and a solid front line with a soft glow.
    static OverlayStyle confirmed(glm::vec4 colour);
    // claimed but unconfirmed: a lighter fill with diagonal hatching and a dashed front line.
    static OverlayStyle claimed(glm::vec4 colour);
    // contested: stripes alternating both factions' colours, a dashed line in the first.
    static OverlayStyle contested(glm::vec4 colour, glm::vec4 other);
    // a route (Line layer): a coloured core on a dark casing, optionally dashed.
    static OverlayStyle route(glm::vec4 colour, float widthPx = 4.0f, bool dashed = false);
    // an international border (Line layer): a light core on a dark casing.
    static OverlayStyle border(glm::vec4 colour = {0.98f, 0.93f, 0.82f, 1.0f});
    // an advance arrow (Area layer, the outline from story/arrow_geometry.h): opaque fill, light outline, soft shadow.
    static OverlayStyle arrow(glm::vec4 colour);

    bool operator==(const OverlayStyle&) const = default;
};

// An sRGB colour (straight alpha) to linear RGB with the same alpha, as the shaders blend.
glm::vec4 linearColour(glm::vec4 srgb);

}  // namespace fl::render
