// TileWarper: the GMTED2010 asset and synthetic GeoTIFFs written here (scale/offset, feet, nodata, errors).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <unistd.h>

#include "terrain/tile_warp.h"

namespace fs = std::filesystem;
using namespace fl::terrain;

namespace {

const std::string kDemAsset = FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";

fs::path tempDir() {
    const fs::path d = fs::temp_directory_path() / ("frontline-warp-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

// One-band Float32 GeoTIFF, north-up lon/lat, pixel (col, row) = value(col, row).
void writeTiff(const std::string& path, int w, int h, double west, double north, double pixel,
               const std::function<double(int, int)>& value, bool georeferenced = true,
               std::optional<double> nodata = std::nullopt, double scale = 1, double offset = 0,
               const char* unit = nullptr) {
    GDALAllRegister();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(gtiff->Create(path.c_str(), w, h, 1, GDT_Float32, nullptr));
    ASSERT_NE(ds, nullptr);
    if (georeferenced) {
        double gt[6] = {west, pixel, 0, north, 0, -pixel};
        ds->SetGeoTransform(gt);
        OGRSpatialReference srs;
        srs.importFromEPSG(4326);
        ds->SetSpatialRef(&srs);
    }
    GDALRasterBand* band = ds->GetRasterBand(1);
    if (nodata) band->SetNoDataValue(*nodata);
    if (scale != 1) band->SetScale(scale);
    if (offset != 0) band->SetOffset(offset);
    if (unit) band->SetUnitType(unit);
    std::vector<float> v(size_t(w) * h);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) v[size_t(r) * w + c] = float(value(c, r));
    ASSERT_EQ(band->RasterIO(GF_Write, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0), CE_None);
}

}  // namespace

TEST(TileWarp, DescribesTheGmtedAsset) {
    auto warper = TileWarper::open({kDemAsset});
    ASSERT_TRUE(warper) << warper.error().message;
    const MosaicInfo& info = (*warper)->info();
    ASSERT_EQ(info.inputs.size(), 1u);
    EXPECT_NEAR(info.extent.west, 60.0, 0.01);
    EXPECT_NEAR(info.extent.east, 71.0, 0.01);
    EXPECT_NEAR(info.extent.south, 27.0, 0.01);
    EXPECT_NEAR(info.extent.north, 36.0, 0.01);
    // 0.025 deg at 31.5 N: 2.37 km E-W x 2.78 km N-S, geometric mean ~2.57 km.
    EXPECT_NEAR(info.finestResolutionMetres, 2570, 60);
    EXPECT_EQ(info.nativeZoom, 6);
    EXPECT_EQ(info.attribution, "GMTED2010: USGS/NGA (public domain)");
    EXPECT_NE(info.inputs[0].provenance().find("GTiff, 440 x 360 px"), std::string::npos)
        << info.inputs[0].provenance();
}

TEST(TileWarp, TileHeightsArePlausibleAndOutsideIsNaN) {
    auto warper = TileWarper::open({kDemAsset});
    ASSERT_TRUE(warper) << warper.error().message;
    auto tile = (*warper)->warpTile(tileAt(31.6133, 65.7101, 8));  // Kandahar
    ASSERT_TRUE(tile) << tile.error().message;
    ASSERT_EQ(tile->heights.size(), 256u * 256u);
    for (float h : tile->heights) {
        ASSERT_TRUE(std::isfinite(h));
        EXPECT_GT(h, 500);
        EXPECT_LT(h, 3500);
    }
    auto outside = (*warper)->warpTile(tileAt(0, 0, 8));
    ASSERT_TRUE(outside) << outside.error().message;
    for (float h : outside->heights) ASSERT_TRUE(std::isnan(h));
}

TEST(TileWarp, ScaleOffsetFeetAndNodata) {
    const std::string path = (tempDir() / "feet.tif").string();
    // 100 raw * 2 + 10 = 210 ft = 64.008 m; the western half is nodata.
    writeTiff(
        path, 100, 100, 10, 46, 0.01, [](int c, int) { return c < 50 ? -9999.0 : 100.0; }, true, -9999.0, 2.0, 10.0,
        "ft");
    auto warper = TileWarper::open({path});
    ASSERT_TRUE(warper) << warper.error().message;
    const TileId tile = tileAt(45.5, 10.5, 9);
    auto t = (*warper)->warpTile(tile);
    ASSERT_TRUE(t) << t.error().message;
    int checked = 0;
    for (int j = 0; j < 256; j += 8)
        for (int i = 0; i < 256; i += 8) {
            const LatLon p = pixelCenter(tile, i, j);
            const float h = t->heights[size_t(j) * 256 + i];
            if (p.lon < 10.49 && p.lon > 10.01 && p.lat > 45.01 && p.lat < 45.99) {
                EXPECT_TRUE(std::isnan(h)) << p.lon;
                ++checked;
            } else if (p.lon > 10.51 && p.lon < 10.99 && p.lat > 45.01 && p.lat < 45.99) {
                EXPECT_NEAR(h, 64.008, 1e-3) << p.lon;
                ++checked;
            }
        }
    EXPECT_GT(checked, 100);
}

TEST(TileWarp, ErrorsNameTheFile) {
    const fs::path dir = tempDir();
    auto missing = TileWarper::open({(dir / "nope.tif").string()});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("nope.tif: no such file"), std::string::npos) << missing.error().message;

    const std::string text = (dir / "notes.txt").string();
    std::ofstream(text) << "not a raster\n";
    auto notRaster = TileWarper::open({text});
    ASSERT_FALSE(notRaster);
    EXPECT_NE(notRaster.error().message.find("notes.txt: not a raster"), std::string::npos)
        << notRaster.error().message;

    const std::string bare = (dir / "bare.tif").string();
    writeTiff(
        bare, 4, 4, 0, 0, 1, [](int, int) { return 1.0; }, false);
    auto noGeo = TileWarper::open({kDemAsset, bare});
    ASSERT_FALSE(noGeo);
    EXPECT_NE(noGeo.error().message.find("bare.tif: has no geotransform"), std::string::npos) << noGeo.error().message;

    EXPECT_FALSE(TileWarper::open({}));
}

TEST(TileWarp, ZoomForResolution) {
    EXPECT_EQ(zoomForResolution(tilePixelSizeMetres(12, 31), 31), 12);
    EXPECT_EQ(zoomForResolution(30, 31), 12);   // 33 m at z12
    EXPECT_EQ(zoomForResolution(2500, 31), 6);  // GMTED 90"
    EXPECT_NEAR(tilePixelSizeMetres(0, 0), 156543.03, 0.01);
}
