// libFuzzer target: arbitrary bytes as GeoJSON merged into a small story with importGeoJson(). A merge that
// succeeds must leave a valid story, and its export must import again.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "story/story.h"
#include "story/story_geojson.h"

namespace {

fl::story::Story smallStory() {
    static const char* kStory = R"({"version": 1, "title": "fuzz",
      "clock": {"start": "2021-07-01", "end": "2021-07-16", "seconds": 10},
      "factions": [{"id": "taliban", "name": "Taliban"}, {"id": "government", "name": "Government"}],
      "areas": [{"id": "spin-boldak", "faction": "government", "keyframes": [{"time": "2021-07-01",
        "geometry": {"type": "Polygon", "coordinates": [[[66, 31], [66.2, 31], [66.2, 31.2], [66, 31]]]}}]}]})";
    auto s = fl::story::parseStory(kStory, "small.json");
    if (!s) std::abort();
    return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const fl::story::Story base = smallStory();
    fl::story::Story story = base;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto imported = fl::story::importGeoJson(story, text, "fuzz.geojson");
    if (!imported.ok()) return 0;
    for (const std::string& w : imported->warnings)  // every near-miss warning names the file
        if (w.rfind("fuzz.geojson: ", 0) != 0) std::abort();
    if (!fl::story::parseStory(fl::story::serializeStory(story), "merged.json").ok()) std::abort();
    fl::story::Story again = base;
    if (!fl::story::importGeoJson(again, fl::story::exportGeoJson(story), "export.geojson").ok()) std::abort();
    return 0;
}
