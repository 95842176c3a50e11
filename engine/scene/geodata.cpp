#include "scene/geodata.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <mutex>

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "terrain/gdal_support.h"

namespace fl::scene {
namespace {

using terrain::GdalErrorCapture;
using terrain::registerGdalDrivers;
using terrain::withGdal;

Result<GDALDatasetUniquePtr> openVector(const std::string& path, GdalErrorCapture& gdal) {
    registerGdalDrivers();
    VSIStatBufL stat;  // VSIStatL so /vsizip/ and friends work like plain paths
    if (VSIStatL(path.c_str(), &stat) != 0) return Error::inFile(path, "no such file");
    if (VSI_ISREG(stat.st_mode) && stat.st_size == 0) return Error::inFile(path, "is empty (0 bytes)");
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                              nullptr, nullptr, nullptr));
    if (!ds) {
        // Some formats are directories (e.g. a folder of shapefiles), so a directory is only refused here.
        if (VSI_ISDIR(stat.st_mode)) return Error::inFile(path, withGdal("is a directory GDAL cannot read", gdal));
        GDALDriverH driver = GDALIdentifyDriverEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr);
        if (!driver) return Error::inFile(path, withGdal("not a vector file GDAL can read", gdal));
        return Error::inFile(path, withGdal(std::string("cannot parse as ") + GDALGetDriverShortName(driver), gdal));
    }
    // The GeoJSON driver parses the whole file while opening and reports bad members (e.g. a string
    // coordinate) as failures but still opens, leaving the geometry out. That is bad data, so say so.
    if (gdal.failed()) return Error::inFile(path, withGdal("malformed", gdal));
    return ds;
}

bool isWgs84Geographic(const OGRSpatialReference& srs) {
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    const char* const criteria[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                                    "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    return srs.IsGeographic() && srs.IsSame(&wgs84, criteria);
}

// Visits every feature of every layer with its geometry in WGS84 lon/lat (traditional lon, lat order).
// `where` is the feature's place in the file for error messages, e.g. "feature 12".
using FeatureVisitor =
    std::function<Result<Ok>(const std::string& where, OGRFeature& feature, const OGRGeometry* geometry)>;

Result<Ok> forEachFeature(const std::string& path, GDALDataset& ds, GdalErrorCapture& gdal,
                          const FeatureVisitor& visit) {
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const bool severalLayers = ds.GetLayerCount() > 1;
    for (OGRLayer* layer : ds.GetLayers()) {
        // GeoJSON is lon/lat by definition (RFC 7946), but older files may carry a "crs" member.
        std::unique_ptr<OGRCoordinateTransformation> toWgs84;
        if (const OGRSpatialReference* srs = layer->GetSpatialRef(); srs && !isWgs84Geographic(*srs)) {
            OGRSpatialReference source(*srs);
            source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            toWgs84.reset(OGRCreateCoordinateTransformation(&source, &wgs84));
            if (!toWgs84) return Error::inFile(path, withGdal("cannot reproject its CRS to WGS84", gdal));
        }
        const std::string prefix = severalLayers ? "layer '" + std::string(layer->GetName()) + "' " : "";
        int index = 0;
        layer->ResetReading();
        for (auto& feature : *layer) {
            const std::string where = prefix + "feature " + std::to_string(index++);
            std::unique_ptr<OGRGeometry> geometry(feature->StealGeometry());
            if (geometry && toWgs84 && geometry->transform(toWgs84.get()) != OGRERR_NONE)
                return Error::inFile(path, withGdal(where + ": cannot reproject to WGS84", gdal));
            if (geometry && geometry->hasCurveGeometry()) geometry.reset(geometry->getLinearGeometry());
            if (Result<Ok> ok = visit(where, *feature, geometry.get()); !ok) return ok;
        }
        // OGR ends the iteration on a read error as if the layer were exhausted.
        if (gdal.failed()) return Error::inFile(path, withGdal("cannot read all features", gdal));
    }
    return Ok{};
}

// Why coordinates are checked here: NaN would poison every later computation (bounds, tessellation) far
// from the file that caused it, and projected coordinates in a file without "crs" look like valid numbers.
Result<LonLat> checkedLonLat(const std::string& path, const std::string& where, double lon, double lat) {
    if (!std::isfinite(lon) || !std::isfinite(lat))
        return Error::inFile(path, where + ": coordinate is not a finite number");
    if (std::abs(lat) > 90 || std::abs(lon) > 540) {
        return Error::inFile(path, where + ": coordinate (" + std::to_string(lon) + ", " + std::to_string(lat) +
                                       ") is not lon/lat degrees; is the file's CRS right?");
    }
    return LonLat{lon, lat};
}

Result<Ok> collectLines(const std::string& path, const std::string& where, const std::string& name,
                        const OGRGeometry& geometry, std::vector<Polyline>& out) {
    switch (wkbFlatten(geometry.getGeometryType())) {
        case wkbLineString: {
            const OGRLineString& line = *geometry.toLineString();
            if (line.getNumPoints() < 2) return Error::inFile(path, where + ": line has fewer than 2 points");
            Polyline polyline{name, {}};
            polyline.points.reserve(line.getNumPoints());
            for (int i = 0; i < line.getNumPoints(); ++i) {
                Result<LonLat> p = checkedLonLat(path, where, line.getX(i), line.getY(i));
                if (!p) return p.error();
                polyline.points.push_back(*p);
            }
            out.push_back(std::move(polyline));
            return Ok{};
        }
        case wkbMultiLineString:
        case wkbGeometryCollection:
            for (const OGRGeometry* part : *geometry.toGeometryCollection()) {
                if (!part) continue;
                if (Result<Ok> ok = collectLines(path, where, name, *part, out); !ok) return ok;
            }
            return Ok{};
        default:
            return Ok{};  // points and polygons are not lines
    }
}

std::string stringField(const OGRFeature& feature, const char* field) {
    const int index = feature.GetFieldIndex(field);
    return index >= 0 && feature.IsFieldSetAndNotNull(index) ? feature.GetFieldAsString(index) : "";
}

int64_t integerField(const OGRFeature& feature, const char* field) {
    const int index = feature.GetFieldIndex(field);
    return index >= 0 && feature.IsFieldSetAndNotNull(index) ? feature.GetFieldAsInteger64(index) : 0;
}

// OGR reads a geometry of a type it does not know (e.g. "Circle") as null, without a message.
Error missingGeometry(const std::string& path, const std::string& where) {
    return Error::inFile(path, where + ": has no geometry (null, or of a type GDAL does not know)");
}

char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

}  // namespace

