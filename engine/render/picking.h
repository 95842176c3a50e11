// render/picking.h — what lies under a pixel of a rendered frame.
// Owns: turning a pixel's depth (reversed-Z, infinite far plane) back into a scene point and a geodetic
// position, and PickResult, shared by the headless renderer, the window and the editor.
#pragma once

#include <glm/glm.hpp>

#include <cmath>
#include <memory>
#include <optional>

#include "core/camera.h"
#include "core/result.h"
#include "terrain/height_sample.h"

namespace fl::scene {
struct Scene;
}
namespace fl::terrain {
class TileStreamer;
}

namespace fl::render {

struct PickResult {
    double px = 0, py = 0;    // centre of the pixel whose depth was read (x right, y down)
    double lat = 0, lon = 0;  // degrees, WGS84
    // The elevation data at (lat, lon) at full detail, metres above MSL: bilinear over the deepest tile the
    // source has there, sampled as the GPU samples pages. NaN where no data answers (see heightTile).
    double heightMsl = NAN;
    std::optional<terrain::TileId> heightTile;  // the tile heightMsl came from (nullopt: the DEM grid, or none)
    // The drawn surface at the pixel, from its depth: (ellipsoidal height - undulation) / exaggeration. It
    // differs from heightMsl by what the mesh's level of detail leaves out.
    double surfaceHeightMsl = 0;
    double ellipsoidalHeight = 0;  // of the drawn (exaggerated) surface point
    glm::dvec3 scenePoint{0.0};    // scene frame
    double distance = 0;           // from the eye, metres
    float depth = 0;               // the depth sample (near / distance along the view axis)
};

// The texel holding pixel position (px, py) of a width x height frame; an error for NaN or outside.
Result<glm::ivec2> pixelTexel(double px, double py, int width, int height);

// Scene point at pixel position (x, y) (continuous, pixel centres at i + 0.5) whose depth is `depth` > 0,
// in a frame rendered with `view`. Double throughout: only the depth sample itself is float.
glm::dvec3 unprojectDepth(const ViewState& view, double x, double y, double depth);

// The pick at texel `texel` with depth `depth` of a frame rendered with `view` and `exaggeration`: all but
// the data height (heightMsl stays NaN; PickHeights fills it). Depth 0 (sky, nothing drawn) is an error,
// "no terrain under pixel (x, y)".
Result<PickResult> pickFromDepth(const scene::Scene& scene, const ViewState& view, double exaggeration,
                                 glm::ivec2 texel, float depth);

// Fills PickResult::heightMsl with the data height at full detail: the streamer's cached tiles when they
// are as deep as the source goes at that point, else the source itself (a HeightProbe, blocking on its
// fetches); the regional DEM grid where no source answers.
class PickHeights {
public:
    explicit PickHeights(const scene::Scene& scene);
    ~PickHeights();
    // `streamer` may be null. Without it the source is read directly.
    void fill(PickResult& pick, const terrain::TileStreamer* streamer);

private:
    const scene::Scene& m_scene;
    std::unique_ptr<terrain::HeightProbe> m_probe;
};

}  // namespace fl::render
