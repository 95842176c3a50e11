// The story file: times, parse/serialize round trip with unknown keys, every validation error naming the file and
// the feature, atomic saving, and the default story's facts.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "core/geodesy.h"
#include "story/story.h"
#include "story/story_eval.h"

using namespace fl::story;
using nlohmann::json;

namespace {

json square(double lon, double lat, double d) {
    return {{"type", "Polygon"},
            {"coordinates", {{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}};
}

// A small valid story as JSON, for tests to break one thing at a time.
json smallStory() {
    return {{"version", 1},
            {"title", "Test"},
            {"clock", {{"start", "2021-07-01"}, {"end", "2021-07-15T18:00:00Z"}, {"seconds", 20}}},
            {"factions",
             {{{"id", "taliban"}, {"name", "Taliban"}, {"colour", "#c8102e"}},
              {{"id", "government"}, {"name", "Government"}, {"colour", "#1f4e9c"}, {"pattern", "hatched"}}}},
            {"areas",
             {{{"id", "spin-boldak"},
               {"faction", "government"},
               {"keyframes",
                {{{"time", "2021-07-01T00:00:00Z"}, {"geometry", square(66.0, 31.0, 0.2)}},
                 {{"time", "2021-07-08T00:00:00Z"}, {"geometry", square(66.0, 31.0, 0.3)}},
                 {{"time", "2021-07-14T12:00:00Z"},
                  {"status", "contested"},
                  {"sources", {{{"outlet", "Reuters"}, {"date", "2021-07-14"}}}},
                  {"geometry", square(66.0, 31.0, 0.3)}}}}}}},
            {"lines", {{{"id", "highway"}, {"kind", "route"}, {"coordinates", {{65.7, 31.6}, {66.4, 31.0}}}}}},
            {"arrows",
             {{{"id", "advance"},
               {"faction", "taliban"},
               {"path", {{66.0, 31.3}, {66.44, 30.96}}},
               {"start", "2021-07-13T18:00:00Z"},
               {"end", "2021-07-14T10:00:00Z"}}}},
            {"labels", {{{"id", "kandahar"}, {"text", "Kandahar"}, {"lat", 31.61}, {"lon", 65.71}, {"priority", 5}}}},
            {"captions", {{{"from", "2021-07-01"}, {"to", "2021-07-15"}, {"text", "As of {date}"}}}}};
}

constexpr double kOverflow = 1234567.25;

fl::Result<Story> parse(const json& j) {
    std::string text = j.dump();
    for (size_t at = text.find("1234567.25"); at != std::string::npos; at = text.find("1234567.25"))
        text.replace(at, 10, "1e400");
    return parseStory(text, "spin.json");
}

StoryTime at(const char* iso) {
    auto t = parseStoryTime(iso);
    EXPECT_TRUE(t.ok()) << iso;
    return t.ok() ? *t : 0;
}

}  // namespace

TEST(StoryTime, ParsesAndFormatsIso8601) {
    EXPECT_EQ(at("1970-01-01"), 0.0);
    EXPECT_EQ(at("2021-07-14"), 1626220800.0);
    EXPECT_EQ(at("2021-07-14T12:00:00Z"), 1626220800.0 + 43200);
    EXPECT_EQ(at("2021-07-14T12:00Z"), 1626220800.0 + 43200);
    EXPECT_EQ(at("2021-07-14T16:30:00+04:30"), 1626220800.0 + 43200);  // Kabul time
    EXPECT_EQ(at("2021-07-14T07:00:00-05:00"), 1626220800.0 + 43200);
    EXPECT_DOUBLE_EQ(at("2021-07-14T12:00:00.25Z"), 1626220800.0 + 43200.25);
    EXPECT_EQ(at("2000-02-29"), 951782400.0);
    EXPECT_EQ(at("1969-12-31T23:59:59Z"), -1.0);
    EXPECT_EQ(formatStoryTime(1626220800.0 + 43200), "2021-07-14T12:00:00Z");
    EXPECT_EQ(formatStoryTime(1626220800.0 + 43200.25), "2021-07-14T12:00:00.25Z");
    EXPECT_EQ(formatStoryTime(-1.0), "1969-12-31T23:59:59Z");
    EXPECT_EQ(formatStoryDate(at("2021-07-14T23:59:00Z")), "14 July 2021");
    EXPECT_EQ(formatStoryDate(at("2021-07-01")), "1 July 2021");
    for (const char* s : {"2021-07-14T00:00:00Z", "1999-12-31T23:59:59Z", "2024-02-29T06:07:08.5Z"})
        EXPECT_EQ(formatStoryTime(at(s)), s);
}

TEST(StoryTime, RejectsMalformedTimes) {
    for (const char* s : {"", "2021", "2021-7-14", "2021-13-01", "2021-02-29", "2021-07-32", "2021-07-14T12:00:00",
                          "2021-07-14T25:00Z", "2021-07-14T12:60Z", "2021-07-14 12:00Z", "2021-07-14T12:00:00Zx",
                          "2021-07-14T12:00+4", "2021-07-14T12:00:00.Z", "NaN", "2021-07-14T12:00:00+99:00"}) {
        auto t = parseStoryTime(s);
        EXPECT_FALSE(t.ok()) << s;
    }
    EXPECT_NE(parseStoryTime("2021-07-14T12:00:00").error().message.find("time zone"), std::string::npos);
}

TEST(StoryClock, MapsPresentationSecondsLinearlyAndClamps) {
    const StoryClock clock{at("2021-07-01"), at("2021-07-11"), 20};
    EXPECT_EQ(storyTimeAt(clock, 0), clock.start);
    EXPECT_EQ(storyTimeAt(clock, 20), clock.end);
    EXPECT_EQ(storyTimeAt(clock, 10), at("2021-07-06"));
    EXPECT_EQ(storyTimeAt(clock, -5), clock.start);
    EXPECT_EQ(storyTimeAt(clock, 99), clock.end);
    EXPECT_DOUBLE_EQ(presentationSecondsAt(clock, at("2021-07-03")), 4.0);
    EXPECT_EQ(presentationSecondsAt(clock, at("2022-01-01")), 20.0);
    for (double s : {0.0, 3.3, 12.5, 20.0}) EXPECT_NEAR(presentationSecondsAt(clock, storyTimeAt(clock, s)), s, 1e-9);
}

TEST(StoryClock, TimesOutsideTheClockAreClampedAndSaySo) {
    const StoryClock clock{at("2021-07-01"), at("2021-07-15T18:00Z"), 20};
    const auto inside = clampToStoryClock(clock, at("2021-07-14T12:00Z"), "\"S\"");
    EXPECT_EQ(inside.time, at("2021-07-14T12:00Z"));
    EXPECT_FALSE(inside.warning);
    EXPECT_FALSE(clampToStoryClock(clock, clock.end, "\"S\"").warning);
    const auto before = clampToStoryClock(clock, at("2020-01-01"), "\"S\"");
    EXPECT_EQ(before.time, clock.start);
    ASSERT_TRUE(before.warning);
    EXPECT_EQ(*before.warning,
              "--time 2020-01-01T00:00:00Z is before the story \"S\" (2021-07-01T00:00:00Z .. 2021-07-15T18:00:00Z), "
              "which would show no areas and no caption: clamped, rendering at its start 2021-07-01T00:00:00Z instead");
    const auto after = clampToStoryClock(clock, at("2022-01-01"), "\"S\"");
    EXPECT_EQ(after.time, clock.end);
    ASSERT_TRUE(after.warning);
    EXPECT_NE(after.warning->find("after the story"), std::string::npos);
}

TEST(StoryColour, HexRoundTrip) {
    auto c = parseHexColour("#c8102e");
    ASSERT_TRUE(c);
    EXPECT_FLOAT_EQ(c->r, 200 / 255.0f);
    EXPECT_FLOAT_EQ(c->a, 1.0f);
    EXPECT_EQ(hexColour(*c), "#c8102e");
    EXPECT_EQ(hexColour(*parseHexColour("#C8102E80")), "#c8102e80");
    EXPECT_FALSE(parseHexColour("c8102e"));
    EXPECT_FALSE(parseHexColour("#c8102g"));
    EXPECT_FALSE(parseHexColour("#c810"));
}

TEST(StoryFile, ParsesTheSmallStory) {
    auto s = parse(smallStory());
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->title, "Test");
    ASSERT_EQ(s->factions.size(), 2u);
    EXPECT_EQ(s->factions[1].pattern, FillPattern::Hatched);
    ASSERT_EQ(s->areas.size(), 1u);
    const ControlArea& a = s->areas[0];
    ASSERT_EQ(a.keyframes.size(), 3u);
    EXPECT_EQ(a.keyframes[0].status, ClaimStatus::Confirmed);  // default
    EXPECT_EQ(a.keyframes[0].easing, Easing::EaseInOut);       // default
    EXPECT_EQ(a.keyframes[2].status, ClaimStatus::Contested);
    ASSERT_EQ(a.keyframes[2].sources.size(), 1u);
    EXPECT_EQ(a.keyframes[2].sources[0].outlet, "Reuters");
    const Ring& r = a.keyframes[0].area[0].outer;
    EXPECT_EQ(r.size(), 4u) << "stored without the closing point";
    EXPECT_GT(ringSignedArea(r), 0) << "outer rings counter-clockwise";
    EXPECT_EQ(s->lines[0].points.size(), 2u);
    EXPECT_EQ(s->arrows[0].widthKm, 3.0);
    EXPECT_EQ(s->labels[0].priority, 5);
    EXPECT_EQ(s->labels[0].kind, "custom");
    EXPECT_EQ(lastKeyframe(*s), at("2021-07-14T12:00:00Z"));
}

TEST(StoryFile, NormalisesRingOrientation) {
    json j = smallStory();
    // Clockwise outer ring with a counter-clockwise hole: both must come out the other way round.
    j["areas"][0]["keyframes"][0]["geometry"] = {
        {"type", "Polygon"},
        {"coordinates",
         {{{66.0, 31.0}, {66.0, 31.3}, {66.3, 31.3}, {66.3, 31.0}, {66.0, 31.0}},
          {{66.1, 31.1}, {66.2, 31.1}, {66.2, 31.2}, {66.1, 31.2}, {66.1, 31.1}}}}};
    auto s = parse(j);
    ASSERT_TRUE(s.ok()) << s.error().message;
    const Polygon& p = s->areas[0].keyframes[0].area[0];
    EXPECT_GT(ringSignedArea(p.outer), 0);
    ASSERT_EQ(p.holes.size(), 1u);
    EXPECT_LT(ringSignedArea(p.holes[0]), 0);
}

TEST(StoryFile, SerializeRoundTripsIncludingUnknownKeys) {
    json j = smallStory();
    j["x-newsroom"] = {{"desk", "Asia"}};
    j["areas"][0]["x-note"] = "checked";
    j["areas"][0]["keyframes"][1]["x-confidence"] = 0.5;
    j["lines"][0]["x-osm"] = 12345;
    j["labels"][0]["x-font"] = "Noto";
    j["areas"][0]["keyframes"][0]["geometry"]["coordinates"][0][1] = {66.1234567890123, 31.0};
    auto first = parse(j);
    ASSERT_TRUE(first.ok()) << first.error().message;
    const std::string text = serializeStory(*first);
    auto second = parseStory(text, "again.json");
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(serializeStory(*second), text);
    EXPECT_EQ(second->extra["x-newsroom"]["desk"], "Asia");
    EXPECT_EQ(second->areas[0].extra["x-note"], "checked");
    EXPECT_EQ(second->areas[0].keyframes[1].extra["x-confidence"], 0.5);
    EXPECT_EQ(second->lines[0].extra["x-osm"], 12345);
    EXPECT_EQ(second->labels[0].extra["x-font"], "Noto");
    EXPECT_EQ(second->areas[0].keyframes[0].area[0].outer[1].lon, 66.1234567890123);  // exact
    EXPECT_EQ(second->factions[0].colour, first->factions[0].colour);
    EXPECT_EQ(second->clock.end, first->clock.end);
}

struct BadCase {
    const char* name;
    std::function<void(json&)> breakIt;
    std::string expected;  // the feature and the problem
};

TEST(StoryFile, ValidationErrorsNameTheFileFeatureAndProblem) {
    const std::string kf2 = "area \"spin-boldak\" keyframe 2 (2021-07-14T12:00:00Z): ";
    auto geometry = [](json& j) -> json& { return j["areas"][0]["keyframes"][2]["geometry"]; };
    const std::vector<BadCase> cases = {
        {"unknown version", [](json& j) { j["version"] = 2; }, "unknown version 2 (this build reads 1)"},
        {"version type", [](json& j) { j["version"] = "1"; }, "\"version\" must be a whole number, not string"},
        {"missing version", [](json& j) { j.erase("version"); }, "missing required key \"version\""},
        {"title type", [](json& j) { j["title"] = 3; }, "\"title\" must be a string, not number"},
        {"missing clock", [](json& j) { j.erase("clock"); }, "missing required key \"clock\""},
        {"clock backwards", [](json& j) { j["clock"]["end"] = "2021-06-01"; }, "clock: \"end\" must be after"},
        {"clock seconds", [](json& j) { j["clock"]["seconds"] = 0; }, "clock: \"seconds\" must be positive"},
        {"unclosed ring", [&](json& j) { geometry(j)["coordinates"][0].erase(4); },
         kf2 + "ring 0 is not closed (first position 66.000000,31.000000, last 66.000000,31.300000)"},
        {"self-intersection",
         [&](json& j) {
             geometry(j)["coordinates"][0] = {{66.0, 31.0}, {66.3, 31.3}, {66.3, 31.0}, {66.0, 31.3}, {66.0, 31.0}};
         },
         kf2 + "ring 0 intersects itself"},
        {"too few points",
         [&](json& j) {
             geometry(j)["coordinates"][0] = {{66.0, 31.0}, {66.3, 31.3}, {66.3, 31.3}, {66.0, 31.0}};
         },
         kf2 + "ring 0 has fewer than 3 distinct points"},
        {"collinear",
         [&](json& j) {
             geometry(j)["coordinates"][0] = {{66.0, 31.0}, {66.1, 31.0}, {66.2, 31.0}, {66.0, 31.0}};
         },
         kf2 + "ring 0 intersects itself"},
        {"coordinate out of range",
         [&](json& j) {
             geometry(j)["coordinates"][0][1] = {266.3, 31.0};
         },
         kf2 + "ring 0 has the point 266.300000,31.000000 outside"},
        // kOverflow is written as 1e400 in the text (JSON has no infinity; the parser reads 1e400 as one).
        {"infinite coordinate",
         [&](json& j) {
             geometry(j)["coordinates"][0][1] = {kOverflow, 31.0};
         },
         "not valid JSON: number overflow parsing '1e400'"},
        {"coordinate type",
         [&](json& j) {
             geometry(j)["coordinates"][0][1] = {"66.3", 31.0};
         },
         kf2 + "ring 0 position 1 must be [lon, lat] numbers"},
        {"geometry type", [&](json& j) { geometry(j)["type"] = "LineString"; },
         kf2 + "geometry type \"LineString\" is not Polygon or MultiPolygon"},
        {"hole outside",
         [&](json& j) {
             geometry(j)["coordinates"].push_back({{67.0, 31.0}, {67.1, 31.0}, {67.1, 31.1}, {67.0, 31.0}});
         },
         kf2 + "ring 1 (a hole) lies outside ring 0"},
        {"unknown status", [](json& j) { j["areas"][0]["keyframes"][2]["status"] = "rumoured"; },
         kf2 + "unknown status \"rumoured\""},
        {"unknown easing", [](json& j) { j["areas"][0]["keyframes"][1]["easing"] = "bounce"; },
         "area \"spin-boldak\" keyframe 1 (2021-07-08T00:00:00Z): unknown easing \"bounce\""},
        {"keyframes out of order", [](json& j) { j["areas"][0]["keyframes"][2]["time"] = "2021-07-02T00:00:00Z"; },
         "area \"spin-boldak\" keyframe 2 (2021-07-02T00:00:00Z): is not after keyframe 1 (2021-07-08T00:00:00Z)"},
        {"bad time", [](json& j) { j["areas"][0]["keyframes"][0]["time"] = "14 July"; },
         "area \"spin-boldak\" keyframe 0: \"time\": time '14 July' is not ISO-8601"},
        {"unknown faction", [](json& j) { j["areas"][0]["faction"] = "isaf"; },
         "area \"spin-boldak\": unknown faction \"isaf\""},
        {"keyframes type", [](json& j) { j["areas"][0]["keyframes"] = "none"; },
         "area \"spin-boldak\": \"keyframes\" must be an array, not string"},
        {"no keyframes", [](json& j) { j["areas"][0]["keyframes"] = json::array(); },
         "area \"spin-boldak\": has no keyframes"},
        {"until before the area", [](json& j) { j["areas"][0]["until"] = "2021-06-30T00:00:00Z"; },
         "area \"spin-boldak\": \"until\" 2021-06-30T00:00:00Z is not after its first keyframe"},
        {"until not a time", [](json& j) { j["areas"][0]["until"] = "soon"; },
         "area \"spin-boldak\": \"until\": time 'soon' is not ISO-8601"},
        {"duplicate area", [](json& j) { j["areas"].push_back(j["areas"][0]); },
         "area \"spin-boldak\": the id is used twice"},
        {"line too short",
         [](json& j) {
             j["lines"][0]["coordinates"] = {{65.7, 31.6}};
         },
         "line \"highway\": \"coordinates\" has 1 positions (at least 2 needed)"},
        {"line style",
         [](json& j) {
             j["lines"][0]["style"] = {{"colour", "red"}};
         },
         "line \"highway\" style: \"colour\" \"red\" is not a colour"},
        {"arrow faction", [](json& j) { j["arrows"][0]["faction"] = "nobody"; },
         "arrow \"advance\": unknown faction \"nobody\""},
        {"arrow times", [](json& j) { j["arrows"][0]["end"] = "2021-07-13T00:00:00Z"; },
         "arrow \"advance\": \"end\" must be after \"start\""},
        {"arrow NaN-ish width", [](json& j) { j["arrows"][0]["widthKm"] = -1; },
         "arrow \"advance\": \"widthKm\" must be"},
        {"label position", [](json& j) { j["labels"][0]["lat"] = 91; }, "label \"kandahar\": position"},
        {"label type", [](json& j) { j["labels"][0]["lon"] = "65.7"; }, "label \"kandahar\": \"lon\" must be a number"},
        {"label kind", [](json& j) { j["labels"][0]["kind"] = "town"; }, "label \"kandahar\": unknown kind \"town\""},
        {"label missing text", [](json& j) { j["labels"][0].erase("text"); },
         "label \"kandahar\": missing required key \"text\""},
        {"faction pattern", [](json& j) { j["factions"][0]["pattern"] = "stripes"; },
         "faction \"taliban\": unknown pattern \"stripes\""},
        {"caption order", [](json& j) { j["captions"][0]["to"] = "2021-06-01"; },
         "caption 0: \"to\" is before \"from\""},
        {"not an object", [](json& j) { j = json::array(); }, "the story: must be an object, not array"},
    };
    for (const BadCase& c : cases) {
        json j = smallStory();
        c.breakIt(j);
        auto s = parse(j);
        ASSERT_FALSE(s.ok()) << c.name;
        EXPECT_EQ(s.error().message.rfind("spin.json: ", 0), 0u) << c.name << ": " << s.error().message;
        EXPECT_NE(s.error().message.find(c.expected), std::string::npos)
            << c.name << ": expected '" << c.expected << "' in: " << s.error().message;
    }
}

TEST(StoryFile, MalformedJsonIsAnErrorNotACrash) {
    for (const char* text : {"", "{", "{\"version\": 1,}", "[1, 2", "nul", "{\"version\": NaN}", "\xff\xfe"}) {
        auto s = parseStory(text, "broken.json");
        ASSERT_FALSE(s.ok()) << text;
        EXPECT_EQ(s.error().message.rfind("broken.json: ", 0), 0u) << s.error().message;
    }
}

TEST(StoryFile, SaveIsAtomicAndLoadReadsItBack) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("frontline-story-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto s = parse(smallStory());
    ASSERT_TRUE(s.ok());
    const std::string path = (dir / "story.json").string();
    ASSERT_TRUE(saveStory(*s, path).ok());
    auto loaded = loadStory(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(serializeStory(*loaded), serializeStory(*s));
    // No temporary file is left beside it.
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
    EXPECT_EQ(files, 1u);
    // Saving into a folder that does not exist fails without touching anything.
    auto bad = saveStory(*s, (dir / "missing" / "story.json").string());
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("missing/story.json"), std::string::npos) << bad.error().message;
    auto none = loadStory((dir / "nope.json").string());
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find("nope.json"), std::string::npos);
    fs::remove_all(dir);
}

