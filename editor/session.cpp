#include "session.h"

#include "compose/compose.h"
#include "core/log.h"
#include "gpu/context.h"
#include "story/key_check.h"

#include <cmath>
#include <cstdio>

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

Result<std::unique_ptr<Session>> openSession(const CommonOptions& common, render::ColorTarget target) {
    auto s = std::make_unique<Session>();
    auto loaded = loadStoryScene(common);
    if (!loaded) return loaded.error();
    s->scene = std::move(loaded->scene);
    s->document = std::move(loaded->document);
    for (const std::string& w : loaded->warnings) std::fprintf(stderr, "frontline: warning: %s\n", w.c_str());
    gpu::ContextOptions opts = gpu::ContextOptions::fromEnvironment();
    opts.deviceIndex = common.deviceIndex;
    auto ctx = gpu::Context::create(opts);
    if (!ctx) return ctx.error();
    s->ctx = std::move(ctx).value();
    std::fprintf(stderr, "frontline: device: %s\n", s->ctx->info().describe().c_str());
    if (s->scene.terrain) {
        // Credit the data, and say so when part of the relief is synthesized rather than measured.
        const auto& info = s->scene.terrain->info();
        std::string credit = info.attribution.empty() ? "" : " (" + info.attribution + ")";
        if (info.synthesizedFromZoom && info.attribution.find("synthesized") == std::string::npos)
            credit += " [synthesized detail from zoom " + std::to_string(*info.synthesizedFromZoom) + "]";
        std::fprintf(stderr, "frontline: terrain: %s%s\n", info.name.c_str(), credit.c_str());
    }
    auto renderer = render::OffscreenRenderer::create(*s->ctx, s->scene, target);
    if (!renderer) return renderer.error();
    s->renderer = std::move(renderer).value();
    return s;
}

story::GroundHeight drawnGround(const scene::Scene& scene, double exaggeration) {
    return [&scene, exaggeration](double lat, double lon) -> std::optional<double> {
        const double h = scene.dem.sampleBilinear(lat, lon);
        if (!std::isfinite(h)) return std::nullopt;
        return h * exaggeration;
    };
}

Result<CameraPose> trackPose(const scene::Scene& scene, const story::CameraSample& sample, double seconds) {
    scene::CameraSpec spec;
    spec.lat = sample.lat;
    spec.lon = sample.lon;
    spec.altitudeMsl = sample.altitudeMsl;
    spec.heading = sample.heading;
    spec.pitch = sample.pitch;
    spec.fovY = sample.fov;
    char where[64];
    std::snprintf(where, sizeof where, "the camera track at %.3f s", seconds);
    return scene::checkedPose(spec, scene.geoidModel(), where);
}

}  // namespace fl::app
