// Local tile sources behind TileSource: PMTiles archives (metadata convention, encoding rules, damaged
// archives, concurrent fetches through leaf directories), {z}/{x}/{y}.png directories (TileJSON, zoom scan),
// and openTileSource picking the source kind from the --terrain string.
#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "terrain/height_codec.h"
#include "terrain/pmtiles.h"
#include "terrain/tile_source.h"

namespace fs = std::filesystem;
using namespace fl::terrain;
using fl::Result;

namespace {

using Bytes = std::vector<uint8_t>;

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

Bytes bytesOf(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// Plausible, tile-dependent heights so a tile served in place of another is caught.
HeightTile heightsFor(TileId t) {
    HeightTile tile;
    tile.heights.resize(size_t(tile.width) * size_t(tile.height));
    for (int j = 0; j < tile.height; ++j)
        for (int i = 0; i < tile.width; ++i)
            tile.heights[size_t(j) * size_t(tile.width) + size_t(i)] =
                float(100 * t.z + 10 * t.x + t.y) + float((i * 3 + j * 5) % 97) * 0.5f;
    return tile;
}

Bytes terrariumPng(TileId t) {
    auto png = encodeTerrariumPng(heightsFor(t));
    EXPECT_TRUE(png) << png.error().message;
    return png ? *png : Bytes{};
}

// An RGB PNG of any size (the codec's encoder refuses sizes other than 256/512, which is the point).
Bytes rgbPng(int width, int height) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = png_uint_32(width);
    image.height = png_uint_32(height);
    image.format = PNG_FORMAT_RGB;
    const Bytes pixels(size_t(width) * size_t(height) * 3, 128);
    png_alloc_size_t size = 0;
    EXPECT_TRUE(png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr));
    Bytes out(size);
    EXPECT_TRUE(png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr));
    out.resize(size);
    return out;
}

void writeFile(const fs::path& path, const Bytes& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

void writeText(const fs::path& path, const std::string& text) {
    writeFile(path, bytesOf(text));
}

constexpr const char* kFullMetadata = R"json({
  "encoding": "terrarium",
  "attribution": "Test DEM (CC-BY 4.0)",
  "tile_size": 256,
  "frontline": {
    "synthesized_detail": { "from_zoom": 2, "method": "fractal", "seed": 7 },
    "provenance": [ "a.tif: SRTM 30 m", "b.tif: Copernicus GLO-30" ],
    "source_resolution_m": 30
  }
})json";

const std::vector<TileId> kPyramid = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {1, 0, 1}, {1, 1, 1}, {2, 2, 1}, {2, 3, 2}};

Bytes archiveOf(const std::vector<TileId>& tiles, const PmtilesWriteOptions& options) {
    PmtilesWriter writer;
    for (const TileId& t : tiles) writer.addTile(t, terrariumPng(t));
    auto bytes = writer.serialize(options);
    EXPECT_TRUE(bytes) << bytes.error().message;
    return bytes ? *bytes : Bytes{};
}

PmtilesWriteOptions withMetadata(const std::string& json) {
    PmtilesWriteOptions options;
    options.metadataJson = json;
    return options;
}

Result<std::unique_ptr<TileSource>> openMemory(Bytes bytes, const std::string& name,
                                               const TileSourceOptions& options = {}) {
    return openPmtilesSource(std::make_unique<MemoryByteSource>(std::move(bytes), name), options);
}

// A byte source over the network, simulated: reads fail while `failing` is set.
class FlakyRemoteSource final : public ByteSource {
public:
    FlakyRemoteSource(Bytes bytes, std::shared_ptr<std::atomic<bool>> failing)
        : m_inner(std::move(bytes), "https://example.test/a.pmtiles"), m_failing(std::move(failing)) {}
    Result<std::vector<uint8_t>> read(uint64_t offset, uint64_t length) override {
        if (*m_failing) return fl::Error::inFile(name(), "timed out");
        return m_inner.read(offset, length);
    }
    std::string name() const override { return m_inner.name(); }
    bool isRemote() const override { return true; }

private:
    MemoryByteSource m_inner;
    std::shared_ptr<std::atomic<bool>> m_failing;
};

class TempDirTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::temp_directory_path() / (std::string("frontline_") + info->test_suite_name() + "_" + info->name() +
                                             "_" + std::to_string(::getpid()));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(m_dir, ignored);
    }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }

    fs::path m_dir;
};

class PmtilesSource : public TempDirTest {};
class XyzDirectorySource : public TempDirTest {};
class TileSourceDispatch : public TempDirTest {};

}  // namespace

// ---- PMTiles

TEST_F(PmtilesSource, RoundTripThroughOpenTileSource) {
    PmtilesWriteOptions options = withMetadata(kFullMetadata);
    options.bounds = TileBounds{5.5, 44.25, 12.75, 48.5};
    const std::string file = path("alps.pmtiles");
    writeFile(file, archiveOf(kPyramid, options));

    auto source = openTileSource(file);
    ASSERT_TRUE(source) << source.error().message;
    const TileSourceInfo& info = (*source)->info();
    EXPECT_EQ(info.name, file);
    EXPECT_EQ(info.encoding, HeightEncoding::Terrarium);
    EXPECT_EQ(info.minZoom, 0);
    EXPECT_EQ(info.maxZoom, 2);
    EXPECT_NEAR(info.bounds.west, 5.5, 1e-7);
    EXPECT_NEAR(info.bounds.south, 44.25, 1e-7);
    EXPECT_NEAR(info.bounds.east, 12.75, 1e-7);
    EXPECT_NEAR(info.bounds.north, 48.5, 1e-7);
    EXPECT_EQ(info.tileSize, 256);
    EXPECT_EQ(info.attribution, "Test DEM (CC-BY 4.0)");
    ASSERT_TRUE(info.synthesizedFromZoom.has_value());
    EXPECT_EQ(*info.synthesizedFromZoom, 2);
    EXPECT_EQ(info.provenance, "a.tif: SRTM 30 m\nb.tif: Copernicus GLO-30");

    CancelFlag cancel;
    for (const TileId& t : kPyramid) {
        TileFetch fetched = (*source)->fetch(t, cancel);
        ASSERT_EQ(fetched.status, TileFetch::Status::Ok) << toString(t) << ": " << fetched.error.message;
        auto decoded = decodeHeightPng(fetched.png, info.encoding, info.name);
        ASSERT_TRUE(decoded) << decoded.error().message;
        const HeightTile expected = heightsFor(t);
        ASSERT_EQ(decoded->heights.size(), expected.heights.size());
        for (size_t k = 0; k < expected.heights.size(); ++k)
            ASSERT_NEAR(decoded->heights[k], expected.heights[k], 1.0 / 256) << toString(t) << " sample " << k;
    }
    EXPECT_EQ((*source)->fetch({2, 0, 0}, cancel).status, TileFetch::Status::Missing);  // not in the archive
    EXPECT_EQ((*source)->fetch({3, 4, 2}, cancel).status, TileFetch::Status::Missing);  // beyond maxZoom
    EXPECT_EQ((*source)->fetch({1, 5, 0}, cancel).status, TileFetch::Status::Missing);  // not a tile at all
    cancel.cancel();
    EXPECT_EQ((*source)->fetch({0, 0, 0}, cancel).status, TileFetch::Status::Cancelled);
}

TEST_F(PmtilesSource, ArchiveWithoutMetadataIsPlainDefaults) {
    PmtilesWriteOptions options;
    options.metadataJson = "";
    TileSourceOptions given;
    given.encoding = HeightEncoding::Terrarium;
    auto source = openMemory(archiveOf({{0, 0, 0}}, options), "bare.pmtiles", given);
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ((*source)->info().attribution, "");
    EXPECT_FALSE((*source)->info().synthesizedFromZoom.has_value());
    EXPECT_EQ((*source)->info().provenance, "");
}

