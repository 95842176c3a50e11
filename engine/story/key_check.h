// story/key_check.h — unknown keys that are probably typos of known ones.
// Owns: the known key names of each kind of story object and GeoJSON feature, the near-miss test (case,
// edit distance, British/American spelling) and the warnings for a loaded story or an imported feature.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace fl::story {

struct Story;

// The keys each object of the story file reads (docs/story-format.md); anything else is kept in `extra`.
namespace keys {
inline constexpr const char* kStory[] = {"version", "title",  "description", "attribution", "disclaimer",
                                         "sources", "clock",  "legend",      "factions",    "areas",
                                         "lines",   "arrows", "labels",      "captions",    "camera"};
// Top-level keys the story reader keeps as extras on purpose, for the document around it ("look":
// document/document.h reads it): known, so never a near miss of anything.
inline constexpr const char* kStoryDocument[] = {
    "version",  "title", "description", "attribution", "disclaimer", "sources",  "clock", "legend",
    "factions", "areas", "lines",       "arrows",      "labels",     "captions", "look",  "camera"};
inline constexpr const char* kFaction[] = {"id", "name", "legend", "colour", "pattern"};
inline constexpr const char* kArea[] = {"id", "faction", "name", "keyframes", "until"};
inline constexpr const char* kKeyframe[] = {"time", "status", "easing", "sources", "geometry"};
inline constexpr const char* kLine[] = {"id", "name", "kind", "coordinates", "style"};
inline constexpr const char* kArrow[] = {"id", "faction", "label", "path", "start", "end", "easing", "widthKm"};
inline constexpr const char* kLabel[] = {"id", "text", "textLocal", "lat", "lon", "priority", "kind", "geonameId"};
// GeoJSON feature properties read by importGeoJson (story_geojson.h).
inline constexpr const char* kGeoJsonArea[] = {"frontline:kind", "area",   "faction", "name",
                                               "time",           "status", "easing",  "sources"};
inline constexpr const char* kGeoJsonLine[] = {"frontline:kind", "id",           "name",   "kind",
                                               "stroke",         "stroke-width", "dashed", "casing"};
inline constexpr const char* kGeoJsonLabel[] = {"frontline:kind", "id", "name", "name_local", "priority"};
}  // namespace keys

// The known key that `key` (not itself known) is probably a misspelling of, or nullopt. A near miss is:
// the same letters in another case ("Status"); the same word in the other spelling ("color" for "colour");
// or within edit distance 2 ("stauts"), 1 for known keys of 3..4 letters, none for shorter ones (every
// two-letter key is within 2 edits of "id", and GIS exports are full of short keys like "fid").
std::optional<std::string> nearMissOf(std::string_view key, std::span<const char* const> known);

// One warning per near-miss key of `extra`: "WHERE: unknown key "stauts" (did you mean "status"?)". `where`
// names the file and the feature.
void checkExtraKeys(const nlohmann::json& extra, std::span<const char* const> known, const std::string& where,
                    std::vector<std::string>& warnings);

// Every near-miss key kept in the story's `extra` objects, each naming `fileName` and the feature.
std::vector<std::string> nearMissKeyWarnings(const Story& story, const std::string& fileName);

// `--strict`: any warning is an error (the first one, and how many more), so a pipeline stops on a typo
// instead of publishing a map whose facts silently fell back to defaults. Ok when there are none.
Status failOnWarnings(const std::vector<std::string>& warnings);

}  // namespace fl::story
