#include "story/story_geojson.h"

#include <span>

#include "story/kept_json.h"
#include "story/key_check.h"

#include <algorithm>
#include <cmath>

namespace fl::story {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

// Thrown inside the importer and caught in importGeoJson: keeps each check to one line, never escapes.
struct Bad {
    std::string message;
};

[[noreturn]] void fail(const std::string& what) {
    throw Bad{what};
}

std::string inQuotes(std::string_view s) {
    std::string out(1, '"');
    out.append(s.substr(0, 60));
    out.append(s.size() > 60 ? "…\"" : "\"");
    return out;
}

const json* prop(const json& props, const char* key) {
    auto it = props.find(key);
    return it == props.end() || it->is_null() ? nullptr : &*it;
}

std::string stringProp(const json& props, const char* key, std::string fallback = {}) {
    const json* v = prop(props, key);
    if (!v) return fallback;
    if (!v->is_string()) fail(std::string("property \"") + key + "\" must be a string, not " + v->type_name());
    return v->get<std::string>();
}

double numberProp(const json& props, const char* key, double fallback) {
    const json* v = prop(props, key);
    if (!v) return fallback;
    if (!v->is_number()) fail(std::string("property \"") + key + "\" must be a number, not " + v->type_name());
    const double d = v->get<double>();
    if (!std::isfinite(d)) fail(std::string("property \"") + key + "\" is not finite");
    return d;
}

bool boolProp(const json& props, const char* key, bool fallback) {
    const json* v = prop(props, key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(std::string("property \"") + key + "\" must be true or false, not " + v->type_name());
    return v->get<bool>();
}

// Checked before the copy: a property nested 200 000 deep overflowed the stack in the copy (kept_json.h).
json extraProps(const json& props, std::span<const char* const> known) {
    json extra = json::object();
    for (auto it = props.begin(); it != props.end(); ++it)
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; })) {
            if (auto problem = keptJsonProblem(it.value(), it.key(), "property")) fail(*problem);
            extra[it.key()] = it.value();
        }
    return extra;
}

template <typename T>
T orFail(Result<T> r) {
    if (!r) fail(r.error().message);
    return std::move(*r);
}

// "feature 3 (area "spin-boldak")": the index always (QGIS shows it), plus whatever id or name the feature has.
// Takes a pointer, not `feature ? *feature : json()`: that conditional copies the feature, and copying recurses
// once per level of a hostile property.
std::string describe(size_t index, const json* feature) {
    std::string d = "feature " + std::to_string(index);
    if (!feature || !feature->is_object()) return d;
    auto it = feature->find("properties");
    if (it == feature->end() || !it->is_object()) return d;
    const json& p = *it;
    for (const char* key : {"area", "id", "name"}) {
        auto v = p.find(key);
        if (v == p.end() || !v->is_string()) continue;
        const std::string prefix = std::string(key) == "area" ? "area " : "";
        return d + " (" + prefix + inQuotes(v->get<std::string>()) + ")";
    }
    return d;
}

void importArea(Story& story, const json& geometry, const json& props) {
    const std::string id = stringProp(props, "area");
    if (id.empty()) fail("needs an \"area\" property (the id of the area this outline is a keyframe of)");
    const std::string timeText = stringProp(props, "time");
    if (timeText.empty()) fail("needs a \"time\" property (ISO-8601, e.g. 2021-07-14T12:00:00Z)");
    auto time = parseStoryTime(timeText);
    if (!time) fail("property \"time\": " + time.error().message);
    ControlKeyframe key;
    key.time = *time;
    const std::string status = stringProp(props, "status", "confirmed");
    auto s = parseClaimStatus(status);
    if (!s) fail("unknown status " + inQuotes(status) + " (known: confirmed, claimed, contested)");
    key.status = *s;
    const std::string easing = stringProp(props, "easing", "easeInOut");
    auto e = parseEasing(easing);
    if (!e) fail("unknown easing " + inQuotes(easing) + " (known: linear, easeInOut, easeIn, easeOut, step)");
    key.easing = *e;
    if (const json* sources = prop(props, "sources")) key.sources = orFail(sourcesFromJson(*sources));
    key.area = orFail(multiPolygonFromGeoJson(geometry));
    key.extra = extraProps(props, keys::kGeoJsonArea);

    const std::string faction = stringProp(props, "faction");
    const std::string name = stringProp(props, "name");
    auto area = std::find_if(story.areas.begin(), story.areas.end(), [&](const ControlArea& a) { return a.id == id; });
    if (area == story.areas.end()) {
        if (faction.empty()) fail("area " + inQuotes(id) + " is new to the story, so it needs a \"faction\" property");
        story.areas.push_back({id, faction, name.empty() ? id : name, {}, json::object()});
        area = story.areas.end() - 1;
    } else if (!faction.empty() && faction != area->faction) {
        fail("faction " + inQuotes(faction) + " differs from the story's " + inQuotes(area->faction) + " for area " +
             inQuotes(id));
    }
    if (!findFaction(story, area->faction)) fail("unknown faction " + inQuotes(area->faction));
    if (!name.empty()) area->name = name;
    auto& keys = area->keyframes;
    auto at = std::lower_bound(keys.begin(), keys.end(), key.time,
                               [](const ControlKeyframe& k, StoryTime t) { return k.time < t; });
    if (at != keys.end() && at->time == key.time)
        *at = std::move(key);
    else
        keys.insert(at, std::move(key));
}