TEST_F(PmtilesSource, EncodingComesFromMetadataOrOptionsAndMustAgree) {
    const Bytes foreign = archiveOf({{0, 0, 0}}, withMetadata(R"({"name": "converted", "format": "png"})"));
    auto none = openMemory(foreign, "foreign.pmtiles");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message,
              "foreign.pmtiles: the archive does not say its height encoding; pass --encoding terrarium|mapbox");

    TileSourceOptions mapbox;
    mapbox.encoding = HeightEncoding::MapboxTerrainRgb;
    auto given = openMemory(foreign, "foreign.pmtiles", mapbox);
    ASSERT_TRUE(given) << given.error().message;
    EXPECT_EQ((*given)->info().encoding, HeightEncoding::MapboxTerrainRgb);

    const Bytes ours = archiveOf({{0, 0, 0}}, withMetadata(R"({"encoding": "terrarium"})"));
    auto conflict = openMemory(ours, "ours.pmtiles", mapbox);
    ASSERT_FALSE(conflict);
    EXPECT_TRUE(contains(conflict.error().message, "ours.pmtiles")) << conflict.error().message;
    EXPECT_TRUE(contains(conflict.error().message, "terrarium")) << conflict.error().message;
    EXPECT_TRUE(contains(conflict.error().message, "terrain-rgb")) << conflict.error().message;

    TileSourceOptions terrarium;
    terrarium.encoding = HeightEncoding::Terrarium;
    EXPECT_TRUE(openMemory(ours, "ours.pmtiles", terrarium));  // saying the same twice is fine
}

TEST_F(PmtilesSource, OnlyUncompressedPngTilesAreAccepted) {
    PmtilesWriteOptions webp = withMetadata(R"({"encoding": "terrarium"})");
    webp.tileType = PmtilesTileType::Webp;
    auto a = openMemory(archiveOf({{0, 0, 0}}, webp), "x.pmtiles");
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message, "x.pmtiles: tiles are webp; Frontline reads PNG height tiles");

    PmtilesWriteOptions gzip = withMetadata(R"({"encoding": "terrarium"})");
    gzip.tileCompression = PmtilesCompression::Gzip;
    auto b = openMemory(archiveOf({{0, 0, 0}}, gzip), "y.pmtiles");
    ASSERT_FALSE(b);
    EXPECT_TRUE(contains(b.error().message, "y.pmtiles: tiles are gzip-compressed")) << b.error().message;
}

TEST_F(PmtilesSource, MalformedMetadataIsANamedError) {
    const struct {
        const char* json;
        const char* expected;
    } cases[] = {
        {R"({"encoding": "terrarium")", "metadata is not valid JSON"},
        {R"([1, 2])", "metadata is an array, not a JSON object"},
        {R"({"encoding": "rgb565"})", "unknown height encoding 'rgb565'"},
        {R"({"encoding": 3})", "metadata \"encoding\" is a number, not a string"},
        {R"({"encoding": "terrarium", "tile_size": 300})", "\"tile_size\" is 300"},
        {R"({"encoding": "terrarium", "attribution": ["a"]})", "\"attribution\" is an array"},
        {R"({"encoding": "terrarium", "frontline": {"synthesized_detail": {"from_zoom": "x"}}})",
         "frontline.synthesized_detail.from_zoom"},
        {R"({"encoding": "terrarium", "frontline": {"synthesized_detail": {"from_zoom": 40}}})", "outside 0..31"},
        {R"({"encoding": "terrarium", "frontline": {"provenance": "a.tif"}})", "frontline.provenance"},
        {R"({"encoding": "terrarium", "frontline": {"provenance": [1]}})", "frontline.provenance"},
    };
    for (const auto& c : cases) {
        auto source = openMemory(archiveOf({{0, 0, 0}}, withMetadata(c.json)), "meta.pmtiles");
        ASSERT_FALSE(source) << c.json;
        EXPECT_TRUE(contains(source.error().message, "meta.pmtiles: ")) << source.error().message;
        EXPECT_TRUE(contains(source.error().message, c.expected)) << source.error().message;
    }
}

