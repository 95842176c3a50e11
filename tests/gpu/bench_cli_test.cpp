// `frontline bench streaming|terrain --json --quick` as CI runs them: every line is a JSON object with the keys
// docs/benchmarks.md documents, and the numbers are sane (full detail reached, nothing over budget, positive
// times, no validation errors).
#include <gtest/gtest.h>

#include <cpl_json.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <vector>

#include "support/cli_run.h"

namespace fs = std::filesystem;
using namespace fl::testing;

namespace {

CliRun run(const std::string& args) {
    return runFrontline(args);
}

// The keys docs/benchmarks.md lists for each metric.
const std::map<std::string, std::vector<std::string>> kKeys = {
    {"source", {"name", "kind", "min_zoom", "max_zoom", "hardware_threads", "quick"}},
    {"decode_set", {"tiles", "min_zoom", "max_zoom", "png_bytes"}},
    {"decode", {"decoder", "threads", "tiles", "decodes", "seconds", "tiles_per_s", "mb_per_s", "ok"}},
    {"decode_overhead", {"time_ratio"}},
    {"time_to_full_detail",
     {"view",
      "source",
      "resolved",
      "timed_out",
      "ms",
      "frames",
      "requested",
      "loaded",
      "missing",
      "failed",
      "cancelled",
      "needed",
      "fetched_per_needed",
      "cpu_peak_bytes",
      "cpu_budget_bytes",
      "gpu_peak_bytes",
      "gpu_budget_bytes",
      "decoded_bytes",
      "uploads",
      "uploaded_bytes"}},
    {"summary",
     {"decode_tiles_per_s", "libpng_tiles_per_s", "decode_time_ratio", "decode_threads", "parallel_tiles_per_s", "runs",
      "worst_ms_to_full_detail", "all_resolved", "seconds"}},
};

}  // namespace

TEST(BenchCli, QuickStreamingBenchPrintsDocumentedJsonLines) {
    const CliRun r = run("bench streaming --json --quick");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::map<std::string, int> seen;
    std::set<std::string> fullDetailSources;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        CPLJSONDocument doc;
        ASSERT_TRUE(doc.LoadMemory(line)) << "not JSON: " << line;
        const CPLJSONObject o = doc.GetRoot();
        ASSERT_EQ(o.GetType(), CPLJSONObject::Type::Object) << line;
        const std::string metric = o.GetString("metric");
        ASSERT_TRUE(kKeys.count(metric)) << "undocumented metric '" << metric << "': " << line;
        for (const std::string& key : kKeys.at(metric))
            EXPECT_TRUE(o.GetObj(key).IsValid()) << "'" << metric << "' lacks '" << key << "': " << line;
        ++seen[metric];

        if (metric == "decode") {
            EXPECT_TRUE(o.GetBool("ok")) << line;
            EXPECT_GT(o.GetDouble("tiles_per_s"), 0) << line;
            EXPECT_GT(o.GetDouble("mb_per_s"), 0) << line;
            EXPECT_GE(o.GetLong("decodes"), o.GetLong("tiles")) << "each tile decoded at least once: " << line;
        } else if (metric == "decode_set") {
            EXPECT_GE(o.GetLong("tiles"), 32) << "--quick decodes 48 of the sample's z11 tiles: " << line;
            EXPECT_GT(o.GetLong("png_bytes"), o.GetLong("tiles") * 1000) << line;
        } else if (metric == "time_to_full_detail") {
            fullDetailSources.insert(o.GetString("source"));
            EXPECT_TRUE(o.GetBool("resolved")) << line;
            EXPECT_GT(o.GetLong("needed"), 0) << line;
            EXPECT_GE(o.GetDouble("fetched_per_needed"), 1.0) << line;
            EXPECT_GT(o.GetDouble("ms"), 0) << line;
            EXPECT_GE(o.GetLong("frames"), 1) << line;
            EXPECT_GT(o.GetLong("decoded_bytes"), 0) << line;
            EXPECT_EQ(o.GetLong("failed"), 0) << line;
            EXPECT_LE(o.GetLong("cpu_peak_bytes"), o.GetLong("cpu_budget_bytes")) << line;
            EXPECT_LE(o.GetLong("gpu_peak_bytes"), o.GetLong("gpu_budget_bytes")) << line;
            EXPECT_GT(o.GetLong("gpu_peak_bytes"), 0) << line;
        } else if (metric == "summary") {
            EXPECT_TRUE(o.GetBool("all_resolved")) << line;
            EXPECT_EQ(o.GetInteger("runs"), 2) << "--quick: one view, from the file and over loopback HTTP: " << line;
            // --quick is checked by what it does (two runs of one view), not by wall time, which a loaded
            // machine stretches several-fold.
            EXPECT_GT(o.GetDouble("seconds"), 0) << line;
        }
    }
    EXPECT_EQ(seen["source"], 1);
    EXPECT_EQ(seen["decode"], 3) << "libpng, decodeHeightPng on 1 thread and on the pool: " << r.out;
    EXPECT_EQ(seen["time_to_full_detail"], 2) << r.out;
    EXPECT_EQ(seen["summary"], 1) << r.out;
    EXPECT_EQ(fullDetailSources, (std::set<std::string>{"file", "loopback_http"}));
}

