#include <cmath>
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "core/log.h"
#include "gpu/context.h"
#include "output/image.h"
#include "render/offscreen.h"

namespace fl::app {

void printError(const std::string& message) {
    std::fprintf(stderr, "frontline: error: %s\n", message.c_str());
}

namespace {

// Loads the scene and the device, in that order, so a bad file is reported before any GPU work.
struct Session {
    story::Scene scene;
    std::unique_ptr<gpu::Context> ctx;
    std::unique_ptr<render::OffscreenRenderer> renderer;
};

Result<std::unique_ptr<Session>> openSession(const CommonOptions& common) {
    auto s = std::make_unique<Session>();
    auto scene = story::loadScene(common.scene);
    if (!scene) return scene.error();
    s->scene = std::move(scene).value();
    for (const std::string& w : s->scene.warnings) std::fprintf(stderr, "frontline: warning: %s\n", w.c_str());
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
    auto renderer = render::OffscreenRenderer::create(*s->ctx, s->scene);
    if (!renderer) return renderer.error();
    s->renderer = std::move(renderer).value();
    return s;
}

Status renderTo(Session& s, const story::CameraSpec& camera, const RenderOptions& ro, const CommonOptions& common,
                const std::string& path) {
    const CameraPose pose = story::toPose(camera, s.scene.geoidModel());
    render::RenderSettings settings = common.settings;
    if (s.scene.story && !std::isnan(settings.storyTime)) {
        const auto clamped = story::clampToStoryClock(s.scene.story->clock, settings.storyTime,
                                                      "\"" + s.scene.story->title + "\"");
        if (clamped.warning) std::fprintf(stderr, "frontline: warning: %s\n", clamped.warning->c_str());
        settings.storyTime = clamped.time;
    }
    const output::ImageRgba8 image = s.renderer->render(pose, ro.size.width, ro.size.height, settings);
    const terrain::Readiness& ready = s.renderer->lastReadiness();
    for (const std::string& line : terrain::describeFailures(ready))
        std::fprintf(stderr, "frontline: warning: %s\n", line.c_str());
    if (s.scene.terrain && ready.resolved && ready.drawn == 0) {
        const auto& info = s.scene.terrain->info();
        std::fprintf(stderr,
                     "frontline: warning: terrain %s covers none of the view (it covers lon %.4f..%.4f, lat "
                     "%.4f..%.4f): %s shows no terrain\n",
                     info.name.c_str(), info.bounds.west, info.bounds.east, info.bounds.south, info.bounds.north,
                     path.c_str());
    }
    if (!ready.missing.empty())
        std::fprintf(stderr, "frontline: warning: %s rendered at %.0f%% detail: %zu tiles still missing\n",
                     path.c_str(), ready.progress * 100.0, ready.missing.size());
    const std::filesystem::path p(path);
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return Error::inFile(p.parent_path().string(), "cannot create directory: " + ec.message());
    return output::writePng(path, image);
}

int validationVerdict(const gpu::Context& ctx) {
    if (ctx.validationErrors() == 0) return kExitOk;
    printError(std::to_string(ctx.validationErrors()) + " Vulkan validation error(s) (see messages above)");
    return kExitError;
}

}  // namespace

int runRender(const Command& cmd) {
    const story::CameraSpec camera = cmd.render.camera ? *cmd.render.camera : *story::findView("kandahar-overview");
    std::string out = cmd.render.out.empty() ? "out/" + camera.name + ".png" : cmd.render.out;
    auto session = openSession(cmd.common);
    if (!session) {
        printError(session.error().message);
        return kExitError;
    }
    if (auto st = renderTo(**session, camera, cmd.render, cmd.common, out); !st) {
        printError(st.error().message);
        return kExitError;
    }
    std::printf("%s\n", out.c_str());
    return validationVerdict(*(*session)->ctx);
}

int runRenderAllViews(const Command& cmd) {
    auto session = openSession(cmd.common);
    if (!session) {
        printError(session.error().message);
        return kExitError;
    }
    for (const auto& view : story::namedViews()) {
        const std::string out = "out/" + view.name + ".png";
        if (auto st = renderTo(**session, view, cmd.render, cmd.common, out); !st) {
            printError(st.error().message);
            return kExitError;
        }
        std::printf("%s\n", out.c_str());
    }
    return validationVerdict(*(*session)->ctx);
}

int runListDevices() {
    auto devices = gpu::Context::enumerateDevices();
    if (!devices) {
        printError(devices.error().message);
        return kExitError;
    }
    if (devices->empty()) {
        printError("no Vulkan device found; install a GPU driver or mesa-vulkan-drivers (lavapipe)");
        return kExitError;
    }
    for (const auto& d : *devices) std::printf("%u: %s\n", d.index, d.describe().c_str());
    return kExitOk;
}

int runListViews() {
    for (const auto& v : story::namedViews())
        std::printf("%-20s %s\n  camera %.4f,%.4f,%.0f,%.1f,%.1f\n", v.name.c_str(), v.description.c_str(), v.lat,
                    v.lon, v.altitudeMsl, v.heading, v.pitch);
    return kExitOk;
}

}  // namespace fl::app
