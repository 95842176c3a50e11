// Issue 11 finding 2: a typo in a story key ("stauts") or a GeoJSON property ("Status") used to change the facts
// on screen in silence. Unknown keys stay (forward compatibility), but near misses of known keys are warnings
// that name the file, the feature and the key, and --strict makes them errors.
#include <gtest/gtest.h>

#include "story/key_check.h"
#include "story/story.h"
#include "story/story_geojson.h"

using namespace fl::story;
using nlohmann::json;

namespace {

json square() {
    return {{"type", "Polygon"},
            {"coordinates", {{{66.0, 31.0}, {66.2, 31.0}, {66.2, 31.2}, {66.0, 31.2}, {66.0, 31.0}}}}};
}

json storyWith(json faction, json keyframe) {
    keyframe["time"] = "2021-07-14T00:00:00Z";
    keyframe["geometry"] = square();
    return {{"version", 1},
            {"title", "Test"},
            {"clock", {{"start", "2021-07-01"}, {"end", "2021-07-15"}, {"seconds", 20}}},
            {"factions", {faction}},
            {"areas", {{{"id", "spin-boldak"}, {"faction", "taliban"}, {"keyframes", {keyframe}}}}}};
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
}

}  // namespace

TEST(KeyCheck, NearMissesByCaseSpellingAndEditDistance) {
    EXPECT_EQ(nearMissOf("stauts", keys::kKeyframe), "status");
    EXPECT_EQ(nearMissOf("Status", keys::kKeyframe), "status");
    EXPECT_EQ(nearMissOf("STATUS", keys::kGeoJsonArea), "status");
    EXPECT_EQ(nearMissOf("color", keys::kFaction), "colour");
    EXPECT_EQ(nearMissOf("Colour", keys::kFaction), "colour");
    EXPECT_EQ(nearMissOf("eassing", keys::kKeyframe), "easing");
    EXPECT_EQ(nearMissOf("widthkm", keys::kArrow), "widthKm");
    // Not near misses: genuinely other keys, and short keys that are within 2 edits of "id" by accident.
    EXPECT_EQ(nearMissOf("x-checked-by", keys::kKeyframe), std::nullopt);
    EXPECT_EQ(nearMissOf("confidence", keys::kKeyframe), std::nullopt);
    EXPECT_EQ(nearMissOf("fid", keys::kGeoJsonLine), std::nullopt);
    EXPECT_EQ(nearMissOf("ref", keys::kLine), std::nullopt);
    EXPECT_EQ(nearMissOf("status", keys::kKeyframe), std::nullopt);  // known
}

TEST(KeyCheck, StoryWarningsNameFileFeatureAndKeyAndKeepTheKey) {
    auto story = parseStory(storyWith({{"id", "taliban"}, {"name", "Taliban"}, {"color", "#c8102e"}},
                                      {{"stauts", "contested"}, {"x-desk", "kept quietly"}})
                                .dump(),
                            "spin.json");
    ASSERT_TRUE(story) << story.error().message;
    EXPECT_EQ(story->areas[0].keyframes[0].extra.at("stauts"), "contested");  // kept: forward compatibility
    const auto warnings = nearMissKeyWarnings(*story, "spin.json");
    ASSERT_EQ(warnings.size(), 2u) << joined(warnings);
    EXPECT_EQ(warnings[0],
              "spin.json: faction \"taliban\": unknown key \"color\" (did you mean \"colour\"?); it is "
              "kept but has no effect");
    EXPECT_EQ(warnings[1],
              "spin.json: area \"spin-boldak\" keyframe 2021-07-14T00:00:00Z: unknown key \"stauts\" "
              "(did you mean \"status\"?); it is kept but has no effect");
    auto strict = failOnWarnings(warnings);
    ASSERT_FALSE(strict);
    EXPECT_NE(strict.error().message.find("\"color\""), std::string::npos);
    EXPECT_NE(strict.error().message.find("(and 1 more)"), std::string::npos);
    EXPECT_TRUE(failOnWarnings({}));
}

TEST(KeyCheck, UnknownValuesStayErrors) {
    auto story =
        parseStory(storyWith({{"id", "taliban"}, {"name", "Taliban"}}, {{"status", "contestd"}}).dump(), "spin.json");
    ASSERT_FALSE(story);
    EXPECT_NE(story.error().message.find("unknown status \"contestd\""), std::string::npos);
}

TEST(KeyCheck, GeoJsonImportWarnsForNearMissPropertiesNamingTheFeature) {
    auto base = parseStory(storyWith({{"id", "taliban"}, {"name", "Taliban"}}, json::object()).dump(), "s.json");
    ASSERT_TRUE(base) << base.error().message;
    const json fc = {
        {"type", "FeatureCollection"},
        {"features",
         {{{"type", "Feature"},
           {"properties", {{"area", "spin-boldak"}, {"time", "2021-07-15"}, {"Status", "contested"}, {"fid", 7}}},
           {"geometry", square()}}}}};
    auto imported = importGeoJson(*base, fc.dump(), "qgis.geojson");
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_EQ(imported->warnings.size(), 1u) << joined(imported->warnings);
    EXPECT_EQ(imported->warnings[0],
              "qgis.geojson: feature 0 (area \"spin-boldak\"): unknown key \"Status\" (did you "
              "mean \"status\"?); it is kept but has no effect");
}
