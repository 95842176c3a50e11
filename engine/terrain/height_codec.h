// terrain/height_codec.h — elevation tiles stored as RGB PNGs.
// Owns: HeightEncoding (Terrarium, Mapbox Terrain-RGB; always named explicitly, never guessed), HeightTile,
// decoding PNG bytes to heights with a plausibility check, and deterministic Terrarium PNG encoding.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace fl::terrain {

// How heights are packed into R, G, B (8 bits each):
//   Terrarium:        h = (R * 256 + G + B / 256) - 32768          (1/256 m steps, -32768 .. 32768 m)
//   MapboxTerrainRgb: h = -10000 + (R * 65536 + G * 256 + B) * 0.1  (0.1 m steps)
// Both decode any pixel to some height, so a tile read with the wrong one is only caught by plausibility.
enum class HeightEncoding { Terrarium, MapboxTerrainRgb };

// "terrarium", or "terrain-rgb" / "mapbox" / "mapbox-terrain-rgb" (case-insensitive).
Result<HeightEncoding> parseEncoding(std::string_view text);
std::string_view encodingName(HeightEncoding encoding);  // "terrarium" / "terrain-rgb"

struct HeightTile {
    int width = 256, height = 256;
    std::vector<float> heights;  // row-major, row 0 = north, metres; NaN = nodata (alpha 0 in the PNG)
};

struct HeightDecodeOptions {
    // Decoded heights are plausible inside [minPlausible, maxPlausible]: Dead Sea shore to above Everest with
    // margin. Outside it a tile is almost certainly read with the wrong encoding.
    float minPlausible = -500.0f, maxPlausible = 9000.0f;
    // Fraction of valid samples allowed outside that range before the tile is rejected. Small, so real
    // tiles with a few spikes or bathymetry-free ocean artefacts still load.
    double maxImplausibleFraction = 0.01;
};

// Decodes a 256x256 or 512x512 PNG (8-bit grey/RGB/RGBA/palette; alpha 0 = nodata) into metres. Errors
// name `sourceName`: corrupt or truncated PNG, 16-bit samples, other sizes, and implausible heights
// ("heights out of range for terrarium (min .., max ..): wrong --encoding?").
Result<HeightTile> decodeHeightPng(std::span<const uint8_t> png, HeightEncoding encoding, std::string_view sourceName,
                                   const HeightDecodeOptions& options = {});

// Terrarium PNG, heights rounded to the nearest 1/256 m and clamped to the encodable range. RGB, or RGBA
// with alpha 0 for NaN samples when there are any. Bytes depend only on the heights (fixed zlib level,
// filter and strategy, no time or colour chunks), so re-encoding the same tile gives identical files.
Result<std::vector<uint8_t>> encodeTerrariumPng(const HeightTile& tile);

// Tile sides the codec accepts: square, 256 or 512 pixels.
bool isSupportedTileSize(int width, int height);

}  // namespace fl::terrain
