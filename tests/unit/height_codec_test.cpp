// Height PNG codecs: Terrarium round trips, Terrain-RGB pixels decoded by hand, the encoding mix-up check, and
// damaged or unexpected PNGs. Test PNGs are assembled here chunk by chunk (zlib + CRC), independently of the
// engine's encoder, so odd variants (grey, 16-bit, gAMA, alpha) are easy to make.
#include <gtest/gtest.h>

#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "terrain/height_codec.h"

using fl::terrain::decodeHeightPng;
using fl::terrain::encodeTerrariumPng;
using fl::terrain::HeightEncoding;
using fl::terrain::HeightTile;

namespace {

struct Chunk {
    std::string type;
    std::vector<uint8_t> data;
};

void appendBe32(std::vector<uint8_t>& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

void appendChunk(std::vector<uint8_t>& out, const std::string& type, const std::vector<uint8_t>& data) {
    appendBe32(out, uint32_t(data.size()));
    const size_t start = out.size();
    out.insert(out.end(), type.begin(), type.end());
    out.insert(out.end(), data.begin(), data.end());
    appendBe32(out, uint32_t(crc32(0, out.data() + start, uInt(out.size() - start))));
}

// A non-interlaced PNG from raw samples (rows without filter bytes). colorType 0 grey, 2 RGB, 6 RGBA.
std::vector<uint8_t> makePng(int width, int height, int colorType, int bitDepth, const std::vector<uint8_t>& samples,
                             const std::vector<Chunk>& extra = {}) {
    const int channels = colorType == 0 ? 1 : colorType == 2 ? 3 : 4;
    const size_t rowBytes = size_t(width) * size_t(channels) * size_t(bitDepth / 8);
    EXPECT_EQ(samples.size(), rowBytes * size_t(height));
    std::vector<uint8_t> filtered;
    for (int y = 0; y < height; ++y) {
        filtered.push_back(0);
        filtered.insert(filtered.end(), samples.begin() + ptrdiff_t(y * rowBytes),
                        samples.begin() + ptrdiff_t((y + 1) * rowBytes));
    }
    uLongf zsize = compressBound(uLong(filtered.size()));
    std::vector<uint8_t> idat(zsize);
    EXPECT_EQ(compress2(idat.data(), &zsize, filtered.data(), uLong(filtered.size()), 6), Z_OK);
    idat.resize(zsize);

    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::vector<uint8_t> ihdr;
    appendBe32(ihdr, uint32_t(width));
    appendBe32(ihdr, uint32_t(height));
    ihdr.insert(ihdr.end(), {uint8_t(bitDepth), uint8_t(colorType), 0, 0, 0});
    appendChunk(png, "IHDR", ihdr);
    for (const Chunk& c : extra) appendChunk(png, c.type, c.data);
    appendChunk(png, "IDAT", idat);
    appendChunk(png, "IEND", {});
    return png;
}

struct Rgb {
    uint8_t r, g, b;
};

Rgb terrainRgbPixel(double h) {
    const uint32_t v = uint32_t(std::lround((h + 10000.0) * 10.0));
    return {uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

// Smooth terrain between about -300 m and 8700 m with fractional parts, like a real mountain tile.
float sampleHeight(int i, int j, int size) {
    return float(4200.0 + 4400.0 * std::sin(i * 0.05) * std::cos(j * 0.031) + (i * 7 + j * 13) % 256 / 256.0 +
                 0.1 * (i - size / 2));
}

std::vector<uint8_t> terrainRgbTile(int size) {
    std::vector<uint8_t> samples;
    for (int j = 0; j < size; ++j)
        for (int i = 0; i < size; ++i) {
            const Rgb p = terrainRgbPixel(sampleHeight(i, j, size));
            samples.insert(samples.end(), {p.r, p.g, p.b});
        }
    return makePng(size, size, 2, 8, samples);
}

HeightTile smoothTile(int size) {
    HeightTile tile;
    tile.width = tile.height = size;
    for (int j = 0; j < size; ++j)
        for (int i = 0; i < size; ++i) tile.heights.push_back(sampleHeight(i, j, size));
    return tile;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST(HeightCodec, ParsesEncodingNames) {
    EXPECT_EQ(*fl::terrain::parseEncoding("terrarium"), HeightEncoding::Terrarium);
    EXPECT_EQ(*fl::terrain::parseEncoding("Terrarium"), HeightEncoding::Terrarium);
    EXPECT_EQ(*fl::terrain::parseEncoding("terrain-rgb"), HeightEncoding::MapboxTerrainRgb);
    EXPECT_EQ(*fl::terrain::parseEncoding("mapbox"), HeightEncoding::MapboxTerrainRgb);
    auto bad = fl::terrain::parseEncoding("auto");
    ASSERT_FALSE(bad);
    EXPECT_TRUE(contains(bad.error().message, "'auto'"));
    EXPECT_EQ(fl::terrain::encodingName(HeightEncoding::Terrarium), "terrarium");
}

TEST(HeightCodec, TerrariumRoundTripWithinQuantisation) {
    for (int size : {256, 512}) {
        const HeightTile in = smoothTile(size);
        auto png = encodeTerrariumPng(in);
        ASSERT_TRUE(png) << png.error().message;
        auto out = decodeHeightPng(*png, HeightEncoding::Terrarium, "round.png");
        ASSERT_TRUE(out) << out.error().message;
        ASSERT_EQ(out->width, size);
        ASSERT_EQ(out->height, size);
        ASSERT_EQ(out->heights.size(), in.heights.size());
        double worst = 0;
        for (size_t k = 0; k < in.heights.size(); ++k)
            worst = std::max(worst, std::abs(double(out->heights[k]) - double(in.heights[k])));
        // Nearest 1/256 m, plus float rounding of the input heights themselves (~5e-4 m at 8000 m).
        EXPECT_LE(worst, 1.0 / 512 + 1e-3);
    }
}

TEST(HeightCodec, TerrariumEncodingIsDeterministicAndStable) {
    const HeightTile in = smoothTile(256);
    auto a = encodeTerrariumPng(in);
    auto b = encodeTerrariumPng(in);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    // Decoded heights sit exactly on the 1/256 m grid, so re-encoding them reproduces the file.
    auto decoded = decodeHeightPng(*a, HeightEncoding::Terrarium, "a.png");
    ASSERT_TRUE(decoded);
    auto c = encodeTerrariumPng(*decoded);
    ASSERT_TRUE(c);
    EXPECT_EQ(*a, *c);
}

TEST(HeightCodec, TerrariumKnownPixels) {
    HeightTile tile;
    tile.heights.assign(256 * 256, 0.0f);
    tile.heights[0] = 0.0f;       // 128, 0, 0
    tile.heights[1] = 1.5f;       // 128, 1, 128
    tile.heights[2] = -100.25f;   // 127, 155, 192
    tile.heights[3] = 1e9f;       // clamped to the top code
    tile.heights[4] = -INFINITY;  // clamped to 0, 0, 0
    auto png = encodeTerrariumPng(tile);
    ASSERT_TRUE(png);
    // Read the pixels back through Terrain-RGB-independent maths: decode and compare heights.
    fl::terrain::HeightDecodeOptions lenient;
    lenient.maxImplausibleFraction = 1.0;
    auto out = decodeHeightPng(*png, HeightEncoding::Terrarium, "known.png", lenient);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->heights[0], 0.0f);
    EXPECT_EQ(out->heights[1], 1.5f);
    EXPECT_EQ(out->heights[2], -100.25f);
    EXPECT_EQ(out->heights[3], 32768.0f - 1.0f / 256);
    EXPECT_EQ(out->heights[4], -32768.0f);
}

TEST(HeightCodec, TerrainRgbDecodesHandMadePixels) {
    std::vector<uint8_t> samples(256 * 256 * 3);
    for (size_t k = 0; k < samples.size(); k += 3) {  // background: 1000 m = 110000 = 1, 173, 176
        samples[k] = 1;
        samples[k + 1] = 173;
        samples[k + 2] = 176;
    }
    const Rgb special[] = {{1, 134, 160}, {2, 224, 73}, {1, 117, 160}, {0, 0, 0}};
    const float expected[] = {0.0f, 8848.9f, -435.2f, -10000.0f};
    for (int k = 0; k < 4; ++k) {
        samples[size_t(k) * 3] = special[k].r;
        samples[size_t(k) * 3 + 1] = special[k].g;
        samples[size_t(k) * 3 + 2] = special[k].b;
    }
    auto out = decodeHeightPng(makePng(256, 256, 2, 8, samples), HeightEncoding::MapboxTerrainRgb, "rgb.png");
    ASSERT_TRUE(out) << out.error().message;  // one implausible (0,0,0) pixel is within the tolerated fraction
    for (int k = 0; k < 4; ++k) EXPECT_NEAR(out->heights[size_t(k)], expected[k], 1e-3) << k;
    EXPECT_NEAR(out->heights[4], 1000.0f, 1e-3);
    EXPECT_NEAR(out->heights.back(), 1000.0f, 1e-3);
}

TEST(HeightCodec, TerrainRgbReadAsTerrariumIsReportedAsMixUp) {
    const auto png = terrainRgbTile(256);
    auto right = decodeHeightPng(png, HeightEncoding::MapboxTerrainRgb, "tiles/12/2803/1676.png");
    ASSERT_TRUE(right) << right.error().message;
    auto wrong = decodeHeightPng(png, HeightEncoding::Terrarium, "tiles/12/2803/1676.png");
    ASSERT_FALSE(wrong);
    const std::string& m = wrong.error().message;
    EXPECT_TRUE(contains(m, "tiles/12/2803/1676.png: ")) << m;
    EXPECT_TRUE(contains(m, "heights out of range for terrarium (min -3")) << m;
    EXPECT_TRUE(contains(m, "wrong --encoding?")) << m;
}

TEST(HeightCodec, TerrariumReadAsTerrainRgbIsReportedAsMixUp) {
    auto png = encodeTerrariumPng(smoothTile(256));
    ASSERT_TRUE(png);
    auto wrong = decodeHeightPng(*png, HeightEncoding::MapboxTerrainRgb, "t.png");
    ASSERT_FALSE(wrong);
    EXPECT_TRUE(contains(wrong.error().message, "heights out of range for terrain-rgb")) << wrong.error().message;
}

TEST(HeightCodec, PlausibleRangeIsAnOption) {
    HeightTile deep;
    deep.heights.assign(256 * 256, -4000.0f);  // ocean floor, as in bathymetric Terrarium sources
    auto png = encodeTerrariumPng(deep);
    ASSERT_TRUE(png);
    EXPECT_FALSE(decodeHeightPng(*png, HeightEncoding::Terrarium, "sea.png"));
    fl::terrain::HeightDecodeOptions options;
    options.minPlausible = -11000.0f;
    auto out = decodeHeightPng(*png, HeightEncoding::Terrarium, "sea.png", options);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->heights[100], -4000.0f);
}

TEST(HeightCodec, CorruptPngIsAnErrorNamingTheSource) {
    auto good = encodeTerrariumPng(smoothTile(256));
    ASSERT_TRUE(good);
    const std::vector<uint8_t> empty;
    const std::vector<uint8_t> junk = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    for (const auto* bytes : {&empty, &junk}) {
        auto r = decodeHeightPng(*bytes, HeightEncoding::Terrarium, "junk.png");
        ASSERT_FALSE(r);
        EXPECT_TRUE(contains(r.error().message, "junk.png: ")) << r.error().message;
    }
    // Cuts up to the end of the image data. (A torn IEND alone is accepted: every sample has been read.)
    for (size_t cut :
         {size_t(8), size_t(20), size_t(33), size_t(60), good->size() / 2, good->size() - 16, good->size() - 13}) {
        std::vector<uint8_t> truncated(good->begin(), good->begin() + ptrdiff_t(cut));
        auto r = decodeHeightPng(truncated, HeightEncoding::Terrarium, "cut.png");
        ASSERT_FALSE(r) << "cut at " << cut;
        EXPECT_TRUE(contains(r.error().message, "cut.png: ")) << r.error().message;
    }
    std::vector<uint8_t> flipped = *good;
    flipped[flipped.size() / 2] ^= 0x5a;  // inside IDAT: CRC mismatch on a critical chunk
    auto r = decodeHeightPng(flipped, HeightEncoding::Terrarium, "flip.png");
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error().message, "flip.png: ")) << r.error().message;
}

TEST(HeightCodec, WrongTileSizeIsAnError) {
    for (auto [w, h] : {std::pair{128, 128}, {256, 128}, {300, 300}, {1024, 1024}}) {
        std::vector<uint8_t> samples(size_t(w) * size_t(h) * 3, 0);
        for (size_t k = 0; k < samples.size(); k += 3) samples[k] = 128;  // Terrarium 0 m
        auto r = decodeHeightPng(makePng(w, h, 2, 8, samples), HeightEncoding::Terrarium, "odd.png");
        ASSERT_FALSE(r) << w << "x" << h;
        EXPECT_TRUE(contains(r.error().message, "odd.png: tile is " + std::to_string(w) + "x" + std::to_string(h)))
            << r.error().message;
    }
    HeightTile small;
    small.width = small.height = 128;
    small.heights.assign(128 * 128, 0.0f);
    EXPECT_FALSE(encodeTerrariumPng(small));
    HeightTile mismatched;
    mismatched.heights.assign(10, 0.0f);
    EXPECT_FALSE(encodeTerrariumPng(mismatched));
}

TEST(HeightCodec, AlphaZeroIsNodataBothWays) {
    HeightTile tile = smoothTile(256);
    tile.heights[5] = NAN;
    tile.heights[70000 % tile.heights.size()] = NAN;
    auto png = encodeTerrariumPng(tile);
    ASSERT_TRUE(png);
    auto out = decodeHeightPng(*png, HeightEncoding::Terrarium, "holes.png");
    ASSERT_TRUE(out);
    EXPECT_TRUE(std::isnan(out->heights[5]));
    EXPECT_TRUE(std::isnan(out->heights[70000 % tile.heights.size()]));
    EXPECT_NEAR(out->heights[6], tile.heights[6], 1.0 / 256);
}

TEST(HeightCodec, GreyAndGammaTaggedPngsDecodeTheirSamplesUnchanged) {
    std::vector<uint8_t> rgb(256 * 256 * 3);
    for (size_t k = 0; k < rgb.size(); k += 3) {
        rgb[k] = 128;
        rgb[k + 1] = uint8_t(k / 3);
        rgb[k + 2] = uint8_t(k / 7);
    }
    auto plain = decodeHeightPng(makePng(256, 256, 2, 8, rgb), HeightEncoding::Terrarium, "plain.png");
    ASSERT_TRUE(plain);
    // gAMA 1.0 would make libpng's simplified reader re-encode the samples to sRGB; heights must not move.
    const std::vector<uint8_t> gammaOne = {0x00, 0x01, 0x86, 0xa0};  // 100000
    auto tagged =
        decodeHeightPng(makePng(256, 256, 2, 8, rgb, {{"gAMA", gammaOne}}), HeightEncoding::Terrarium, "gamma.png");
    ASSERT_TRUE(tagged) << tagged.error().message;
    EXPECT_EQ(tagged->heights, plain->heights);

    // Grey 128 = R=G=B=128 in Terrarium: 32768 + 128 + 0.5 - 32768.
    std::vector<uint8_t> grey(256 * 256, 128);
    fl::terrain::HeightDecodeOptions lenient;
    lenient.maxImplausibleFraction = 1.0;
    auto g = decodeHeightPng(makePng(256, 256, 0, 8, grey), HeightEncoding::Terrarium, "grey.png", lenient);
    ASSERT_TRUE(g) << g.error().message;
    EXPECT_EQ(g->heights[0], 128.5f);
}

TEST(HeightCodec, SixteenBitPngIsRejected) {
    std::vector<uint8_t> samples(256 * 256 * 3 * 2, 0x40);
    auto r = decodeHeightPng(makePng(256, 256, 2, 16, samples), HeightEncoding::Terrarium, "deep.png");
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error().message, "deep.png: 16-bit")) << r.error().message;
}
