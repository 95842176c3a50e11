// Shared GLSL: overlay fields draped in the terrain's shading (render/overlay_field.h). Called with the
// fragment's Web Mercator position relative to the camera and the terrain's albedo (linear) before lighting,
// so overlays are lit and hazed like the ground and follow it under any exaggeration.
//
// Sizes: style sizes are px at 1080 output lines, scaled by the output height (never below 1 px). Distances
// are converted to px with the Mercator footprint of the pixel (Mercator is conformal, so one scale serves
// every direction). Hatching is ground-anchored (it does not swim when the camera moves) at a px-stable
// period: the ground period is the power of two nearest the wanted px period, cross-faded to the next one,
// like a texture's mip levels.
#ifndef FRONTLINE_OVERLAY_SHADING_GLSL
#define FRONTLINE_OVERLAY_SHADING_GLSL

#include "shared/area_paint.glsl"
#include "shared/overlay_block.glsl"
layout(set = 1, binding = 12) uniform sampler2DArray overlayField;  // R32F, texels of each cascade

const int kOvCascades = FRONTLINE_OVERLAY_CASCADES;

// Bilinear distance (texels) of field layer f at texel position p (centres at k + 0.5), exact texel
// fetches; +band outside the rect that was computed (every texel there is at least band away, outside).
float ovSample(uint f, vec2 p) {
    uvec4 r = overlay.rects[f];
    if (r.z <= r.x || p.x < float(r.x) + 1.0 || p.y < float(r.y) + 1.0 || p.x > float(r.z) - 1.0 ||
        p.y > float(r.w) - 1.0)
        return overlay.field.y;
    vec2 q = p - 0.5;
    ivec2 i = ivec2(floor(q));
    vec2 t = q - vec2(i);
    int l = int(f);
    float a = texelFetch(overlayField, ivec3(i, l), 0).r;
    float b = texelFetch(overlayField, ivec3(i + ivec2(1, 0), l), 0).r;
    float c = texelFetch(overlayField, ivec3(i + ivec2(0, 1), l), 0).r;
    float d = texelFetch(overlayField, ivec3(i + ivec2(1, 1), l), 0).r;
    return mix(mix(a, b, t.x), mix(c, d, t.x), t.y);
}

bool ovInWindow(int c, vec2 m, out vec2 p) {
    vec4 cas = overlay.cascades[c];
    p = (m - cas.xy) * cas.w;
    float n = overlay.field.x;
    return cas.z > 0.0 && p.x >= 1.0 && p.y >= 1.0 && p.x <= n - 1.0 && p.y <= n - 1.0;
}

// The interpolated field of layer l in cascade c at camera-relative Mercator m, in Mercator units.
float ovAt(uint l, int c, vec2 m) {
    vec4 cas = overlay.cascades[c];
    vec2 p = (m - cas.xy) * cas.w;
    float w = overlay.layers[l].params.x;
    uint from = (l * 2u) * uint(kOvCascades) + uint(c);
    uint to = (l * 2u + overlay.layers[l].info.w) * uint(kOvCascades) + uint(c);
    float a = ovSample(from, p);
    float b = w > 0.0 ? ovSample(to, p) : a;
    // Both clamped at the band on opposite sides: their true blend is unknown, and blending the clamped
    // values would draw a false front across the whole region. Take the nearer keyframe's side instead
    // (the layer's cascade choice keeps this to views where no cascade's band spans the morph).
    float band = 0.99 * overlay.field.y;
    if (abs(a) >= band && abs(b) >= band && (a < 0.0) != (b < 0.0)) return (w < 0.5 ? a : b) * cas.z;
    return mix(a, b, w) * cas.z;
}

struct OvCascades {
    int c0, c1;
    float blend;  // towards c1, near c0's window border (hides the seam)
    bool valid;
};

// The finest cascade whose band covers the widest style at this pixel's footprint and whose window holds m.
OvCascades ovPick(vec2 m, float mercPerPx) {
    OvCascades k;
    k.c0 = -1;
    k.c1 = -1;
    k.blend = 0.0;
    float need = overlay.field.w * max(overlay.field.z, 1.0) * mercPerPx / overlay.field.y;
    vec2 p;
    for (int c = 0; c < kOvCascades; ++c) {
        if (overlay.cascades[c].z < need) continue;
        if (ovInWindow(c, m, p)) {
            k.c0 = c;
            break;
        }
    }
    k.valid = k.c0 >= 0;
    if (k.valid && k.c0 + 1 < kOvCascades) {
        float n = overlay.field.x;
        float edge = min(min(p.x, p.y), min(n - p.x, n - p.y)) - 1.0;
        vec2 p1;
        if (edge < 16.0 && ovInWindow(k.c0 + 1, m, p1)) {
            k.c1 = k.c0 + 1;
            k.blend = 1.0 - clamp(edge / 16.0, 0.0, 1.0);
        }
    }
    return k;
}

