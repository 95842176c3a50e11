// scene/geodata.h — map vectors a story draws on: border/front lines and named places.
// Owns: Polyline and Place, their loaders (GeoJSON or any OGR vector file, via GDAL; anything not in WGS84
// lon/lat is reprojected) and place lookup by ASCII name. Drawing and labelling them belongs to render/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/lonlat.h"
#include "core/result.h"

namespace fl::scene {

struct Polyline {
    std::string name;  // the feature's "name" property, empty if it has none
    std::vector<LonLat> points;
};

// One GeoNames record as in assets/vector/places.geojson.
struct Place {
    std::string name, nameAscii, country, featureCode;  // country: ISO 3166 alpha-2; featureCode: e.g. PPLA
    int64_t population = 0;                             // GeoNames snapshot; 0 = unknown, not empty
    int64_t geonameId = 0;
    double lat = 0, lon = 0;
};

// Every LineString / MultiLineString part (also inside GeometryCollections), named from the feature's
// "name" property if any. Polygons and points are ignored, but a feature without geometry (null, or a
// type GDAL does not know) is an error, and so is a file with no lines at all: it is almost certainly the
// wrong file. Errors name the file and, where relevant, the feature index ("feature 12", 0-based).
Result<std::vector<Polyline>> loadLines(const std::string& path);

// Every feature, which must be a Point with at least a "name" property (other properties of
// places.geojson: name_ascii, country, feature_code, population, geonameid). File order is kept.
Result<std::vector<Place>> loadPlaces(const std::string& path);

// First place whose nameAscii matches exactly, else ignoring ASCII case; nullptr if none. places.geojson
// is sorted by population, so among namesakes the largest wins.
const Place* findPlace(const std::vector<Place>& places, std::string_view nameAscii);

}  // namespace fl::scene
