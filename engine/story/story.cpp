// The story document's file: names and colours of its values, reading its JSON with validation that names the
// file and the feature, writing it back (unknown keys kept, atomic saves), and lookups. Times: story_time.cpp;
// ring geometry: story_rings.cpp.
#include "story/story.h"
#include "story/story_limits.h"

#include <span>

#include "core/atomic_file.h"
#include "story/camera_track_json.h"
#include "story/kept_json.h"
#include "story/key_check.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fl::story {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------------------
// Names and colours

const char* claimStatusName(ClaimStatus s) {
    switch (s) {
        case ClaimStatus::Confirmed:
            return "confirmed";
        case ClaimStatus::Claimed:
            return "claimed";
        case ClaimStatus::Contested:
            return "contested";
    }
    return "confirmed";
}

const char* easingName(Easing e) {
    switch (e) {
        case Easing::Linear:
            return "linear";
        case Easing::EaseInOut:
            return "easeInOut";
        case Easing::EaseIn:
            return "easeIn";
        case Easing::EaseOut:
            return "easeOut";
        case Easing::Step:
            return "step";
    }
    return "linear";
}

const char* fillPatternName(FillPattern p) {
    switch (p) {
        case FillPattern::Solid:
            return "solid";
        case FillPattern::Hatched:
            return "hatched";
        case FillPattern::Dotted:
            return "dotted";
    }
    return "solid";
}

std::optional<ClaimStatus> parseClaimStatus(std::string_view n) {
    for (ClaimStatus s : {ClaimStatus::Confirmed, ClaimStatus::Claimed, ClaimStatus::Contested})
        if (n == claimStatusName(s)) return s;
    return std::nullopt;
}

std::optional<Easing> parseEasing(std::string_view n) {
    for (Easing e : {Easing::Linear, Easing::EaseInOut, Easing::EaseIn, Easing::EaseOut, Easing::Step})
        if (n == easingName(e)) return e;
    return std::nullopt;
}

std::optional<FillPattern> parseFillPattern(std::string_view n) {
    for (FillPattern p : {FillPattern::Solid, FillPattern::Hatched, FillPattern::Dotted})
        if (n == fillPatternName(p)) return p;
    return std::nullopt;
}

std::optional<glm::vec4> parseHexColour(std::string_view s) {
    if ((s.size() != 7 && s.size() != 9) || s[0] != '#') return std::nullopt;
    glm::vec4 c{0, 0, 0, 1};
    for (size_t i = 0; i * 2 + 1 < s.size(); ++i) {
        int v = 0;
        for (size_t k = 0; k < 2; ++k) {
            const char ch = s[1 + i * 2 + k];
            int nibble = 0;
            if (ch >= '0' && ch <= '9')
                nibble = ch - '0';
            else if (ch >= 'a' && ch <= 'f')
                nibble = ch - 'a' + 10;
            else if (ch >= 'A' && ch <= 'F')
                nibble = ch - 'A' + 10;
            else
                return std::nullopt;
            v = v * 16 + nibble;
        }
        c[int(i)] = float(v) / 255.0f;
    }
    return c;
}

std::string hexColour(const glm::vec4& c) {
    auto byte = [](float v) { return int(std::lround(std::clamp(double(v), 0.0, 1.0) * 255.0)); };
    char buf[16];
    if (byte(c.a) == 255)
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x", byte(c.r), byte(c.g), byte(c.b));
    else
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x%02x", byte(c.r), byte(c.g), byte(c.b), byte(c.a));
    return buf;
}

// ---------------------------------------------------------------------------------------------------------
// JSON reading. Inside the parser a failure is thrown as Bad and caught in parseStory (and the other entry
// points below), which keeps each field to one line; nothing escapes this file.

