#include "story/story_limits.h"

#include "story/story.h"

namespace fl::story {

namespace limits {

size_t positionCount(const nlohmann::json& coords, int depth) {
    if (!coords.is_array()) return 0;
    if (depth == 0) return coords.size();
    size_t n = 0;
    for (const nlohmann::json& c : coords) n += positionCount(c, depth - 1);
    return n;
}

std::string tooManyVertices(size_t n) {
    return "has " + std::to_string(n) + " vertices; Frontline draws at most " + std::to_string(kMaxAreaVertices) +
           " per area keyframe (simplify it, e.g. `ogr2ogr -simplify 0.0005`: 50 m is finer than any broadcast frame "
           "shows)";
}

}  // namespace limits

std::optional<std::string> storyLimitsProblem(const Story& story) {
    if (story.labels.size() > kMaxLabels)
        return "the story would have " + std::to_string(story.labels.size()) + " labels; Frontline draws at most " +
               std::to_string(kMaxLabels);
    for (const ControlArea& a : story.areas)
        for (const ControlKeyframe& k : a.keyframes) {
            size_t n = 0;
            for (const Polygon& p : k.area) {
                n += p.outer.size();
                for (const Ring& h : p.holes) n += h.size();
            }
            if (n > kMaxAreaVertices)
                return "area \"" + a.id + "\" keyframe " + formatStoryTime(k.time) + " " + limits::tooManyVertices(n);
        }
    return std::nullopt;
}

}  // namespace fl::story
