// compose/timeline.h — the one timeline of a story: presentation seconds -> (story time, camera).
// Owns: mapping a presentation instant to both the story clock's time and the camera track's pose, so that the
// window, `render --at` and the recorder show the same frame for the same instant. No wall clock anywhere: a
// host chooses the instant (the recorder: frame n / fps exactly).
#pragma once

#include <optional>

#include "story/camera_track.h"
#include "story/story.h"

namespace fl::compose {

struct TimelineFrame {
    double seconds = 0;                         // presentation seconds
    story::StoryTime storyTime = 0;             // the story clock at that instant (clamped to its range)
    std::optional<story::CameraSample> camera;  // none when the story has no camera track
};

// `ground`: the drawn ground for the track's clearance (may be empty).
TimelineFrame timelineAt(const story::Story& story, double seconds, const story::GroundHeight& ground = {});
// How long the story plays: the longer of its clock and its camera track.
double timelineDuration(const story::Story& story);

}  // namespace fl::compose
