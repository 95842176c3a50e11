// render/frame_content.h — what a story puts in one frame, in the renderer's terms.
// Owns: the content type that composition (compose/) hands the renderer: overlay layers, labels and the
// screen furniture, with a revision. The renderer caches on the revision alone, so any change of any part
// of the content (an edited area, a colour, a label's text) redraws on the next frame, whatever the story
// time, and an unchanged revision costs nothing but the dash clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "render/overlay_field.h"
#include "render/screen_furniture.h"

namespace fl::render {

// A map label: an English name, optionally with its Pashto/Dari name as a second line, anchored on the terrain.
struct LabelRequest {
    std::string id;         // stable across frames (hysteresis is kept by id)
    std::string text;       // first line (usually Latin)
    std::string textLocal;  // Arabic-script second line; may be empty
    double lat = 0, lon = 0;
    // Anchor height on the terrain, metres above MSL; NaN: the renderer takes the scene's regional grid
    // (composition knows no terrain).
    double heightMsl = 0;
    int priority = 0;  // higher wins a contested place

    bool operator==(const LabelRequest&) const = default;
};

struct FrameContent {
    std::vector<OverlayLayer> layers;  // draw order: areas, lines, arrows
    // Per layer: the story's own copy of the base-map border, dropped while the scene draws its full border.
    std::vector<bool> sceneBorderStandsIn;
    // Per layer: labels keep off its outline (advance arrows: a name touching an arrowhead reads as its caption).
    std::vector<bool> keepLabelsOff;
    // nullopt: the scene's marked places. A story's labels replace them (an empty list shows none).
    std::optional<std::vector<LabelRequest>> labels;
    Furniture furniture;
    // The dash clock (s): story presentation seconds, so a recording is the same at any render speed.
    // Not part of the revision: it moves every frame while the layers stay put.
    double animationSeconds = 0;
    // Changes whenever anything above but the dash clock changes. 0: the empty content (no story).
    uint64_t revision = 0;
};

}  // namespace fl::render
