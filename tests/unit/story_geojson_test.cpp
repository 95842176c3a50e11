// GeoJSON exchange: export then import reproduces geometry (exactly) and properties, unknown properties survive,
// import merges into the story, and bad GeoJSON gives errors naming the file and the feature.
#include <gtest/gtest.h>

#include "story/story.h"
#include "story/story_geojson.h"

using namespace fl::story;
using nlohmann::json;

namespace {

Story baseStory() {
    Story s;
    s.title = "Test";
    s.clock = {*parseStoryTime("2021-07-01"), *parseStoryTime("2021-07-16"), 20};
    s.factions = {
        {"taliban", "Taliban", "Taliban", {0.78f, 0.06f, 0.18f, 1}, FillPattern::Solid, json::object()},
        {"government", "Government", "Government", {0.1f, 0.3f, 0.6f, 1}, FillPattern::Hatched, json::object()}};
    return s;
}

Ring ring(std::initializer_list<LonLat> pts) {
    return Ring(pts);
}

// A story with every kind of exchanged feature, including awkward coordinates and unknown properties.
Story richStory() {
    Story s = baseStory();
    ControlArea a{"spin-boldak", "government", "Spin Boldak district", {}, json::object()};
    ControlKeyframe k0;
    k0.time = *parseStoryTime("2021-07-01T00:00:00Z");
    k0.area = {{ring({{66.0, 31.0}, {66.3123456789012, 31.0}, {66.3, 31.3}, {66.0, 31.3}}),
                {ring({{66.1, 31.1}, {66.1, 31.2}, {66.2, 31.2}, {66.2, 31.1}})}}};
    k0.extra = {{"x-checked-by", "desk"}, {"confidence", 0.7}};
    ControlKeyframe k1;
    k1.time = *parseStoryTime("2021-07-14T06:00:00Z");
    k1.status = ClaimStatus::Contested;
    k1.easing = Easing::Step;
    k1.sources = {{"Reuters", "2021-07-14", "the attack was repelled", ""}, {"AFP", "", "", "https://example.org/x"}};
    k1.area = {{ring({{66.0, 31.0}, {66.2, 31.0}, {66.2, 31.2}, {66.0, 31.2}}), {}},
               {ring({{66.5, 31.0}, {66.6, 31.0}, {66.6, 31.1}}), {}}};
    a.keyframes = {k0, k1};
    s.areas.push_back(a);
    LineFeature l{"highway", "N4", "route", {{65.71, 31.61}, {66.0, 31.32}, {66.445, 30.957}}, {}, {{"ref", "AH7"}}};
    l.style = {{0.2f, 0.2f, 0.2f, 1}, 3.5, true, true};
    s.lines.push_back(l);
    Label custom{"wesh", "Wesh crossing", "ویش", 30.957, 66.445, 95, "custom", 0, {{"x-style", "bold"}}};
    Label place{"kandahar", "Kandahar", "کندهار", 31.61, 65.71, 100, "place", 1138336, json::object()};
    s.labels = {custom, place};
    return s;
}

void expectSameRing(const Ring& a, const Ring& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_NEAR(a[i].lon, b[i].lon, 1e-9);
        EXPECT_NEAR(a[i].lat, b[i].lat, 1e-9);
    }
}

}  // namespace

TEST(StoryGeoJson, ExportIsRfc7946) {
    const json fc = json::parse(exportGeoJson(richStory()));
    EXPECT_EQ(fc["type"], "FeatureCollection");
    ASSERT_EQ(fc["features"].size(), 4u) << "2 keyframes, 1 line, 1 custom label (place labels stay in the story)";
    const json& area = fc["features"][0];
    EXPECT_EQ(area["properties"]["frontline:kind"], "area");
    EXPECT_EQ(area["properties"]["time"], "2021-07-01T00:00:00Z");
    const json& rings = area["geometry"]["coordinates"][0];
    EXPECT_EQ(rings[0].front(), rings[0].back()) << "rings closed";
    // Right-hand rule: exterior counter-clockwise, hole clockwise.
    auto signedArea = [](const json& r) {
        Ring ring;
        for (size_t i = 0; i + 1 < r.size(); ++i) ring.push_back({r[i][0].get<double>(), r[i][1].get<double>()});
        return ringSignedArea(ring);
    };
    EXPECT_GT(signedArea(rings[0]), 0);
    EXPECT_LT(signedArea(rings[1]), 0);
    EXPECT_EQ(area["geometry"]["coordinates"][0][0][1][0], 66.3123456789012) << "lon first";
    EXPECT_EQ(fc["features"][3]["geometry"]["coordinates"], json({66.445, 30.957}));
}