TEST(StoryRings, CheckRingRejectsNonFiniteAndOpenRings) {
    const double nan = std::nan(""), inf = HUGE_VAL;
    EXPECT_NE(checkRing({{0, 0}, {nan, 0}, {1, 1}, {0, 0}}, 0, false)
                  .error()
                  .message.find("ring 0 has a coordinate "
                                "that is not finite"),
              std::string::npos);
    EXPECT_FALSE(checkRing({{0, 0}, {1, inf}, {1, 1}, {0, 0}}, 0, false).ok());
    EXPECT_NE(
        checkRing({{0, 0}, {1, 0}, {1, 1}, {0, 1}}, 2, true).error().message.find("ring 2 (a hole) is not closed"),
        std::string::npos);
    auto ok = checkRing({{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}, 0, false);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->size(), 4u);
    EXPECT_GT(ringSignedArea(*ok), 0);
}

TEST(StoryRings, SelfIntersectionTest) {
    EXPECT_FALSE(findSelfIntersection({{0, 0}, {1, 0}, {1, 1}, {0, 1}}));
    EXPECT_TRUE(findSelfIntersection({{0, 0}, {1, 1}, {1, 0}, {0, 1}}));           // bow tie
    EXPECT_TRUE(findSelfIntersection({{0, 0}, {2, 0}, {1, 0}, {1, 1}}));           // spike folding back
    EXPECT_TRUE(findSelfIntersection({{0, 0}, {2, 0}, {2, 2}, {1, 0}, {0, 2}}));   // touches at a vertex
    EXPECT_FALSE(findSelfIntersection({{0, 0}, {4, 0}, {4, 4}, {2, 1}, {0, 4}}));  // concave, simple
}

