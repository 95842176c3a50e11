#include "story/story_eval.h"

#include <algorithm>
#include <cmath>

#include "story/arrow_geometry.h"

namespace fl::story {

double ease(Easing easing, double u) {
    if (!(u > 0)) return 0;  // also NaN
    if (u >= 1) return 1;
    switch (easing) {
        case Easing::Linear:
            return u;
        case Easing::EaseInOut:
            return u * u * (3 - 2 * u);
        case Easing::EaseIn:
            return u * u * u;
        case Easing::EaseOut: {
            const double v = 1 - u;
            return 1 - v * v * v;
        }
        case Easing::Step:
            return 0;
    }
    return u;
}

StoryFrame evaluateStory(const Story& story, StoryTime t) {
    StoryFrame frame;
    frame.time = t;
    frame.areas.reserve(story.areas.size());
    for (const ControlArea& area : story.areas) {
        AreaState s;
        s.area = &area;
        const auto& keys = area.keyframes;
        if (keys.empty()) {
            frame.areas.push_back(s);
            continue;
        }
        if (t < keys.front().time) {
            s.from = s.to = &keys.front();
            s.status = keys.front().status;
            s.visible = false;
        } else if (t >= keys.back().time) {
            s.from = s.to = &keys.back();
            s.status = keys.back().status;
            s.visible = true;
        } else {
            // The last keyframe at or before t; keyframe times are strictly increasing (parseStory checks).
            auto next = std::upper_bound(keys.begin(), keys.end(), t,
                                         [](StoryTime v, const ControlKeyframe& k) { return v < k.time; });
            const ControlKeyframe& to = *next;
            const ControlKeyframe& from = *(next - 1);
            s.from = &from;
            s.to = &to;
            s.weight = ease(from.easing, (t - from.time) / (to.time - from.time));
            s.status = s.weight < 1 ? from.status : to.status;
            s.visible = true;
        }
        if (area.until && t >= *area.until) s.visible = false;
        frame.areas.push_back(s);
    }
    frame.arrows.reserve(story.arrows.size());
    for (const Arrow& arrow : story.arrows) {
        ArrowState s;
        s.arrow = &arrow;
        const double span = arrow.end - arrow.start;
        const double u = span > 0 ? (t - arrow.start) / span : (t >= arrow.end ? 1.0 : 0.0);
        s.progress = ease(arrow.easing, u);
        if (s.progress > 0) s.shape = arrowOutline(arrow.path, s.progress, arrow.widthKm);
        frame.arrows.push_back(std::move(s));
    }
    const std::string date = formatStoryDate(t);
    for (const Caption& c : story.captions) {
        if (t < c.from || t > c.to) continue;
        std::string text = c.text;
        for (size_t at = text.find("{date}"); at != std::string::npos; at = text.find("{date}", at + date.size()))
            text.replace(at, 6, date);
        if (!frame.caption.empty()) frame.caption += '\n';
        frame.caption += text;
    }
    return frame;
}

}  // namespace fl::story
