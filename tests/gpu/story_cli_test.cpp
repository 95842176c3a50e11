// `frontline story ...` as a user runs it: export and import of GeoJSON through files, `info`, one-line errors
// naming the file and the feature (exit 1), usage errors (exit 2), and a failed import leaving the story untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/cli_run.h"

namespace fs = std::filesystem;
using namespace fl::testing;

namespace {

const std::string kStory = FRONTLINE_SOURCE_DIR "/assets/stories/spin-boldak-2021.json";

std::string q(const fs::path& p) {
    return "'" + p.string() + "'";
}

}  // namespace

TEST(StoryCli, InfoDescribesTheDefaultStory) {
    const CliRun r = runFrontline("story info " + q(kStory));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_NE(r.out.find("title:      Taliban claim Spin Boldak border crossing\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("time:       2021-07-01T00:00:00Z .. 2021-07-15T18:00:00Z over 20 s\n"), std::string::npos);
    EXPECT_NE(r.out.find("  taliban: Taliban"), std::string::npos);
    EXPECT_NE(r.out.find("    2021-07-14T06:00:00Z claimed"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("    2021-07-14T06:00:00Z contested"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  advance-spin-boldak (taliban): 2021-07-13T18:00:00Z .. 2021-07-14T10:00:00Z"),
              std::string::npos);
}

// Issue 11 finding 2, as a user meets it: a typo in a keyframe key is a warning from `story info` and render,
// and --strict makes it an error (exit 1) naming the file, the feature and the key.
TEST(StoryCli, NearMissKeysWarnAndStrictFails) {
    const fs::path dir = tempDir();
    const fs::path story = dir / "typo.json";
    std::string text = slurp(kStory);
    const size_t at = text.find("\"status\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 8, "\"stauts\"");
    std::ofstream(story) << text;

    CliRun r = runFrontline("story info " + q(story));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("frontline: warning: " + story.string() + ": area \""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("unknown key \"stauts\" (did you mean \"status\"?)"), std::string::npos) << r.err;

    expectOneLineError(runFrontline("story info " + q(story) + " --strict"), 1, "\"stauts\"");
    expectOneLineError(
        runFrontline("render --story " + q(story) + " --strict --size 32x18 --out " + q(dir / "strict.png")), 1,
        "\"stauts\"");
    EXPECT_FALSE(fs::exists(dir / "strict.png"));
}

TEST(StoryCli, ExportThenImportIsStable) {
    const fs::path dir = tempDir();
    const fs::path story = dir / "story copy.json", geojson = dir / "areas.geojson";
    fs::copy_file(kStory, story, fs::copy_options::overwrite_existing);
    const CliRun ex = runFrontline("story export-geojson " + q(story) + " --out " + q(geojson));
    ASSERT_EQ(ex.exitCode, 0) << ex.err;
    const std::string exported = slurp(geojson);
    EXPECT_NE(exported.find("\"FeatureCollection\""), std::string::npos);
    EXPECT_NE(exported.find("\"spin-boldak-taliban\""), std::string::npos);

    const CliRun im = runFrontline("story import-geojson " + q(geojson) + " --into " + q(story));
    ASSERT_EQ(im.exitCode, 0) << im.err;
    EXPECT_NE(im.out.find("merged"), std::string::npos) << im.out;
    // Merging the story's own features changes nothing that the GeoJSON carries.
    const fs::path again = dir / "again.geojson";
    ASSERT_EQ(runFrontline("story export-geojson " + q(story) + " --out " + q(again)).exitCode, 0);
    EXPECT_EQ(slurp(again), exported);
    EXPECT_EQ(runFrontline("story info " + q(story)).exitCode, 0);
}

TEST(StoryCli, BadGeoJsonNamesFileAndFeatureAndLeavesTheStoryUntouched) {
    const fs::path dir = tempDir();
    const fs::path story = dir / "untouched.json", bad = dir / "unclosed.geojson";
    fs::copy_file(kStory, story, fs::copy_options::overwrite_existing);
    const std::string before = slurp(story);
    std::ofstream(bad) << R"({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area": "spin-boldak", "time": "2021-07-10"},
         "geometry": {"type": "Polygon", "coordinates": [[[66, 31], [66.1, 31], [66.1, 31.1], [66, 31.1]]]}}]})";
    const CliRun r = runFrontline("story import-geojson " + q(bad) + " --into " + q(story));
    expectOneLineError(r, 1, "unclosed.geojson: feature 0 (area \"spin-boldak\"): ring 0 is not closed");
    EXPECT_EQ(slurp(story), before);
    std::ofstream(bad) << "{not json";
    expectOneLineError(runFrontline("story import-geojson " + q(bad) + " --into " + q(story)), 1, "unclosed.geojson");
    EXPECT_EQ(slurp(story), before);
    // Nothing but the story is left in the folder: no temporary files.
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(StoryCli, BadStoryFilesExit1NamingThem) {
    const fs::path dir = tempDir();
    const fs::path v2 = dir / "future.json";
    std::ofstream(v2) << R"({"version": 2, "title": "x"})";
    expectOneLineError(runFrontline("story info " + q(v2)), 1, "future.json: unknown version 2 (this build reads 1)");
    expectOneLineError(runFrontline("story info " + q(dir / "missing.json")), 1, "missing.json");
    expectOneLineError(runFrontline("story export-geojson " + q(v2) + " --out " + q(dir / "x.geojson")), 1,
                       "future.json");
    EXPECT_FALSE(fs::exists(dir / "x.geojson"));
    expectOneLineError(runFrontline("story import-geojson " + q(dir / "none.geojson") + " --into " + q(v2)), 1,
                       "future.json");
}

TEST(StoryCli, UsageErrorsExit2) {
    expectOneLineError(runFrontline("story"), 2, "missing subcommand");
    expectOneLineError(runFrontline("story frobnicate"), 2, "unknown subcommand 'frobnicate'");
    expectOneLineError(runFrontline("story info"), 2, "no input file");
    expectOneLineError(runFrontline("story info a.json b.json"), 2, "one file at a time");
    expectOneLineError(runFrontline("story import-geojson a.geojson"), 2, "--into FILE is required");
    expectOneLineError(runFrontline("story import-geojson a.geojson --into"), 2, "--into needs a file");
    expectOneLineError(runFrontline("story export-geojson s.json"), 2, "--out FILE is required");
    expectOneLineError(runFrontline("story export-geojson s.json --out x --zip"), 2, "unknown option '--zip'");
    const CliRun help = runFrontline("story --help");
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("frontline story import-geojson FILE.geojson --into STORY.json"), std::string::npos);
}