void importLines(Story& story, const json& geometry, const std::string& type, const json& props, size_t index) {
    std::vector<std::vector<LonLat>> parts;
    const json& coords = geometry.at("coordinates");
    if (type == "LineString") {
        parts.push_back(orFail(positionsFromGeoJson(coords, 2)));
    } else {
        if (!coords.is_array() || coords.empty()) fail("a MultiLineString needs at least one line");
        for (size_t k = 0; k < coords.size(); ++k) {
            auto part = positionsFromGeoJson(coords[k], 2);
            if (!part) fail("line " + std::to_string(k) + ": " + part.error().message);
            parts.push_back(std::move(*part));
        }
    }
    LineFeature line;
    const std::string id = stringProp(props, "id", "line-" + std::to_string(index));
    line.name = stringProp(props, "name");
    line.kind = stringProp(props, "kind", "route");
    const std::string stroke = stringProp(props, "stroke");
    if (!stroke.empty()) {
        auto c = parseHexColour(stroke);
        if (!c) fail("property \"stroke\" " + inQuotes(stroke) + " is not a colour like \"#c8102e\"");
        line.style.colour = *c;
    }
    line.style.widthPx = numberProp(props, "stroke-width", line.style.widthPx);
    if (!(line.style.widthPx > 0 && line.style.widthPx <= 100)) fail("property \"stroke-width\" must be in (0, 100]");
    line.style.dashed = boolProp(props, "dashed", false);
    line.style.casing = boolProp(props, "casing", false);
    line.extra = extraProps(props, keys::kGeoJsonLine);
    for (size_t k = 0; k < parts.size(); ++k) {
        LineFeature l = line;
        l.id = parts.size() == 1 ? id : id + "-" + std::to_string(k + 1);
        l.points = std::move(parts[k]);
        auto same =
            std::find_if(story.lines.begin(), story.lines.end(), [&](const LineFeature& x) { return x.id == l.id; });
        if (same != story.lines.end())
            *same = std::move(l);
        else
            story.lines.push_back(std::move(l));
    }
}

void importLabel(Story& story, const json& geometry, const json& props, size_t index) {
    const json& coords = geometry.at("coordinates");
    const json wrapped = json::array({coords});
    const LonLat p = orFail(positionsFromGeoJson(wrapped, 1)).front();
    Label label;
    label.id = stringProp(props, "id", "label-" + std::to_string(index));
    label.text = stringProp(props, "name");
    if (label.text.empty()) fail("a point needs a \"name\" property (the label's text)");
    label.textLocal = stringProp(props, "name_local");
    const double priority = numberProp(props, "priority", 0);
    if (priority != std::floor(priority) || std::abs(priority) > 1e6)
        fail("property \"priority\" must be a whole number within ±1000000");
    label.priority = int(priority);
    label.kind = "custom";
    label.lat = p.lat;
    label.lon = p.lon;
    label.extra = extraProps(props, keys::kGeoJsonLabel);
    auto same =
        std::find_if(story.labels.begin(), story.labels.end(), [&](const Label& x) { return x.id == label.id; });
    if (same != story.labels.end())
        *same = std::move(label);
    else
        story.labels.push_back(std::move(label));
}

// `warnings` gets the feature's near-miss property names ("Status" for "status"), prefixed with `where`.
void importFeature(Story& story, const json& feature, size_t index, const std::string& where,
                   std::vector<std::string>& warnings) {
    if (!feature.is_object()) fail(std::string("must be a GeoJSON Feature object, not ") + feature.type_name());
    auto type = feature.find("type");
    if (type == feature.end() || !type->is_string() || *type != "Feature") fail("is not a GeoJSON Feature");
    static const json kNoProps = json::object();
    auto pit = feature.find("properties");
    const json* props = &kNoProps;
    if (pit != feature.end() && !pit->is_null()) {
        if (!pit->is_object()) fail(std::string("\"properties\" must be an object, not ") + pit->type_name());
        props = &*pit;
    }
    auto git = feature.find("geometry");
    if (git == feature.end() || git->is_null()) fail("has no geometry");
    const json& geometry = *git;
    if (!geometry.is_object()) fail(std::string("\"geometry\" must be an object, not ") + geometry.type_name());
    auto gtype = geometry.find("type");
    if (gtype == geometry.end() || !gtype->is_string()) fail("geometry has no \"type\"");
    const std::string gt = gtype->get<std::string>();
    if (gt != "GeometryCollection" && geometry.find("coordinates") == geometry.end())
        fail("geometry has no \"coordinates\"");
    const std::string kind = stringProp(*props, "frontline:kind");
    const bool polygonal = gt == "Polygon" || gt == "MultiPolygon";
    const bool linear = gt == "LineString" || gt == "MultiLineString";
    if (!kind.empty() && kind != "area" && kind != "line" && kind != "label")
        fail("unknown \"frontline:kind\" " + inQuotes(kind) + " (known: area, line, label)");
    if (polygonal && (kind.empty() || kind == "area")) {
        importArea(story, geometry, *props);
        checkExtraKeys(*props, keys::kGeoJsonArea, where, warnings);
    } else if (linear && (kind.empty() || kind == "line")) {
        importLines(story, geometry, gt, *props, index);
        checkExtraKeys(*props, keys::kGeoJsonLine, where, warnings);
    } else if (gt == "Point" && (kind.empty() || kind == "label")) {
        importLabel(story, geometry, *props, index);
        checkExtraKeys(*props, keys::kGeoJsonLabel, where, warnings);
    } else if (!kind.empty() && (polygonal || linear || gt == "Point"))
        fail("\"frontline:kind\" " + inQuotes(kind) + " does not fit a " + gt);
    else
        fail("geometry type " + inQuotes(gt) +
             " is not supported (Polygon, MultiPolygon, LineString, "
             "MultiLineString or Point)");
}

}  // namespace

