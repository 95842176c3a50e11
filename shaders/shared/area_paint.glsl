// Shared GLSL: how an area style paints the ground: the fill pattern over the ground's albedo. The map
// (overlay_shading.glsl) and the legend swatches (overlay.frag) both call it, so a swatch shows exactly
// what the map draws for that style: the legend cannot drift from the map.
#ifndef FRONTLINE_AREA_PAINT_GLSL
#define FRONTLINE_AREA_PAINT_GLSL

// A style's paint (OverlayStyle in render/overlay_field.h), colours linear.
struct AreaPaint {
    vec3 colour;        // the faction's colour
    vec3 second;        // contested: the other faction's colour
    float secondAlpha;  // its strength
    float fillOpacity;  // solid: the fill's strength; hatched: the stripes'
    uint pattern;       // 0 solid, 1 hatched, 2 two-colour stripes (contested), 3 none
};

vec3 ovOver(vec3 base, vec3 c, float a) {
    return mix(base, c, clamp(a, 0.0, 1.0));
}

// Coverage of an anti-aliased stripe 35 % of a period wide, centred where fract(u / period + phase) is 0.5.
// `aa`: the change of u across a pixel, in periods.
float stripeCoverage(float u, float period, float phase, float aa) {
    float dist = abs(fract(u / period + phase) - 0.5);
    return clamp((0.175 - dist) / max(aa, 1e-6) + 0.5, 0.0, 1.0);
}

// The fill of an area over `base` (linear) where `inside` (0..1) of the pixel is in the area. `sA`, `sB`: the
// coverage of the stripes in the faction's colour and, half a period away, in the other's.
// Contested alternates the two factions' colours stripe by stripe, so both are seen at any size, with
// relief visible between them; claimed has the faction's stripes only, over a faint tint.
vec3 paintAreaFill(vec3 base, AreaPaint p, float inside, float sA, float sB) {
    vec3 result = base;
    if (p.pattern == 0u) {
        result = ovOver(result, p.colour, inside * p.fillOpacity);
    } else if (p.pattern == 1u) {
        result = ovOver(result, p.colour, inside * 0.18);
        result = ovOver(result, p.colour, inside * p.fillOpacity * sA);
    } else if (p.pattern == 2u) {
        result = ovOver(result, mix(p.colour, p.second, 0.5), inside * 0.10);
        result = ovOver(result, p.second, inside * p.fillOpacity * sB * p.secondAlpha);
        result = ovOver(result, p.colour, inside * p.fillOpacity * sA);
    }
    return result;
}

#endif