Result<std::vector<Polyline>> loadLines(const std::string& path) {
    GdalErrorCapture gdal;
    Result<GDALDatasetUniquePtr> ds = openVector(path, gdal);
    if (!ds) return ds.error();
    std::vector<Polyline> lines;
    Result<Ok> ok =
        forEachFeature(path, **ds, gdal, [&](const std::string& where, OGRFeature& feature, const OGRGeometry* g) {
            if (!g) return Result<Ok>(missingGeometry(path, where));
            return collectLines(path, where, stringField(feature, "name"), *g, lines);
        });
    if (!ok) return ok.error();
    if (lines.empty()) return Error::inFile(path, "has no LineString or MultiLineString features");
    return lines;
}

Result<std::vector<Place>> loadPlaces(const std::string& path) {
    GdalErrorCapture gdal;
    Result<GDALDatasetUniquePtr> ds = openVector(path, gdal);
    if (!ds) return ds.error();
    std::vector<Place> places;
    Result<Ok> ok = forEachFeature(
        path, **ds, gdal, [&](const std::string& where, OGRFeature& feature, const OGRGeometry* g) -> Result<Ok> {
            if (!g) return missingGeometry(path, where);
            if (wkbFlatten(g->getGeometryType()) != wkbPoint) {
                return Error::inFile(path,
                                     where + ": expected a Point, got " + OGRGeometryTypeToName(g->getGeometryType()));
            }
            if (g->IsEmpty()) return Error::inFile(path, where + ": Point is empty");
            Result<LonLat> at = checkedLonLat(path, where, g->toPoint()->getX(), g->toPoint()->getY());
            if (!at) return at.error();
            Place place;
            place.name = stringField(feature, "name");
            if (place.name.empty()) return Error::inFile(path, where + ": missing \"name\" property");
            place.nameAscii = stringField(feature, "name_ascii");
            if (place.nameAscii.empty()) place.nameAscii = place.name;
            place.country = stringField(feature, "country");
            place.featureCode = stringField(feature, "feature_code");
            place.population = integerField(feature, "population");
            place.geonameId = integerField(feature, "geonameid");
            place.lon = at->lon;
            place.lat = at->lat;
            places.push_back(std::move(place));
            return Ok{};
        });
    if (!ok) return ok.error();
    if (places.empty()) return Error::inFile(path, "has no Point features");
    return places;
}

const Place* findPlace(const std::vector<Place>& places, std::string_view nameAscii) {
    for (const Place& place : places)
        if (place.nameAscii == nameAscii) return &place;
    auto sameIgnoringCase = [&](const std::string& candidate) {
        return std::equal(candidate.begin(), candidate.end(), nameAscii.begin(), nameAscii.end(),
                          [](char a, char b) { return asciiLower(a) == asciiLower(b); });
    };
    for (const Place& place : places)
        if (sameIgnoringCase(place.nameAscii)) return &place;
    return nullptr;
}

}  // namespace fl::scene
