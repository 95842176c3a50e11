#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"
#include "shared/area_paint.glsl"
#include "shared/terrain_shading.glsl"

layout(set = 0, binding = 1) uniform sampler2D glyphAtlas;

layout(location = 0) in vec2 inUv;
layout(location = 1) in vec4 inColor;
layout(location = 2) in vec4 inHalo;
layout(location = 3) in vec4 inParams;
layout(location = 4) in vec4 inStyle;
layout(location = 0) out vec4 outColor;

// Legend swatch: the map's own area paint (area_paint.glsl) over flat ground, lit as the terrain shader lights
// flat ground, so it shows what the map draws. uv: px inside the swatch, params.yz its size, params.w the
// pattern; colour: the style's colour (linear) and fill opacity; halo: its second colour and strength;
// style: x front-line width px, y hatch period px, z ground height (m), w dash period px (0 solid).
vec4 swatch() {
    vec2 p = inUv, size = inParams.yz;
    AreaPaint paint = AreaPaint(inColor.rgb, inHalo.rgb, inHalo.a, inColor.a, uint(inParams.w + 0.5));
    // The map's stripes run along x + y in Mercator (v south): on the screen of a north-up map, x + y in px.
    float period = inStyle.y * 1.41421356, u = p.x + p.y;
    float aa = 2.0 / period;
    vec3 c = paintAreaFill(srgbToLinear(reliefColor(inStyle.z)), paint, 1.0, stripeCoverage(u, period, 0.0, aa),
                           stripeCoverage(u, period, 0.5, aa));
    // The front line along the swatch's edge as along an area's (half of the centred line falls inside).
    float edge = min(min(p.x, size.x - p.x), min(p.y, size.y - p.y));
    float line = clamp(max(1.0, 0.5 * inStyle.x) + 0.5 - edge, 0.0, 1.0);
    if (inStyle.w > 0.0) {
        float ph = fract((p.x + p.y) / inStyle.w);
        line *= clamp(min(ph, 0.6 - ph) * inStyle.w + 0.5, 0.0, 1.0);
    }
    c = ovOver(c, paint.colour, line);
    c *= frame.light.z + frame.light.x;  // shadeTerrainAlbedo on flat ground (no hillshade, full sky)
    return vec4(linearToSrgb(c), 1.0);
}

void main() {
    int kind = int(inParams.x + 0.5);
    vec4 c;
    if (kind == 3) {
        c = swatch();
    } else {
        // Signed distance to the shape's outline in output pixels, positive inside: glyphs read it from the
        // SDF atlas (0.5 = outline, scaled by params.z px per unit); discs compute it from the centre (z =
        // radius); bars (leader lines, panels) from the centre line (uv.x = px across, z = half width).
        float d = kind == 0 ? (texture(glyphAtlas, inUv).r - 0.5) * inParams.z
                : kind == 1 ? inParams.z - length(inUv)
                            : inParams.z - abs(inUv.x);
        float fill = clamp(d + 0.5, 0.0, 1.0);
        float halo = clamp(d + inParams.y + 0.5, 0.0, 1.0);
        c = mix(inHalo * halo, inColor, fill);
    }
    if (c.a <= 0.0) discard;
    outColor = c;
}
