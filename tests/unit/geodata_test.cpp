// Map vectors: the shipped borders / places / province files, and malformed GeoJSON written here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scene/geodata.h"

namespace fs = std::filesystem;
using fl::LonLat;
using fl::scene::findPlace;
using fl::scene::loadLines;
using fl::scene::loadPlaces;

namespace {

const std::string kBorders = FRONTLINE_ASSET_DIR "/vector/afpak_borders.geojson";
const std::string kPlaces = FRONTLINE_ASSET_DIR "/vector/places.geojson";
const std::string kProvince = FRONTLINE_ASSET_DIR "/vector/kandahar_province.geojson";

class GeodataTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::temp_directory_path() / (std::string("frontline_") + info->test_suite_name() + "_" + info->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(m_dir, ignored);
    }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string path = (m_dir / name).string();
        std::ofstream(path) << text;
        return path;
    }

    fs::path m_dir;
};

// Proper crossing of segments ab and cd (planar lon/lat is fine over a few km).
bool segmentsCross(LonLat a, LonLat b, LonLat c, LonLat d) {
    auto side = [](LonLat p, LonLat q, LonLat r) {
        return (q.lon - p.lon) * (r.lat - p.lat) - (q.lat - p.lat) * (r.lon - p.lon);
    };
    const double d1 = side(c, d, a), d2 = side(c, d, b), d3 = side(a, b, c), d4 = side(a, b, d);
    return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0;
}

TEST_F(GeodataTest, BordersAreClippedToTheDemExtent) {
    auto lines = loadLines(kBorders);
    ASSERT_TRUE(lines) << lines.error().message;
    ASSERT_GE(lines->size(), 1u);
    size_t points = 0;
    for (const auto& line : *lines) {
        EXPECT_GE(line.points.size(), 2u);
        EXPECT_NE(line.name.find("Durand Line"), std::string::npos) << line.name;  // polygons are ignored
        for (const LonLat& p : line.points) {
            EXPECT_GE(p.lon, 60 - 1e-9);
            EXPECT_LE(p.lon, 71 + 1e-9);
            EXPECT_GE(p.lat, 27 - 1e-9);
            EXPECT_LE(p.lat, 36 + 1e-9);
        }
        points += line.points.size();
    }
    EXPECT_GT(points, 1000u);
}

// The Durand Line runs between Spin Boldak (AF) and Chaman (PK): the straight road crosses it once.
TEST_F(GeodataTest, SpinBoldakToChamanCrossesTheBorderOnce) {
    auto lines = loadLines(kBorders);
    auto places = loadPlaces(kPlaces);
    ASSERT_TRUE(lines) << lines.error().message;
    ASSERT_TRUE(places) << places.error().message;
    const auto* spinBoldak = findPlace(*places, "Spin Boldak");
    const auto* chaman = findPlace(*places, "Chaman");
    ASSERT_TRUE(spinBoldak && chaman);
    const LonLat a{spinBoldak->lon, spinBoldak->lat}, b{chaman->lon, chaman->lat};
    int crossings = 0;
    for (const auto& line : *lines)
        for (size_t i = 0; i + 1 < line.points.size(); ++i)
            crossings += segmentsCross(a, b, line.points[i], line.points[i + 1]);
    EXPECT_EQ(crossings, 1);
}

TEST_F(GeodataTest, PlacesHaveTheGeoNamesRecords) {
    auto places = loadPlaces(kPlaces);
    ASSERT_TRUE(places) << places.error().message;
    EXPECT_EQ(places->size(), 362u);
    const auto* kandahar = findPlace(*places, "Kandahar");
    ASSERT_NE(kandahar, nullptr);
    EXPECT_EQ(kandahar->geonameId, 1138336);
    EXPECT_EQ(kandahar->name, "Kandah\xc4\x81r");  // Kandahār
    EXPECT_EQ(kandahar->country, "AF");
    EXPECT_EQ(kandahar->population, 391190);
    EXPECT_NEAR(kandahar->lon, 65.71013, 1e-9);
    EXPECT_NEAR(kandahar->lat, 31.61332, 1e-9);
    EXPECT_EQ(findPlace(*places, "kandahar"), kandahar);  // ASCII case does not matter
    const auto* spinBoldak = findPlace(*places, "Spin Boldak");
    ASSERT_NE(spinBoldak, nullptr);
    EXPECT_EQ(spinBoldak->geonameId, 1123906);
    EXPECT_EQ(spinBoldak->population, 0);  // none in the source
    EXPECT_EQ(findPlace(*places, "Quetta")->geonameId, 1167528);
    EXPECT_EQ(findPlace(*places, "Wesh"), nullptr);  // not in GeoNames' cities list (README)
    EXPECT_EQ(findPlace({}, "Kandahar"), nullptr);
    EXPECT_EQ((*places)[0].nameAscii, "Kabul");  // file order (by population) is kept
}

TEST_F(GeodataTest, ProvincePolygonHasNoLines) {
    auto lines = loadLines(kProvince);
    ASSERT_FALSE(lines);
    EXPECT_NE(lines.error().message.find(kProvince), std::string::npos) << lines.error().message;
}

