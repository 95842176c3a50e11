// story/story_eval.h — what a frame shows at a story time.
// Owns: evaluating a Story at time t into area states (which keyframes to morph between, and how far), arrow
// states with their outlines, and the caption text. Pure CPU and deterministic; rendering belongs to render/.
#pragma once

#include <string>
#include <vector>

#include "story/story.h"

namespace fl::story {

// Eased 0..1 for u in 0..1 (u is clamped). Linear: u. EaseInOut: smoothstep 3u²-2u³. EaseIn: u³.
// EaseOut: 1-(1-u)³. Step: 0 until u reaches 1, then 1 (the change happens at the next keyframe).
// All are monotonic with ease(0) = 0 and ease(1) = 1.
double ease(Easing easing, double u);

// Rule for areas: before an area's first keyframe it is not visible (it has not been reported yet); between
// keyframes i and i+1 it morphs from i to i+1 with the weight eased by keyframe i's easing; at and after its last
// keyframe it is held (visible, from == to == the last keyframe, weight 0) until its `until`, if it has one.
struct AreaState {
    const ControlArea* area = nullptr;
    const ControlKeyframe* from = nullptr;
    const ControlKeyframe* to = nullptr;          // == from before the first keyframe and at/after the last
    double weight = 0;                            // eased 0..1 between from and to
    ClaimStatus status = ClaimStatus::Confirmed;  // from's status while weight < 1, else to's
    bool visible = false;
};

// Rule for arrows: progress 0 (empty shape) before start, eased growth until end, held at 1 after end.
struct ArrowState {
    const Arrow* arrow = nullptr;
    double progress = 0;  // eased 0..1
    Polygon shape;        // arrowOutline(path, progress, widthKm); empty when progress is 0
};

struct StoryFrame {
    StoryTime time = 0;
    std::vector<AreaState> areas;    // one per story area, in story order
    std::vector<ArrowState> arrows;  // one per story arrow, in story order
    // Every caption with from <= time <= to, in story order, joined by '\n', with {date} replaced by
    // formatStoryDate(time).
    std::string caption;
};

// Pointers in the frame point into `story`: keep it alive and unchanged while the frame is used.
StoryFrame evaluateStory(const Story& story, StoryTime t);

}  // namespace fl::story