namespace {

struct Bad {
    std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw Bad{where.empty() ? what : where + ": " + what};
}

std::string quote(std::string_view s) {
    std::string out(1, '"');  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "\"" + std::string
    out.append(s.substr(0, 60));
    out.append(s.size() > 60 ? "…\"" : "\"");
    return out;
}

const json* member(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

void expectObject(const json& j, const std::string& where) {
    if (!j.is_object()) fail(where, std::string("must be an object, not ") + j.type_name());
}

const json& required(const json& obj, const char* key, const std::string& where) {
    const json* v = member(obj, key);
    if (!v) fail(where, std::string("missing required key \"") + key + "\"");
    return *v;
}

std::string getString(const json& obj, const char* key, const std::string& where, bool isRequired,
                      std::string fallback = {}) {
    const json* v = isRequired ? &required(obj, key, where) : member(obj, key);
    if (!v) return fallback;
    if (!v->is_string()) fail(where, std::string("\"") + key + "\" must be a string, not " + v->type_name());
    return v->get<std::string>();
}

double getNumber(const json& obj, const char* key, const std::string& where, bool isRequired, double fallback = 0) {
    const json* v = isRequired ? &required(obj, key, where) : member(obj, key);
    if (!v) return fallback;
    if (!v->is_number()) fail(where, std::string("\"") + key + "\" must be a number, not " + v->type_name());
    const double d = v->get<double>();
    if (!std::isfinite(d)) fail(where, std::string("\"") + key + "\" is not a finite number");
    return d;
}

bool getBool(const json& obj, const char* key, const std::string& where, bool fallback) {
    const json* v = member(obj, key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(where, std::string("\"") + key + "\" must be true or false, not " + v->type_name());
    return v->get<bool>();
}

const json& getArray(const json& obj, const char* key, const std::string& where, bool isRequired) {
    static const json kEmpty = json::array();
    const json* v = isRequired ? &required(obj, key, where) : member(obj, key);
    if (!v) return kEmpty;
    if (!v->is_array()) fail(where, std::string("\"") + key + "\" must be an array, not " + v->type_name());
    return *v;
}

StoryTime getTime(const json& obj, const char* key, const std::string& where) {
    const std::string s = getString(obj, key, where, true);
    auto t = parseStoryTime(s);
    if (!t) fail(where, std::string("\"") + key + "\": " + t.error().message);
    return *t;
}

glm::vec4 getColour(const json& obj, const char* key, const std::string& where, glm::vec4 fallback) {
    if (!member(obj, key)) return fallback;
    const std::string s = getString(obj, key, where, false);
    auto c = parseHexColour(s);
    if (!c) fail(where, std::string("\"") + key + "\" " + quote(s) + " is not a colour like \"#c8102e\"");
    return *c;
}

Easing getEasing(const json& obj, const std::string& where) {
    if (!member(obj, "easing")) return Easing::EaseInOut;
    const std::string s = getString(obj, "easing", where, false);
    auto e = parseEasing(s);
    if (!e) fail(where, "unknown easing " + quote(s) + " (known: linear, easeInOut, easeIn, easeOut, step)");
    return *e;
}

// Checked before the copy: copying a value nested 200 000 deep overflowed the stack (kept_json.h).
json extraKeys(const json& obj, std::span<const char* const> known) {
    json extra = json::object();
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; })) {
            if (auto problem = keptJsonProblem(it.value(), it.key())) fail("", *problem);
            extra[it.key()] = it.value();
        }
    return extra;
}

// Unknown keys go back after the known ones; a known key always wins over an extra of the same name. What is
// merged was bounded when it was read (extraKeys, extraProps), so the copy and the dump cannot recurse too deep.
template <typename Json>
void mergeExtra(Json& out, const json& extra) {
    if (!extra.is_object()) return;
    for (auto it = extra.begin(); it != extra.end(); ++it)
        if (!out.contains(it.key())) out[it.key()] = Json(it.value());
}

LonLat position(const json& p, const std::string& where, const std::string& what) {
    if (!p.is_array() || p.size() < 2 || p.size() > 3)
        fail(where, what + " must be a position [lon, lat] (or [lon, lat, height])");
    for (const json& c : p)
        if (!c.is_number()) fail(where, what + " has a coordinate that is a " + c.type_name() + ", not a number");
    LonLat ll{p[0].get<double>(), p[1].get<double>()};
    if (!std::isfinite(ll.lon) || !std::isfinite(ll.lat)) fail(where, what + " has a coordinate that is not finite");
    if (ll.lon < -180 || ll.lon > 180 || ll.lat < -90 || ll.lat > 90)
        fail(where, what + " " + formatLonLat(ll) + " is outside lon -180..180, lat -90..90");
    return ll;
}

