// compose/story_overlay.h — what a story shows at one story time, in the renderer's terms.
// Owns: the mapping from an evaluated story (story/story_eval.h) to overlay field layers (areas with their
// claim-status styles, routes and borders, arrows), label requests and the screen furniture (caption with
// the story date, legend of factions and statuses, disclaimer, attribution). Pure CPU and deterministic:
// the same (story, time) always gives the same layers, so every frame is reproducible.
#pragma once

#include <functional>
#include <vector>

#include "render/frame_content.h"
#include "render/overlay_field.h"
#include "render/screen_furniture.h"
#include "story/story.h"
#include "story/story_eval.h"

namespace fl::compose {

using render::FieldShape;
using render::Furniture;
using render::LabelRequest;
using render::OverlayLayer;
using render::OverlayStyle;

struct StoryOverlay {
    std::vector<OverlayLayer> layers;  // draw order: areas (story order), lines, arrows
    std::vector<bool> borderLayer;     // per layer: a line of kind "border"
    std::vector<bool> keepLabelsOff;   // per layer: labels keep off it (advance arrows)
    std::vector<LabelRequest> labels;
    Furniture furniture;
};

// A story area (or arrow outline) as the field's even-odd rings.
FieldShape toFieldShape(const story::MultiPolygon& area);

// The look of an area in a claim status, in its faction's colour (`other`: the colour of the faction
// that contests it, for the cross-hatching). Confirmed: solid fill, solid front line with a glow; claimed:
// lighter hatched fill and a dashed line; contested: cross-hatched in both colours.
OverlayStyle areaStyle(story::ClaimStatus status, glm::vec4 colour, glm::vec4 other);

// `groundMsl(lat, lon)`: the terrain height (m above MSL) that label anchors sit on.
StoryOverlay buildStoryOverlay(const story::Story& story, const story::StoryFrame& frame,
                               const std::function<double(double lat, double lon)>& groundMsl);

}  // namespace fl::compose