TEST_F(PmtilesSource, DamagedArchivesFailAtOpenNamingTheFile) {
    const Bytes good = archiveOf(kPyramid, withMetadata(R"({"encoding": "terrarium"})"));

    Bytes badMagic = good;
    badMagic[0] = 'X';
    writeFile(path("magic.pmtiles"), badMagic);
    auto a = openTileSource(path("magic.pmtiles"));
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().message, path("magic.pmtiles") + ": not a PMTiles archive (bad magic)");

    // Cut inside the root directory, which starts right after the 127-byte header.
    uint64_t rootLength = 0;
    for (int i = 7; i >= 0; --i) rootLength = rootLength << 8 | good[16 + size_t(i)];
    ASSERT_GT(rootLength, 2u);
    writeFile(path("cut.pmtiles"), Bytes(good.begin(), good.begin() + ptrdiff_t(127 + rootLength / 2)));
    auto b = openTileSource(path("cut.pmtiles"));
    ASSERT_FALSE(b);
    EXPECT_TRUE(contains(b.error().message, path("cut.pmtiles") + ": root directory")) << b.error().message;

    writeFile(path("empty.pmtiles"), {});
    auto c = openTileSource(path("empty.pmtiles"));
    ASSERT_FALSE(c);
    EXPECT_TRUE(contains(c.error().message, path("empty.pmtiles") + ": ")) << c.error().message;
}

// The source hands back bytes as stored; the scheduler's decodeHeightPng names the source when they are not a
// usable height tile, so one bad tile fails alone and the archive stays open.
TEST_F(PmtilesSource, BadTileBytesComeBackAndFailToDecodeNamingTheSource) {
    PmtilesWriter writer;
    writer.addTile({0, 0, 0}, terrariumPng({0, 0, 0}));
    writer.addTile({1, 0, 0}, bytesOf("\x89PNG\r\n\x1a\n definitely not the rest of a PNG"));
    writer.addTile({1, 1, 0}, rgbPng(200, 200));
    auto bytes = writer.serialize(withMetadata(R"({"encoding": "terrarium"})"));
    ASSERT_TRUE(bytes) << bytes.error().message;
    auto source = openMemory(*bytes, "odd.pmtiles");
    ASSERT_TRUE(source) << source.error().message;
    CancelFlag cancel;

    TileFetch corrupt = (*source)->fetch({1, 0, 0}, cancel);
    ASSERT_EQ(corrupt.status, TileFetch::Status::Ok);
    auto a = decodeHeightPng(corrupt.png, HeightEncoding::Terrarium, "odd.pmtiles 1/0/0");
    ASSERT_FALSE(a);
    EXPECT_TRUE(contains(a.error().message, "odd.pmtiles 1/0/0")) << a.error().message;

    TileFetch wrongSize = (*source)->fetch({1, 1, 0}, cancel);
    ASSERT_EQ(wrongSize.status, TileFetch::Status::Ok);
    auto b = decodeHeightPng(wrongSize.png, HeightEncoding::Terrarium, "odd.pmtiles 1/1/0");
    ASSERT_FALSE(b);
    EXPECT_TRUE(contains(b.error().message, "odd.pmtiles 1/1/0")) << b.error().message;
    EXPECT_TRUE(contains(b.error().message, "200")) << b.error().message;

    EXPECT_EQ((*source)->fetch({0, 0, 0}, cancel).status, TileFetch::Status::Ok);
}