TEST(DefaultStory, LoadsAndHoldsTheReportedFacts) {
    auto s = loadStory(FRONTLINE_SOURCE_DIR "/assets/stories/spin-boldak-2021.json");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_NE(s->disclaimer.find("approximate"), std::string::npos);
    for (const char* outlet : {"Reuters", "AFP", "Al Jazeera", "Press TV"}) {
        EXPECT_NE(s->attribution.find(outlet), std::string::npos) << outlet;
        bool cited = false;
        for (const Source& src : s->sources) cited |= src.outlet == outlet && src.date == "2021-07-14";
        EXPECT_TRUE(cited) << outlet;
    }
    EXPECT_NE(s->attribution.find("GMTED2010"), std::string::npos);
    EXPECT_NE(s->attribution.find("GeoNames"), std::string::npos);
    EXPECT_EQ(s->clock.start, at("2021-07-01"));
    EXPECT_EQ(s->clock.end, at("2021-07-15T18:00:00Z"));

    // Spin Boldak: government and confirmed early in July, claimed by the Taliban and contested by Kabul on 14 July.
    const ControlArea* gov = findArea(*s, "spin-boldak");
    const ControlArea* tal = findArea(*s, "spin-boldak-taliban");
    ASSERT_TRUE(gov && tal);
    EXPECT_EQ(gov->faction, "government");
    EXPECT_EQ(tal->faction, "taliban");
    EXPECT_EQ(gov->keyframes.front().status, ClaimStatus::Confirmed);
    EXPECT_LE(gov->keyframes.front().time, at("2021-07-01"));
    bool claimedOn14 = false, contestedOn14 = false;
    const StoryTime day14 = at("2021-07-14"), day15 = at("2021-07-15");
    for (const auto& k : tal->keyframes) {
        claimedOn14 |= k.status == ClaimStatus::Claimed && k.time >= day14 && k.time < day15 && !k.sources.empty();
        EXPECT_NE(k.status, ClaimStatus::Confirmed) << "a Taliban claim, never confirmed here";
    }
    for (const auto& k : gov->keyframes)
        contestedOn14 |= k.status == ClaimStatus::Contested && k.time >= day14 && k.time < day15 && !k.sources.empty();
    EXPECT_TRUE(claimedOn14);
    EXPECT_TRUE(contestedOn14);

    // The district contains Spin Boldak town and reaches the crossing; Kandahar city is government all through.
    const LonLat town{66.40001, 31.00575}, crossing{66.445, 30.957};
    const Ring& district = tal->keyframes.back().area[0].outer;
    EXPECT_TRUE(pointInRing(district, town));
    double nearest = 1e9;
    for (const LonLat& p : district)
        nearest = std::min(nearest, fl::geo::surfaceDistance(p.lat, p.lon, crossing.lat, crossing.lon));
    EXPECT_LT(nearest, 5000.0);
    const ControlArea* city = findArea(*s, "kandahar-city");
    ASSERT_TRUE(city);
    EXPECT_EQ(city->faction, "government");
    for (const auto& k : city->keyframes) EXPECT_TRUE(pointInRing(k.area[0].outer, {65.71013, 31.61332}));

    // The rural area grows through early July and splits or gains a hole at least once.
    const ControlArea* rural = findArea(*s, "taliban-rural");
    ASSERT_TRUE(rural);
    EXPECT_GE(rural->keyframes.size(), 5u);
    bool topologyChanges = false;
    for (size_t i = 1; i < rural->keyframes.size(); ++i) {
        const auto& a = rural->keyframes[i - 1].area;
        const auto& b = rural->keyframes[i].area;
        topologyChanges |= a.size() != b.size() || a[0].holes.size() != b[0].holes.size();
    }
    EXPECT_TRUE(topologyChanges);

    // The highway passes within 3 km of the crossing and runs from Kandahar to Quetta.
    const LineFeature* route = nullptr;
    for (const auto& l : s->lines)
        if (l.kind == "route") route = &l;
    ASSERT_TRUE(route);
    EXPECT_GE(route->points.size(), 12u);
    double toCrossing = 1e9;
    for (const LonLat& p : route->points)
        toCrossing = std::min(toCrossing, fl::geo::surfaceDistance(p.lat, p.lon, crossing.lat, crossing.lon));
    EXPECT_LT(toCrossing, 3000.0);
    EXPECT_LT(fl::geo::surfaceDistance(route->points.front().lat, route->points.front().lon, 31.61, 65.71), 5000.0);
    EXPECT_LT(fl::geo::surfaceDistance(route->points.back().lat, route->points.back().lon, 30.19, 67.01), 5000.0);

    // An advance arrow toward the crossing on the night of 13-14 July.
    ASSERT_FALSE(s->arrows.empty());
    const Arrow& arrow = s->arrows[0];
    EXPECT_EQ(arrow.faction, "taliban");
    EXPECT_LT(fl::geo::surfaceDistance(arrow.path.back().lat, arrow.path.back().lon, crossing.lat, crossing.lon),
              3000.0);
    EXPECT_EQ(arrow.start, at("2021-07-13T18:00:00Z"));
    EXPECT_EQ(arrow.end, at("2021-07-14T10:00:00Z"));

    // Labels with their local names, and the captions.
    std::map<std::string, const Label*> labels;
    for (const auto& l : s->labels) labels[l.text] = &l;
    for (const char* name : {"Kandahar", "Spin Boldak", "Chaman", "Quetta", "Takhta Pul"}) {
        ASSERT_TRUE(labels.count(name)) << name;
        EXPECT_FALSE(labels[name]->textLocal.empty()) << name;
    }
    bool asOf = false, claimCaption = false;
    for (const auto& c : s->captions) {
        asOf |= c.text.find("{date}") != std::string::npos;
        claimCaption |= c.text.find("Spin Boldak") != std::string::npos && c.from >= day14 && c.from < day15;
    }
    EXPECT_TRUE(asOf);
    EXPECT_TRUE(claimCaption);
}