std::vector<LonLat> positions(const json& arr, const std::string& where, const std::string& what, size_t minCount) {
    if (!arr.is_array()) fail(where, what + " must be an array of positions, not " + arr.type_name());
    if (arr.size() < minCount)
        fail(where, what + " has " + std::to_string(arr.size()) + " positions (at least " + std::to_string(minCount) +
                        " needed)");
    std::vector<LonLat> out;
    out.reserve(arr.size());
    for (size_t i = 0; i < arr.size(); ++i)
        out.push_back(position(arr[i], where, what + " position " + std::to_string(i)));
    return out;
}

// Rings as in GeoJSON: positions that must be numbers (checked here), then closure, distinct points and
// simplicity (checkRing). A ring's coordinates may be anything here, so non-finite values are reported as such.
Polygon polygonFrom(const json& rings, const std::string& where, const std::string& prefix) {
    if (!rings.is_array() || rings.empty())
        fail(where, prefix + "a polygon must be a non-empty array of rings, not " +
                        (rings.is_array() ? std::string("an empty array") : std::string(rings.type_name())));
    Polygon poly;
    for (size_t k = 0; k < rings.size(); ++k) {
        const json& ring = rings[k];
        if (!ring.is_array()) fail(where, prefix + "ring " + std::to_string(k) + " must be an array of positions");
        std::vector<LonLat> pts;
        pts.reserve(ring.size());
        for (size_t i = 0; i < ring.size(); ++i) {
            const json& p = ring[i];
            if (!p.is_array() || p.size() < 2 || p.size() > 3 || !p[0].is_number() || !p[1].is_number() ||
                (p.size() == 3 && !p[2].is_number()))
                fail(where, prefix + "ring " + std::to_string(k) + " position " + std::to_string(i) +
                                " must be [lon, lat] numbers");
            pts.push_back({p[0].get<double>(), p[1].get<double>()});
        }
        auto r = checkRing(pts, k, k > 0);
        if (!r) fail(where, prefix + r.error().message);
        if (k == 0)
            poly.outer = std::move(*r);
        else
            poly.holes.push_back(std::move(*r));
    }
    for (size_t h = 0; h < poly.holes.size(); ++h) {
        const std::string hole = "ring " + std::to_string(h + 1) + " (a hole)";
        if (ringsTouch(poly.outer, poly.holes[h])) fail(where, prefix + hole + " touches or crosses ring 0");
        if (!pointInRing(poly.outer, poly.holes[h][0])) fail(where, prefix + hole + " lies outside ring 0");
        for (size_t g = 0; g < h; ++g)
            if (ringsTouch(poly.holes[g], poly.holes[h]))
                fail(where, prefix + hole + " touches or crosses ring " + std::to_string(g + 1));
    }
    return poly;
}

MultiPolygon multiPolygonFrom(const json& geometry, const std::string& where) {
    expectObject(geometry, where + ": geometry");
    const std::string type = getString(geometry, "type", where + ": geometry", true);
    const json& coords = required(geometry, "coordinates", where + ": geometry");
    if (const size_t n = limits::positionCount(coords, type == "MultiPolygon" ? 2 : 1); n > kMaxAreaVertices)
        fail(where, limits::tooManyVertices(n));
    MultiPolygon mp;
    if (type == "Polygon") {
        mp.push_back(polygonFrom(coords, where, ""));
    } else if (type == "MultiPolygon") {
        if (!coords.is_array() || coords.empty()) fail(where, "a MultiPolygon needs at least one polygon");
        for (size_t p = 0; p < coords.size(); ++p)
            mp.push_back(polygonFrom(coords[p], where, coords.size() > 1 ? "polygon " + std::to_string(p) + " " : ""));
    } else {
        fail(where, "geometry type " + quote(type) + " is not Polygon or MultiPolygon");
    }
    return mp;
}

json ringJson(const Ring& r) {
    json arr = json::array();
    for (const LonLat& p : r) arr.push_back({p.lon, p.lat});
    arr.push_back({r.front().lon, r.front().lat});  // closed, as GeoJSON wants
    return arr;
}