// Layer l's interpolated distance at m (Mercator units, negative inside areas) and the texel size there.
vec2 ovLayer(uint l, vec2 m, OvCascades k) {
    if (!k.valid) return vec2(1.0, 1.0);  // a whole world away: draws nothing
    float d = ovAt(l, k.c0, m);
    float texel = overlay.cascades[k.c0].z;
    if (k.c1 >= 0 && k.blend > 0.0) {
        d = mix(d, ovAt(l, k.c1, m), k.blend);
        texel = mix(texel, overlay.cascades[k.c1].z, k.blend);
    }
    return vec2(d, texel);
}

// Mercator units per px across the field's isolines, so widths and anti-aliasing hold in oblique views
// along and across the view: |J^T n| for the ground normal n of the isoline, J = d(Mercator)/d(px). The
// screen gradient g of a distance field is J^T grad, so n is along J^-T g: only g's direction is used, which
// stays right where its length does not (the rounded kink of a line's unsigned distance, the clamped band).
float ovPxScale(float d, mat2 J, mat2 invJt) {
    vec2 g = vec2(dFdx(d), dFdy(d));
    vec2 n = invJt * g;
    float gl = length(g), nl = length(n);
    return gl > 0.0 && nl > 0.0 ? gl / nl : sqrt(abs(determinant(J)));
}

// Anti-aliased stripes of ground coordinate u (Mercator), `duPx`: |du| per px; stripe width 35 %, shifted by
// `phase` periods.
float ovStripes(float u, float duPx, float periodPx, float mercPerPx, float phase) {
    // Ground period: power of two near periodPx pixels, cross-faded with the next one (px-stable).
    float lv = log2(max(periodPx * mercPerPx * 1.41421356, 1e-30));
    float p0 = exp2(floor(lv));
    float f = fract(lv);
    return (1.0 - f) * stripeCoverage(u, p0, phase, duPx / p0) + f * stripeCoverage(u, 2.0 * p0, phase, duPx / (2.0 * p0));
}

// Glow strength at `x` px beyond the line: soft, and zero at 2.5 glow widths (inside the band).
float ovGlow(float x, float glow) {
    float f = 1.0 - smoothstep(0.0, 2.5 * glow, max(x, 0.0));
    return f * f;
}

