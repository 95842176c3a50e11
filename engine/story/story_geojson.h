// story/story_geojson.h — exchanging a story's map features with GIS tools (QGIS) as GeoJSON.
// Owns: import (merging area keyframes, lines and custom labels drawn elsewhere into a story) and export
// (a FeatureCollection of every area keyframe, line and custom label), with time and status in properties and
// unknown properties kept. The property mapping is documented in docs/story-format.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "story/story.h"

namespace fl::story {

// Merges the features of a GeoJSON FeatureCollection (or a single Feature) into `story`:
// - Polygon / MultiPolygon ("frontline:kind" "area" or absent): a keyframe of area `area` (created, with `faction`
//   and `name`, if the story has none of that id) at `time`, with `status`, `easing` and `sources`; it replaces a
//   keyframe at the same time, otherwise it is inserted in time order;
// - LineString / MultiLineString: the line `id` (replaced if present; a MultiLineString with several parts gives
//   id-1, id-2, ...) with `kind`, `name`, `stroke`, `stroke-width`, `dashed`, `casing`;
// - Point: the custom label `id` with `name`, `name_local`, `priority`.
// Other properties go to the feature's `extra` and come back on export. All or nothing: on error `story` is
// unchanged, and the error names the file and the feature ("FILE: feature 3 (area "x"): ...").
// Data problems are errors; what is only suspicious comes back as warnings, which the caller prints (or, with
// `--strict`, turns into an error): a property name that is a near miss of a known one ("Status", "stauts"),
// which would otherwise leave the keyframe at its default status in silence (story/key_check.h).
struct GeoJsonImport {
    std::vector<std::string> warnings;  // "FILE: feature 3 (area "x"): unknown key "Status" (did you mean ...)"
};
Result<GeoJsonImport> importGeoJson(Story& story, std::string_view geojson, const std::string& fileName);

// RFC 7946 FeatureCollection: lon,lat order, closed rings, exterior rings counter-clockwise. Pretty-printed.
std::string exportGeoJson(const Story& story);

}  // namespace fl::story