json sourcesJson(const std::vector<Source>& sources) {
    json arr = json::array();
    for (const Source& s : sources) {
        json o = json::object();
        if (!s.outlet.empty()) o["outlet"] = s.outlet;
        if (!s.date.empty()) o["date"] = s.date;
        if (!s.quote.empty()) o["quote"] = s.quote;
        if (!s.url.empty()) o["url"] = s.url;
        arr.push_back(std::move(o));
    }
    return arr;
}

std::vector<Source> sourcesFrom(const json& arr, const std::string& where) {
    std::vector<Source> out;
    for (size_t i = 0; i < arr.size(); ++i) {
        const json& s = arr[i];
        const std::string w = where + ": source " + std::to_string(i);
        if (s.is_string()) {  // a bare outlet name, as artists tend to type it
            out.push_back({s.get<std::string>(), "", "", ""});
            continue;
        }
        expectObject(s, w);
        Source src{getString(s, "outlet", w, false), getString(s, "date", w, false), getString(s, "quote", w, false),
                   getString(s, "url", w, false)};
        if (src.outlet.empty() && src.url.empty()) fail(w, "needs an \"outlet\" or a \"url\"");
        out.push_back(std::move(src));
    }
    return out;
}

std::string featureId(const json& obj, const std::string& kind, size_t index) {
    const json* id = member(obj, "id");
    if (id && id->is_string()) return kind + " " + quote(id->get<std::string>());
    return kind + " " + std::to_string(index);
}

template <typename T>
void checkUnique(const std::vector<T>& items, const std::string& kind) {
    std::set<std::string> seen;
    for (const T& it : items) {
        if (it.id.empty()) fail(kind + " with an empty id", "every " + kind + " needs a non-empty \"id\"");
        if (!seen.insert(it.id).second) fail(kind + " " + quote(it.id), "the id is used twice");
    }
}

