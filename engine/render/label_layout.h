// render/label_layout.h — where each map label goes on screen this frame, and whether it shows.
// Owns: candidate positions around an anchor (near, then displaced with a leader line), greedy priority
// placement without overlaps, and the frame-to-frame state that keeps labels from flickering (hysteresis,
// debounced occlusion, fades). Pure CPU and deterministic: no GPU, no clock.
#pragma once

#include <glm/glm.hpp>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace fl::render {

struct Box {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // screen pixels, y down
    float width() const { return x1 - x0; }
    float height() const { return y1 - y0; }
    // Strict: boxes that only touch do not overlap.
    bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
    Box grown(float by) const { return {x0 - by, y0 - by, x1 + by, y1 + by}; }
};

struct LabelInput {
    std::string id;          // stable identity across frames (state is kept by id)
    int priority = 0;        // higher wins a contested place
    glm::vec2 anchor{};      // projected anchor, screen pixels
    bool onScreen = false;   // in front of the eye and inside the frame
    bool occluded = false;   // terrain lies between the eye and the anchor
    glm::vec2 size{};        // the label's box (text with its halo), pixels
    float markerRadius = 0;  // the marker disc at the anchor; other labels keep off it
    // The place lies on a border (a crossing point, within ~1 km on the ground): its name may sit on either
    // side. Decided on the ground, not in pixels, so it does not flip as the camera moves.
    bool onBorder = false;
};

struct LabelLayoutOptions {
    // Clear space kept between boxes (px). Boxes closer than this count as overlapping.
    float margin = 3.0f;
    // Distance from the anchor to the near positions' box edge (px), beyond the marker.
    float gap = 4.0f;
    // A label not shown last frame appears only with this much more clear space (px): a label on the
    // boundary of a collision does not alternate.
    float appearMargin = 8.0f;
    // Priority added to a label shown last frame (so an equal or slightly more important newcomer does not
    // take its place).
    int incumbentBonus = 2;
    // Frames the anchor must stay occluded / off screen (or clear / on screen) before the label changes
    // state: one-frame slivers of terrain along the sight line do not blink it.
    int debounceFrames = 3;
    // Frames to fade in or out (alpha steps of 1 / fadeFrames). 0: appear and vanish at once.
    int fadeFrames = 6;
    // Displaced positions (with leader lines) at this many label heights from the anchor, tried when the
    // four near ones are taken. Empty: near positions only.
    std::vector<float> leaderDistances = {2.5f, 4.0f};
    // The frame (boxes must lie inside it).
    float width = 0, height = 0;
    // Screen furniture and other areas labels keep off.
    std::vector<Box> obstacles;
    // Lines on the map, projected (px; the renderer builds them each frame):
    // borders: a name stays on its anchor's side: the way from its anchor to its box (a leader line) and to
    // the box's centre crosses none, and a name appearing keeps its box off them (one already shown may stay
    // while a line sweeps past its edge); a place on a border (LabelInput::onBorder) may be named on either side.
    std::vector<std::vector<glm::vec2>> borders;
    // routes: a leader line does not run along a route or a border: its middle half keeps `leaderClearance`
    // px from them (where it merged into a border it read as a boundary).
    std::vector<std::vector<glm::vec2>> routes;
    // outlines labels keep off (advance arrows; a whole ring repeats its first point): no box touches one,
    // with the usual margin.
    std::vector<std::vector<glm::vec2>> keepOff;
    float leaderClearance = 5.0f;
};

// Which candidate a label took: 0 right, 1 left, 2 above, 3 below of the anchor; 4.. displaced (leader).
enum class LabelSide : uint8_t { Right = 0, Left = 1, Above = 2, Below = 3 };

struct LabelPlacement {
    bool visible = false;  // alpha > 0
    float alpha = 0;
    Box box;
    glm::vec2 anchor{};  // the label's projected anchor, px (as given)
    int position = -1;   // the candidate, -1 when hidden
    bool leader = false;
    glm::vec2 leaderFrom{}, leaderTo{};  // anchor -> nearest point of the box
    int align = 0;                       // text alignment in the box: -1 left, 0 centre, +1 right
    // The marker's opacity: 1 for every wanted place on screen (its name may still be hidden by others),
    // else the fading label's alpha.
    float markerAlpha = 0;
};

// What the layout remembers of one label between frames.
struct LabelState {
    bool shown = false;  // placed last frame (alpha may still be fading)
    int position = -1;
    float alpha = 0;
    bool wanted = false;  // debounced: on screen and not occluded
    int pending = 0;      // consecutive frames the raw state disagreed with `wanted`
};
using LabelLayoutState = std::unordered_map<std::string, LabelState>;

struct LabelLayoutResult {
    std::vector<LabelPlacement> placements;  // one per input, same order
    LabelLayoutState state;                  // pass to the next frame
};

// The box of candidate `position` for a label of `size` at `anchor` (and whether it needs a leader line).
Box candidateBox(glm::vec2 anchor, glm::vec2 size, float markerRadius, int position, const LabelLayoutOptions& o,
                 bool* leader = nullptr, int* align = nullptr);
int candidateCount(const LabelLayoutOptions& o);

// One frame. `previous` empty (a cut, or a still): labels take their places at full alpha with no
// debouncing. Markers of all wanted places are reserved first; then names greedy by (priority +
// incumbentBonus if shown last frame, then id). Guarantee: boxes of labels with alpha > 0 never overlap each
// other, any shown marker, the obstacles, the keep-off outlines or the frame edge, and keep the border and
// leader rules above. Cost: about linear in the labels (a grid over the frame finds what is near a box).
LabelLayoutResult layoutLabels(const std::vector<LabelInput>& labels, const LabelLayoutState& previous,
                               const LabelLayoutOptions& options);

}  // namespace fl::render