TEST(StoryGeoJson, RoundTripKeepsGeometryAndProperties) {
    const Story original = richStory();
    Story back = baseStory();
    back.labels.push_back(original.labels[1]);  // place labels are not exported
    auto r = importGeoJson(back, exportGeoJson(original), "exchange.geojson");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(back.areas.size(), 1u);
    const ControlArea& a = back.areas[0];
    EXPECT_EQ(a.id, "spin-boldak");
    EXPECT_EQ(a.faction, "government");
    EXPECT_EQ(a.name, "Spin Boldak district");
    ASSERT_EQ(a.keyframes.size(), 2u);
    for (size_t k = 0; k < 2; ++k) {
        const ControlKeyframe& x = original.areas[0].keyframes[k];
        const ControlKeyframe& y = a.keyframes[k];
        EXPECT_EQ(y.time, x.time);
        EXPECT_EQ(y.status, x.status);
        EXPECT_EQ(y.easing, x.easing);
        EXPECT_EQ(y.extra, x.extra);
        ASSERT_EQ(y.sources.size(), x.sources.size());
        for (size_t i = 0; i < x.sources.size(); ++i) {
            EXPECT_EQ(y.sources[i].outlet, x.sources[i].outlet);
            EXPECT_EQ(y.sources[i].date, x.sources[i].date);
            EXPECT_EQ(y.sources[i].quote, x.sources[i].quote);
            EXPECT_EQ(y.sources[i].url, x.sources[i].url);
        }
        ASSERT_EQ(y.area.size(), x.area.size());
        for (size_t p = 0; p < x.area.size(); ++p) {
            // The original rings are already normalised (CCW outer, CW hole) except the hole, so compare after a
            // parse of the original too: the stored form is what must survive.
            ASSERT_EQ(y.area[p].holes.size(), x.area[p].holes.size());
        }
    }
    // Geometry exactly as stored after normalisation: import(export(import(export))) is a fixed point.
    Story again = baseStory();
    again.labels = back.labels;
    ASSERT_TRUE(importGeoJson(again, exportGeoJson(back), "again.geojson").ok());
    for (size_t k = 0; k < 2; ++k)
        for (size_t p = 0; p < a.keyframes[k].area.size(); ++p) {
            expectSameRing(again.areas[0].keyframes[k].area[p].outer, a.keyframes[k].area[p].outer);
            for (size_t h = 0; h < a.keyframes[k].area[p].holes.size(); ++h)
                expectSameRing(again.areas[0].keyframes[k].area[p].holes[h], a.keyframes[k].area[p].holes[h]);
        }
    // Against the original: the CCW outer ring of keyframe 0 comes back point for point.
    expectSameRing(a.keyframes[0].area[0].outer, original.areas[0].keyframes[0].area[0].outer);
    EXPECT_NEAR(a.keyframes[0].area[0].outer[1].lon, 66.3123456789012, 1e-12);

    ASSERT_EQ(back.lines.size(), 1u);
    const LineFeature& l = back.lines[0];
    EXPECT_EQ(l.id, "highway");
    EXPECT_EQ(l.name, "N4");
    EXPECT_EQ(l.kind, "route");
    EXPECT_EQ(l.extra, original.lines[0].extra);
    EXPECT_EQ(hexColour(l.style.colour), hexColour(original.lines[0].style.colour));
    EXPECT_EQ(l.style.widthPx, 3.5);
    EXPECT_TRUE(l.style.dashed);
    EXPECT_TRUE(l.style.casing);
    ASSERT_EQ(l.points.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(l.points[i].lon, original.lines[0].points[i].lon);
        EXPECT_EQ(l.points[i].lat, original.lines[0].points[i].lat);
    }
    ASSERT_EQ(back.labels.size(), 2u);
    const Label& w = back.labels[1];
    EXPECT_EQ(w.id, "wesh");
    EXPECT_EQ(w.text, "Wesh crossing");
    EXPECT_EQ(w.textLocal, "ویش");
    EXPECT_EQ(w.priority, 95);
    EXPECT_EQ(w.kind, "custom");
    EXPECT_EQ(w.lat, 30.957);
    EXPECT_EQ(w.lon, 66.445);
    EXPECT_EQ(w.extra, original.labels[0].extra);
    // And the whole story serialises the same as the original after one normalising pass.
    Story normalised = *parseStory(serializeStory(original), "orig.json");
    Story backNormalised = *parseStory(serializeStory(back), "back.json");
    EXPECT_EQ(exportGeoJson(backNormalised), exportGeoJson(normalised));
}

