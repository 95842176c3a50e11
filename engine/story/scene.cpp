#include "story/scene.h"

#include "story/key_check.h"
#include "core/paths.h"

namespace fl::story {

Result<Scene> loadScene(const SceneOptions& options) {
    Scene scene;
    auto dem = terrain::loadDem(options.demPath, options.dem);
    if (!dem) return dem.error();
    scene.dem = std::move(dem).value();
    terrain::fillNodata(scene.dem);

    if (!options.geoidPath.empty()) {
        auto geoid = terrain::loadGeoid(options.geoidPath);
        if (!geoid) return geoid.error();
        scene.geoid = std::move(geoid).value();
    }
    if (!options.bordersPath.empty()) {
        auto lines = loadLines(options.bordersPath);
        if (!lines) return lines.error();
        scene.borders = std::move(lines).value();
    }
    if (!options.placesPath.empty()) {
        auto places = loadPlaces(options.placesPath);
        if (!places) return places.error();
        for (const auto& name : options.markers) {
            const Place* p = findPlace(*places, name);
            if (!p) return Error::inFile(options.placesPath, "no place named '" + name + "'");
            scene.markers.push_back(*p);
        }
    }
    if (!options.storyPath.empty()) {
        auto story = loadStory(options.storyPath);
        if (!story) return story.error();
        scene.warnings = nearMissKeyWarnings(*story, options.storyPath);
        if (options.strict)
            if (auto st = failOnWarnings(scene.warnings); !st) return st.error();
        scene.story = std::move(story).value();
    }
    if (!options.terrain.empty()) {
        auto source = terrain::openTileSource(options.terrain, options.terrainSource);
        if (!source) {
            if (options.terrain == paths::sampleTerrain())
                return Error{source.error().message +
                             " (the sample terrain is built with the project: `bash scripts/build.sh`, or pass "
                             "--terrain SOURCE)"};
            return source.error();
        }
        scene.terrain = std::shared_ptr<terrain::TileSource>(std::move(source).value());
    }
    const double lat = 0.5 * (scene.dem.north + scene.dem.south());
    const double lon = 0.5 * (scene.dem.west + scene.dem.east());
    scene.frame = geo::EnuFrame({lat, lon, 0.0});
    return scene;
}

}  // namespace fl::story
