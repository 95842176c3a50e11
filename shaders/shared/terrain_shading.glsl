// Shared GLSL: how terrain is coloured and lit, for the DEM grid and the streamed tiles alike.
#ifndef FRONTLINE_TERRAIN_SHADING_GLSL
#define FRONTLINE_TERRAIN_SHADING_GLSL

// Colour relief for arid terrain (sRGB stops, metres above sea level): irrigated lowland green,
// desert sand, ochre foothills, brown ranges, grey rock, snow. Tuned for the Kandahar region.
const int kStops = 9;
const float kStopHeights[kStops] = float[](0.0, 300.0, 700.0, 1100.0, 1500.0, 2000.0, 2700.0, 3500.0, 4500.0);
const vec3 kStopColors[kStops] = vec3[](
    vec3(0.40, 0.52, 0.36), vec3(0.62, 0.64, 0.45), vec3(0.80, 0.76, 0.58), vec3(0.87, 0.80, 0.63),
    vec3(0.79, 0.67, 0.49), vec3(0.67, 0.54, 0.42), vec3(0.56, 0.49, 0.44), vec3(0.71, 0.69, 0.67),
    vec3(0.96, 0.96, 0.97));

vec3 reliefColor(float h) {
    if (h <= kStopHeights[0]) return kStopColors[0];
    for (int i = 1; i < kStops; ++i) {
        if (h < kStopHeights[i]) {
            float t = (h - kStopHeights[i - 1]) / (kStopHeights[i] - kStopHeights[i - 1]);
            return mix(kStopColors[i - 1], kStopColors[i], smoothstep(0.0, 1.0, t));
        }
    }
    return kStopColors[kStops - 1];
}

// `gradient`: d(height)/d(ground distance) as a tangent vector (scene frame), `heightMsl` in metres.
// `sampleSize`: ground size (m) of one height sample. The cartographic z-factor (light.w) restores the
// slopes a coarse grid smooths away: full strength at 2.5 km samples, none at 30 m and finer, log-scaled in
// between, so streamed detail is not over-sharpened while the 90" overview keeps legible relief.
float reliefZFactor(float sampleSize) {
    float t = clamp(log2(max(sampleSize, 1.0) / 30.0) / log2(2500.0 / 30.0), 0.0, 1.0);
    return 1.0 + (frame.light.w - 1.0) * t;
}

// `albedo`: linear; shadeTerrain's is the colour relief, overlays (overlay_shading.glsl) change it first.
vec4 shadeTerrainAlbedo(vec3 relPos, vec3 upIn, vec3 gradient, float heightMsl, float sampleSize, vec3 albedo) {
    vec3 up = normalize(upIn);
    // The normal of the exaggerated surface, tilted further by the z-factor for the data's resolution.
    vec3 n = normalize(up - frame.params.x * reliefZFactor(sampleSize) * gradient);
    float lambert = max(dot(n, frame.sunDir.xyz), 0.0);
    // Hillshade relative to flat ground, so flat plains keep their colour and slopes read as relief.
    float flatLit = max(dot(up, frame.sunDir.xyz), 0.05);
    float shade = mix(1.0, lambert / flatLit, frame.light.y);
    float sky = 0.5 + 0.5 * dot(n, up);  // hemispheric fill from the sky
    vec3 color = albedo * (frame.light.z * clamp(shade, 0.0, 1.6) + frame.light.x * sky);
    color = applyHaze(color, length(relPos), heightMsl);
    return vec4(linearToSrgb(color), 1.0);
}

vec4 shadeTerrain(vec3 relPos, vec3 upIn, vec3 gradient, float heightMsl, float sampleSize) {
    return shadeTerrainAlbedo(relPos, upIn, gradient, heightMsl, sampleSize, srgbToLinear(reliefColor(heightMsl)));
}

#endif
