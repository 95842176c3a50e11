// Unknown keys kept unread are bounded in depth and size: a hostile story or GeoJSON file is refused with the file
// and the key named, never a stack overflow, never a 200 MB file written from a 100 KB one.
#include <gtest/gtest.h>

#include <string>

#include "story/kept_json.h"
#include "story/story.h"
#include "story/story_geojson.h"

using namespace fl::story;
using nlohmann::json;

namespace {

std::string nested(size_t depth, const std::string& inner = "1") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

// A valid story's text with `extra` spliced in as the value of a top-level unknown key "x-notes".
std::string storyWithKept(const std::string& extra) {
    return R"({"version": 1, "title": "T", "clock": {"start": "2021-07-01", "end": "2021-07-02", "seconds": 5},
               "factions": [{"id": "a", "name": "A"}], "x-notes": )" +
           extra + "}";
}

std::string featureWithProperty(const std::string& value) {
    return R"({"type": "Feature", "properties": {"frontline:kind": "label", "id": "l", "name": "L", "x-deep": )" +
           value + R"(}, "geometry": {"type": "Point", "coordinates": [66, 31]}})";
}

Story baseStory() {
    auto s = parseStory(storyWithKept("1"), "base.json");
    EXPECT_TRUE(s.ok()) << s.error().message;
    return *s;
}

}  // namespace

TEST(KeptJson, MeasuresDepthWithoutRecursing) {
    EXPECT_EQ(measureKeptJson(json(1)).depth, 0u);
    EXPECT_EQ(measureKeptJson(json::parse("[1, {\"a\": [2]}]")).depth, 3u);
    // 200 000 levels: a recursive walk would overflow the stack here; the measure stops just past the limit.
    const json deep = json::parse(nested(200000));
    EXPECT_EQ(measureKeptJson(deep).depth, KeptJsonLimits{}.maxDepth + 1);
}

TEST(KeptJson, StoryWithAKeyNested200000DeepIsAnErrorNamingFileAndKey) {
    auto s = parseStory(storyWithKept(nested(200000)), "deep.json");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message,
              "deep.json: unknown key \"x-notes\" nests more than 64 levels deep (the limit for a value kept unread)");
}

TEST(KeptJson, SixtyFourLevelsAreKeptAndWrittenBack) {
    auto s = parseStory(storyWithKept(nested(64)), "ok.json");
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto again = parseStory(serializeStory(*s), "again.json");
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->extra.at("x-notes"), json::parse(nested(64)));
    EXPECT_FALSE(parseStory(storyWithKept(nested(65)), "deep.json").ok());
}

TEST(KeptJson, AKeptValueTooLargeToWriteBackIsRefused) {
    // 60 levels of 2 000 numbers each: ~100 KB of input, which indentation would write as several MB.
    std::string wide = "[";
    for (int i = 0; i < 2000; ++i) wide += (i ? "," : "") + nested(60);
    wide += "]";
    auto s = parseStory(storyWithKept(wide), "wide.json");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("wide.json: unknown key \"x-notes\" would be kept at"), std::string::npos)
        << s.error().message;
    EXPECT_NE(s.error().message.find("(the limit for a value kept unread is 1.0 MB)"), std::string::npos);
}

TEST(KeptJson, KeptValuesTogetherAreBoundedAndTheFeatureNamed) {
    // Sixteen keys of ~0.6 MB each: every one under the per-key limit, together over the total.
    const std::string big = "\"" + std::string(600000, 'x') + "\"";
    std::string labels;
    for (int i = 0; i < 16; ++i)
        labels += std::string(i ? "," : "") + R"({"id": "l)" + std::to_string(i) +
                  R"(", "text": "L", "lat": 31, "lon": 66, "x-blob": )" + big + "}";
    auto s = parseStory(storyWithKept("1").insert(1, R"("labels": [)" + labels + "],"), "many.json");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("many.json: label \"l13\": unknown keys kept unread pass 8.0 MB together (at key "
                                     "\"x-blob\")"),
              std::string::npos)
        << s.error().message;
}

TEST(KeptJson, GeoJsonPropertyNested200000DeepIsAnErrorNamingFileFeatureAndProperty) {
    Story story = baseStory();
    const Story before = story;
    auto r = importGeoJson(story, featureWithProperty(nested(200000)), "drawn.geojson");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message,
              "drawn.geojson: feature 0 (\"l\"): property \"x-deep\" nests more than 64 levels deep (the limit for a "
              "value kept unread)");
    EXPECT_EQ(serializeStory(story), serializeStory(before));
}

TEST(KeptJson, GeoJsonPropertyNested10000DeepIsRefusedNotWrittenAs200MB) {
    Story story = baseStory();
    EXPECT_FALSE(importGeoJson(story, featureWithProperty(nested(10000)), "drawn.geojson").ok());
    ASSERT_TRUE(importGeoJson(story, featureWithProperty(nested(8)), "drawn.geojson").ok());
    EXPECT_LT(serializeStory(story).size(), 4096u);
}