TEST(StoryGeoJson, ImportMergesReplacesAndInserts) {
    Story s = richStory();
    const json fc = {
        {"type", "FeatureCollection"},
        {"features",
         {// Same time as keyframe 1: replaces it.
          {{"type", "Feature"},
           {"properties",
            {{"area", "spin-boldak"},
             {"time", "2021-07-14T06:00:00Z"},
             {"status", "claimed"},
             {"sources", "Al Jazeera"}}},
           {"geometry",
            {{"type", "Polygon"}, {"coordinates", {{{66, 31}, {66.4, 31}, {66.4, 31.4}, {66, 31.4}, {66, 31}}}}}}},
          // Between keyframes 0 and 1: inserted in time order.
          {{"type", "Feature"},
           {"properties", {{"area", "spin-boldak"}, {"time", "2021-07-08"}, {"qgis_fid", 7}}},
           {"geometry",
            {{"type", "Polygon"}, {"coordinates", {{{66, 31}, {66.1, 31}, {66.1, 31.1}, {66, 31.1}, {66, 31}}}}}}},
          // A new area of a known faction.
          {{"type", "Feature"},
           {"properties", {{"area", "wesh"}, {"faction", "taliban"}, {"time", "2021-07-14T06:00:00+04:30"}}},
           {"geometry",
            {{"type", "MultiPolygon"}, {"coordinates", {{{{66.4, 30.9}, {66.5, 30.9}, {66.5, 31.0}, {66.4, 30.9}}}}}}}},
          // A line without an id, and a point label.
          {{"type", "Feature"},
           {"properties", {{"name", "Chaman road"}, {"kind", "route"}}},
           {"geometry", {{"type", "LineString"}, {"coordinates", {{66.445, 30.957}, {66.45, 30.92}}}}}},
          {{"type", "Feature"},
           {"properties", {{"id", "wesh"}, {"name", "Wesh"}, {"priority", 70}}},
           {"geometry", {{"type", "Point"}, {"coordinates", {66.44, 30.97}}}}}}}};
    auto r = importGeoJson(s, fc.dump(), "drawn.geojson");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const ControlArea* a = findArea(s, "spin-boldak");
    ASSERT_TRUE(a);
    ASSERT_EQ(a->keyframes.size(), 3u);
    EXPECT_EQ(formatStoryTime(a->keyframes[1].time), "2021-07-08T00:00:00Z");
    EXPECT_EQ(a->keyframes[1].extra["qgis_fid"], 7);
    EXPECT_EQ(a->keyframes[2].status, ClaimStatus::Claimed);
    ASSERT_EQ(a->keyframes[2].sources.size(), 1u);
    EXPECT_EQ(a->keyframes[2].sources[0].outlet, "Al Jazeera");
    EXPECT_EQ(a->keyframes[2].area[0].outer.size(), 4u);
    const ControlArea* wesh = findArea(s, "wesh");
    ASSERT_TRUE(wesh);
    EXPECT_EQ(wesh->faction, "taliban");
    EXPECT_EQ(formatStoryTime(wesh->keyframes[0].time), "2021-07-14T01:30:00Z");
    ASSERT_EQ(s.lines.size(), 2u);
    EXPECT_EQ(s.lines[1].id, "line-3");
    EXPECT_EQ(s.lines[1].name, "Chaman road");
    ASSERT_EQ(s.labels.size(), 2u) << "label \"wesh\" replaced in place";
    EXPECT_EQ(s.labels[0].text, "Wesh");
    EXPECT_EQ(s.labels[0].priority, 70);
    // The merged story is a valid story file.
    auto check = parseStory(serializeStory(s), "merged.json");
    EXPECT_TRUE(check.ok()) << check.error().message;
}

