#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "compose/timeline.h"
#include "core/log.h"
#include "gpu/context.h"
#include "output/image.h"
#include "render/offscreen.h"
#include "session.h"

namespace fl::app {

void printError(const std::string& message) {
    std::fprintf(stderr, "frontline: error: %s\n", message.c_str());
}

namespace {

// One line that says how much of the still is at full detail, whatever the outcome, so a log shows it.
bool reportDetail(const terrain::Readiness& ready, const std::string& path) {
    // One summary per failure kind, not a line per tile (a server without the tiles gives hundreds).
    for (const std::string& line : terrain::describeFailures(ready))
        std::fprintf(stderr, "frontline: warning: %s\n", line.c_str());
    const bool full = ready.resolved && ready.failed.empty() && ready.missing.empty();
    std::string why;
    if (!ready.missing.empty()) why += std::to_string(ready.missing.size()) + " tiles still missing";
    if (!ready.failed.empty())
        why += (why.empty() ? "" : ", ") + std::to_string(ready.failed.size()) + " drawn from coarser tiles";
    // Floor, not round: 99.6 % must not read as 100 %.
    const int percent = full ? 100 : std::min(99, int(std::floor(ready.progress * 100.0)));
    std::fprintf(stderr, "frontline: detail: %s at %d%% of full detail%s\n", path.c_str(), percent,
                 why.empty() ? "" : (" (" + why + ")").c_str());
    return full;
}

// How the camera was given, for errors: "view 'spin-boldak'" or "--camera 31,66.2,15000,120,-30".
std::string describeCamera(const scene::CameraSpec& c) {
    if (scene::findView(c.name)) return "view '" + c.name + "'";
    char text[160];
    std::snprintf(text, sizeof text, "--camera %.10g,%.10g,%.10g,%.10g,%.10g", c.lat, c.lon, c.altitudeMsl, c.heading,
                  c.pitch);
    return text;
}

// A camera that looks away from the data renders sky or empty ground and would pass for a picture: say so. A
// 5 x 5 grid of picks is enough to tell "no data at all" from "some" (a partial view is fine).
void warnWithoutTerrainData(render::OffscreenRenderer& r, const RenderOptions& ro, const std::string& path) {
    std::vector<glm::dvec2> pixels;
    for (int j = 0; j < 5; ++j)
        for (int i = 0; i < 5; ++i) pixels.push_back({(i + 0.5) * ro.size.width / 5, (j + 0.5) * ro.size.height / 5});
    for (const auto& hit : r.pick(pixels))
        if (hit && std::isfinite(hit->heightMsl)) return;
    std::fprintf(stderr,
                 "frontline: warning: %s shows no terrain data (the view looks at sky or beyond the elevation "
                 "data's extent)\n",
                 path.c_str());
}

// The still's file is written whatever its detail (the warnings say why); the result says whether it is full.
Result<bool> renderTo(Session& s, const CameraPose& pose, double storyTime, const RenderOptions& ro,
                      const CommonOptions& common, const std::string& path) {
    const document::Document* doc = s.document ? &*s.document : nullptr;
    const render::RenderSettings settings = frameSettings(common, doc);
    if (doc && !std::isnan(storyTime)) {
        // Outside the story's clock nothing it tells is on screen: clamp and say so.
        const auto clamped = story::clampToStoryClock(doc->story().clock, storyTime, "\"" + doc->story().title + "\"");
        if (clamped.warning) std::fprintf(stderr, "frontline: warning: %s\n", clamped.warning->c_str());
        storyTime = clamped.time;
    }
    const output::ImageRgba8 image =
        s.renderer->render({pose, ro.size.width, ro.size.height, settings}, frameContent(doc, storyTime, settings));
    const terrain::Readiness& ready = s.renderer->lastReadiness();
    if (s.scene.terrain && ready.resolved && ready.drawn == 0) {
        const auto& info = s.scene.terrain->info();
        std::fprintf(stderr,
                     "frontline: warning: terrain %s covers none of the view (it covers lon %.4f..%.4f, lat "
                     "%.4f..%.4f): %s shows no terrain\n",
                     info.name.c_str(), info.bounds.west, info.bounds.east, info.bounds.south, info.bounds.north,
                     path.c_str());
    }
    const bool full = reportDetail(ready, path);
    warnWithoutTerrainData(*s.renderer, ro, path);
    const std::filesystem::path p(path);
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return Error::inFile(p.parent_path().string(), "cannot create directory: " + ec.message());
    if (auto st = output::writePng(path, image); !st) return st.error();
    return full;
}

// A degraded still is an error for a pipeline that publishes on exit 0, unless the caller accepted it.
int detailVerdict(bool allFull, const RenderOptions& ro) {
    if (allFull || ro.allowDegraded) return kExitOk;
    printError("the still is not at full detail (see the detail line above); --allow-degraded accepts it");
    return kExitDegraded;
}

int validationVerdict(const gpu::Context& ctx) {
    if (ctx.validationErrors() == 0) return kExitOk;
    printError(std::to_string(ctx.validationErrors()) + " Vulkan validation error(s) (see messages above)");
    return kExitError;
}

Result<CameraPose> viewPose(const Session& s, const scene::CameraSpec& camera) {
    return scene::checkedPose(camera, s.scene.geoidModel(), describeCamera(camera));
}

// `render --at SECONDS`: the story's camera track and clock at that instant (a --view or --camera still wins for
// the camera, --time for the story time).
Result<std::pair<CameraPose, double>> shotAt(const Session& s, const Command& cmd) {
    const double seconds = *cmd.render.at;
    if (!s.document) return Error{"--at needs a story (not `--story none`)"};
    const story::Story& st = s.document->story();
    if (!st.camera && !cmd.render.camera)
        return Error{cmd.common.storyPath + ": the story has no camera track (\"camera\"); give --view or --camera"};
    const Look look = frameSettings(cmd.common, &*s.document);
    const compose::TimelineFrame f = compose::timelineAt(st, seconds, drawnGround(s.scene, look.exaggeration));
    const double storyTime = std::isnan(cmd.common.storyTime) ? f.storyTime : cmd.common.storyTime;
    if (cmd.render.camera) {
        auto pose = viewPose(s, *cmd.render.camera);
        if (!pose) return pose.error();
        return std::pair{*pose, storyTime};
    }
    auto pose = trackPose(s.scene, *f.camera, seconds);
    if (!pose) return pose.error();
    return std::pair{*pose, storyTime};
}

}  // namespace

int runRender(const Command& cmd) {
    const scene::CameraSpec camera = cmd.render.camera ? *cmd.render.camera : *scene::findView("kandahar-overview");
    std::string out = cmd.render.out.empty() ? "out/" + camera.name + ".png" : cmd.render.out;
    if (cmd.render.at && cmd.render.out.empty()) {
        char name[64];
        std::snprintf(name, sizeof name, "out/shot-%.3fs.png", *cmd.render.at);
        out = name;
    }
    auto session = openSession(cmd.common);
    if (!session) {
        printError(session.error().message);
        return kExitError;
    }
    auto shot = cmd.render.at ? shotAt(**session, cmd) : [&]() -> Result<std::pair<CameraPose, double>> {
        auto pose = viewPose(**session, camera);
        if (!pose) return pose.error();
        return std::pair{*pose, cmd.common.storyTime};
    }();
    if (!shot) {
        printError(shot.error().message);
        return kExitUsage;
    }
    auto full = renderTo(**session, shot->first, shot->second, cmd.render, cmd.common, out);
    if (!full) {
        printError(full.error().message);
        return kExitError;
    }
    std::printf("%s\n", out.c_str());
    if (const int v = validationVerdict(*(*session)->ctx); v != kExitOk) return v;
    return detailVerdict(*full, cmd.render);
}

int runRenderAllViews(const Command& cmd) {
    auto session = openSession(cmd.common);
    if (!session) {
        printError(session.error().message);
        return kExitError;
    }
    bool allFull = true;
    for (const auto& view : scene::namedViews()) {
        const std::string out = "out/" + view.name + ".png";
        auto pose = viewPose(**session, view);
        if (!pose) {
            printError(pose.error().message);
            return kExitError;
        }
        auto full = renderTo(**session, *pose, cmd.common.storyTime, cmd.render, cmd.common, out);
        if (!full) {
            printError(full.error().message);
            return kExitError;
        }
        allFull = allFull && *full;
        std::printf("%s\n", out.c_str());
    }
    if (const int v = validationVerdict(*(*session)->ctx); v != kExitOk) return v;
    return detailVerdict(allFull, cmd.render);
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
    for (const auto& v : scene::namedViews())
        std::printf("%-20s %s\n  camera %.4f,%.4f,%.0f,%.1f,%.1f\n", v.name.c_str(), v.description.c_str(), v.lat,
                    v.lon, v.altitudeMsl, v.heading, v.pitch);
    return kExitOk;
}

}  // namespace fl::app
