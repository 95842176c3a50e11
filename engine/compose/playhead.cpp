#include "compose/playhead.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fl::compose {

Playhead::Playhead(const story::Story& story, double storyTime) : m_clock(story.clock) {
    m_atLastKeyframe = std::isnan(storyTime);
    const double t = m_atLastKeyframe ? story::lastKeyframe(story) : storyTime;
    m_seconds = std::clamp(story::presentationSecondsAt(m_clock, t), 0.0, m_clock.seconds);
}

void Playhead::setClock(const story::StoryClock& clock) {
    m_clock = clock;
    m_seconds = std::clamp(m_seconds, 0.0, m_clock.seconds);
}

void Playhead::advance(double seconds) {
    if (!m_playing) return;
    m_atLastKeyframe = false;
    m_seconds = std::min(m_seconds + seconds, m_clock.seconds);
    if (m_seconds >= m_clock.seconds) m_playing = false;
}

void Playhead::seek(double presentationSeconds) {
    m_atLastKeyframe = false;
    m_seconds = std::clamp(presentationSeconds, 0.0, m_clock.seconds);
}

void Playhead::togglePlay() {
    if (!m_playing && m_seconds >= m_clock.seconds) m_seconds = 0;
    m_playing = !m_playing;
    m_atLastKeyframe = false;
}

double Playhead::storyTime() const {
    return m_atLastKeyframe ? std::numeric_limits<double>::quiet_NaN() : story::storyTimeAt(m_clock, m_seconds);
}

}  // namespace fl::compose
