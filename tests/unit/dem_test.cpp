// DEM import: the shipped GMTED2010 asset against shared/data/README.md, and synthetic rasters written
// here with GDAL (GeoTIFF, SRTM .hgt, VRT, UTM) whose every sample position and value is known.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include "scene/geodata.h"
#include "terrain/dem.h"

namespace fs = std::filesystem;
using fl::terrain::DemGrid;
using fl::terrain::fillNodata;
using fl::terrain::loadDem;

namespace {

const std::string kDemAsset = FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";
const std::string kPlacesAsset = FRONTLINE_ASSET_DIR "/vector/places.geojson";

struct RasterSpec {
    int width = 0, height = 0;
    double geoTransform[6] = {0, 1, 0, 0, 0, -1};
    int epsg = 4326;  // 0 = no CRS
    std::optional<double> nodata;
    GDALDataType type = GDT_Float32;
    std::optional<double> scale, offset;
    std::string unit;
};

// Writes a one-band GeoTIFF whose pixel (col, row) holds value(col, row).
void writeGeoTiff(const std::string& path, const RasterSpec& spec,
                  const std::function<double(int col, int row)>& value) {
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    ASSERT_NE(gtiff, nullptr);
    GDALDatasetUniquePtr ds(gtiff->Create(path.c_str(), spec.width, spec.height, 1, spec.type, nullptr));
    ASSERT_NE(ds, nullptr) << path;
    double gt[6];
    std::copy(std::begin(spec.geoTransform), std::end(spec.geoTransform), gt);
    ASSERT_EQ(ds->SetGeoTransform(gt), CE_None);
    if (spec.epsg != 0) {
        OGRSpatialReference srs;
        ASSERT_EQ(srs.importFromEPSG(spec.epsg), OGRERR_NONE);
        ASSERT_EQ(ds->SetSpatialRef(&srs), CE_None);
    }
    GDALRasterBand* band = ds->GetRasterBand(1);
    if (spec.nodata) band->SetNoDataValue(*spec.nodata);
    if (spec.scale) band->SetScale(*spec.scale);
    if (spec.offset) band->SetOffset(*spec.offset);
    if (!spec.unit.empty()) band->SetUnitType(spec.unit.c_str());
    std::vector<double> pixels(size_t(spec.width) * spec.height);
    for (int row = 0; row < spec.height; ++row)
        for (int col = 0; col < spec.width; ++col) pixels[size_t(row) * spec.width + col] = value(col, row);
    ASSERT_EQ(band->RasterIO(GF_Write, 0, 0, spec.width, spec.height, pixels.data(), spec.width, spec.height,
                             GDT_Float64, 0, 0, nullptr),
              CE_None);
}

class DemTest : public ::testing::Test {
protected:
    void SetUp() override {
        GDALAllRegister();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::temp_directory_path() / (std::string("frontline_") + info->test_suite_name() + "_" + info->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(m_dir, ignored);
    }
    std::string file(const std::string& name) const { return (m_dir / name).string(); }

    fs::path m_dir;
};

// The README's sanity table (bilinear column), sampled at the GeoNames coordinates of places.geojson.
TEST_F(DemTest, AssetHeightsAtTownsMatchReadmeTable) {
    auto dem = loadDem(kDemAsset);
    ASSERT_TRUE(dem) << dem.error().message;
    EXPECT_EQ(dem->width, 440);
    EXPECT_EQ(dem->height, 360);
    EXPECT_NEAR(dem->west, 59.999861111, 1e-9);
    EXPECT_NEAR(dem->north, 35.999861111, 1e-9);
    EXPECT_NEAR(dem->east(), 70.999861111, 1e-9);
    EXPECT_NEAR(dem->south(), 26.999861111, 1e-9);
    EXPECT_DOUBLE_EQ(dem->pixelLon, 0.025);
    EXPECT_DOUBLE_EQ(dem->pixelLat, 0.025);
    EXPECT_EQ(dem->nodataCount, 0u);
    EXPECT_EQ(dem->minHeight, 32.0f);
    EXPECT_EQ(dem->maxHeight, 5399.0f);

    auto places = fl::scene::loadPlaces(kPlacesAsset);
    ASSERT_TRUE(places) << places.error().message;
    const struct {
        const char* name;
        double lat, lon;  // README table, to check places.geojson agrees
        double bilinear;  // README table, metres
    } towns[] = {{"Kandahar", 31.6133, 65.7101, 1006},
                 {"Spin Boldak", 31.0058, 66.4000, 1219},
                 {"Chaman", 30.9177, 66.4526, 1333},
                 {"Quetta", 30.1841, 67.0014, 1678}};
    for (const auto& town : towns) {
        const fl::scene::Place* place = fl::scene::findPlace(*places, town.name);
        ASSERT_NE(place, nullptr) << town.name;
        EXPECT_NEAR(place->lat, town.lat, 1e-4) << town.name;
        EXPECT_NEAR(place->lon, town.lon, 1e-4) << town.name;
        EXPECT_NEAR(dem->sampleBilinear(place->lat, place->lon), town.bilinear, 1.0) << town.name;
    }
}

TEST_F(DemTest, GeotransformAndNodataAreHonoured) {
    // 5 x 4 pixels of 0.5 deg x 0.25 deg from (10 E, 50 N); value 100 + 10 col + row; (2, 1) is nodata.
    RasterSpec spec;
    spec.width = 5;
    spec.height = 4;
    const double gt[6] = {10, 0.5, 0, 50, 0, -0.25};
    std::copy(gt, gt + 6, spec.geoTransform);
    spec.nodata = -9999;
    const std::string path = file("synthetic.tif");
    writeGeoTiff(path, spec, [](int c, int r) { return c == 2 && r == 1 ? -9999.0 : 100 + 10 * c + r; });

    auto dem = loadDem(path);
    ASSERT_TRUE(dem) << dem.error().message;
    EXPECT_EQ(dem->path, path);
    EXPECT_EQ(dem->width, 5);
    EXPECT_EQ(dem->height, 4);
    EXPECT_DOUBLE_EQ(dem->west, 10);
    EXPECT_DOUBLE_EQ(dem->north, 50);
    EXPECT_DOUBLE_EQ(dem->pixelLon, 0.5);
    EXPECT_DOUBLE_EQ(dem->pixelLat, 0.25);
    EXPECT_DOUBLE_EQ(dem->east(), 12.5);
    EXPECT_DOUBLE_EQ(dem->south(), 49);
    EXPECT_DOUBLE_EQ(dem->sampleLon(0), 10.25);
    EXPECT_DOUBLE_EQ(dem->sampleLat(0), 49.875);
    EXPECT_DOUBLE_EQ(dem->sampleLon(3), 11.75);
    EXPECT_DOUBLE_EQ(dem->sampleLat(2), 49.375);
    EXPECT_EQ(dem->at(3, 2), 132.0f);
    EXPECT_EQ(dem->at(-5, 99), 103.0f);  // clamped to (0, 3)
    EXPECT_TRUE(std::isnan(dem->at(2, 1)));
    EXPECT_EQ(dem->nodataCount, 1u);
    EXPECT_EQ(dem->minHeight, 100.0f);
    EXPECT_EQ(dem->maxHeight, 143.0f);

    // Bilinear between pixel centres, constant in the outer half pixel, NaN outside the edges.
    EXPECT_NEAR(dem->sampleBilinear(49.375, 11.75), 132, 1e-9);
    EXPECT_NEAR(dem->sampleBilinear(49.375, 12.0), 137, 1e-9);   // halfway to (4, 2)
    EXPECT_NEAR(dem->sampleBilinear(49.25, 12.0), 137.5, 1e-9);  // and halfway to row 3
    EXPECT_NEAR(dem->sampleBilinear(49.375, 12.4), 142, 1e-9);   // outer half pixel: column 4
    EXPECT_NEAR(dem->sampleBilinear(49.99, 10.01), 100, 1e-9);   // north-west corner pixel
    EXPECT_TRUE(dem->contains(49, 12.5));                        // edges included
    EXPECT_TRUE(std::isnan(dem->sampleBilinear(49.375, 12.51)));
    EXPECT_TRUE(std::isnan(dem->sampleBilinear(50.01, 11.0)));
    EXPECT_TRUE(std::isnan(dem->sampleBilinear(std::nan(""), 11.0)));
    EXPECT_TRUE(std::isnan(dem->sampleBilinear(49.625, 11.25)));  // exactly on the nodata pixel centre
    // Next to the hole the valid corners are renormalised: halfway between (1, 1) = 111 and (2, 1).
    EXPECT_NEAR(dem->sampleBilinear(49.625, 11.0), 111, 1e-9);

    // fillNodata: the hole gets a value between its neighbours, everything else is untouched.
    std::vector<float> before = dem->heights;
    fillNodata(*dem);
    const float filled = dem->at(2, 1);
    ASSERT_FALSE(std::isnan(filled));
    float lo = 1e9f, hi = -1e9f;
    for (int r = 0; r <= 2; ++r) {
        for (int c = 1; c <= 3; ++c) {
            if (c == 2 && r == 1) continue;
            lo = std::min(lo, dem->at(c, r));
            hi = std::max(hi, dem->at(c, r));
        }
    }
    EXPECT_GE(filled, lo);
    EXPECT_LE(filled, hi);
    EXPECT_EQ(dem->nodataCount, 0u);
    for (size_t i = 0; i < before.size(); ++i) {
        if (!std::isnan(before[i])) {
            EXPECT_EQ(dem->heights[i], before[i]) << i;
        }
    }
}

TEST_F(DemTest, FillNodataClosesLargeHolesAndIgnoresHopelessGrids) {
    DemGrid grid;
    grid.width = 64;
    grid.height = 48;
    grid.pixelLon = grid.pixelLat = 1;
    grid.heights.assign(size_t(grid.width) * grid.height, 500.0f);
    for (int r = 5; r < 45; ++r)
        for (int c = 3; c < 60; ++c) grid.heights[size_t(r) * grid.width + c] = std::nanf("");
    grid.nodataCount = 40 * 57;
    fillNodata(grid);
    EXPECT_EQ(grid.nodataCount, 0u);
    for (float h : grid.heights) EXPECT_FLOAT_EQ(h, 500.0f);

    DemGrid noValid = grid;
    std::fill(noValid.heights.begin(), noValid.heights.end(), std::nanf(""));
    fillNodata(noValid);  // nothing to fill from: unchanged, no crash
    EXPECT_TRUE(std::isnan(noValid.heights[0]));

    DemGrid empty;
    fillNodata(empty);
    EXPECT_TRUE(std::isnan(empty.at(0, 0)));
    EXPECT_TRUE(std::isnan(empty.sampleBilinear(0, 0)));
}

// SRTM tiles are named by their south-west corner; GDAL's SRTMHGT driver derives the georeferencing from
// the name alone: 1201 x 1201 big-endian int16 samples centred on whole 3-arc-second positions.
TEST_F(DemTest, SrtmHgtTileIsPlacedByItsName) {
    const std::string path = file("N31E066.hgt");
    {
        std::ofstream out(path, std::ios::binary);
        for (int row = 0; row < 1201; ++row) {
            for (int col = 0; col < 1201; ++col) {
                const uint16_t v = uint16_t(col + 2 * row);  // 0 .. 3600
                const char bytes[2] = {char(v >> 8), char(v & 0xff)};
                out.write(bytes, 2);
            }
        }
    }
    auto dem = loadDem(path);
    ASSERT_TRUE(dem) << dem.error().message;
    EXPECT_EQ(dem->width, 1201);
    EXPECT_EQ(dem->height, 1201);
    EXPECT_NEAR(dem->pixelLon, 1.0 / 1200, 1e-12);
    EXPECT_NEAR(dem->pixelLat, 1.0 / 1200, 1e-12);
    EXPECT_NEAR(dem->west, 66 - 0.5 / 1200, 1e-9);
    EXPECT_NEAR(dem->north, 32 + 0.5 / 1200, 1e-9);
    EXPECT_NEAR(dem->sampleLon(0), 66.0, 1e-9);
    EXPECT_NEAR(dem->sampleLat(1200), 31.0, 1e-9);
    EXPECT_EQ(dem->at(300, 600), 1500.0f);
    EXPECT_EQ(dem->nodataCount, 0u);
    // The pattern is linear, so bilinear sampling is exact anywhere: Spin Boldak lies in this tile.
    const double lat = 31.00575, lon = 66.40001;
    EXPECT_NEAR(dem->sampleBilinear(lat, lon), (lon - 66) * 1200 + 2 * (32 - lat) * 1200, 1e-3);
}

TEST_F(DemTest, VrtMosaicOfTwoTiles) {
    // Two 10 x 10 tiles of 0.1 deg side by side (10-11 E and 11-12 E, 45-46 N); value 10 * global col + row.
    for (int tile = 0; tile < 2; ++tile) {
        RasterSpec spec;
        spec.width = spec.height = 10;
        spec.type = GDT_Int16;
        const double gt[6] = {10.0 + tile, 0.1, 0, 46, 0, -0.1};
        std::copy(gt, gt + 6, spec.geoTransform);
        writeGeoTiff(file("tile" + std::to_string(tile) + ".tif"), spec,
                     [tile](int c, int r) { return 10 * (c + 10 * tile) + r; });
    }
    const std::string vrtPath = file("mosaic.vrt");
    const std::string tile0 = file("tile0.tif"), tile1 = file("tile1.tif");
    const char* sources[] = {tile0.c_str(), tile1.c_str()};
    int usageError = 0;
    GDALDatasetH vrt = GDALBuildVRT(vrtPath.c_str(), 2, nullptr, sources, nullptr, &usageError);
    ASSERT_NE(vrt, nullptr);
    GDALClose(vrt);

    auto dem = loadDem(vrtPath);
    ASSERT_TRUE(dem) << dem.error().message;
    EXPECT_EQ(dem->width, 20);
    EXPECT_EQ(dem->height, 10);
    EXPECT_NEAR(dem->west, 10, 1e-12);
    EXPECT_NEAR(dem->east(), 12, 1e-12);
    EXPECT_NEAR(dem->north, 46, 1e-12);
    EXPECT_NEAR(dem->south(), 45, 1e-12);
    EXPECT_NEAR(dem->sampleLon(15), 11.55, 1e-12);
    EXPECT_EQ(dem->at(15, 3), 153.0f);
    EXPECT_EQ(dem->at(9, 9), 99.0f);
    EXPECT_NEAR(dem->sampleBilinear(45.65, 11.55), 153, 1e-9);
    EXPECT_NEAR(dem->sampleBilinear(45.65, 11.0), 98, 1e-9);  // on the seam: halfway between 93 and 103
}

// A UTM raster must come out in WGS84 lon/lat with every height where it was.
TEST_F(DemTest, ProjectedRasterIsWarpedToWgs84) {
    // UTM 41N, 100 x 80 pixels of 1 km from E 750000 / N 3550000 (about 65.6 E, 32 N; far enough from the
    // central meridian (63 E) that the grid is visibly rotated against lon/lat). Heights rise 1 m per km
    // east and 2 m per km south, so a height error of 1 m is a position error of at most a pixel.
    constexpr double e0 = 750000, n0 = 3550000, pixel = 1000;
    RasterSpec spec;
    spec.width = 100;
    spec.height = 80;
    spec.epsg = 32641;
    const double gt[6] = {e0, pixel, 0, n0, 0, -pixel};
    std::copy(gt, gt + 6, spec.geoTransform);
    auto heightAt = [&](double e, double n) { return 1000 + (e - e0) / pixel + 2 * (n0 - n) / pixel; };
    // One nodata pixel, which must not leak -9999 into its warped neighbours.
    spec.nodata = -9999;
    const std::string path = file("utm41n.tif");
    writeGeoTiff(path, spec, [&](int c, int r) {
        return c == 70 && r == 20 ? -9999.0 : heightAt(e0 + (c + 0.5) * pixel, n0 - (r + 0.5) * pixel);
    });

    auto dem = loadDem(path);
    ASSERT_TRUE(dem) << dem.error().message;

    OGRSpatialReference wgs84, utm;
    wgs84.importFromEPSG(4326);
    utm.importFromEPSG(32641);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> toUtm(OGRCreateCoordinateTransformation(&wgs84, &utm));
    std::unique_ptr<OGRCoordinateTransformation> toLonLat(OGRCreateCoordinateTransformation(&utm, &wgs84));
    ASSERT_TRUE(toUtm && toLonLat);

    // The grid spans the footprint's corners (GDAL's suggested output may trim a fraction of a pixel).
    for (double e : {e0, e0 + 100 * pixel}) {
        for (double n : {n0, n0 - 80 * pixel}) {
            double lon = e, lat = n;
            ASSERT_TRUE(toLonLat->Transform(1, &lon, &lat));
            EXPECT_TRUE(lon > dem->west - dem->pixelLon && lon < dem->east() + dem->pixelLon) << lon;
            EXPECT_TRUE(lat > dem->south() - dem->pixelLat && lat < dem->north + dem->pixelLat) << lat;
        }
    }
    EXPECT_LT(dem->pixelLon, 0.02);   // roughly the source's 1 km, not decimated
    EXPECT_GT(dem->nodataCount, 0u);  // the rotated footprint leaves the grid's corners empty
    EXPECT_TRUE(std::isnan(dem->at(0, 0)));

    // Source pixel centres and points between them land on their heights.
    for (auto [c, r] : std::vector<std::pair<double, double>>{{50, 40}, {10.5, 70.25}, {89.75, 5.5}, {3, 3}}) {
        double e = e0 + (c + 0.5) * pixel, n = n0 - (r + 0.5) * pixel;
        double lon = e, lat = n;
        ASSERT_TRUE(toLonLat->Transform(1, &lon, &lat));
        EXPECT_NEAR(dem->sampleBilinear(lat, lon), heightAt(e, n), 0.5) << "source pixel " << c << ", " << r;
    }
    // And the other way round: a lon/lat inside, checked against its UTM position.
    const double lon = 65.9, lat = 31.75;
    double e = lon, n = lat;
    ASSERT_TRUE(toUtm->Transform(1, &e, &n));
    ASSERT_TRUE(e > e0 + 2 * pixel && e < e0 + 98 * pixel && n < n0 - 2 * pixel && n > n0 - 78 * pixel);
    EXPECT_NEAR(dem->sampleBilinear(lat, lon), heightAt(e, n), 0.5);
    // Heights span 1000 .. 1260 m: no 0 from outside the footprint, no -9999 from the nodata pixel.
    EXPECT_GT(dem->minHeight, 999.0f);
    EXPECT_LT(dem->maxHeight, 1261.0f);

    // Decimated while warped: the empty corners must not be averaged in as 0 m either.
    fl::terrain::DemImportOptions options;
    options.maxSamplesPerSide = 25;
    auto small = loadDem(path, options);
    ASSERT_TRUE(small) << small.error().message;
    EXPECT_LE(std::max(small->width, small->height), 25);
    EXPECT_GT(small->minHeight, 999.0f);
    EXPECT_LT(small->maxHeight, 1261.0f);
    EXPECT_NEAR(small->sampleBilinear(lat, lon), heightAt(e, n), 8.0);  // 4 source pixels per sample
}

TEST_F(DemTest, LargeRasterIsDecimatedWithAverage) {
    // 300 x 200, value = column; read at most 100 per side -> 100 x 67, each sample the mean of 3 columns.
    // One pixel is nodata: the average leaves it out instead of mixing -9999 in.
    RasterSpec spec;
    spec.width = 300;
    spec.height = 200;
    const double gt[6] = {60, 0.01, 0, 36, 0, -0.01};
    std::copy(gt, gt + 6, spec.geoTransform);
    spec.nodata = -9999;
    const std::string path = file("large.tif");
    writeGeoTiff(path, spec, [](int c, int r) { return c == 31 && r == 1 ? -9999.0 : double(c); });

    fl::terrain::DemImportOptions options;
    options.maxSamplesPerSide = 100;
    auto dem = loadDem(path, options);
    ASSERT_TRUE(dem) << dem.error().message;
    EXPECT_EQ(dem->width, 100);
    EXPECT_EQ(dem->height, 67);
    EXPECT_NEAR(dem->pixelLon, 0.03, 1e-12);
    EXPECT_NEAR(dem->pixelLat, 2.0 / 67, 1e-12);
    EXPECT_NEAR(dem->east(), 63, 1e-12);
    EXPECT_NEAR(dem->south(), 34, 1e-12);
    EXPECT_NEAR(dem->at(0, 0), 1, 1e-4);
    EXPECT_NEAR(dem->at(42, 30), 127, 1e-4);
    EXPECT_GT(dem->at(10, 0), 29.9f);  // the block with the nodata pixel: mean of 30, 31, 32 without it
    EXPECT_LT(dem->at(10, 0), 32.1f);
    EXPECT_EQ(dem->nodataCount, 0u);

    options.maxSamplesPerSide = 0;
    auto bad = loadDem(path, options);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find(path), std::string::npos);
}

TEST_F(DemTest, SouthUpRasterScaleAndOffset) {
    // Stored south-up (positive row step), Int16 with scale 0.5 and offset 100: flipped to north-up, scaled.
    RasterSpec spec;
    spec.width = 3;
    spec.height = 2;
    spec.type = GDT_Int16;
    const double gt[6] = {20, 1, 0, 40, 0, 1};  // row 0 spans 40..41 N
    std::copy(gt, gt + 6, spec.geoTransform);
    spec.scale = 0.5;
    spec.offset = 100;
    const std::string path = file("southup.tif");
    writeGeoTiff(path, spec, [](int c, int r) { return 10 * r + c; });
    auto dem = loadDem(path);
    ASSERT_TRUE(dem) << dem.error().message;
    EXPECT_DOUBLE_EQ(dem->north, 42);
    EXPECT_DOUBLE_EQ(dem->south(), 40);
    EXPECT_EQ(dem->at(2, 0), 100 + 0.5f * 12);  // north row = stored row 1
    EXPECT_EQ(dem->at(1, 1), 100 + 0.5f * 1);
}

TEST_F(DemTest, FeetAreConvertedToMetres) {
    RasterSpec spec;
    spec.width = spec.height = 2;
    const double gt[6] = {20, 1, 0, 40, 0, -1};
    std::copy(gt, gt + 6, spec.geoTransform);
    spec.unit = "ft";
    const std::string path = file("feet.tif");
    writeGeoTiff(path, spec, [](int, int) { return 1000.0; });
    auto dem = loadDem(path);
    ASSERT_TRUE(dem) << dem.error().message;
    EXPECT_NEAR(dem->at(1, 1), 304.8, 1e-3);
    EXPECT_NEAR(dem->maxHeight, 304.8, 1e-3);
}

void expectErrorNaming(const fl::Result<DemGrid>& result, const std::string& path, const std::string& what) {
    ASSERT_FALSE(result) << path;
    EXPECT_NE(result.error().message.find(path), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find(what), std::string::npos) << result.error().message;
    EXPECT_EQ(result.error().message.find('\n'), std::string::npos) << result.error().message;
}

TEST_F(DemTest, ErrorsNameTheFile) {
    const std::string missing = file("missing.tif");
    expectErrorNaming(loadDem(missing), missing, "no such file");

    const std::string text = file("notes.txt");
    std::ofstream(text) << "These are notes about the Spin Boldak crossing, not a raster.\n";
    expectErrorNaming(loadDem(text), text, "not a raster");

    const std::string emptyFile = file("empty.tif");
    std::ofstream(emptyFile).flush();
    expectErrorNaming(loadDem(emptyFile), emptyFile, "");

    expectErrorNaming(loadDem(m_dir.string()), m_dir.string(), "");
    expectErrorNaming(loadDem(kPlacesAsset), kPlacesAsset, "not a raster");

    // The header and strip table are in the first 1000 bytes, so GDAL opens it and fails reading.
    const std::string truncated = file("truncated.tif");
    {
        std::ifstream in(kDemAsset, std::ios::binary);
        std::vector<char> head(1000);
        ASSERT_TRUE(in.read(head.data(), head.size()));
        std::ofstream(truncated, std::ios::binary).write(head.data(), head.size());
    }
    expectErrorNaming(loadDem(truncated), truncated, "truncated");

    RasterSpec rotated;
    rotated.width = rotated.height = 4;
    const double gt[6] = {60, 0.01, 0.002, 30, 0.002, -0.01};
    std::copy(gt, gt + 6, rotated.geoTransform);
    const std::string rotatedPath = file("rotated.tif");
    writeGeoTiff(rotatedPath, rotated, [](int, int) { return 1.0; });
    expectErrorNaming(loadDem(rotatedPath), rotatedPath, "rotated");

    RasterSpec noCrs;
    noCrs.width = noCrs.height = 4;
    noCrs.epsg = 0;
    const std::string noCrsPath = file("nocrs.tif");
    writeGeoTiff(noCrsPath, noCrs, [](int, int) { return 1.0; });
    expectErrorNaming(loadDem(noCrsPath), noCrsPath, "coordinate reference system");

    RasterSpec allNodata;
    allNodata.width = allNodata.height = 4;
    allNodata.nodata = 0;
    const std::string allNodataPath = file("allnodata.tif");
    writeGeoTiff(allNodataPath, allNodata, [](int, int) { return 0.0; });
    expectErrorNaming(loadDem(allNodataPath), allNodataPath, "no valid height");

    // EPSG:4326 label on metre coordinates: refuse rather than place it off the globe.
    RasterSpec mislabelled;
    mislabelled.width = mislabelled.height = 4;
    const double metres[6] = {750000, 1000, 0, 3550000, 0, -1000};
    std::copy(metres, metres + 6, mislabelled.geoTransform);
    const std::string mislabelledPath = file("mislabelled.tif");
    writeGeoTiff(mislabelledPath, mislabelled, [](int, int) { return 1.0; });
    expectErrorNaming(loadDem(mislabelledPath), mislabelledPath, "lon/lat");

    // GDAL will not open a VRT without bands, but a netCDF with several variables opens as a dataset with
    // no bands of its own, only subdatasets.
    if (GDALDriver* netcdf = GetGDALDriverManager()->GetDriverByName("netCDF")) {
        const std::string ncPath = file("two_variables.nc");
        {
            GDALDatasetUniquePtr nc(netcdf->CreateMultiDimensional(ncPath.c_str(), nullptr, nullptr));
            ASSERT_NE(nc, nullptr);
            auto root = nc->GetRootGroup();
            std::vector<std::shared_ptr<GDALDimension>> dims = {root->CreateDimension("y", "", "", 2),
                                                                root->CreateDimension("x", "", "", 3)};
            ASSERT_TRUE(root->CreateMDArray("elevation", dims, GDALExtendedDataType::Create(GDT_Float32)));
            ASSERT_TRUE(root->CreateMDArray("slope", dims, GDALExtendedDataType::Create(GDT_Float32)));
        }
        expectErrorNaming(loadDem(ncPath), ncPath, "no raster bands");
        expectErrorNaming(loadDem(ncPath), ncPath, "subdatasets");
    }
}

}  // namespace