Story storyFrom(const json& root) {
    expectObject(root, "the story");
    Story story;
    const json& version = required(root, "version", "");
    if (!version.is_number_integer() && !version.is_number_unsigned())
        fail("", std::string("\"version\" must be a whole number, not ") + version.type_name());
    if (version.get<int64_t>() != kStoryVersion)
        fail("", "unknown version " + version.dump() + " (this build reads " + std::to_string(kStoryVersion) + ")");
    story.version = kStoryVersion;
    story.title = getString(root, "title", "", true);
    story.description = getString(root, "description", "", false);
    story.attribution = getString(root, "attribution", "", false);
    story.disclaimer = getString(root, "disclaimer", "", false);
    story.sources = sourcesFrom(getArray(root, "sources", "", false), "story sources");

    const json& clock = required(root, "clock", "");
    expectObject(clock, "clock");
    story.clock.start = getTime(clock, "start", "clock");
    story.clock.end = getTime(clock, "end", "clock");
    story.clock.seconds = getNumber(clock, "seconds", "clock", true);
    if (!(story.clock.end > story.clock.start)) fail("clock", "\"end\" must be after \"start\"");
    if (!(story.clock.seconds > 0)) fail("clock", "\"seconds\" must be positive");

    if (const json* legend = member(root, "legend")) {
        expectObject(*legend, "legend");
        story.legend.title = getString(*legend, "title", "legend", false);
        story.legend.showStatuses = getBool(*legend, "showStatuses", "legend", true);
    }

    const json& factions = getArray(root, "factions", "", true);
    for (size_t i = 0; i < factions.size(); ++i) {
        const json& f = factions[i];
        const std::string w = featureId(f, "faction", i);
        expectObject(f, w);
        Faction fa;
        fa.id = getString(f, "id", w, true);
        fa.name = getString(f, "name", w, true);
        fa.legend = getString(f, "legend", w, false, fa.name);
        fa.colour = getColour(f, "colour", w, fa.colour);
        const std::string pattern = getString(f, "pattern", w, false, "solid");
        auto p = parseFillPattern(pattern);
        if (!p) fail(w, "unknown pattern " + quote(pattern) + " (known: solid, hatched, dotted)");
        fa.pattern = *p;
        fa.extra = extraKeys(f, keys::kFaction);
        story.factions.push_back(std::move(fa));
    }
    checkUnique(story.factions, "faction");
    auto knownFaction = [&](const std::string& id, const std::string& w) {
        if (!findFaction(story, id)) fail(w, "unknown faction " + quote(id));
    };

    const json& areas = getArray(root, "areas", "", false);
    for (size_t i = 0; i < areas.size(); ++i) {
        const json& a = areas[i];
        const std::string w = featureId(a, "area", i);
        expectObject(a, w);
        ControlArea area;
        area.id = getString(a, "id", w, true);
        area.faction = getString(a, "faction", w, true);
        knownFaction(area.faction, w);
        area.name = getString(a, "name", w, false);
        const json& keys = getArray(a, "keyframes", w, true);
        if (keys.empty()) fail(w, "has no keyframes");
        for (size_t k = 0; k < keys.size(); ++k) {
            const json& kj = keys[k];
            std::string kw = w + " keyframe " + std::to_string(k);
            expectObject(kj, kw);
            ControlKeyframe key;
            key.time = getTime(kj, "time", kw);
            kw += " (" + formatStoryTime(key.time) + ")";
            const std::string status = getString(kj, "status", kw, false, "confirmed");
            auto s = parseClaimStatus(status);
            if (!s) fail(kw, "unknown status " + quote(status) + " (known: confirmed, claimed, contested)");
            key.status = *s;
            key.easing = getEasing(kj, kw);
            key.sources = sourcesFrom(getArray(kj, "sources", kw, false), kw);
            key.area = multiPolygonFrom(required(kj, "geometry", kw), kw);
            key.extra = extraKeys(kj, keys::kKeyframe);
            if (!area.keyframes.empty() && !(key.time > area.keyframes.back().time))
                fail(kw, "is not after keyframe " + std::to_string(k - 1) + " (" +
                             formatStoryTime(area.keyframes.back().time) + "): keyframes must be in time order");
            area.keyframes.push_back(std::move(key));
        }
        if (member(a, "until")) {
            area.until = getTime(a, "until", w);
            if (!(*area.until > area.keyframes.front().time))
                fail(w, "\"until\" " + formatStoryTime(*area.until) + " is not after its first keyframe (" +
                            formatStoryTime(area.keyframes.front().time) + "): the area would never show");
        }
        area.extra = extraKeys(a, keys::kArea);
        story.areas.push_back(std::move(area));
    }
    checkUnique(story.areas, "area");

    const json& lines = getArray(root, "lines", "", false);
    for (size_t i = 0; i < lines.size(); ++i) {
        const json& l = lines[i];
        const std::string w = featureId(l, "line", i);
        expectObject(l, w);
        LineFeature line;
        line.id = getString(l, "id", w, true);
        line.name = getString(l, "name", w, false);
        line.kind = getString(l, "kind", w, false, "route");
        line.points = positions(required(l, "coordinates", w), w, "\"coordinates\"", 2);
        if (const json* style = member(l, "style")) {
            const std::string sw = w + " style";
            expectObject(*style, sw);
            line.style.colour = getColour(*style, "colour", sw, line.style.colour);
            line.style.widthPx = getNumber(*style, "widthPx", sw, false, line.style.widthPx);
            if (!(line.style.widthPx > 0 && line.style.widthPx <= 100)) fail(sw, "\"widthPx\" must be in (0, 100]");
            line.style.dashed = getBool(*style, "dashed", sw, false);
            line.style.casing = getBool(*style, "casing", sw, false);
        }
        line.extra = extraKeys(l, keys::kLine);
        story.lines.push_back(std::move(line));
    }
    checkUnique(story.lines, "line");

    const json& arrows = getArray(root, "arrows", "", false);
    for (size_t i = 0; i < arrows.size(); ++i) {
        const json& a = arrows[i];
        const std::string w = featureId(a, "arrow", i);
        expectObject(a, w);
        Arrow arrow;
        arrow.id = getString(a, "id", w, true);
        arrow.faction = getString(a, "faction", w, true);
        knownFaction(arrow.faction, w);
        arrow.label = getString(a, "label", w, false);
        arrow.path = positions(required(a, "path", w), w, "\"path\"", 2);
        arrow.start = getTime(a, "start", w);
        arrow.end = getTime(a, "end", w);
        if (!(arrow.end > arrow.start)) fail(w, "\"end\" must be after \"start\"");
        arrow.easing = getEasing(a, w);
        arrow.widthKm = getNumber(a, "widthKm", w, false, arrow.widthKm);
        if (!(arrow.widthKm > 0 && arrow.widthKm <= 500)) fail(w, "\"widthKm\" must be in (0, 500]");
        arrow.extra = extraKeys(a, keys::kArrow);
        story.arrows.push_back(std::move(arrow));
    }
    checkUnique(story.arrows, "arrow");

    const json& labels = getArray(root, "labels", "", false);
    if (labels.size() > kMaxLabels)
        fail("labels", "there are " + std::to_string(labels.size()) + "; Frontline draws at most " +
                           std::to_string(kMaxLabels) + " (a map with more names cannot be read; split the story)");
    for (size_t i = 0; i < labels.size(); ++i) {
        const json& l = labels[i];
        const std::string w = featureId(l, "label", i);
        expectObject(l, w);
        Label label;
        label.id = getString(l, "id", w, true);
        label.text = getString(l, "text", w, true);
        label.textLocal = getString(l, "textLocal", w, false);
        label.lat = getNumber(l, "lat", w, true);
        label.lon = getNumber(l, "lon", w, true);
        if (label.lon < -180 || label.lon > 180 || label.lat < -90 || label.lat > 90)
            fail(w, "position " + formatLonLat({label.lon, label.lat}) + " is outside lon -180..180, lat -90..90");
        const double priority = getNumber(l, "priority", w, false, 0);
        if (priority != std::floor(priority) || std::abs(priority) > 1e6)
            fail(w, "\"priority\" must be a whole number within ±1000000");
        label.priority = int(priority);
        label.kind = getString(l, "kind", w, false, "custom");
        if (label.kind != "place" && label.kind != "custom")
            fail(w, "unknown kind " + quote(label.kind) + " (known: place, custom)");
        const double gid = getNumber(l, "geonameId", w, false, 0);
        if (gid != std::floor(gid) || gid < 0 || gid > 9e15)
            fail(w, "\"geonameId\" must be a non-negative whole number");
        label.geonameId = int64_t(gid);
        label.extra = extraKeys(l, keys::kLabel);
        story.labels.push_back(std::move(label));
    }
    checkUnique(story.labels, "label");

    const json& captions = getArray(root, "captions", "", false);
    for (size_t i = 0; i < captions.size(); ++i) {
        const json& c = captions[i];
        const std::string w = "caption " + std::to_string(i);
        expectObject(c, w);
        Caption cap;
        cap.from = getTime(c, "from", w);
        cap.to = getTime(c, "to", w);
        cap.text = getString(c, "text", w, true);
        if (cap.to < cap.from) fail(w, "\"to\" is before \"from\"");
        story.captions.push_back(std::move(cap));
    }

    if (const json* camera = member(root, "camera")) {
        auto track = cameraTrackFromJson(*camera);
        if (!track) fail("camera", track.error().message);
        story.camera = std::move(track).value();
    }
    story.extra = extraKeys(root, keys::kStory);
    if (auto problem = keptKeysProblem(story)) fail("", *problem);
    return story;
}

}  // namespace

