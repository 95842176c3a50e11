// buildPyramid: heights against the source raster at the named towns, determinism across thread counts, the
// synthesis averaging back to its parent level, nodata filled from coarser data, the GDAL tile source, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <unistd.h>

#include "pyramid/pyramid_builder.h"
#include "terrain/dem.h"
#include "terrain/height_codec.h"
#include "terrain/pmtiles.h"
#include "terrain/tile_source.h"

namespace fs = std::filesystem;
using namespace fl::terrain;
using namespace fl::pyramid;

namespace {

const std::string kDemAsset = FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";

fs::path tempDir() {
    const fs::path d = fs::temp_directory_path() / ("frontline-pyramid-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

std::vector<uint8_t> slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

PmtilesReader openArchive(const std::string& path) {
    auto source = FileByteSource::open(path);
    EXPECT_TRUE(source) << source.error().message;
    auto reader = PmtilesReader::open(std::move(*source));
    EXPECT_TRUE(reader) << reader.error().message;
    return std::move(*reader);
}

std::optional<HeightTile> readTile(PmtilesReader& reader, TileId tile) {
    auto bytes = reader.getTile(tile);
    EXPECT_TRUE(bytes) << bytes.error().message;
    if (!bytes || !*bytes) return std::nullopt;
    auto heights = decodeHeightPng(**bytes, HeightEncoding::Terrarium, toString(tile));
    EXPECT_TRUE(heights) << heights.error().message;
    if (!heights) return std::nullopt;
    return std::move(*heights);
}

void writeTiff(const std::string& path, int w, int h, double west, double north, double pixel,
               const std::function<double(int, int)>& value, std::optional<double> nodata) {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(
        GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), w, h, 1, GDT_Float32, nullptr));
    ASSERT_NE(ds, nullptr);
    double gt[6] = {west, pixel, 0, north, 0, -pixel};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    ds->SetSpatialRef(&srs);
    if (nodata) ds->GetRasterBand(1)->SetNoDataValue(*nodata);
    std::vector<float> v(size_t(w) * h);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) v[size_t(r) * w + c] = float(value(c, r));
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0), CE_None);
}

// The pixel of `tile` holding (lat, lon).
std::pair<int, int> pixelOf(TileId tile, double lat, double lon) {
    const TileBounds b = tileBounds(tile);
    const double n = std::ldexp(1.0, tile.z);
    const double mercY = (1 - std::asinh(std::tan(lat * M_PI / 180)) / M_PI) / 2 * n;
    const int i = int(std::floor((lon - b.west) / (b.east - b.west) * 256));
    const int j = int(std::floor((mercY - tile.y) * 256));
    return {std::clamp(i, 0, 255), std::clamp(j, 0, 255)};
}

}  // namespace

TEST(PyramidBuilder, TownsMatchTheSourceAtMaxZoom) {
    auto dem = loadDem(kDemAsset);
    ASSERT_TRUE(dem) << dem.error().message;
    const struct {
        const char* name;
        double lat, lon;
    } towns[] = {{"Kandahar", 31.6133, 65.7101},
                 {"Spin Boldak", 31.0058, 66.4000},
                 {"Chaman", 30.9177, 66.4526},
                 {"Quetta", 30.1841, 67.0014}};
    for (const auto& town : towns) {
        PyramidBuildOptions o;
        o.inputs = {kDemAsset};
        o.outPath = (tempDir() / "town.pmtiles").string();
        o.minZoom = 12;
        o.maxZoom = 12;
        o.bbox = TileBounds{town.lon - 0.005, town.lat - 0.005, town.lon + 0.005, town.lat + 0.005};
        auto report = buildPyramid(o);
        ASSERT_TRUE(report) << report.error().message;
        PmtilesReader reader = openArchive(o.outPath);
        const TileId tile = tileAt(town.lat, town.lon, 12);
        auto heights = readTile(reader, tile);
        ASSERT_TRUE(heights) << town.name;
        const auto [i, j] = pixelOf(tile, town.lat, town.lon);
        const LatLon centre = pixelCenter(tile, i, j);
        EXPECT_NEAR(heights->heights[size_t(j) * 256 + i], dem->sampleBilinear(centre.lat, centre.lon), 1.0)
            << town.name;
    }
}

