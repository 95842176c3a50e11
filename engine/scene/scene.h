// scene/scene.h — the ground a story is told on: terrain source, regional grid, geoid, base-map borders and
// marked places. Owns: the scene description (file paths, defaults to the embedded Kandahar assets) and
// loading it into memory with errors that name the file. The scene frame (local ENU) is centred on the
// terrain. The story document (story/, document/) is loaded apart: a scene knows no story.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/geodesy.h"
#include "core/paths.h"
#include "core/result.h"
#include "scene/geodata.h"
#include "terrain/dem.h"
#include "terrain/geoid.h"
#include "terrain/tile_source.h"

namespace fl::scene {

struct SceneOptions {
    // Defaults: the embedded assets (GMTED2010 90" DEM, OSM border, GeoNames places, EGM96 geoid).
    std::string demPath = paths::asset("dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif");
    std::string geoidPath = paths::defaultGeoid();  // "" = no geoid
    std::string bordersPath = paths::asset("vector/afpak_borders.geojson");
    std::string placesPath = paths::asset("vector/places.geojson");
    // Places shown with a marker and a name (GeoNames ASCII names).
    std::vector<std::string> markers = {"Kandahar", "Spin Boldak", "Chaman", "Quetta"};
    terrain::DemImportOptions dem;
    // The streamed terrain (`--terrain`): a .pmtiles path or URL, an XYZ directory or URL template, or a
    // GDAL raster. Default: the sample Kandahar pyramid the build makes from the embedded DEM (see
    // README). Empty: none, and the renderer refuses the scene (a blank frame would be a wrong one).
    std::string terrain = paths::sampleTerrain();
    terrain::TileSourceOptions terrainSource;  // --encoding, HTTP settings
};

struct Scene {
    geo::EnuFrame frame;  // local ENU at the DEM's centre, on the ellipsoid
    terrain::DemGrid dem;
    std::optional<terrain::GeoidModel> geoid;
    std::vector<Polyline> borders;
    std::vector<Place> markers;
    // Streamed elevation; the DEM above still drapes lines and labels and answers picking until overlays
    // drape on the tiles (issue 5).
    std::shared_ptr<terrain::TileSource> terrain;

    const terrain::GeoidModel* geoidModel() const { return geoid ? &*geoid : nullptr; }
    // EGM96 undulation (m) at lat/lon; 0 without a geoid.
    double undulation(double lat, double lon) const { return terrain::undulationOrZero(geoidModel(), lat, lon); }
};

Result<Scene> loadScene(const SceneOptions& options = {});

}  // namespace fl::scene
