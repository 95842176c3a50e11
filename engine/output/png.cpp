#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "core/atomic_file.h"
#include "output/image.h"

namespace fl::output {

namespace {

void appendToVector(png_structp png, png_bytep data, png_size_t length) {
    auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + length);
}

void flushNothing(png_structp) {}

// Encodes in memory: the file is then written whole and renamed (core/atomic_file.h), so a render killed while
// encoding or writing leaves the previous PNG whole instead of truncated.
// `rows`: big-endian samples of `bitDepth` (8 or 16) bits, RGBA, rows top first.
Result<std::vector<uint8_t>> encodeRows(int width, int height, int bitDepth, const std::vector<uint8_t>& rows) {
    std::vector<uint8_t> out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        return Error{"cannot initialise libpng"};
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return Error{"cannot encode the PNG"};
    }
    png_set_write_fn(png, &out, appendToVector, flushNothing);
    // Fast compression: the recorder writes many frames; size matters less than time.
    png_set_compression_level(png, 3);
    png_set_IHDR(png, info, width, height, bitDepth, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_sRGB_gAMA_and_cHRM(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_write_info(png, info);
    const size_t stride = static_cast<size_t>(width) * 4 * (bitDepth / 8);
    for (int y = 0; y < height; ++y) png_write_row(png, const_cast<png_bytep>(rows.data() + y * stride));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

Result<std::vector<uint8_t>> encodePng(const ImageRgba8& image) {
    return encodeRows(image.width, image.height, 8, image.pixels);
}

}  // namespace

uint16_t toUnorm16(float v) {
    return uint16_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 65535.0f));
}

Status writePng16(const std::string& path, const ImageRgbaF& image) {
    std::vector<uint8_t> rows(image.pixels.size() * 2);
    for (size_t i = 0; i < image.pixels.size(); ++i) {
        const uint16_t v = toUnorm16(image.pixels[i]);
        rows[2 * i] = uint8_t(v >> 8);
        rows[2 * i + 1] = uint8_t(v & 0xff);
    }
    auto bytes = encodeRows(image.width, image.height, 16, rows);
    if (!bytes) return Error::inFile(path, bytes.error().message);
    return writeFileAtomically(path, std::span<const uint8_t>(*bytes));
}

Result<ImageRgba16> readPng16(const std::string& path) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) return Error::inFile(path, "cannot open");
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, nullptr);
        return Error{"cannot initialise libpng"};
    }
    ImageRgba16 out;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        return Error::inFile(path, "not a readable PNG");
    }
    png_init_io(png, file.get());
    png_read_info(png, info);
    if (png_get_bit_depth(png, info) != 16 || png_get_color_type(png, info) != PNG_COLOR_TYPE_RGBA) {
        png_destroy_read_struct(&png, &info, nullptr);
        return Error::inFile(path, "not a 16-bit RGBA PNG");
    }
    out.width = int(png_get_image_width(png, info));
    out.height = int(png_get_image_height(png, info));
    std::vector<uint8_t> row(size_t(out.width) * 8);
    out.pixels.reserve(size_t(out.width) * out.height * 4);
    for (int y = 0; y < out.height; ++y) {
        png_read_row(png, row.data(), nullptr);
        for (size_t i = 0; i < row.size(); i += 2) out.pixels.push_back(uint16_t(row[i] << 8 | row[i + 1]));
    }
    png_destroy_read_struct(&png, &info, nullptr);
    return out;
}

Status writePng(const std::string& path, const ImageRgba8& image) {
    auto bytes = encodePng(image);
    if (!bytes) return Error::inFile(path, bytes.error().message);
    return writeFileAtomically(path, std::span<const uint8_t>(*bytes));
}

Result<ImageRgba8> readPng(const std::string& path) {
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path.c_str()))
        return Error::inFile(path, std::string("not a readable PNG (") + img.message + ")");
    img.format = PNG_FORMAT_RGBA;
    ImageRgba8 out;
    out.width = static_cast<int>(img.width);
    out.height = static_cast<int>(img.height);
    out.pixels.resize(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, nullptr, out.pixels.data(), 0, nullptr)) {
        png_image_free(&img);
        return Error::inFile(path, std::string("corrupt PNG (") + img.message + ")");
    }
    return out;
}

ImageDiff compareImages(const ImageRgba8& a, const ImageRgba8& b, int pixelThreshold) {
    ImageDiff d;
    d.sameSize = a.width == b.width && a.height == b.height && a.pixels.size() == b.pixels.size();
    if (!d.sameSize || a.pixels.empty()) return d;
    uint64_t sum = 0, over = 0;
    const size_t n = a.pixels.size() / 4;
    for (size_t i = 0; i < n; ++i) {
        int worst = 0;
        for (int c = 0; c < 3; ++c) {
            const int diff = std::abs(int(a.pixels[i * 4 + c]) - int(b.pixels[i * 4 + c]));
            sum += diff;
            worst = std::max(worst, diff);
        }
        d.maxDiff = std::max(d.maxDiff, worst);
        if (worst > pixelThreshold) ++over;
    }
    d.meanAbsDiff = static_cast<double>(sum) / (n * 3.0);
    d.fractionOver = static_cast<double>(over) / n;
    return d;
}

}  // namespace fl::output