TEST(PyramidBuilder, DeterministicAcrossThreadCountsAndAveragesBackToParents) {
    PyramidBuildOptions o;
    o.inputs = {kDemAsset};
    o.bbox = TileBounds{66.4, 30.8, 66.7, 31.0};  // Chaman and the Khojak ridge
    o.maxZoom = 9;
    o.synthesizeDetail = true;
    o.threads = 1;
    o.outPath = (tempDir() / "one.pmtiles").string();
    size_t lastDone = 0, lastTotal = 0;
    o.progress = [&](size_t done, size_t total) {
        EXPECT_EQ(done, lastDone + 1);
        lastDone = done;
        lastTotal = total;
    };
    auto one = buildPyramid(o);
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(lastDone, lastTotal);
    o.progress = nullptr;
    o.threads = 2;
    o.outPath = (tempDir() / "two.pmtiles").string();
    auto two = buildPyramid(o);
    ASSERT_TRUE(two) << two.error().message;
    EXPECT_EQ(slurp(tempDir() / "one.pmtiles"), slurp(tempDir() / "two.pmtiles"));

    EXPECT_EQ(one->nativeZoom, 6);
    ASSERT_TRUE(one->synthesizedFromZoom);
    EXPECT_EQ(*one->synthesizedFromZoom, 7);
    EXPECT_NE(one->metadataJson.find("\"attribution\":\"GMTED2010: USGS/NGA (public domain); synthesized detail\""),
              std::string::npos)
        << one->metadataJson;
    EXPECT_NE(one->metadataJson.find("\"synthesized_detail\":{\"from_zoom\":7,\"method\":\"mean-preserving fBm\""),
              std::string::npos)
        << one->metadataJson;
    EXPECT_NE(one->metadataJson.find("\"encoding\":\"terrarium\""), std::string::npos);

    PmtilesReader reader = openArchive(o.outPath);
    EXPECT_EQ(reader.header().minZoom, 0);
    EXPECT_EQ(reader.header().maxZoom, 9);
    auto meta = reader.metadataJson();
    ASSERT_TRUE(meta);
    EXPECT_EQ(*meta, one->metadataJson);

    // Every z9 tile averaged back 2x2 gives its z8 parent within Terrarium quantization (1/256 m overall).
    int blocks = 0;
    for (const auto& level : one->levels) EXPECT_GT(level.tiles, 0u) << level.zoom;
    const TileId first = tileAt(31.0, 66.4, 9), last = tileAt(30.8, 66.7, 9);
    for (uint32_t y = first.y; y <= last.y; ++y)
        for (uint32_t x = first.x; x <= last.x; ++x) {
            const TileId t{9, x, y};
            auto child = readTile(reader, t);
            auto up = readTile(reader, parent(t));
            ASSERT_TRUE(child && up) << toString(t);
            const int ox = (x & 1) * 128, oy = (y & 1) * 128;
            for (int py = 0; py < 128; ++py)
                for (int px = 0; px < 128; ++px) {
                    const auto c = [&](int i, int j) { return double(child->heights[size_t(j) * 256 + i]); };
                    const double mean = (c(2 * px, 2 * py) + c(2 * px + 1, 2 * py) + c(2 * px, 2 * py + 1) +
                                         c(2 * px + 1, 2 * py + 1)) /
                                        4;
                    ASSERT_NEAR(mean, up->heights[size_t(oy + py) * 256 + ox + px], 1.0 / 256 + 1e-3);
                    ++blocks;
                }
        }
    EXPECT_GE(blocks, 128 * 128);
}

TEST(PyramidBuilder, NodataFilledFromCoarserData) {
    const fs::path dir = tempDir();
    // Coarse: 500 m everywhere over 10..11 E, 45..46 N. Fine: 1000 m over 10.4..10.6 E, 45.4..45.6 N with a
    // nodata hole over 10.48..10.52 E, 45.48..45.52 N.
    const std::string coarse = (dir / "coarse.tif").string(), fine = (dir / "fine.tif").string();
    writeTiff(
        coarse, 100, 100, 10, 46, 0.01, [](int, int) { return 500.0; }, std::nullopt);
    writeTiff(
        fine, 200, 200, 10.4, 45.6, 0.001,
        [](int c, int r) { return c >= 80 && c < 120 && r >= 80 && r < 120 ? -32768.0 : 1000.0; }, -32768.0);
    PyramidBuildOptions o;
    o.inputs = {coarse, fine};
    o.outPath = (dir / "mixed.pmtiles").string();
    o.bbox = TileBounds{10.45, 45.45, 10.55, 45.55};
    o.minZoom = 10;
    o.maxZoom = 10;
    auto report = buildPyramid(o);
    ASSERT_TRUE(report) << report.error().message;
    PmtilesReader reader = openArchive(o.outPath);
    const auto heightAt = [&](double lat, double lon) {
        const TileId tile = tileAt(lat, lon, 10);
        auto t = readTile(reader, tile);
        EXPECT_TRUE(t);
        const auto [i, j] = pixelOf(tile, lat, lon);
        return t ? t->heights[size_t(j) * 256 + i] : NAN;
    };
    EXPECT_NEAR(heightAt(45.5, 10.5), 500.0, 0.01);     // the hole: the coarse input shows through
    EXPECT_NEAR(heightAt(45.58, 10.42), 1000.0, 0.01);  // the fine input on top

    // Without the coarse input the hole is filled from the coarser pyramid levels instead.
    o.inputs = {fine};
    o.minZoom = 6;
    o.outPath = (dir / "fine.pmtiles").string();
    auto alone = buildPyramid(o);
    ASSERT_TRUE(alone) << alone.error().message;
    PmtilesReader fineReader = openArchive(o.outPath);
    const TileId tile = tileAt(45.5, 10.5, 10);
    auto t = readTile(fineReader, tile);
    ASSERT_TRUE(t);
    const auto [i, j] = pixelOf(tile, 45.5, 10.5);
    EXPECT_NEAR(t->heights[size_t(j) * 256 + i], 1000.0, 1.0);
}

