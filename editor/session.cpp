#include "session.h"

#include "compose/compose.h"
#include "story/key_check.h"

namespace fl::app {

Result<StoryScene> loadStoryScene(const CommonOptions& common) {
    StoryScene out;
    auto scene = scene::loadScene(common.scene);
    if (!scene) return scene.error();
    out.scene = std::move(scene).value();
    if (!common.storyPath.empty()) {
        auto doc = document::Document::load(common.storyPath);
        if (!doc) return doc.error();
        out.warnings = story::nearMissKeyWarnings(doc->story(), common.storyPath);
        if (common.strict)
            if (Status s = story::failOnWarnings(out.warnings); !s) return s.error();
        out.document.emplace(std::move(doc).value());
    }
    return out;
}

render::RenderSettings frameSettings(const CommonOptions& common, const document::Document* document) {
    render::RenderSettings settings = common.settings;
    static_cast<Look&>(settings) = lookFor(common, document ? &document->look() : nullptr);
    return settings;
}

render::FrameContent frameContent(const document::Document* document, double storyTime, const Look& look) {
    return document ? compose::compose(*document, storyTime, look) : render::FrameContent{};
}

}  // namespace fl::app
