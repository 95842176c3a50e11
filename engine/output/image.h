// output/image.h — frames on the CPU and the files they become.
// Owns: the RGBA8 frame type, PNG encode/decode (libpng), and image comparison for golden tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace fl::output {

struct ImageRgba8 {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;  // row-major, top row first, RGBA, sRGB-encoded

    const uint8_t* at(int x, int y) const { return &pixels[(static_cast<size_t>(y) * width + x) * 4]; }
};

// A float frame (the RGBA16F target: the recorder's EXR path). Values as the shaders wrote them: sRGB-encoded
// colour, straight alpha, not clamped to 8 bits.
struct ImageRgbaF {
    int width = 0, height = 0;
    std::vector<float> pixels;  // row-major, top row first, RGBA

    const float* at(int x, int y) const { return &pixels[(static_cast<size_t>(y) * width + x) * 4]; }
};
// Rounds to 8 bits per channel (clamped to 0..1), as an 8-bit target stores the same values.
ImageRgba8 quantize(const ImageRgbaF& image);

// Writes an 8-bit RGBA PNG (alpha kept: future key/fill output relies on it). Creates no directories.
Status writePng(const std::string& path, const ImageRgba8& image);
// 16 bits per channel from a float frame (clamped to 0..1, rounded): the recorder's `png16`. Straight alpha, as
// PNG defines it. Atomic like writePng.
Status writePng16(const std::string& path, const ImageRgbaF& image);
uint16_t toUnorm16(float v);
struct ImageRgba16 {
    int width = 0, height = 0;
    std::vector<uint16_t> pixels;  // RGBA
};
// A 16-bit RGBA PNG as stored (no conversion); anything else is an error naming the file.
Result<ImageRgba16> readPng16(const std::string& path);
// Reads any PNG libpng understands, converted to 8-bit RGBA; errors name the file.
Result<ImageRgba8> readPng(const std::string& path);

struct ImageDiff {
    double meanAbsDiff = 0;   // mean over all RGB channels, 0..255
    double fractionOver = 0;  // fraction of pixels whose largest channel difference exceeds the threshold
    int maxDiff = 0;          // largest channel difference
    bool sameSize = false;
};
ImageDiff compareImages(const ImageRgba8& a, const ImageRgba8& b, int pixelThreshold);

}  // namespace fl::output
