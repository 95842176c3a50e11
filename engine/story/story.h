// story/story.h — the authored story document: what happened where and when, and how to show it.
// Owns: the document model (factions, control areas and their keyframes, lines, arrows, labels, captions,
// legend, the story clock, sources, the camera track), its versioned JSON file format (docs/story-format.md) with
// validation that names the file and the feature, atomic saving, story times (ISO-8601 <-> seconds) and ring checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec4.hpp>
#include <nlohmann/json.hpp>

#include "core/lonlat.h"
#include "core/result.h"
#include "story/camera_track.h"

namespace fl::story {

using fl::LonLat;

// Seconds since 1970-01-01T00:00:00Z (UTC, no leap seconds), as double: sub-second precision for ±280 000 years.
using StoryTime = double;

// ISO-8601: "2021-07-14", "2021-07-14T12:00Z", "2021-07-14T12:00:00.5+04:30". A time of day needs a zone
// ("Z" or an offset): a local time without one is ambiguous, so it is an error. Years 0000..9999.
Result<StoryTime> parseStoryTime(std::string_view text);
// "2021-07-14T12:00:00Z"; fractional seconds only when present (up to microseconds). Round-trips parseStoryTime.
std::string formatStoryTime(StoryTime t);
// "14 July 2021" (UTC), the caption's {date}.
std::string formatStoryDate(StoryTime t);

enum class ClaimStatus { Confirmed, Claimed, Contested };
enum class Easing { Linear, EaseInOut, EaseIn, EaseOut, Step };
enum class FillPattern { Solid, Hatched, Dotted };

// File names of the enums ("confirmed", "easeInOut", "hatched"); parse* return nullopt for unknown names.
const char* claimStatusName(ClaimStatus s);
const char* easingName(Easing e);
const char* fillPatternName(FillPattern p);
std::optional<ClaimStatus> parseClaimStatus(std::string_view name);
std::optional<Easing> parseEasing(std::string_view name);
std::optional<FillPattern> parseFillPattern(std::string_view name);

// Colours are stored in files as sRGB hex "#rrggbb" (or "#rrggbbaa") and held here as sRGB-encoded 0..1 floats
// (NOT linear): convert to linear where a shader blends them.
std::optional<glm::vec4> parseHexColour(std::string_view text);
std::string hexColour(const glm::vec4& srgb);

struct Source {
    std::string outlet, date, quote, url;  // any may be empty; date as the outlet gives it (ISO-8601 preferred)
};

// A ring WITHOUT the closing duplicate point (files carry it, GeoJSON-style). After parsing: outer rings
// counter-clockwise, holes clockwise (lon east, lat north), at least 3 distinct points, simple.
using Ring = std::vector<LonLat>;
struct Polygon {
    Ring outer;
    std::vector<Ring> holes;
};
using MultiPolygon = std::vector<Polygon>;

struct Faction {
    std::string id, name, legend;              // legend: the text beside its swatch
    glm::vec4 colour{0.5f, 0.5f, 0.5f, 1.0f};  // sRGB 0..1 (see parseHexColour)
    FillPattern pattern = FillPattern::Solid;
    nlohmann::json extra = nlohmann::json::object();  // unknown keys, kept
};

struct ControlKeyframe {
    StoryTime time = 0;
    MultiPolygon area;
    ClaimStatus status = ClaimStatus::Confirmed;
    std::vector<Source> sources;
    Easing easing = Easing::EaseInOut;                // toward the next keyframe
    nlohmann::json extra = nlohmann::json::object();  // unknown keys (GeoJSON: unknown feature properties), kept
};

struct ControlArea {
    std::string id, faction, name;
    std::vector<ControlKeyframe> keyframes;  // strictly increasing times
    nlohmann::json extra = nlohmann::json::object();
    // From this time on the area is not shown: a claim superseded by another area (e.g. a faction's claimed
    // district once both sides' claims are drawn as one contested area). (Last: aggregate initialisers
    // of the fields above stay valid.)
    std::optional<StoryTime> until;
};

struct LineStyle {
    glm::vec4 colour{0.1f, 0.1f, 0.1f, 1.0f};  // sRGB 0..1
    double widthPx = 2.0;                      // at 1080p; the renderer scales with the output height
    bool dashed = false;
    bool casing = false;  // a darker outline under the line, for readability over terrain
};

struct LineFeature {
    std::string id, name, kind;  // kind: "route" | "border" | anything else the renderer may learn
    std::vector<LonLat> points;  // at least 2
    LineStyle style;
    nlohmann::json extra = nlohmann::json::object();
};

struct Arrow {
    std::string id, faction, label;
    std::vector<LonLat> path;      // tail to tip, at least 2 points
    StoryTime start = 0, end = 0;  // grows from start to end (end > start)
    Easing easing = Easing::EaseInOut;
    double widthKm = 3.0;  // body width
    nlohmann::json extra = nlohmann::json::object();
};

struct Label {
    std::string id, text, textLocal;  // text: main (English); textLocal: Pashto/Dari in Arabic script, may be empty
    double lat = 0, lon = 0;
    int priority = 0;       // higher wins when labels collide
    std::string kind;       // "place" (from GeoNames) | "custom"
    int64_t geonameId = 0;  // 0 if custom
    nlohmann::json extra = nlohmann::json::object();
};

struct Caption {
    StoryTime from = 0, to = 0;  // shown for from <= t <= to
    std::string text;            // "{date}" is replaced by the story date, e.g. "14 July 2021"
};

struct Legend {
    std::string title;
    bool showStatuses = true;  // list confirmed / claimed / contested with their look
};

// Story time range played over `seconds` of presentation, linearly.
struct StoryClock {
    StoryTime start = 0, end = 0;  // end > start
    double seconds = 10;           // presentation duration, > 0
};
// Linear and clamped: presentation seconds outside 0..seconds give start or end.
StoryTime storyTimeAt(const StoryClock& clock, double presentationSeconds);
double presentationSecondsAt(const StoryClock& clock, StoryTime t);

// A time asked for (--time) held to the story's clock. Outside it the map would show no areas and no caption,
// as if nothing had happened, which on air is a wrong fact: the time is clamped to the nearer end, and
// `warning` says what was asked, the story's range and the time used instead.
struct ClampedStoryTime {
    StoryTime time = 0;
    std::optional<std::string> warning;  // set only when the time was clamped
};
ClampedStoryTime clampToStoryClock(const StoryClock& clock, StoryTime requested, const std::string& storyName);

inline constexpr int kStoryVersion = 1;

struct Story {
    int version = kStoryVersion;
    std::string title, description;
    std::string attribution;  // data credits and the cited outlets, for the credit line
    std::string disclaimer;   // e.g. "Areas are approximate", shown on screen
    std::vector<Faction> factions;
    std::vector<ControlArea> areas;
    std::vector<LineFeature> lines;
    std::vector<Arrow> arrows;
    std::vector<Label> labels;
    std::vector<Caption> captions;
    Legend legend;
    StoryClock clock;
    std::vector<Source> sources;
    // The shot: presentation seconds -> camera (camera_track.h), "camera" in the file. None: the host's view.
    std::optional<CameraTrack> camera;
    nlohmann::json extra = nlohmann::json::object();  // unknown top-level keys, kept
};

// Parses and validates a story file's text; every error reads "FILE: FEATURE: problem". Never throws.
Result<Story> parseStory(std::string_view json, const std::string& fileName);
Result<Story> loadStory(const std::string& path);
// Pretty-printed JSON that parseStory reads back to an equal story (unknown keys included).
// Hard limits, checked when a story is read or imported: a clear refusal beats a frame that never comes.
// 20 000 labels took 4.7 s a frame before the label grid, and a news map with more than a few hundred names
// is unreadable; a district outline of 200 000 vertices costs ~5x a default frame, and 1 M took over 120 s.
inline constexpr size_t kMaxLabels = 10000;
inline constexpr size_t kMaxAreaVertices = 500000;  // per area keyframe, all rings together
// What breaks a limit ("area \"x\" keyframe 2 has 600000 vertices; ..."), or nothing.
std::optional<std::string> storyLimitsProblem(const Story& story);

std::string serializeStory(const Story& story);
// "FEATURE: problem" when the unknown keys kept for writing back pass their total size (kept_json.h), or nothing.
std::optional<std::string> keptKeysProblem(const Story& story);
// Atomic (core/atomic_file.h): a failed or killed save never damages the previous file; keeps its mode and links.
Status saveStory(const Story& story, const std::string& path);

// The latest area keyframe time; the clock's end when there are no keyframes.
StoryTime lastKeyframe(const Story& story);

const Faction* findFaction(const Story& story, std::string_view id);
const ControlArea* findArea(const Story& story, std::string_view id);

// Ring checks shared by the story file, GeoJSON import and the arrow outline (planar in lon/lat degrees).
double ringSignedArea(const Ring& ring);  // > 0 counter-clockwise; square degrees
// The first pair of non-adjacent edges that touch or cross (edge i runs from point i to i+1, wrapping), or
// an adjacent pair that folds back on itself; nullopt when the ring is simple. About O(n) for real outlines
// (a SegmentGrid of the edges): a 200k-vertex district boundary checks in a fraction of a second.
struct EdgePair {
    size_t a = 0, b = 0;
};
std::optional<EdgePair> findSelfIntersection(const Ring& ring);
bool pointInRing(const Ring& ring, const LonLat& p);
bool ringsTouch(const Ring& a, const Ring& b);  // any edge of one touches or crosses any edge of the other (grid)
std::string formatLonLat(const LonLat& p);      // "lon,lat" to 6 decimals, for error messages

// Checks one ring as read from a file (closing point included, GeoJSON-style) and returns it without the closing
// point, consecutive duplicates removed, oriented counter-clockwise (outer) or clockwise (hole). The error says
// what is wrong ("ring 1 is not closed (...)"); the caller prefixes the file and feature.
Result<Ring> checkRing(const std::vector<LonLat>& closedRing, size_t ringIndex, bool hole);

// GeoJSON pieces shared with story_geojson (errors without the file/feature prefix, which the caller adds).
// A Polygon or MultiPolygon geometry object -> checked rings (checkRing; holes inside their outer ring).
Result<MultiPolygon> multiPolygonFromGeoJson(const nlohmann::json& geometry);
// MultiPolygon geometry object with closed rings, outer counter-clockwise (RFC 7946's right-hand rule).
nlohmann::json multiPolygonToGeoJson(const MultiPolygon& area);
// An array of [lon, lat] (or [lon, lat, h]) positions, finite and in range, at least minCount of them.
Result<std::vector<LonLat>> positionsFromGeoJson(const nlohmann::json& coordinates, size_t minCount);
// An array of {outlet, date, quote, url} objects or strings (a string is an outlet), or one string.
Result<std::vector<Source>> sourcesFromJson(const nlohmann::json& value);
nlohmann::json sourcesToJson(const std::vector<Source>& sources);

}  // namespace fl::story