std::vector<TileId> blockOfTiles(uint8_t z, uint32_t x0, uint32_t y0, uint32_t side) {
    std::vector<TileId> tiles;
    for (uint32_t x = x0; x < x0 + side; ++x)
        for (uint32_t y = y0; y < y0 + side; ++y) tiles.push_back({z, x, y});
    return tiles;
}

PmtilesWriteOptions forcedLeaves() {
    PmtilesWriteOptions options = withMetadata(R"({"encoding": "terrarium"})");
    options.internalCompression = PmtilesCompression::None;
    options.maxRootDirectoryBytes = 200;
    options.leafDirectoryEntries = 16;
    return options;
}

TEST_F(PmtilesSource, DamagedLeafFailsItsTilesOnlyAndRemoteFailuresAreRetryable) {
    PmtilesWriter writer;
    const auto tiles = blockOfTiles(8, 100, 100, 16);
    for (const TileId& t : tiles) writer.addTile(t, bytesOf("tile " + toString(t)));
    auto good = writer.serialize(forcedLeaves());
    ASSERT_TRUE(good) << good.error().message;
    auto reader = PmtilesReader::open(std::make_unique<MemoryByteSource>(*good, "leaves.pmtiles"));
    ASSERT_TRUE(reader);
    ASSERT_GT(reader->header().leafDirectoriesLength, 0u);

    // Overwrite the first leaf's entry count with an absurd varint: its tiles fail, other leaves still work.
    Bytes damaged = *good;
    damaged[size_t(reader->header().leafDirectoriesOffset)] = 0xff;
    auto source = openMemory(damaged, "leaves.pmtiles");
    ASSERT_TRUE(source) << source.error().message;
    CancelFlag cancel;
    int failed = 0, ok = 0;
    for (const TileId& t : tiles) {
        TileFetch f = (*source)->fetch(t, cancel);
        if (f.status == TileFetch::Status::Failed) {
            ++failed;
            EXPECT_FALSE(f.retryable);
            EXPECT_TRUE(contains(f.error.message, "leaves.pmtiles: ")) << f.error.message;
            EXPECT_TRUE(contains(f.error.message, toString(t))) << f.error.message;
        } else {
            ASSERT_EQ(f.status, TileFetch::Status::Ok) << f.error.message;
            EXPECT_EQ(f.png, bytesOf("tile " + toString(t)));
            ++ok;
        }
    }
    EXPECT_GT(failed, 0);
    EXPECT_GT(ok, 0);

    auto failing = std::make_shared<std::atomic<bool>>(false);
    auto remote = openPmtilesSource(std::make_unique<FlakyRemoteSource>(*good, failing));
    ASSERT_TRUE(remote) << remote.error().message;
    failing->store(true);
    TileFetch f = (*remote)->fetch(tiles[0], cancel);
    ASSERT_EQ(f.status, TileFetch::Status::Failed);
    EXPECT_TRUE(f.retryable);
    EXPECT_TRUE(contains(f.error.message, "timed out")) << f.error.message;
    failing->store(false);
    f = (*remote)->fetch(tiles[0], cancel);
    ASSERT_EQ(f.status, TileFetch::Status::Ok) << f.error.message;
    EXPECT_EQ(f.png, bytesOf("tile " + toString(tiles[0])));
}

