// terrain/terrain_mesh.h — the regional DEM grid as a triangulated surface, on the WGS84 ellipsoid.
// Owns: the height of that surface at any lat/lon (label anchors, the LOD's ground under the camera,
// heights when no tile is in memory) and ray casts against it (the orbit pivot). It is not drawn: the
// streamed terrain is (render/terrain_renderer.h).
#pragma once

#include <glm/glm.hpp>

#include <cstdint>
#include <optional>
#include <vector>

#include "core/geodesy.h"

namespace fl::terrain {

struct DemGrid;
struct GeoidModel;

// Height above MSL of the triangulated surface (each cell split along its NW-SE diagonal) at lat/lon;
// NaN outside the grid. Lines and markers use it so they lie exactly on the drawn triangles.
double meshHeight(const DemGrid& dem, double lat, double lon);

struct RayHit {
    geo::Geodetic position;  // on the exaggerated surface; height is the *unexaggerated* MSL height
    double distance = 0;     // metres along the ray
};
// Marches a ray (scene frame) against the exaggerated terrain surface. Used for picking and for the
// orbit pivot; accurate to ~1 m of distance.
std::optional<RayHit> raycastTerrain(const DemGrid& dem, const GeoidModel* geoid, const geo::EnuFrame& frame,
                                     double exaggeration, const glm::dvec3& origin, const glm::dvec3& dir,
                                     double maxDistance = 2.0e6);

}  // namespace fl::terrain