Result<GeoJsonImport> importGeoJson(Story& story, std::string_view text, const std::string& fileName) {
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
    if (!root.is_object()) return Error::inFile(fileName, "not a GeoJSON object");
    Story merged = story;  // all or nothing
    GeoJsonImport report;
    size_t index = 0;
    const json* feature = nullptr;
    try {
        auto type = root.find("type");
        if (type == root.end() || !type->is_string()) return Error::inFile(fileName, "not GeoJSON (no \"type\")");
        if (*type == "Feature") {
            feature = &root;
            importFeature(merged, root, 0, fileName + ": " + describe(0, &root), report.warnings);
        } else if (*type == "FeatureCollection") {
            auto features = root.find("features");
            if (features == root.end() || !features->is_array())
                return Error::inFile(fileName, "a FeatureCollection needs a \"features\" array");
            for (; index < features->size(); ++index) {
                feature = &(*features)[index];
                importFeature(merged, *feature, index, fileName + ": " + describe(index, feature), report.warnings);
            }
        } else {
            return Error::inFile(fileName, "GeoJSON type " + inQuotes(type->get<std::string>()) +
                                               " is not a FeatureCollection or a Feature");
        }
    } catch (const Bad& b) {
        return Error::inFile(fileName, describe(index, feature) + ": " + b.message);
    } catch (const std::exception& e) {
        return Error::inFile(fileName, describe(index, feature) + ": " + e.what());
    }
    // The story's own kept keys count too: together they are what the next save writes back.
    if (auto problem = keptKeysProblem(merged)) return Error::inFile(fileName, *problem);
    if (auto problem = storyLimitsProblem(merged)) return Error::inFile(fileName, *problem);
    story = std::move(merged);
    return report;
}

std::string exportGeoJson(const Story& story) {
    ojson features = ojson::array();
    auto withExtra = [](ojson props, const json& extra) {
        for (auto it = extra.begin(); extra.is_object() && it != extra.end(); ++it)
            if (!props.contains(it.key())) props[it.key()] = ojson(it.value());
        return props;
    };
    for (const ControlArea& a : story.areas)
        for (const ControlKeyframe& k : a.keyframes) {
            ojson props = {{"frontline:kind", "area"},
                           {"area", a.id},
                           {"faction", a.faction},
                           {"name", a.name},
                           {"time", formatStoryTime(k.time)},
                           {"status", claimStatusName(k.status)},
                           {"easing", easingName(k.easing)},
                           {"sources", ojson(sourcesToJson(k.sources))}};
            features.push_back({{"type", "Feature"},
                                {"properties", withExtra(std::move(props), k.extra)},
                                {"geometry", ojson(multiPolygonToGeoJson(k.area))}});
        }
    for (const LineFeature& l : story.lines) {
        ojson coords = ojson::array();
        for (const LonLat& p : l.points) coords.push_back({p.lon, p.lat});
        ojson props = {{"frontline:kind", "line"},
                       {"id", l.id},
                       {"name", l.name},
                       {"kind", l.kind},
                       {"stroke", hexColour(l.style.colour)},
                       {"stroke-width", l.style.widthPx},
                       {"dashed", l.style.dashed},
                       {"casing", l.style.casing}};
        features.push_back({{"type", "Feature"},
                            {"properties", withExtra(std::move(props), l.extra)},
                            {"geometry", {{"type", "LineString"}, {"coordinates", std::move(coords)}}}});
    }
    for (const Label& l : story.labels) {
        if (l.kind != "custom") continue;  // place labels come from GeoNames, not from the artist's drawing
        ojson props = {{"frontline:kind", "label"},
                       {"id", l.id},
                       {"name", l.text},
                       {"name_local", l.textLocal},
                       {"priority", l.priority}};
        features.push_back({{"type", "Feature"},
                            {"properties", withExtra(std::move(props), l.extra)},
                            {"geometry", {{"type", "Point"}, {"coordinates", {l.lon, l.lat}}}}});
    }
    ojson root = {{"type", "FeatureCollection"}, {"features", std::move(features)}};
    return root.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

}  // namespace fl::story