TEST_F(PmtilesSource, LocateTileMatchesGetTile) {
    PmtilesWriter writer;
    const auto tiles = blockOfTiles(8, 40, 60, 12);
    for (const TileId& t : tiles) writer.addTile(t, bytesOf("tile " + toString(t)));
    auto bytes = writer.serialize(forcedLeaves());
    ASSERT_TRUE(bytes);
    auto reader = PmtilesReader::open(std::make_unique<MemoryByteSource>(*bytes, "loc.pmtiles"));
    ASSERT_TRUE(reader);
    for (const TileId& t : tiles) {
        auto where = reader->locateTile(t);
        ASSERT_TRUE(where && *where) << toString(t);
        EXPECT_GE((*where)->offset, reader->header().tileDataOffset);
        const Bytes expected = bytesOf("tile " + toString(t));
        ASSERT_EQ((*where)->length, expected.size());
        EXPECT_EQ(Bytes(bytes->begin() + ptrdiff_t((*where)->offset),
                        bytes->begin() + ptrdiff_t((*where)->offset + (*where)->length)),
                  expected);
        auto read = reader->readTile(**where);
        ASSERT_TRUE(read);
        EXPECT_EQ(*read, expected);
    }
    auto absent = reader->locateTile({8, 0, 0});
    ASSERT_TRUE(absent);
    EXPECT_FALSE(absent->has_value());
}

