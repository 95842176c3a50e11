// story/scene.h — what a frame shows: the terrain source, the map layers and the marked places.
// Owns: the scene description (file paths, defaults to the embedded Kandahar assets) and loading it into
// memory with errors that name the file. The scene frame (local ENU) is centred on the terrain.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/geodesy.h"
#include "core/paths.h"
#include "core/result.h"
#include "story/geodata.h"
#include "story/story.h"
#include "terrain/dem.h"
#include "terrain/geoid.h"
#include "terrain/tile_source.h"

namespace fl::story {

struct SceneOptions {
    // Defaults: the embedded assets (GMTED2010 90" DEM, OSM border, GeoNames places, EGM96 geoid).
    std::string demPath = paths::asset("dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif");
    std::string geoidPath = paths::asset("geoid/egm96_15_afpak.tif");  // "" = no geoid
    std::string bordersPath = paths::asset("vector/afpak_borders.geojson");
    std::string placesPath = paths::asset("vector/places.geojson");
    // Places shown with a marker and a name (GeoNames ASCII names).
    std::vector<std::string> markers = {"Kandahar", "Spin Boldak", "Chaman", "Quetta"};
    // The story drawn over the terrain (`--story FILE`; "" = none): control areas, fronts, routes, arrows,
    // its labels (which replace the markers above) and the caption, legend and attribution.
    std::string storyPath = paths::asset("stories/spin-boldak-2021.json");
    terrain::DemImportOptions dem;
    // The streamed terrain (`--terrain`): a .pmtiles path or URL, an XYZ directory or URL template, or a
    // GDAL raster. Default: the sample Kandahar pyramid the build makes from the embedded DEM (see
    // README). Empty: draw the DEM grid itself (no streaming; for tests of the plain grid path).
    std::string terrain = paths::sampleTerrain();
    terrain::TileSourceOptions terrainSource;  // --encoding, HTTP settings
    // --strict: a story key that is a near miss of a known one ("stauts") fails the load instead of being a
    // warning in Scene::warnings. Default off: unknown keys are kept for forward compatibility.
    bool strict = false;

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
    std::optional<Story> story;
    // Suspicious but not wrong (near-miss keys in the story, naming file, feature and key): the host prints them.
    std::vector<std::string> warnings;

    const terrain::GeoidModel* geoidModel() const { return geoid ? &*geoid : nullptr; }
    // EGM96 undulation (m) at lat/lon; 0 without a geoid.
    double undulation(double lat, double lon) const { return terrain::undulationOrZero(geoidModel(), lat, lon); }
};

Result<Scene> loadScene(const SceneOptions& options = {});

}  // namespace fl::story
