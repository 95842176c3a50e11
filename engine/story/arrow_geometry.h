// story/arrow_geometry.h — advance arrows as outlines on the map.
// Owns: turning an arrow's path and its growth (0..1) into one simple counter-clockwise lon/lat polygon: a
// smoothed body that tapers at the tail and an arrow head at the growing tip. Drawing it belongs to render/.
#pragma once

#include <vector>

#include "story/story.h"

namespace fl::story {

struct ArrowShapeOptions {
    double headWidthFactor = 2.2;   // head width at its base / body width (2.2: reads as an arrow from afar)
    double headLengthFactor = 1.6;  // head length / body width
    double tailWidthFactor = 0.35;  // body width at the tail / body width (a swept-in tail, like campaign maps)
    double taperFraction = 0.3;     // share of the full path length over which the tail widens to the body width
    int smoothingIterations = 3;    // Chaikin corner cutting passes (each doubles the points, ends kept)
};

// The part of `path` (tail to tip) from its start to `progress` (clamped 0..1) of its length, measured in metres in
// a local tangent plane (ENU at the path's middle: well under 0.1 % error for arrows of a few hundred km), smoothed,
// offset to a body `widthKm` wide with the head at the tip. While the drawn part is shorter than twice the head
// length the whole arrow is scaled down with it, so the area still grows monotonically from nothing.
// Empty (no points) for progress <= 0, fewer than 2 distinct points, or a non-positive or non-finite width.
// Simple (no self-intersection) while the path's radius of curvature stays above about half the head width.
Polygon arrowOutline(const std::vector<LonLat>& path, double progress, double widthKm,
                     const ArrowShapeOptions& options = {});

}  // namespace fl::story