// Worker threads share one source: lookups through an evicting leaf cache, pread on one descriptor.
TEST_F(PmtilesSource, ConcurrentFetchesReturnTheRightBytes) {
    PmtilesWriter writer;
    const auto tiles = blockOfTiles(10, 300, 400, 48);  // 2304 tiles -> 288 leaves, more than the 64 cached
    for (const TileId& t : tiles) writer.addTile(t, bytesOf("tile " + toString(t)));
    PmtilesWriteOptions options = forcedLeaves();
    options.internalCompression = PmtilesCompression::Gzip;
    options.maxRootDirectoryBytes = 1024;
    options.leafDirectoryEntries = 8;
    ASSERT_TRUE(writer.finish(path("many.pmtiles"), options));
    auto source = openTileSource(path("many.pmtiles"));
    ASSERT_TRUE(source) << source.error().message;

    std::atomic<int> wrong{0}, missing{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(uint32_t(1234 + t));
            CancelFlag cancel;
            for (int i = 0; i < 200; ++i) {
                // One in ten asks next to the block, where there is nothing.
                const bool outside = rng() % 10 == 0;
                const TileId tile = outside ? TileId{10, uint32_t(300 + 48 + rng() % 10), uint32_t(400 + rng() % 48)}
                                            : tiles[rng() % tiles.size()];
                TileFetch f = (*source)->fetch(tile, cancel);
                if (outside) {
                    if (f.status == TileFetch::Status::Missing)
                        ++missing;
                    else
                        ++wrong;
                } else if (f.status != TileFetch::Status::Ok || f.png != bytesOf("tile " + toString(tile))) {
                    ++wrong;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_GT(missing.load(), 0);
}

// ---- {z}/{x}/{y}.png directories

TEST_F(XyzDirectorySource, FetchesTilesScansZoomsAndReportsMissing) {
    for (const TileId& t : {TileId{2, 1, 3}, TileId{3, 4, 2}, TileId{5, 10, 11}})
        writeFile(m_dir / std::to_string(t.z) / std::to_string(t.x) / (std::to_string(t.y) + ".png"), terrariumPng(t));
    fs::create_directories(m_dir / "extra");
    fs::create_directories(m_dir / "99");  // not a zoom
    writeText(m_dir / "README", "not a tile");
    fs::create_directories(m_dir / "3" / "4" / "7.png");  // a folder where a tile should be

    TileSourceOptions options;
    options.encoding = HeightEncoding::Terrarium;
    auto source = openXyzDirectorySource(m_dir.string(), options);
    ASSERT_TRUE(source) << source.error().message;
    const TileSourceInfo& info = (*source)->info();
    EXPECT_EQ(info.name, m_dir.string());
    EXPECT_EQ(info.minZoom, 2);
    EXPECT_EQ(info.maxZoom, 5);
    EXPECT_EQ(info.bounds.west, -180);

    CancelFlag cancel;
    TileFetch f = (*source)->fetch({3, 4, 2}, cancel);
    ASSERT_EQ(f.status, TileFetch::Status::Ok) << f.error.message;
    EXPECT_EQ(f.png, terrariumPng({3, 4, 2}));
    EXPECT_EQ((*source)->fetch({3, 4, 3}, cancel).status, TileFetch::Status::Missing);
    EXPECT_EQ((*source)->fetch({3, 5, 3}, cancel).status, TileFetch::Status::Missing);
    EXPECT_EQ((*source)->fetch({1, 0, 0}, cancel).status, TileFetch::Status::Missing);

    TileFetch bad = (*source)->fetch({3, 4, 7}, cancel);
    ASSERT_EQ(bad.status, TileFetch::Status::Failed);
    EXPECT_FALSE(bad.retryable);
    EXPECT_TRUE(contains(bad.error.message, (m_dir / "3" / "4" / "7.png").string())) << bad.error.message;

    cancel.cancel();
    EXPECT_EQ((*source)->fetch({3, 4, 2}, cancel).status, TileFetch::Status::Cancelled);
}

TEST_F(XyzDirectorySource, TileJsonGivesEncodingZoomsBoundsAndAttribution) {
    writeFile(m_dir / "4" / "8" / "5.png", terrariumPng({4, 8, 5}));
    writeText(m_dir / "tiles.json", R"({"tilejson": "3.0.0", "encoding": "terrain-rgb", "minzoom": 1,
        "maxzoom": 9, "bounds": [5.5, 44.0, 12.0, 48.0], "attribution": "Somebody's DEM"})");
    auto source = openXyzDirectorySource(m_dir.string());
    ASSERT_TRUE(source) << source.error().message;
    const TileSourceInfo& info = (*source)->info();
    EXPECT_EQ(info.encoding, HeightEncoding::MapboxTerrainRgb);
    EXPECT_EQ(info.minZoom, 1);
    EXPECT_EQ(info.maxZoom, 9);
    EXPECT_EQ(info.bounds.west, 5.5);
    EXPECT_EQ(info.bounds.north, 48.0);
    EXPECT_EQ(info.attribution, "Somebody's DEM");

    // Options win over the TileJSON for zooms; an encoding that disagrees is an error.
    TileSourceOptions options;
    options.minZoom = 3;
    options.maxZoom = 4;
    auto narrowed = openXyzDirectorySource(m_dir.string(), options);
    ASSERT_TRUE(narrowed);
    EXPECT_EQ((*narrowed)->info().minZoom, 3);
    EXPECT_EQ((*narrowed)->info().maxZoom, 4);
    CancelFlag cancel;
    EXPECT_EQ((*narrowed)->fetch({4, 8, 5}, cancel).status, TileFetch::Status::Ok);
    options.encoding = HeightEncoding::Terrarium;
    auto conflict = openXyzDirectorySource(m_dir.string(), options);
    ASSERT_FALSE(conflict);
    EXPECT_TRUE(contains(conflict.error().message, "tiles.json says its heights are terrain-rgb"))
        << conflict.error().message;
}

TEST_F(XyzDirectorySource, MbUtilMetadataJsonWithStringValues) {
    writeFile(m_dir / "6" / "1" / "2.png", terrariumPng({6, 1, 2}));
    writeText(m_dir / "metadata.json", R"({"name": "dem", "format": "png", "encoding": "terrarium",
        "minzoom": "2", "maxzoom": "7", "bounds": "-10.5,35,20,60"})");
    auto source = openXyzDirectorySource(m_dir.string());
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ((*source)->info().minZoom, 2);
    EXPECT_EQ((*source)->info().maxZoom, 7);
    EXPECT_EQ((*source)->info().bounds.west, -10.5);
    EXPECT_EQ((*source)->info().bounds.east, 20);

    writeText(m_dir / "metadata.json", R"({"encoding": "terrarium", "maxzoom": "seven"})");
    auto bad = openXyzDirectorySource(m_dir.string());
    ASSERT_FALSE(bad);
    EXPECT_TRUE(contains(bad.error().message, (m_dir / "metadata.json").string() + ": metadata \"maxzoom\""))
        << bad.error().message;
}

TEST_F(XyzDirectorySource, OpenErrorsNameTheDirectory) {
    writeFile(m_dir / "3" / "1" / "1.png", terrariumPng({3, 1, 1}));
    auto noEncoding = openXyzDirectorySource(m_dir.string());
    ASSERT_FALSE(noEncoding);
    EXPECT_TRUE(contains(noEncoding.error().message, m_dir.string() + ": ")) << noEncoding.error().message;
    EXPECT_TRUE(contains(noEncoding.error().message, "pass --encoding terrarium|mapbox")) << noEncoding.error().message;

    TileSourceOptions options;
    options.encoding = HeightEncoding::Terrarium;
    auto file = openXyzDirectorySource((m_dir / "3" / "1" / "1.png").string(), options);
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().message, (m_dir / "3" / "1" / "1.png").string() + ": not a directory");

    auto absent = openXyzDirectorySource((m_dir / "nope").string(), options);
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().message, (m_dir / "nope").string() + ": no such file or directory");

    fs::create_directories(m_dir / "empty");
    auto empty = openXyzDirectorySource((m_dir / "empty").string(), options);
    ASSERT_FALSE(empty);
    EXPECT_TRUE(contains(empty.error().message, "no zoom folders")) << empty.error().message;

    options.minZoom = 5;
    options.maxZoom = 2;
    auto backwards = openXyzDirectorySource(m_dir.string(), options);
    ASSERT_FALSE(backwards);
    EXPECT_TRUE(contains(backwards.error().message, "5..2")) << backwards.error().message;
}