// The overlays over `albedo` (linear), at camera-relative Mercator position m (v south). `count` is the number
// of layers (overlay.anchor.w), passed in from a flat input rather than read here: lavapipe 22.3 inlines a
// uniform that steers a branch or loop into a new shader variant each time the buffer is rebound (every frame)
// and never frees it (~0.5 MB a frame; issue 12, finding 8).
vec3 applyOverlays(vec3 albedo, vec2 m, int count) {
    if (count == 0) return albedo;
    // Derivatives first, in uniform control flow.
    vec2 dx = dFdx(m), dy = dFdy(m);
    float mercPerPx = max(max(length(dx), length(dy)), 1e-20);
    vec2 mAbs = m + overlay.anchor.xy;  // Mercator modulo 2^-10: ground-fixed phase for patterns
    float scale = overlay.field.z;
    OvCascades k = ovPick(m, mercPerPx);
    float duDiag = abs(dx.x + dx.y) + abs(dy.x + dy.y);

    mat2 J = mat2(dx, dy);
    mat2 invJt = abs(determinant(J)) > 0.0 ? inverse(transpose(J)) : mat2(0.0);
    for (int li = 0; li < count; ++li) {
        uint l = uint(li);
        OverlayLayerGpu L = overlay.layers[l];
        // A morphing layer blends two distances, which is exact only where both are below the band: read it
        // from a cascade whose band reaches across the gap between the keyframes (coarser, while it morphs).
        OvCascades kl = k;
        if (L.morph.x > 0.0 && L.params.x > 0.0 && L.params.x < 1.0) {
            OvCascades wide = ovPick(m, mercPerPx + L.morph.x / (overlay.field.w * max(overlay.field.z, 1.0)));
            if (wide.valid) kl = wide;  // else the coarsest there is: a visible blend beats no layer
        }
        vec2 field = ovLayer(l, m, kl);
        float pxScale = max(ovPxScale(field.x, J, invJt), 1e-20);
        float d = field.x / pxScale;
        if (L.info.x == 1u) {
            // An unsigned distance has a kink on the line that bilinear filtering rounds off by up to half a
            // texel: where texels are larger than pixels (far away, in the coarse cover), thin lines would break into
            // beads. Widening by that (less the pixel the anti-aliasing spans) keeps them continuous.
            d = max(d - 0.5 * max(field.y / pxScale - 1.0, 0.0), 0.0);
        }
        // The line's direction on the ground, for dashes: across the distance gradient.
        vec2 g = vec2(dFdx(d), dFdy(d));
        vec2 tScreen = length(g) > 1e-6 ? normalize(vec2(-g.y, g.x)) : vec2(1.0, 0.0);
        vec2 tGround = dx * tScreen.x + dy * tScreen.y;
        float along = length(tGround);
        tGround = along > 1e-30 ? tGround / along : vec2(1.0, 0.0);
        float alongPx = dot(mAbs, tGround) / max(along, 1e-20);

        float lineW = L.sizes.x > 0.0 ? max(L.sizes.x * scale, 1.0) : 0.0;
        float glow = L.sizes.y > 0.0 ? max(L.sizes.y * scale, 1.0) : 0.0;
        float shadow = L.sizes.z > 0.0 ? max(L.sizes.z * scale, 1.0) : 0.0;
        float casing = L.sizes.w > 0.0 ? max(L.sizes.w * scale, 1.0) : 0.0;
        float dash = 1.0;
        if (L.params.z > 0.0) {
            float period = max(L.params.z * scale, 4.0);
            float ph = fract(alongPx / period - (L.info.z == 1u ? overlay.anchor.z * 0.8 : 0.0));
            dash = clamp(min(ph, 0.6 - ph) * period + 0.5, 0.0, 1.0);
        }
        float halfW = 0.5 * lineW;

        vec3 c = L.colour.rgb;
        vec3 result = albedo;
        if (L.info.x == 1u) {
            // Line: dark casing, then the core.
            float ad = abs(d);
            if (casing > 0.0) result = ovOver(result, L.second.rgb, clamp(halfW + casing + 0.5 - ad, 0.0, 1.0) * L.second.a);
            if (glow > 0.0) result = ovOver(result, L.lineColour.rgb, 0.45 * ovGlow(ad - halfW - casing, glow));
            result = ovOver(result, L.lineColour.rgb, clamp(halfW + 0.5 - ad, 0.0, 1.0) * L.lineColour.a * dash);
        } else {
            float inside = clamp(0.5 - d, 0.0, 1.0);
            if (shadow > 0.0) {
                // A soft drop shadow down-right: the shape's field sampled up-left by the offset.
                vec2 off = vec2(0.6, 0.8) * shadow;
                float ds = ovLayer(l, m - dx * off.x - dy * off.y, kl).x / pxScale;
                float sa = 0.5 * (1.0 - smoothstep(-0.5 * shadow, shadow, ds));
                result = ovOver(result, result * 0.2, sa * (1.0 - inside));
            }
            AreaPaint paint = AreaPaint(c, L.second.rgb, L.second.a, L.params.y, L.info.y);
            float sA = 0.0, sB = 0.0;
            float hatch = max(L.params.w * scale, 8.0);  // as every style size: px at 1080 lines (legible floor)
            if (paint.pattern == 1u || paint.pattern == 2u) sA = ovStripes(mAbs.x + mAbs.y, duDiag, hatch, mercPerPx, 0.0);
            if (paint.pattern == 2u) sB = ovStripes(mAbs.x + mAbs.y, duDiag, hatch, mercPerPx, 0.5);
            result = paintAreaFill(result, paint, inside, sA, sB);
            if (glow > 0.0) result = ovOver(result, L.lineColour.rgb, 0.5 * ovGlow(abs(d) - halfW, glow) * dash);
            if (lineW > 0.0) result = ovOver(result, L.lineColour.rgb, clamp(halfW + 0.5 - abs(d), 0.0, 1.0) * L.lineColour.a * dash);
        }
        albedo = mix(albedo, result, L.colour.a);
    }
    return albedo;
}

#endif
