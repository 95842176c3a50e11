// `frontline bench story`: what an area's vertex count costs, from the file to the picture. A real district
// or province outline (OSM, geoBoundaries) has 10k..200k vertices; issue 11 found both the import check
// (self-intersection) and the first frame of a keyframe pair (the morph reach) quadratic in them. For each
// count the default story's first area gets generated outlines of that many vertices; import (parseStory) and
// the first render of a new story time (evaluation, the overlay field's preparation, the frame) are timed
// against the default story. Near-linear growth is the target: 200k within 2x the default story's render.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.h"
#include "bench.h"
#include "bench_timing.h"
#include "commands.h"
#include "compose/compose.h"
#include "core/parse.h"
#include "core/paths.h"
#include "document/document.h"
#include "gpu/context.h"
#include "render/offscreen.h"
#include "scene/scene.h"
#include "scene/views.h"
#include "story/story.h"

namespace fl::app {

std::string storyBenchUsage() {
    return "usage: frontline bench story [--json] [--vertices N,...] [--size WxH]\n"
           "\n"
           "Times importing (parsing and checking) and rendering a story whose first area has generated\n"
           "outlines of N vertices, against the default story (spin-boldak view). Needs a Vulkan device.\n"
           "\n"
           "  --json           one JSON object per line, each with a \"metric\" key\n"
           "  --vertices N,... vertex counts (default 12000,48000,200000)\n"
           "  --size WxH       output size (default 640x360)\n";
}

namespace {

struct StoryBenchOptions {
    bool json = false;
    std::vector<int> vertices{12000, 48000, 200000};
    ImageSize size{640, 360};
};

Result<StoryBenchOptions> parseStoryBench(const std::vector<std::string>& args) {
    StoryBenchOptions o;
    ArgParser p("bench story: ", "bench");
    p.flag("--json", [&] { o.json = true; });
    p.option("--size", "WxH", [&](const std::string& v) -> Status {
        auto size = parseImageSize(v);
        if (!size) return Error{"bench story: " + size.error().message};
        o.size = *size;
        return Ok{};
    });
    p.option("--vertices", "N,...", [&](const std::string& v) -> Status {
        o.vertices.clear();
        std::stringstream list(v);
        for (std::string item; std::getline(list, item, ',');) {
            auto n = parseDouble(item, "--vertices");
            if (!n || *n < 3 || *n > 5e6 || *n != std::floor(*n))
                return Error{"bench story: --vertices: '" + item + "' is not a count of 3..5000000"};
            o.vertices.push_back(int(*n));
        }
        return Ok{};
    });
    if (Status s = p.parse(args); !s) return s.error();
    return o;
}

// A simple (star-shaped) wiggly outline of n vertices around Spin Boldak, GeoJSON-closed; `grow` scales it so
// that keyframes differ and the morph between them is real work.
nlohmann::json outline(int n, double grow) {
    nlohmann::json ring = nlohmann::json::array();
    for (int i = 0; i <= n; ++i) {
        const double a = 2 * std::numbers::pi * (i % n) / n;
        const double r =
            0.12 * grow * (1 + 0.15 * std::sin(7 * a) + 0.04 * std::sin(97 * a) + 0.01 * std::sin(1201 * a));
        ring.push_back({66.40 + r * std::cos(a) / std::cos(31.0 * std::numbers::pi / 180), 31.0 + r * std::sin(a)});
    }
    return {{"type", "Polygon"}, {"coordinates", {ring}}};
}

std::string withOutlines(const std::string& defaultStory, int vertices) {
    nlohmann::json story = nlohmann::json::parse(defaultStory);
    auto& keyframes = story["areas"][0]["keyframes"];
    for (size_t k = 0; k < keyframes.size(); ++k) keyframes[k]["geometry"] = outline(vertices, 1.0 + 0.1 * double(k));
    return story.dump();
}

struct Timing {
    double importMs = 0, renderMs = 0;
};

}  // namespace

int runStoryBench(const std::vector<std::string>& args) {
    auto parsed = parseStoryBench(args);
    if (!parsed) {
        printError(parsed.error().message);
        return kExitUsage;
    }
    const StoryBenchOptions& o = *parsed;
    auto loaded = scene::loadScene();
    if (!loaded) {
        printError(loaded.error().message);
        return kExitError;
    }
    scene::Scene& scene = *loaded;
    std::ifstream in(paths::asset("stories/spin-boldak-2021.json"));
    std::stringstream text;
    text << in.rdbuf();
    const std::string defaultStory = text.str();

    gpu::ContextOptions copts = gpu::ContextOptions::fromEnvironment();
    auto ctx = gpu::Context::create(copts);
    if (!ctx) {
        printError(ctx.error().message);
        return kExitError;
    }
    auto renderer = render::OffscreenRenderer::create(**ctx, scene);
    if (!renderer) {
        printError(renderer.error().message);
        return kExitError;
    }
    const CameraPose pose = scene::toPose(*scene::findView("spin-boldak"), scene.geoidModel());
    auto parsedDefault = story::parseStory(defaultStory, "default story");
    if (!parsedDefault) {
        printError(parsedDefault.error().message);
        return kExitError;
    }
    // Between the first area's first two keyframes: the morph of a new keyframe pair is part of the frame.
    const auto& kf = parsedDefault->areas.at(0).keyframes;
    const double mid = 0.5 * (kf.at(0).time + kf.at(1).time);
    render::RenderSettings settings;
    int run = 0;
    auto measure = [&](const std::string& storyText) -> Result<Timing> {
        Timing t;
        const auto start = BenchClock::now();
        auto st = story::parseStory(storyText, "bench.json");
        t.importMs = msSince(start);
        if (!st) return st.error();
        const document::Document doc(document::DocumentState{std::move(*st), Look{}});
        const double time = mid + ++run;  // a new time: the story is evaluated again, not cached
        const auto frame = BenchClock::now();
        (void)(*renderer)->render({pose, o.size.width, o.size.height, settings}, compose::compose(doc, time, settings));
        t.renderMs = msSince(frame);
        return t;
    };
    // Untimed: streams the view's terrain and compiles the pipelines, which every variant then shares.
    if (auto warm = measure(defaultStory); !warm) {
        printError(warm.error().message);
        return kExitError;
    }
    auto base = measure(defaultStory);
    if (!base) {
        printError(base.error().message);
        return kExitError;
    }
    auto report = [&](const std::string& name, int vertices, const Timing& t) {
        Record r("story_vertices");
        r.set("story", name).set("vertices", vertices).set("import_ms", t.importMs).set("render_ms", t.renderMs);
        r.set("render_vs_default", t.renderMs / base->renderMs);
        if (o.json)
            std::printf("%s\n", r.json().c_str());
        else
            std::printf("%-10s %8d vertices  import %9.1f ms  render %9.1f ms  (%.2fx the default story's render)\n",
                        name.c_str(), vertices, t.importMs, t.renderMs, t.renderMs / base->renderMs);
        std::fflush(stdout);
    };
    report("default", 0, *base);
    for (int n : o.vertices) {
        auto t = measure(withOutlines(defaultStory, n));
        if (!t) {
            printError(t.error().message);
            return kExitError;
        }
        report("generated", n, *t);
    }
    return kExitOk;
}

}  // namespace fl::app
