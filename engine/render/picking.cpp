#include "render/picking.h"

#include <cstdio>
#include <string>

#include "core/log.h"
#include "scene/scene.h"
#include "terrain/terrain_mesh.h"
#include "terrain/tile_source.h"
#include "terrain/tile_streamer.h"

namespace fl::render {

namespace {
std::string pixelName(double px, double py) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "(%g, %g)", px, py);
    return buf;
}
}  // namespace

Result<glm::ivec2> pixelTexel(double px, double py, int width, int height) {
    // Written so that NaN fails every comparison and lands here too.
    if (!(px >= 0 && px < width && py >= 0 && py < height))
        return Error{"pixel " + pixelName(px, py) + " is outside the " + std::to_string(width) + "x" +
                     std::to_string(height) + " frame"};
    return glm::ivec2(int(px), int(py));
}

glm::dvec3 unprojectDepth(const ViewState& view, double x, double y, double depth) {
    const glm::dvec4 ndc(x / view.width * 2.0 - 1.0, y / view.height * 2.0 - 1.0, depth, 1.0);
    const glm::dvec4 q = glm::inverse(view.viewProjD) * ndc;
    return view.eye + glm::dvec3(q) / q.w;
}

Result<PickResult> pickFromDepth(const scene::Scene& scene, const ViewState& view, double exaggeration,
                                 glm::ivec2 texel, float depth) {
    PickResult r;
    r.px = texel.x + 0.5;
    r.py = texel.y + 0.5;
    r.depth = depth;
    // Reversed-Z with an infinite far plane: 0 is where nothing was drawn (the sky writes no depth).
    if (!(depth > 0.0f)) return Error{"no terrain under pixel " + pixelName(texel.x, texel.y)};
    r.scenePoint = unprojectDepth(view, r.px, r.py, depth);
    r.distance = glm::length(r.scenePoint - view.eye);
    const geo::Geodetic g = scene.frame.toGeodetic(r.scenePoint);
    r.lat = g.lat;
    r.lon = g.lon;
    r.ellipsoidalHeight = g.height;
    r.surfaceHeightMsl = (g.height - scene.undulation(g.lat, g.lon)) / exaggeration;
    return r;
}

PickHeights::PickHeights(const scene::Scene& scene) : m_scene(scene) {
    if (scene.terrain) m_probe = std::make_unique<terrain::HeightProbe>(scene.terrain);
}

PickHeights::~PickHeights() = default;

void PickHeights::fill(PickResult& pick, const terrain::TileStreamer* streamer) {
    pick.heightMsl = NAN;
    pick.heightTile.reset();
    if (!m_probe) {  // the plain DEM grid is the data
        pick.heightMsl = terrain::meshHeight(m_scene.dem, pick.lat, pick.lon);
        return;
    }
    std::optional<terrain::HeightSample> s = streamer ? streamer->sampleHeight(pick.lat, pick.lon) : std::nullopt;
    // The streamer holds what the view needed, which far from the camera is coarser than the source: only
    // a tile at the source's deepest zoom is certain to be the full-detail answer without asking the source,
    // and only away from its edges, where a neighbour the view did not need would be repeated edge samples.
    bool ask = !s || s->tile.z < m_scene.terrain->info().maxZoom;
    int above = s ? s->tile.z : -1;
    if (!ask) {
        const terrain::SamplePos p = terrain::samplePosition(s->tile, pick.lat, pick.lon);
        constexpr double kLast = terrain::kTileSize - 0.5;
        ask = p.x < 0.5 || p.x > kLast || p.y < 0.5 || p.y > kLast;
        above = s->tile.z - 1;
    }
    if (ask) {
        auto deeper = m_probe->sample(pick.lat, pick.lon, above);
        if (!deeper)
            log::warn(deeper.error().message + " (picking uses the streamed height instead)");
        else if (deeper->has_value())
            s = **deeper;
    }
    if (s) {
        pick.heightMsl = s->heightMsl;
        pick.heightTile = s->tile;
    }
}

}  // namespace fl::render
