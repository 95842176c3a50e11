#include "compose/timeline.h"

#include <algorithm>

namespace fl::compose {

TimelineFrame timelineAt(const story::Story& story, double seconds, const story::GroundHeight& ground) {
    TimelineFrame f;
    f.seconds = seconds;
    f.storyTime = story::storyTimeAt(story.clock, seconds);
    if (story.camera) f.camera = story::evaluateCamera(*story.camera, seconds, ground);
    return f;
}

double timelineDuration(const story::Story& story) {
    return std::max(story.clock.seconds, story.camera ? story::trackDuration(*story.camera) : 0.0);
}

}  // namespace fl::compose
