// compose/compose.h — the one step from a document to what a frame shows.
// Owns: compose(document, storyTime, look) -> FrameContent: the story evaluated at the story time and mapped
// to overlay layers, labels and furniture (story_overlay.h), with a revision that changes exactly when the
// content does (any edit of the document, or a story time that moves a morph, an arrow or the caption).
// Pure and deterministic: every frame is a function of (document, camera, story time).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/look.h"
#include "document/document.h"
#include "render/frame_content.h"
#include "story/story.h"

namespace fl::compose {

// The story's playhead: a story time (story::StoryTime) or NaN for the story's last keyframe.
inline constexpr double kLastKeyframe = std::numeric_limits<double>::quiet_NaN();

// Overlays off (look.overlays) leave the layers empty; borders, labels and furniture are switched in the
// renderer, which also knows whether the scene draws its own border.
render::FrameContent compose(const document::Document& document, story::StoryTime storyTime, const Look& look);

// Keeps the last composition: a frame loop asks every frame, and a still playhead on an unchanged document
// costs nothing.
class Composer {
public:
    const render::FrameContent& at(const document::Document& document, story::StoryTime storyTime, const Look& look);

private:
    render::FrameContent m_content;
    uint64_t m_identity = 0, m_revision = 0;
    double m_time = 0;
    Look m_look;
    bool m_valid = false;
};

}  // namespace fl::compose
