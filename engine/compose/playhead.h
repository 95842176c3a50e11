// compose/playhead.h — the story's playhead, kept apart from any window or wall clock.
// Owns: the position in presentation seconds on the story clock, play/pause, scrubbing, and the story time
// it maps to. Hosts advance it by the time they choose: the window by wall time while playing, the
// recorder by exactly 1/fps a frame, the presenter by cues. So a frame stays a function of (document,
// camera, story time), never of how fast frames were drawn.
#pragma once

#include "story/story.h"

namespace fl::compose {

class Playhead {
public:
    Playhead() = default;
    // At `storyTime` (NaN: the story's last keyframe) on `story`'s clock.
    Playhead(const story::Story& story, double storyTime);

    // A reloaded or edited story: the same presentation position, clamped to the new clock.
    void setClock(const story::StoryClock& clock);
    // Moves by `seconds` of presentation while playing; stops at the end.
    void advance(double seconds);
    void seek(double presentationSeconds);  // clamped to 0..clock.seconds
    // Plays from the start again when at the end.
    void togglePlay();

    bool playing() const { return m_playing; }
    double presentationSeconds() const { return m_seconds; }
    double duration() const { return m_clock.seconds; }
    // The story time the position maps to; NaN until the playhead is moved when it started at NaN (the
    // last keyframe may lie outside the clock's range).
    double storyTime() const;

private:
    story::StoryClock m_clock;
    double m_seconds = 0;
    bool m_playing = false;
    bool m_atLastKeyframe = false;  // started at NaN and not moved since
};

}  // namespace fl::compose