// The keys docs/benchmarks.md lists for each metric of `bench terrain`.
const std::map<std::string, std::vector<std::string>> kTerrainKeys = {
    {"device", {"device", "timing", "terrain", "frames", "naive_frames", "warmup_frames", "validation", "quick"}},
    {"terrain",
     {"view",         "width",       "height",          "device",      "ms_terrain", "ms_floor",     "ms_naive",
      "triangles",    "draws",       "patches",         "tiles_drawn", "cpu_ms",     "prepare_ms",   "gpu_selection_ms",
      "ratio_floor",  "ratio_naive", "naive_triangles", "naive_tiles", "leaves",     "naive_leaves", "frames",
      "naive_frames", "resolved",    "stream_ms"}},
    {"selection",
     {"view", "width", "height", "prepare_ms_one_tile", "prepare_ms_full", "cpu_ms_one_tile", "cpu_ms_full",
      "ms_one_tile", "ms_full", "leaves_one_tile", "leaves_full", "triangles_one_tile", "draws_one_tile",
      "triangles_full", "gpu_selection_ms_one_tile", "gpu_selection_ms_full"}},
    {"summary", {"seconds", "validation_errors"}},
};

TEST(BenchCli, QuickTerrainBenchPrintsDocumentedJsonLines) {
    const CliRun r = runFrontline("bench terrain --json --quick", "FRONTLINE_VALIDATION=1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err.find("vulkan validation"), std::string::npos) << r.err;
    std::map<std::string, int> seen;
    std::set<std::string> views;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        CPLJSONDocument doc;
        ASSERT_TRUE(doc.LoadMemory(line)) << "not JSON: " << line;
        const CPLJSONObject o = doc.GetRoot();
        ASSERT_EQ(o.GetType(), CPLJSONObject::Type::Object) << line;
        const std::string metric = o.GetString("metric");
        ASSERT_TRUE(kTerrainKeys.count(metric)) << "undocumented metric '" << metric << "': " << line;
        for (const std::string& key : kTerrainKeys.at(metric))
            EXPECT_TRUE(o.GetObj(key).IsValid()) << "'" << metric << "' lacks '" << key << "': " << line;
        ++seen[metric];

        if (metric == "device") {
            EXPECT_FALSE(o.GetString("device").empty()) << line;
            EXPECT_TRUE(o.GetBool("quick")) << line;
            EXPECT_TRUE(o.GetBool("validation")) << "the layers must be on for the zero-error check: " << line;
        } else if (metric == "terrain") {
            views.insert(o.GetString("view"));
            EXPECT_EQ(o.GetInteger("width"), 640) << line;
            EXPECT_EQ(o.GetInteger("height"), 360) << line;
            EXPECT_FALSE(o.GetString("device").empty()) << line;
            for (const char* key : {"ms_terrain", "ms_floor", "ms_naive", "cpu_ms", "prepare_ms", "ratio_floor",
                                    "ratio_naive", "triangles", "draws", "naive_triangles", "naive_tiles", "leaves"})
                EXPECT_GT(o.GetDouble(key), 0) << key << ": " << line;
            EXPECT_TRUE(o.GetBool("resolved")) << line;
            // The naive grid draws the renderer's tiles, each at full resolution: more triangles, same tiles.
            EXPECT_EQ(o.GetLong("naive_tiles"), o.GetLong("leaves")) << line;
            EXPECT_EQ(o.GetLong("naive_leaves"), o.GetLong("leaves")) << line;
            EXPECT_GT(o.GetLong("naive_triangles"), o.GetLong("triangles")) << line;
            EXPECT_NEAR(o.GetDouble("ratio_floor"), o.GetDouble("ms_terrain") / o.GetDouble("ms_floor"),
                        1e-3 * o.GetDouble("ratio_floor"))
                << line;
        } else if (metric == "selection") {
            for (const char* key : {"prepare_ms_one_tile", "prepare_ms_full", "ms_one_tile", "ms_full"})
                EXPECT_GT(o.GetDouble(key), 0) << key << ": " << line;
            EXPECT_EQ(o.GetLong("leaves_one_tile"), 1) << line;
            EXPECT_GE(o.GetLong("leaves_full"), 1) << line;
        } else if (metric == "summary") {
            EXPECT_EQ(o.GetInteger("validation_errors"), 0) << line;
            // --quick is checked by what it does (three views at 640x360), not by wall time (78 s seen under load).
            EXPECT_GT(o.GetDouble("seconds"), 0) << line;
        }
    }
    EXPECT_EQ(seen["device"], 1) << r.out;
    EXPECT_EQ(seen["terrain"], 3) << "three views at 640x360: " << r.out;
    EXPECT_EQ(seen["selection"], 3) << r.out;
    EXPECT_EQ(seen["summary"], 1) << r.out;
    EXPECT_EQ(views, (std::set<std::string>{"kandahar-overview", "spin-boldak", "region-top-down"}));
}