Result<MultiPolygon> multiPolygonFromGeoJson(const nlohmann::json& geometry) {
    try {
        return multiPolygonFrom(geometry, "");
    } catch (const Bad& b) {
        return Error{b.message.rfind(": ", 0) == 0 ? b.message.substr(2) : b.message};
    } catch (const std::exception& e) {
        return Error{std::string("geometry: ") + e.what()};
    }
}

nlohmann::json multiPolygonToGeoJson(const MultiPolygon& mp) {
    json polys = json::array();
    for (const Polygon& p : mp) {
        json rings = json::array();
        rings.push_back(ringJson(p.outer));
        for (const Ring& h : p.holes) rings.push_back(ringJson(h));
        polys.push_back(std::move(rings));
    }
    return json{{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}};
}

Result<std::vector<LonLat>> positionsFromGeoJson(const nlohmann::json& coordinates, size_t minCount) {
    try {
        return positions(coordinates, "", "coordinates", minCount);
    } catch (const Bad& b) {
        return Error{b.message.rfind(": ", 0) == 0 ? b.message.substr(2) : b.message};
    } catch (const std::exception& e) {
        return Error{std::string("coordinates: ") + e.what()};
    }
}

Result<std::vector<Source>> sourcesFromJson(const nlohmann::json& value) {
    try {
        if (value.is_string()) return std::vector<Source>{{value.get<std::string>(), "", "", ""}};
        if (!value.is_array())
            return Error{std::string("\"sources\" must be an array or a string, not ") + value.type_name()};
        return sourcesFrom(value, "sources");
    } catch (const Bad& b) {
        return Error{b.message};
    } catch (const std::exception& e) {
        return Error{std::string("sources: ") + e.what()};
    }
}