TEST_F(GeodataTest, OldStyleCrsMemberIsReprojected) {
    // Web Mercator coordinates of (66 E, 31 N) and (66.5 E, 31 N), declared the pre-RFC 7946 way.
    const std::string path = write("mercator.geojson", R"({"type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [{"type": "Feature", "properties": {"name": "front"},
          "geometry": {"type": "LineString", "coordinates": [
              [7347086.392356, 3632749.143384], [7402746.137753, 3632749.143384]]}}]})");
    auto lines = loadLines(path);
    ASSERT_TRUE(lines) << lines.error().message;
    ASSERT_EQ(lines->size(), 1u);
    EXPECT_EQ((*lines)[0].name, "front");
    ASSERT_EQ((*lines)[0].points.size(), 2u);
    EXPECT_NEAR((*lines)[0].points[0].lon, 66.0, 1e-6);
    EXPECT_NEAR((*lines)[0].points[0].lat, 31.0, 1e-6);
    EXPECT_NEAR((*lines)[0].points[1].lon, 66.5, 1e-6);
}

TEST_F(GeodataTest, MultiLineStringPartsAndCollections) {
    const std::string path = write("mixed.geojson", R"({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "a"},
         "geometry": {"type": "MultiLineString",
                      "coordinates": [[[60, 30], [61, 30]], [[62, 30], [63, 31]]]}},
        {"type": "Feature", "properties": {},
         "geometry": {"type": "Polygon", "coordinates": [[[60, 30], [61, 30], [61, 31], [60, 30]]]}},
        {"type": "Feature", "properties": {"name": "c"},
         "geometry": {"type": "GeometryCollection", "geometries": [
             {"type": "Point", "coordinates": [60, 30]},
             {"type": "LineString", "coordinates": [[64, 30], [65, 30], [65, 31]]}]}}]})");
    auto lines = loadLines(path);
    ASSERT_TRUE(lines) << lines.error().message;
    ASSERT_EQ(lines->size(), 3u);
    EXPECT_EQ((*lines)[0].name, "a");
    EXPECT_EQ((*lines)[1].name, "a");
    EXPECT_EQ((*lines)[1].points[1].lat, 31);
    EXPECT_EQ((*lines)[2].name, "c");
    EXPECT_EQ((*lines)[2].points.size(), 3u);
}

struct BadFile {
    const char* name;
    std::string text;
    const char* expected;  // part of the message besides the path
    bool places;           // loadPlaces, else loadLines
};

TEST_F(GeodataTest, MalformedFilesAreErrorsNamingTheFile) {
    const char* line = R"({"type": "Feature", "properties": {"name": "ok"},
                           "geometry": {"type": "LineString", "coordinates": [[66, 31], [66.1, 31]]}})";
    const std::string okLine = line;
    const std::vector<BadFile> cases = {
        {"invalid.geojson", R"({"type": "FeatureCollection", "features": [{"type": "Feature", )", "", false},
        {"notjson.geojson", "this is not JSON at all\n", "", false},
        {"empty.geojson", "", "", false},
        {"nan.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
             "geometry": {"type": "LineString", "coordinates": [[66, 31], [NaN, 30]]}}]})",
         "feature 0", false},
        {"inf.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
             "geometry": {"type": "LineString", "coordinates": [[66, 31], [1e999, 30]]}}]})",
         "feature 0", false},
        {"string_coordinate.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
             "geometry": {"type": "LineString", "coordinates": [[66, 31], ["x", 30]]}}]})",
         "", false},
        {"unknown_type.geojson",
         R"({"type": "FeatureCollection", "features": [)" + okLine +
             R"(, {"type": "Feature", "properties": {},
             "geometry": {"type": "Circle", "coordinates": [66, 31], "radius": 5}}]})",
         "feature 1", false},
        {"one_point_line.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
             "geometry": {"type": "LineString", "coordinates": [[66, 31]]}}]})",
         "feature 0", false},
        {"projected_without_crs.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
             "geometry": {"type": "LineString", "coordinates": [[7347086, 3632749], [7402746, 3632749]]}}]})",
         "feature 0", false},
        {"only_points.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"},
             "geometry": {"type": "Point", "coordinates": [66, 31]}}]})",
         "no LineString", false},
        {"line_as_place.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"},
             "geometry": {"type": "Point", "coordinates": [66, 31]}}, )" +
             okLine + "]}",
         "feature 1", true},
        {"nameless_place.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"population": 5},
             "geometry": {"type": "Point", "coordinates": [66, 31]}}]})",
         "name", true},
        {"nan_place.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"},
             "geometry": {"type": "Point", "coordinates": [NaN, 31]}}]})",
         "feature 0", true},
        {"null_geometry_place.geojson",
         R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"},
             "geometry": null}]})",
         "feature 0", true},
        {"no_features.geojson", R"({"type": "FeatureCollection", "features": []})", "", true},
    };
    for (const BadFile& bad : cases) {
        const std::string path = write(bad.name, bad.text);
        const std::string message = bad.places ? (loadPlaces(path) ? "" : loadPlaces(path).error().message)
                                               : (loadLines(path) ? "" : loadLines(path).error().message);
        ASSERT_FALSE(message.empty()) << bad.name << " loaded without an error";
        EXPECT_NE(message.find(path), std::string::npos) << message;
        EXPECT_NE(message.find(bad.expected), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }

    const std::string missing = (m_dir / "missing.geojson").string();
    auto none = loadPlaces(missing);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find(missing + ": no such file"), std::string::npos);
}

}  // namespace