TEST(BenchCli, QuickOverlaysBenchComparesTheStoryWithTerrainAlone) {
    const CliRun r = runFrontline("bench overlays --json --quick", "FRONTLINE_VALIDATION=1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::set<std::string> views;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        CPLJSONDocument doc;
        ASSERT_TRUE(doc.LoadMemory(line)) << "not JSON: " << line;
        const CPLJSONObject o = doc.GetRoot();
        const std::string metric = o.GetString("metric");
        ASSERT_TRUE(metric == "device" || metric == "overlays") << line;
        if (metric != "overlays") continue;
        views.insert(o.GetString("view"));
        for (const char* key : {"ms_terrain", "ms_story", "ratio_story", "ms_story_time_changing",
                                "ratio_time_changing", "field_texels_per_frame"})
            EXPECT_GT(o.GetDouble(key), 0) << key << ": " << line;
        EXPECT_NEAR(o.GetDouble("ratio_story"), o.GetDouble("ms_story") / o.GetDouble("ms_terrain"),
                    1e-3 * o.GetDouble("ratio_story"));
        // A still story computes no fields after its first frame; a playing one does.
        EXPECT_EQ(o.GetDouble("field_dispatches_still"), 0.0) << line;
        EXPECT_GT(o.GetDouble("field_dispatches_per_frame"), 0.0) << line;
    }
    EXPECT_EQ(views.size(), 3u) << r.out;
}

TEST(BenchCli, UsageErrorsExit2) {
    for (const std::string args :
         {"bench", "bench frobnicate", "bench streaming --frobnicate", "bench streaming --terrain",
          "bench terrain --frobnicate", "bench terrain --sizes 10x10", "bench terrain --frames 0"}) {
        const CliRun r = run(args);
        EXPECT_EQ(r.exitCode, 2) << args << ": " << r.err;
        EXPECT_NE(r.err.find("frontline: error: "), std::string::npos) << r.err;
    }
}

TEST(BenchCli, MissingTerrainExits1NamingIt) {
    const CliRun r = run("bench streaming --quick --terrain '" + (tempDir() / "absent.pmtiles").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_NE(r.err.find("absent.pmtiles"), std::string::npos) << r.err;
}
