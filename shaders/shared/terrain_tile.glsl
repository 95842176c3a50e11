// Shared GLSL for streamed terrain tiles: the page array and how a tile's pages are addressed.
#ifndef FRONTLINE_TERRAIN_TILE_GLSL
#define FRONTLINE_TERRAIN_TILE_GLSL

// Pages are 258x258 heights (metres above MSL): the tile's 256x256 samples plus a one-sample border
// from its neighbours (engine/terrain/tile_page.h). Sample i of the tile is centred at (i + 0.5) / 256
// of the tile, i.e. at page texel coordinate 256 * f + 1 for tile fraction f.
layout(set = 1, binding = 0) uniform sampler2DArray pages;

const float kTileSamples = 256.0;
const float kPageSamples = 258.0;

// Page texel coordinate (continuous, texel centres at k + 0.5) of tile fraction `f` of the page's tile.
vec2 pageCoord(vec2 f) {
    return f * kTileSamples + 1.0;
}

#endif