TEST(PyramidBuilder, GdalTileSourceMatchesTheBuilder) {
    auto source = openGdalTileSource(kDemAsset);
    ASSERT_TRUE(source) << source.error().message;
    const TileSourceInfo& info = (*source)->info();
    EXPECT_EQ(info.maxZoom, 7);
    EXPECT_NEAR(info.bounds.west, 60, 0.01);
    EXPECT_EQ(info.attribution, "GMTED2010: USGS/NGA (public domain)");

    PyramidBuildOptions o;
    o.inputs = {kDemAsset};
    o.outPath = (tempDir() / "kandahar7.pmtiles").string();
    o.bbox = TileBounds{65.6, 31.5, 65.8, 31.7};
    o.minZoom = 7;
    o.maxZoom = 7;
    ASSERT_TRUE(buildPyramid(o));
    PmtilesReader reader = openArchive(o.outPath);
    const TileId tile = tileAt(31.6133, 65.7101, 7);
    auto built = readTile(reader, tile);
    ASSERT_TRUE(built);
    CancelFlag cancel;
    TileFetch fetched = (*source)->fetch(tile, cancel);
    ASSERT_EQ(fetched.status, TileFetch::Status::Ok) << fetched.error.message;
    ASSERT_TRUE(fetched.heights);
    for (size_t p = 0; p < built->heights.size(); ++p)
        ASSERT_NEAR(fetched.heights->heights[p], built->heights[p], 1.0 / 512 + 1e-4) << p;

    EXPECT_EQ((*source)->fetch({7, 0, 0}, cancel).status, TileFetch::Status::Missing);               // outside
    EXPECT_EQ((*source)->fetch(tileAt(31.6, 65.7, 12), cancel).status, TileFetch::Status::Missing);  // too deep
    cancel.cancel();
    EXPECT_EQ((*source)->fetch(tile, cancel).status, TileFetch::Status::Cancelled);
}

TEST(PyramidBuilder, ErrorsAreNamed) {
    const fs::path dir = tempDir();
    PyramidBuildOptions o;
    o.outPath = (dir / "x.pmtiles").string();
    EXPECT_FALSE(buildPyramid(o));  // no inputs

    o.inputs = {(dir / "missing.tif").string()};
    auto missing = buildPyramid(o);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("missing.tif: no such file"), std::string::npos);

    const std::string text = (dir / "readme.txt").string();
    std::ofstream(text) << "hello\n";
    o.inputs = {text};
    auto notRaster = buildPyramid(o);
    ASSERT_FALSE(notRaster);
    EXPECT_NE(notRaster.error().message.find("readme.txt: not a raster"), std::string::npos);

    o.inputs = {kDemAsset};
    o.bbox = TileBounds{10, 40, 11, 41};
    auto outside = buildPyramid(o);
    ASSERT_FALSE(outside);
    EXPECT_NE(outside.error().message.find("no input covers the bbox"), std::string::npos);

    o.bbox = TileBounds{66, 31, 65, 32};
    EXPECT_FALSE(buildPyramid(o));
    o.bbox.reset();
    o.minZoom = 5;
    o.maxZoom = 3;
    EXPECT_FALSE(buildPyramid(o));
    EXPECT_FALSE(fs::exists(dir / "x.pmtiles"));

    EXPECT_FALSE(checkBbox({NAN, 0, 1, 1}, "--bbox"));
    EXPECT_FALSE(checkBbox({0, -86, 1, 1}, "--bbox"));
    EXPECT_TRUE(checkBbox({65, 30.4, 67.2, 32}, "--bbox"));
}
