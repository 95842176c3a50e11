// terrain/terrain_mesh.h — the plain grid mesh of a DEM, in chunks, on the WGS84 ellipsoid.
// Owns: turning a DemGrid into camera-relative-ready chunks (double origins, float offsets), the height
// of that exact surface at any lat/lon (for draping lines and markers), and ray casts against it.
#pragma once

#include <glm/glm.hpp>

#include <cstdint>
#include <optional>
#include <vector>

#include "core/geodesy.h"

namespace fl::terrain {

struct DemGrid;
struct GeoidModel;

// Vertex layout of terrain.vert (three vec4 attributes).
struct TerrainVertex {
    glm::vec4 baseHeight;  // xyz: point on the geoid relative to the chunk origin (m), w: height above MSL (m)
    glm::vec4 up;          // xyz: ellipsoid normal, scene frame
    glm::vec4 gradient;    // xyz: d(height)/d(ground distance) as a tangent vector, scene frame
};
static_assert(sizeof(TerrainVertex) == 48);

struct TerrainChunk {
    glm::dvec3 origin;  // scene frame, double: the GPU only ever sees origin - camera as float
    uint32_t firstIndex = 0, indexCount = 0;
    int32_t vertexOffset = 0;
    glm::dvec3 boundsMin, boundsMax;  // scene frame, at exaggeration 1, for culling
    float minHeight = 0, maxHeight = 0;
};

struct TerrainMeshOptions {
    int chunkCells = 64;  // cells per chunk side: ~160 km at 90", small enough to cull, big enough to batch
};

struct TerrainMesh {
    std::vector<TerrainVertex> vertices;
    std::vector<uint32_t> indices;
    std::vector<TerrainChunk> chunks;
};

// `geoid` may be null (heights are then treated as ellipsoidal).
TerrainMesh buildTerrainMesh(const DemGrid& dem, const GeoidModel* geoid, const geo::EnuFrame& frame,
                             const TerrainMeshOptions& options = {});

// Height above MSL of the triangulated surface (the same diagonal split as the mesh) at lat/lon;
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
