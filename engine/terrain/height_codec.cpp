#include "terrain/height_codec.h"

#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

namespace fl::terrain {

namespace {

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

uint32_t readBe32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

bool isColourChunk(const uint8_t* type) {
    return std::memcmp(type, "gAMA", 4) == 0 || std::memcmp(type, "cHRM", 4) == 0 ||
           std::memcmp(type, "sRGB", 4) == 0 || std::memcmp(type, "iCCP", 4) == 0;
}

// Height tiles are data, not colour, but libpng's simplified reader honours gAMA/iCCP and would "correct"
// the bytes of a tile written with, say, gAMA 1.0. Dropping the colour-management chunks makes it pass the
// samples through unchanged. Returns empty when nothing needs dropping (or the chunk walk fails, in which case
// libpng reports the damage itself).
std::vector<uint8_t> withoutColourChunks(std::span<const uint8_t> png) {
    size_t pos = sizeof kPngSignature;
    bool found = false;
    while (pos + 12 <= png.size()) {
        const uint64_t length = readBe32(&png[pos]);
        if (length > png.size() - pos - 12) return {};
        if (isColourChunk(&png[pos + 4])) found = true;
        if (std::memcmp(&png[pos + 4], "IEND", 4) == 0) break;
        pos += 12 + length;
    }
    if (!found) return {};
    std::vector<uint8_t> out(png.begin(), png.begin() + sizeof kPngSignature);
    out.reserve(png.size());
    pos = sizeof kPngSignature;
    while (pos + 12 <= png.size()) {  // the same walk, now known to stay inside the buffer up to IEND
        const size_t chunkSize = 12 + size_t(readBe32(&png[pos]));
        const bool last = std::memcmp(&png[pos + 4], "IEND", 4) == 0;
        if (!isColourChunk(&png[pos + 4])) out.insert(out.end(), png.begin() + pos, png.begin() + pos + chunkSize);
        pos += chunkSize;
        if (last) break;
    }
    out.insert(out.end(), png.begin() + pos, png.end());  // whatever follows (garbage after IEND, a torn chunk)
    return out;
}

std::string describeRange(HeightEncoding encoding, float minH, float maxH) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "heights out of range for %s (min %.1f, max %.1f): wrong --encoding?",
                  std::string(encodingName(encoding)).c_str(), double(minH), double(maxH));
    return buf;
}

// --- PNG writing through libpng's full API (the simplified writer adds colour chunks and picks its own
// zlib settings). libpng reports errors by longjmp, so everything between setjmp and the end of writePng
// is trivially destructible; the output vector lives in the caller.

struct PngErrorBuffer {
    char message[192] = {};
};

void onPngError(png_structp png, png_const_charp message) {
    auto* err = static_cast<PngErrorBuffer*>(png_get_error_ptr(png));
    std::snprintf(err->message, sizeof err->message, "%s", message ? message : "unknown libpng error");
    png_longjmp(png, 1);
}

void onPngWarning(png_structp, png_const_charp) {}

void appendToVector(png_structp png, png_bytep data, size_t length) {
    auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + length);
}

void flushNothing(png_structp) {}

bool writePng(std::vector<uint8_t>* out, const uint8_t* pixels, int width, int height, int channels,
              PngErrorBuffer* err) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, onPngError, onPngWarning);
    if (!png) {
        std::snprintf(err->message, sizeof err->message, "cannot create libpng writer");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        std::snprintf(err->message, sizeof err->message, "cannot create libpng info");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, out, appendToVector, flushNothing);
    // Fixed settings so the bytes depend only on the pixels (and the zlib version): zlib's default level
    // 6 (level 9 made the pyramid build 3x slower for ~3 % smaller tiles; synthesized detail is
    // high-entropy in the 1/256 m channel either way), libpng's adaptive per-row filter choice, which is
    // itself deterministic.
    png_set_compression_level(png, 6);
    png_set_compression_mem_level(png, 8);
    png_set_compression_window_bits(png, 15);
    png_set_compression_strategy(png, Z_FILTERED);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_ALL_FILTERS);
    png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8,
                 channels == 4 ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    const size_t stride = size_t(width) * size_t(channels);
    for (int row = 0; row < height; ++row) png_write_row(png, pixels + size_t(row) * stride);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

}  // namespace

Result<HeightEncoding> parseEncoding(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "terrarium") return HeightEncoding::Terrarium;
    if (lower == "terrain-rgb" || lower == "mapbox" || lower == "mapbox-terrain-rgb" || lower == "terrainrgb")
        return HeightEncoding::MapboxTerrainRgb;
    return Error{"unknown height encoding '" + std::string(text) + "' (expected terrarium or terrain-rgb)"};
}

std::string_view encodingName(HeightEncoding encoding) {
    switch (encoding) {
        case HeightEncoding::Terrarium:
            return "terrarium";
        case HeightEncoding::MapboxTerrainRgb:
            return "terrain-rgb";
    }
    return "unknown";
}