TEST(StoryGeoJson, BadInputNamesFileAndFeatureAndLeavesTheStoryAlone) {
    const json good = {
        {"type", "Feature"},
        {"properties", {{"area", "spin-boldak"}, {"time", "2021-07-10"}}},
        {"geometry",
         {{"type", "Polygon"}, {"coordinates", {{{66, 31}, {66.1, 31}, {66.1, 31.1}, {66, 31.1}, {66, 31}}}}}}};
    struct Case {
        json feature;
        std::string expected;
    };
    auto with = [&](auto change) {
        json f = good;
        change(f);
        return f;
    };
    const std::vector<Case> cases = {
        {with([](json& f) { f["geometry"]["coordinates"][0].erase(4); }),
         "feature 1 (area \"spin-boldak\"): ring 0 is not closed"},
        {with([](json& f) {
             f["geometry"]["coordinates"][0] = {{66, 31}, {66.1, 31.1}, {66.1, 31}, {66, 31.1}, {66, 31}};
         }),
         "feature 1 (area \"spin-boldak\"): ring 0 intersects itself"},
        {with([](json& f) {
             f["geometry"]["coordinates"][0][1] = {"x", 31};
         }),
         "feature 1 (area \"spin-boldak\"): ring 0 position 1 must be [lon, lat] numbers"},
        {with([](json& f) {
             f["geometry"]["coordinates"][0][1] = {1234567.25, 31};
         }),
         "drawn.geojson: not valid JSON: number overflow"},  // 1e400
        {with([](json& f) { f["properties"]["time"] = "yesterday"; }),
         "feature 1 (area \"spin-boldak\"): property \"time\""},
        {with([](json& f) { f["properties"].erase("time"); }), "needs a \"time\" property"},
        {with([](json& f) { f["properties"]["status"] = 3; }), "property \"status\" must be a string, not number"},
        {with([](json& f) { f["properties"]["area"] = "new-area"; }),
         "feature 1 (area \"new-area\"): area \"new-area\" is new to the story, so it needs a \"faction\""},
        {with([](json& f) { f["properties"]["faction"] = "taliban"; }), "faction \"taliban\" differs"},
        {with([](json& f) {
             f["properties"]["area"] = "x";
             f["properties"]["faction"] = "nobody";
         }),
         "unknown faction \"nobody\""},
        {with([](json& f) { f["geometry"] = nullptr; }), "feature 1 (area \"spin-boldak\"): has no geometry"},
        {with([](json& f) { f["geometry"]["type"] = "MultiPoint"; }), "geometry type \"MultiPoint\" is not supported"},
        {with([](json& f) { f["properties"]["frontline:kind"] = "line"; }),
         "\"frontline:kind\" \"line\" does not fit a Polygon"},
        {with([](json& f) {
             f["properties"]["sources"] = {{{"date", "2021"}}};
         }),
         "needs an \"outlet\" or a \"url\""},
        {json{{"type", "Feature"},
              {"properties", {{"id", "r"}}},
              {"geometry", {{"type", "LineString"}, {"coordinates", {{66, 31}}}}}},
         "feature 1 (\"r\"): coordinates has 1 positions"},
        {json{{"type", "Feature"},
              {"properties", {{"id", "p"}}},
              {"geometry", {{"type", "Point"}, {"coordinates", {66, 31}}}}},
         "feature 1 (\"p\"): a point needs a \"name\""},
        {json("text"), "feature 1: must be a GeoJSON Feature object"},
    };
    for (const Case& c : cases) {
        Story s = richStory();
        const std::string before = serializeStory(s);
        const json fc = {{"type", "FeatureCollection"}, {"features", {good, c.feature}}};
        std::string text = fc.dump();
        if (auto at = text.find("1234567.25"); at != std::string::npos) text.replace(at, 10, "1e400");
        auto r = importGeoJson(s, text, "drawn.geojson");
        ASSERT_FALSE(r.ok()) << c.expected;
        EXPECT_EQ(r.error().message.rfind("drawn.geojson: ", 0), 0u) << r.error().message;
        EXPECT_NE(r.error().message.find(c.expected), std::string::npos)
            << "expected '" << c.expected << "' in: " << r.error().message;
        EXPECT_EQ(serializeStory(s), before) << "the first (good) feature must not be merged either";
    }
    Story s = richStory();
    for (const char* text : {"", "{", "[]", "{\"type\": \"Topology\"}", "{\"type\": \"FeatureCollection\"}"}) {
        auto r = importGeoJson(s, text, "junk.geojson");
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error().message.rfind("junk.geojson: ", 0), 0u) << r.error().message;
    }
}