// ---- openTileSource

TEST_F(TileSourceDispatch, PicksTheSourceFromTheSpec) {
    TileSourceOptions options;
    options.encoding = HeightEncoding::Terrarium;

    auto empty = openTileSource("", options);
    ASSERT_FALSE(empty);
    EXPECT_TRUE(contains(empty.error().message, "empty terrain source")) << empty.error().message;

    auto absent = openTileSource(path("nothing.pmtiles"), options);
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().message, path("nothing.pmtiles") + ": no such file or directory");

    // Local archive, any case of the extension: PMTiles (the header's zooms show it is the archive).
    writeFile(path("UPPER.PMTILES"), archiveOf({{3, 1, 2}}, withMetadata("{}")));
    auto archive = openTileSource(path("UPPER.PMTILES"), options);
    ASSERT_TRUE(archive) << archive.error().message;
    EXPECT_EQ((*archive)->info().minZoom, 3);
    EXPECT_EQ((*archive)->info().maxZoom, 3);

    // A directory: XYZ, even when named like an archive.
    writeFile(m_dir / "dir.pmtiles" / "4" / "0" / "0.png", terrariumPng({4, 0, 0}));
    auto directory = openTileSource(path("dir.pmtiles"), options);
    ASSERT_TRUE(directory) << directory.error().message;
    EXPECT_EQ((*directory)->info().minZoom, 4);
    EXPECT_EQ((*directory)->info().name, path("dir.pmtiles"));

    // HTTP, remote PMTiles and GDAL sources are implemented elsewhere: whatever they answer here (port 9
    // refuses at once, so nothing waits on a network), it must name the spec.
    writeText(path("dem.asc"), "not really a raster");
    const std::string specs[] = {"http://127.0.0.1:9/{z}/{x}/{y}.png", "https://127.0.0.1:9/a.pmtiles?key=1",
                                 "http://127.0.0.1:9/dem.tif", path("dem.asc"), "/vsimem/frontline_none.tif"};
    for (const std::string& spec : specs) {
        auto source = openTileSource(spec, options);
        if (source)
            EXPECT_EQ((*source)->info().name, spec);
        else
            EXPECT_TRUE(contains(source.error().message, spec)) << source.error().message;
    }
}
