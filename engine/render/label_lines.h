// render/label_lines.h — the map's lines as the label layout sees them: borders (names stay on their side),
// routes (leaders keep off them) and arrow outlines (names keep off them).
// Owns: placing those lines on the ground in the scene frame, once per content change, and projecting them
// into the layout's options each frame (the layout works in pixels).
#pragma once

#include <glm/glm.hpp>

#include <functional>
#include <vector>

#include "core/camera.h"
#include "render/label_layout.h"
#include "render/overlay_field.h"

namespace fl::render {

struct LabelLines {
    std::vector<std::vector<glm::dvec3>> borders, routes, keepOff;  // scene frame, on the (exaggerated) ground
    std::vector<std::vector<glm::dvec2>> bordersLonLat;             // the borders as drawn: (lon, lat)
};

// (lat, lon) -> the scene-frame point on the ground the map draws there.
using GroundPoint = std::function<glm::dvec3(double lat, double lon)>;

// `sceneBorder`: the scene's own borders (null when not drawn). Per layer of `layers`: `isBorder` (a story
// border line), `keepOff` (an arrow). Line layers that are not borders are routes.
LabelLines placeLabelLines(const OverlayLayer* sceneBorder, const std::vector<OverlayLayer>& layers,
                           const std::vector<bool>& isBorder, const std::vector<bool>& keepOff,
                           const GroundPoint& ground);

// Per place (lat, lon): does it lie within `metres` of a border on the ground (a crossing point)?
std::vector<bool> placesOnBorders(const LabelLines& lines, const std::vector<glm::dvec2>& latLon,
                                  double metres = 1000.0);

// The lines in pixels into options.borders / routes / keepOff; a line is broken where it passes behind the eye.
void projectLabelLines(const LabelLines& lines, const ViewState& view, LabelLayoutOptions& options);

}  // namespace fl::render