bool isSupportedTileSize(int width, int height) {
    return width == height && (width == 256 || width == 512);
}

Result<HeightTile> decodeHeightPng(std::span<const uint8_t> png, HeightEncoding encoding, std::string_view sourceName,
                                   const HeightDecodeOptions& options) {
    const std::string name(sourceName);
    if (png.size() < sizeof kPngSignature || std::memcmp(png.data(), kPngSignature, sizeof kPngSignature) != 0)
        return Error::inFile(name, "not a PNG (" + std::to_string(png.size()) + " bytes, no PNG signature)");

    const std::vector<uint8_t> cleaned = withoutColourChunks(png);
    if (!cleaned.empty()) png = cleaned;

    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, png.data(), png.size()))
        return Error::inFile(name, std::string("unreadable PNG: ") + image.message);
    if (image.format & PNG_FORMAT_FLAG_LINEAR) {
        // libpng would convert 16-bit samples as linear light; no height encoding uses 16-bit PNGs.
        png_image_free(&image);
        return Error::inFile(name, "16-bit PNG; height tiles are 8 bits per channel");
    }
    if (!isSupportedTileSize(int(std::min<png_uint_32>(image.width, 1u << 20)),
                             int(std::min<png_uint_32>(image.height, 1u << 20)))) {
        const std::string size = std::to_string(image.width) + "x" + std::to_string(image.height);
        png_image_free(&image);
        return Error::inFile(name, "tile is " + size + " pixels; height tiles must be 256x256 or 512x512");
    }

    HeightTile tile;
    tile.width = int(image.width);
    tile.height = int(image.height);
    // RGBA output: no compositing onto a background (which would touch the colours), alpha kept for nodata.
    image.format = PNG_FORMAT_RGBA;
    std::vector<uint8_t> rgba(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, rgba.data(), 0, nullptr))
        return Error::inFile(name, std::string("corrupt PNG: ") + image.message);

    const size_t count = size_t(tile.width) * size_t(tile.height);
    tile.heights.resize(count);
    float minH = std::numeric_limits<float>::infinity(), maxH = -minH;
    size_t valid = 0, implausible = 0;
    for (size_t i = 0; i < count; ++i) {
        const uint8_t* p = &rgba[i * 4];
        if (p[3] == 0) {
            tile.heights[i] = std::numeric_limits<float>::quiet_NaN();
            continue;
        }
        double h;
        if (encoding == HeightEncoding::Terrarium)
            h = (p[0] * 256.0 + p[1] + p[2] / 256.0) - 32768.0;
        else
            h = -10000.0 + (p[0] * 65536.0 + p[1] * 256.0 + p[2]) * 0.1;
        const float f = float(h);
        tile.heights[i] = f;
        ++valid;
        minH = std::min(minH, f);
        maxH = std::max(maxH, f);
        if (f < options.minPlausible || f > options.maxPlausible) ++implausible;
    }
    if (valid > 0 && double(implausible) > options.maxImplausibleFraction * double(valid))
        return Error::inFile(name, describeRange(encoding, minH, maxH));
    return tile;
}

Result<std::vector<uint8_t>> encodeTerrariumPng(const HeightTile& tile) {
    if (!isSupportedTileSize(tile.width, tile.height))
        return Error{"terrarium encode: tile is " + std::to_string(tile.width) + "x" + std::to_string(tile.height) +
                     " pixels; height tiles must be 256x256 or 512x512"};
    const size_t count = size_t(tile.width) * size_t(tile.height);
    if (tile.heights.size() != count)
        return Error{"terrarium encode: " + std::to_string(tile.heights.size()) + " heights for a " +
                     std::to_string(tile.width) + "x" + std::to_string(tile.height) + " tile"};

    const bool hasNodata = std::any_of(tile.heights.begin(), tile.heights.end(), [](float h) { return std::isnan(h); });
    const int channels = hasNodata ? 4 : 3;
    std::vector<uint8_t> pixels(count * size_t(channels), 0);
    constexpr double kMaxCode = double((1 << 24) - 1);
    for (size_t i = 0; i < count; ++i) {
        uint8_t* p = &pixels[i * size_t(channels)];
        const float h = tile.heights[i];
        if (std::isnan(h)) continue;  // RGBA 0,0,0,0
        // Round to the nearest 1/256 m; clamp first so infinities and out-of-range heights stay defined.
        const double code = std::clamp(std::round((double(h) + 32768.0) * 256.0), 0.0, kMaxCode);
        const uint32_t q = uint32_t(code);
        p[0] = uint8_t(q >> 16);
        p[1] = uint8_t(q >> 8);
        p[2] = uint8_t(q);
        if (channels == 4) p[3] = 255;
    }

    std::vector<uint8_t> out;
    out.reserve(count);
    PngErrorBuffer err;
    if (!writePng(&out, pixels.data(), tile.width, tile.height, channels, &err))
        return Error{std::string("terrarium encode: ") + err.message};
    return out;
}

}  // namespace fl::terrain
