// render/overlay_field_reference.h — the overlay field's geometry on the CPU, in double precision.
// Owns: shapes in Web Mercator, exact point-segment distances with the even-odd sign, and the CPU reference
// the GPU field is tested against. Edges are straight in Web Mercator (rhumb lines), on the GPU and here.
#pragma once

#include <glm/glm.hpp>

#include <vector>

namespace fl::render {

// Web Mercator (u, v), both 0..1, v growing south (the terrain's tile convention), from (lon, lat) degrees.
glm::dvec2 lonLatToMercator(glm::dvec2 lonLat);
glm::dvec2 mercatorToLonLat(glm::dvec2 merc);

// Rings of a shape in Mercator and their bounds (min.x > max.x when empty).
struct MercatorShape {
    std::vector<std::vector<glm::dvec2>> rings;
    glm::dvec2 min{1e300}, max{-1e300};
    bool empty() const { return min.x > max.x; }
};

// Even-odd inside test over all rings (outer rings and holes need no flag). Rings are implicitly closed.
bool insideEvenOdd(const MercatorShape& shape, glm::dvec2 p);

// Distance from p to the nearest edge. `closed`: rings close back to their first point (areas);
// otherwise they are open polylines (lines).
double distanceToEdges(const MercatorShape& shape, glm::dvec2 p, bool closed);

// Signed distance for areas (negative inside), unsigned for lines; in the units of p.
double referenceDistance(const MercatorShape& shape, glm::dvec2 p, bool area);

double pointSegmentDistance(glm::dvec2 p, glm::dvec2 a, glm::dvec2 b);

}  // namespace fl::render
