// `frontline bench streaming --json --quick` as CI runs it: every line is a JSON object with the keys
// docs/benchmarks.md documents, and the numbers are sane (full detail reached, nothing over budget).
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
            EXPECT_LT(o.GetDouble("seconds"), 10.0) << "--quick stays a smoke test: " << line;
        }
    }
    EXPECT_EQ(seen["source"], 1);
    EXPECT_EQ(seen["decode"], 3) << "libpng, decodeHeightPng on 1 thread and on the pool: " << r.out;
    EXPECT_EQ(seen["time_to_full_detail"], 2) << r.out;
    EXPECT_EQ(seen["summary"], 1) << r.out;
    EXPECT_EQ(fullDetailSources, (std::set<std::string>{"file", "loopback_http"}));
}

TEST(BenchCli, UsageErrorsExit2) {
    for (const std::string args :
         {"bench", "bench frobnicate", "bench streaming --frobnicate", "bench streaming --terrain"}) {
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
