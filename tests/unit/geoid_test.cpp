// EGM96 geoid: the shipped crop (tools/make_geoid_asset.sh) against values read from the PROJ source grid.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "core/paths.h"
#include "scene/views.h"
#include "terrain/geoid.h"

using fl::terrain::loadGeoid;

namespace {

const std::string kGeoidAsset = FRONTLINE_ASSET_DIR "/geoid/egm96_15_afpak.tif";
const std::string kProjGtx = "/usr/share/proj/egm96_15.gtx";

// Reference values from Debian proj-data's /usr/share/proj/egm96_15.gtx (GDAL 3.6.2):
//   gdallocationinfo -valonly -wgs84 /usr/share/proj/egm96_15.gtx 65.7101 31.6133  ->  -25.2526092529297
// gdallocationinfo reads the nearest node, which for Kandahar is 31.5 N 65.75 E. Bilinear at Kandahar itself:
//   echo "65.7101 31.6133 0" | gdaltransform -s_srs EPSG:4326+5773 -t_srs EPSG:4979  ->  -24.953554701904
// (EGM96 at Kandahar is about -25 m, i.e. h_ellipsoid = H_msl - 25 m.)
constexpr double kNodeLat = 31.5, kNodeLon = 65.75, kNodeUndulation = -25.2526092529297;
constexpr double kKandaharLat = 31.6133, kKandaharLon = 65.7101, kKandaharUndulation = -24.953554701904;

TEST(GeoidTest, AssetMatchesGdalLocationInfoNearKandahar) {
    auto geoid = loadGeoid(kGeoidAsset);
    ASSERT_TRUE(geoid) << geoid.error().message;
    // Nodes 59..72 E x 26..37 N every 15', edges half a node outside.
    EXPECT_EQ(geoid->grid.width, 53);
    EXPECT_EQ(geoid->grid.height, 45);
    EXPECT_DOUBLE_EQ(geoid->grid.west, 58.875);
    EXPECT_DOUBLE_EQ(geoid->grid.north, 37.125);
    EXPECT_EQ(geoid->grid.nodataCount, 0u);

    EXPECT_NEAR(geoid->undulation(kNodeLat, kNodeLon), kNodeUndulation, 0.1);
    EXPECT_NEAR(geoid->undulation(kNodeLat, kNodeLon), kNodeUndulation, 1e-4);  // a node: exact
    EXPECT_NEAR(geoid->undulation(kKandaharLat, kKandaharLon), kKandaharUndulation, 0.01);
    // The whole crop area is covered, corners included.
    EXPECT_FALSE(std::isnan(geoid->undulation(26, 59)));
    EXPECT_FALSE(std::isnan(geoid->undulation(37, 72)));
    EXPECT_TRUE(std::isnan(geoid->undulation(40, 65)));
}

TEST(GeoidTest, CropAgreesWithProjGrid) {
    if (!std::filesystem::exists(kProjGtx)) GTEST_SKIP() << kProjGtx << " not installed (proj-data)";
    auto crop = loadGeoid(kGeoidAsset);
    auto world = loadGeoid(kProjGtx);
    ASSERT_TRUE(crop) << crop.error().message;
    ASSERT_TRUE(world) << world.error().message;
    for (double lat = 26.1; lat < 37; lat += 0.7)
        for (double lon = 59.1; lon < 72; lon += 0.9)
            EXPECT_NEAR(crop->undulation(lat, lon), world->undulation(lat, lon), 1e-4) << lat << ", " << lon;
    // Longitudes past 180 wrap on a global grid.
    EXPECT_NEAR(world->undulation(kKandaharLat, kKandaharLon - 360), kKandaharUndulation, 0.01);
}

TEST(GeoidTest, ErrorsNameTheFile) {
    const std::string missing = "/nonexistent/egm96.tif";
    auto none = loadGeoid(missing);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find(missing), std::string::npos) << none.error().message;

    // A DEM is a valid raster but not a geoid.
    const std::string dem = FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";
    auto wrong = loadGeoid(dem);
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find(dem), std::string::npos) << wrong.error().message;
    EXPECT_NE(wrong.error().message.find("geoid"), std::string::npos) << wrong.error().message;
}

}  // namespace

// Cameras outside the crop (40N 58E, 31N 75E) got a NaN altitude and rendered blank sky. The global grid of
// proj-data covers them, agrees with the crop inside it, and a pose that is still NaN is an error naming the input.
TEST(GeoidTest, TheDefaultCoversCamerasOutsideTheRegionalCrop) {
    const std::string path = fl::paths::defaultGeoid();
    ASSERT_EQ(path, "/usr/share/proj/egm96_15.gtx") << "proj-data is not installed (scripts/setup.sh)";
    auto global = loadGeoid(path);
    ASSERT_TRUE(global) << global.error().message;
    auto crop = loadGeoid(kGeoidAsset);
    ASSERT_TRUE(crop);
    for (auto [lat, lon] : {std::pair{40.0, 58.0}, {31.0, 75.0}, {-33.9, 151.2}, {51.5, -0.1}})
        EXPECT_TRUE(std::isfinite(global->undulation(lat, lon))) << lat << ", " << lon;
    for (auto [lat, lon] : {std::pair{31.61, 65.71}, {30.957, 66.445}, {27.3, 60.1}})
        EXPECT_NEAR(global->undulation(lat, lon), crop->undulation(lat, lon), 1e-3) << lat << ", " << lon;
}

TEST(GeoidTest, APoseOutsideTheGeoidIsAnErrorNamingTheInput) {
    auto crop = loadGeoid(kGeoidAsset);
    ASSERT_TRUE(crop);
    auto spec = fl::scene::parseCameraSpec("40,58,1000,0,-30");
    ASSERT_TRUE(spec);
    auto pose = fl::scene::checkedPose(*spec, &*crop, "--camera 40,58,1000,0,-30");
    ASSERT_FALSE(pose);
    EXPECT_NE(pose.error().message.find(
                  "--camera 40,58,1000,0,-30: lat 40.0000, lon 58.0000 is outside the geoid grid " + kGeoidAsset),
              std::string::npos)
        << pose.error().message;
    auto inside = fl::scene::checkedPose(*fl::scene::findView("spin-boldak"), &*crop, "view 'spin-boldak'");
    EXPECT_TRUE(inside) << inside.error().message;
}