TEST(StoryFile, AnAreaEndsAtItsUntil) {
    json j = smallStory();
    j["areas"][0]["until"] = "2021-07-10T00:00:00Z";
    auto s = parse(j);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_TRUE(s->areas[0].until.has_value());
    EXPECT_TRUE(evaluateStory(*s, at("2021-07-09T23:00:00Z")).areas[0].visible);
    EXPECT_FALSE(evaluateStory(*s, at("2021-07-10T00:00:00Z")).areas[0].visible);
    EXPECT_FALSE(evaluateStory(*s, at("2021-07-15T00:00:00Z")).areas[0].visible);  // after the last keyframe too
    // Written back where it was read, and read again the same.
    const std::string text = serializeStory(*s);
    EXPECT_NE(text.find("\"until\": \"2021-07-10T00:00:00Z\""), std::string::npos);
    auto again = parseStory(text, "again.json");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(serializeStory(*again), text);
}

TEST(StoryFile, SizeLimitsAreRefusedEarlyAndStated) {
    // A story with more labels than a map can hold, or an outline too detailed to draw, is refused when read,
    // naming the limit: 1.09 M labels and a 1 M-vertex area used to give no frame within 120 s, and no word.
    json j = smallStory();
    json labels = json::array();
    for (size_t i = 0; i <= kMaxLabels; ++i)
        labels.push_back({{"id", "l" + std::to_string(i)}, {"text", "x"}, {"lat", 31.0}, {"lon", 66.0}});
    j["labels"] = labels;
    auto s = parse(j);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("spin.json: labels: there are 10001; Frontline draws at most 10000"),
              std::string::npos)
        << s.error().message;

    j = smallStory();
    json ring = json::array();
    const size_t n = kMaxAreaVertices + 1;
    for (size_t i = 0; i < n; ++i) {
        const double a = 2 * 3.14159265358979 * double(i) / double(n);
        ring.push_back({66.0 + 0.2 * std::cos(a), 31.0 + 0.2 * std::sin(a)});
    }
    ring.push_back(ring[0]);
    j["areas"][0]["keyframes"][0]["geometry"] = {{"type", "Polygon"}, {"coordinates", {ring}}};
    s = parse(j);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("has 500002 vertices; Frontline draws at most 500000 per area keyframe"),
              std::string::npos)
        << s.error().message;
}