nlohmann::json sourcesToJson(const std::vector<Source>& sources) {
    return sourcesJson(sources);
}

Result<Story> parseStory(std::string_view text, const std::string& fileName) {
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        return Error::inFile(fileName, "not valid JSON (at byte " + std::to_string(e.byte) + ")");
    } catch (const std::exception& e) {
        // e.g. a number overflowing a double ("1e400"): nlohmann's message without its "[json.exception...] " tag.
        const std::string what = e.what();
        const size_t tag = what.find("] ");
        return Error::inFile(fileName, "not valid JSON: " + (tag == std::string::npos ? what : what.substr(tag + 2)));
    }
    try {
        return storyFrom(root);
    } catch (const Bad& b) {
        return Error::inFile(fileName, b.message.rfind(": ", 0) == 0 ? b.message.substr(2) : b.message);
    } catch (const std::exception& e) {  // a json accessor we did not guard: still an error, never a crash
        return Error::inFile(fileName, std::string("unreadable story: ") + e.what());
    }
}

Result<Story> loadStory(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::inFile(path, std::string("cannot open (") + std::strerror(errno) + ")");
    std::stringstream s;
    s << in.rdbuf();
    if (in.bad()) return Error::inFile(path, "read failed");
    return parseStory(s.str(), path);
}

// Each kept value is bounded where it is read (extraKeys, extraProps); this bounds them together.
std::optional<std::string> keptKeysProblem(const Story& story) {
    size_t spent = 0;
    std::optional<std::string> problem;
    auto check = [&](const json& extra, const std::string& where) {
        if (problem) return;
        if (auto p = keptTotalProblem(extra, spent)) problem = where.empty() ? *p : where + ": " + *p;
    };
    check(story.extra, "");
    for (const Faction& f : story.factions) check(f.extra, "faction " + quote(f.id));
    for (const ControlArea& a : story.areas) {
        check(a.extra, "area " + quote(a.id));
        for (const ControlKeyframe& k : a.keyframes)
            check(k.extra, "area " + quote(a.id) + " keyframe " + formatStoryTime(k.time));
    }
    for (const LineFeature& l : story.lines) check(l.extra, "line " + quote(l.id));
    for (const Arrow& a : story.arrows) check(a.extra, "arrow " + quote(a.id));
    for (const Label& l : story.labels) check(l.extra, "label " + quote(l.id));
    return problem;
}

