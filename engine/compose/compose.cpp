#include "compose/compose.h"

#include <bit>
#include <cstring>
#include <string_view>

#include "compose/story_overlay.h"
#include "story/story_eval.h"

namespace fl::compose {

namespace {

// FNV-1a over what decides the content. Cheap (no shape is hashed): the shapes come from the document,
// whose revision is in the hash, and the story time enters only through what it selects.
struct Hasher {
    uint64_t h = 1469598103934665603ull;
    void bytes(const void* p, size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    }
    void u64(uint64_t v) { bytes(&v, sizeof v); }
    void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
    void text(std::string_view s) {
        u64(s.size());
        bytes(s.data(), s.size());
    }
};

uint64_t contentRevision(const document::Document& document, const story::StoryFrame& frame, const Look& look) {
    Hasher h;
    h.u64(document.identity());
    h.u64(document.revision());
    h.u64(look.overlays);
    for (const story::AreaState& a : frame.areas) {
        h.u64(a.visible);
        h.u64(a.from ? static_cast<uint64_t>(a.from - a.area->keyframes.data()) : ~0ull);
        h.u64(a.to ? static_cast<uint64_t>(a.to - a.area->keyframes.data()) : ~0ull);
        h.f64(a.weight);
        h.u64(static_cast<uint64_t>(a.status));
    }
    for (const story::ArrowState& a : frame.arrows) h.f64(a.progress);
    h.text(frame.caption);
    // 0 is the empty content's revision.
    return h.h == 0 ? 1 : h.h;
}

}  // namespace

render::FrameContent compose(const document::Document& document, story::StoryTime storyTime, const Look& look) {
    const story::Story& story = document.story();
    const story::StoryTime t = std::isnan(storyTime) ? story::lastKeyframe(story) : storyTime;
    const story::StoryFrame frame = story::evaluateStory(story, t);
    StoryOverlay o = buildStoryOverlay(story, frame, nullptr);
    render::FrameContent content;
    if (look.overlays) {
        content.layers = std::move(o.layers);
        content.sceneBorderStandsIn = std::move(o.borderLayer);
        content.keepLabelsOff = std::move(o.keepLabelsOff);
    }
    // Anchors on the renderer's regional grid (composition knows no terrain).
    for (LabelRequest& l : o.labels) l.heightMsl = std::numeric_limits<double>::quiet_NaN();
    content.labels = std::move(o.labels);
    content.furniture = std::move(o.furniture);
    // Dashes march with the story clock, so a recording is the same at any render speed.
    content.animationSeconds = story::presentationSecondsAt(story.clock, t);
    content.revision = contentRevision(document, frame, look);
    return content;
}

const render::FrameContent& Composer::at(const document::Document& document, story::StoryTime storyTime,
                                         const Look& look) {
    // NaN != NaN: compare the bits, so a held "last keyframe" playhead hits the cache too.
    const bool sameTime = std::bit_cast<uint64_t>(storyTime) == std::bit_cast<uint64_t>(m_time);
    if (!m_valid || document.identity() != m_identity || document.revision() != m_revision || !sameTime ||
        !(look == m_look)) {
        m_content = compose(document, storyTime, look);
        m_identity = document.identity();
        m_revision = document.revision();
        m_time = storyTime;
        m_look = look;
        m_valid = true;
    }
    return m_content;
}

}  // namespace fl::compose