std::string serializeStory(const Story& story) {
    auto keyframeJson = [](const ControlKeyframe& k) {
        ojson o = ojson::object();
        o["time"] = formatStoryTime(k.time);
        o["status"] = claimStatusName(k.status);
        o["easing"] = easingName(k.easing);
        if (!k.sources.empty()) o["sources"] = ojson(sourcesJson(k.sources));
        o["geometry"] = ojson(multiPolygonToGeoJson(k.area));
        mergeExtra(o, k.extra);
        return o;
    };
    auto lineCoords = [](const std::vector<LonLat>& pts) {
        ojson arr = ojson::array();
        for (const LonLat& p : pts) arr.push_back({p.lon, p.lat});
        return arr;
    };
    // nlohmann's ordered_json keeps insertion order, so the file reads top-down like the schema.
    ojson root;
    root["version"] = story.version;
    root["title"] = story.title;
    root["description"] = story.description;
    root["attribution"] = story.attribution;
    root["disclaimer"] = story.disclaimer;
    root["clock"] = {{"start", formatStoryTime(story.clock.start)},
                     {"end", formatStoryTime(story.clock.end)},
                     {"seconds", story.clock.seconds}};
    root["legend"] = {{"title", story.legend.title}, {"showStatuses", story.legend.showStatuses}};
    root["sources"] = ojson(sourcesJson(story.sources));
    ojson factions = ojson::array();
    for (const Faction& f : story.factions) {
        ojson o = {{"id", f.id},
                   {"name", f.name},
                   {"legend", f.legend},
                   {"colour", hexColour(f.colour)},
                   {"pattern", fillPatternName(f.pattern)}};
        mergeExtra(o, f.extra);
        factions.push_back(o);
    }
    root["factions"] = factions;
    ojson areas = ojson::array();
    for (const ControlArea& a : story.areas) {
        ojson o;
        o["id"] = a.id;
        o["faction"] = a.faction;
        o["name"] = a.name;
        if (a.until) o["until"] = formatStoryTime(*a.until);
        ojson keys = ojson::array();
        for (const ControlKeyframe& k : a.keyframes) keys.push_back(keyframeJson(k));
        o["keyframes"] = keys;
        mergeExtra(o, a.extra);
        areas.push_back(o);
    }
    root["areas"] = areas;
    ojson lines = ojson::array();
    for (const LineFeature& l : story.lines) {
        ojson o = {{"id", l.id},
                   {"name", l.name},
                   {"kind", l.kind},
                   {"style",
                    {{"colour", hexColour(l.style.colour)},
                     {"widthPx", l.style.widthPx},
                     {"dashed", l.style.dashed},
                     {"casing", l.style.casing}}},
                   {"coordinates", lineCoords(l.points)}};
        mergeExtra(o, l.extra);
        lines.push_back(o);
    }
    root["lines"] = lines;
    ojson arrows = ojson::array();
    for (const Arrow& a : story.arrows) {
        ojson o = {{"id", a.id},
                   {"faction", a.faction},
                   {"label", a.label},
                   {"start", formatStoryTime(a.start)},
                   {"end", formatStoryTime(a.end)},
                   {"easing", easingName(a.easing)},
                   {"widthKm", a.widthKm},
                   {"path", lineCoords(a.path)}};
        mergeExtra(o, a.extra);
        arrows.push_back(o);
    }
    root["arrows"] = arrows;
    ojson labels = ojson::array();
    for (const Label& l : story.labels) {
        ojson o = {{"id", l.id},   {"text", l.text},         {"textLocal", l.textLocal}, {"lat", l.lat},
                   {"lon", l.lon}, {"priority", l.priority}, {"kind", l.kind},           {"geonameId", l.geonameId}};
        mergeExtra(o, l.extra);
        labels.push_back(o);
    }
    root["labels"] = labels;
    ojson captions = ojson::array();
    for (const Caption& c : story.captions)
        captions.push_back({{"from", formatStoryTime(c.from)}, {"to", formatStoryTime(c.to)}, {"text", c.text}});
    root["captions"] = captions;
    if (story.camera) root["camera"] = cameraTrackToJson(*story.camera);
    mergeExtra(root, story.extra);
    return root.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

Status saveStory(const Story& story, const std::string& path) {
    return fl::writeFileAtomically(path, serializeStory(story));
}

StoryTime lastKeyframe(const Story& story) {
    bool any = false;
    StoryTime last = 0;
    for (const ControlArea& a : story.areas)
        for (const ControlKeyframe& k : a.keyframes) {
            last = any ? std::max(last, k.time) : k.time;
            any = true;
        }
    return any ? last : story.clock.end;
}

const Faction* findFaction(const Story& story, std::string_view id) {
    for (const Faction& f : story.factions)
        if (f.id == id) return &f;
    return nullptr;
}

const ControlArea* findArea(const Story& story, std::string_view id) {
    for (const ControlArea& a : story.areas)
        if (a.id == id) return &a;
    return nullptr;
}

}  // namespace fl::story
