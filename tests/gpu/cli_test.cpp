// The `frontline` executable as a user runs it: exit codes, one-line errors, files written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "output/image.h"

#include "support/cli_run.h"

namespace fs = std::filesystem;
using namespace fl::testing;

namespace {

// The tests unset FRONTLINE_VALIDATION unless a test asks for it (e.g. "FRONTLINE_VALIDATION=1").
CliRun run(const std::string& args, const std::string& env = "") {
    return runFrontline(args, "-u FRONTLINE_VALIDATION " + env);
}

}  // namespace

TEST(Cli, RendersANamedViewToPng) {
    const fs::path out = tempDir() / "sub dir" / "spin.png";
    const CliRun r =
        run("render --view spin-boldak --size 320x180 --out '" + out.string() + "'", "FRONTLINE_VALIDATION=1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("frontline: device: "), std::string::npos) << "the chosen device is printed";
    EXPECT_EQ(r.err.find("validation"), std::string::npos) << r.err;
    auto image = fl::output::readPng(out.string());
    ASSERT_TRUE(image.ok()) << image.error().message;
    EXPECT_EQ(image->width, 320);
    EXPECT_EQ(image->height, 180);
}

TEST(Cli, RendersACameraSpec) {
    const fs::path out = tempDir() / "cam.png";
    const CliRun r = run("render --camera 31.0,66.2,15000,120,-30 --size 64x64 --out '" + out.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(fs::exists(out));
}

TEST(Cli, UnknownView) {
    expectOneLineError(run("render --view nowhere"), 2, "unknown view 'nowhere'");
}

TEST(Cli, BadSize) {
    expectOneLineError(run("render --size 12x"), 2, "--size '12x'");
    expectOneLineError(run("render --size 0x100"), 2, "--size");
    expectOneLineError(run("render --size 1920x1080x3"), 2, "--size");
}

TEST(Cli, BadCamera) {
    expectOneLineError(run("render --camera nan,66,1000,0,-30"), 2, "--camera");
    expectOneLineError(run("render --camera 31,66,1000"), 2, "--camera");
    expectOneLineError(run("render --camera 95,66,1000,0,-30"), 2, "latitude");
}

TEST(Cli, MissingDem) {
    expectOneLineError(run("render --dem /nonexistent/dem.tif --out /dev/null"), 1, "/nonexistent/dem.tif");
}

TEST(Cli, DemThatIsNotARaster) {
    const fs::path p = tempDir() / "notes.tif";
    std::ofstream(p) << "this is not a raster\n";
    expectOneLineError(run("render --dem '" + p.string() + "'"), 1, p.string());
}

TEST(Cli, TruncatedDem) {
    const fs::path src = fs::path(FRONTLINE_SOURCE_DIR) / "assets/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";
    const fs::path p = tempDir() / "truncated.tif";
    {
        std::ifstream in(src, std::ios::binary);
        std::string head(4096, '\0');
        in.read(head.data(), head.size());
        std::ofstream(p, std::ios::binary) << head;
    }
    expectOneLineError(run("render --dem '" + p.string() + "'"), 1, p.string());
}

TEST(Cli, NoVulkanDevice) {
    // Point the loader at a driver manifest that does not exist: no device at all.
    const CliRun r = run("render --size 64x64 --out /dev/null",
                         "VK_ICD_FILENAMES=/nonexistent/icd.json VK_DRIVER_FILES=/nonexistent/icd.json");
    expectOneLineError(r, 1, "no Vulkan device");
}

TEST(Cli, NoSuchDeviceIndex) {
    expectOneLineError(run("render --device 7 --size 64x64 --out /dev/null"), 1, "--device 7");
}

TEST(Cli, UnknownCommandAndOption) {
    expectOneLineError(run("explode"), 2, "unknown command 'explode'");
    expectOneLineError(run("render --frobnicate 3"), 2, "unknown option '--frobnicate'");
}

TEST(Cli, WindowWithoutDisplayFailsCleanly) {
    expectOneLineError(run("window --frames 1", "-u DISPLAY -u WAYLAND_DISPLAY"), 1, "no display");
}

namespace {

// An XYZ directory whose only good tile is z0: every z1 tile is corrupt, so a still can only be drawn from z0.
fs::path terrainWithCorruptTiles() {
    const fs::path dir = tempDir() / "corrupt-xyz";
    const fs::path good = fs::path(FRONTLINE_SOURCE_DIR) / "tests/fuzz/corpus/height_png/terrarium_256.png";
    fs::create_directories(dir / "0" / "0");
    fs::copy_file(good, dir / "0" / "0" / "0.png", fs::copy_options::overwrite_existing);
    for (int x = 0; x < 2; ++x)
        for (int y = 0; y < 2; ++y) {
            fs::create_directories(dir / "1" / std::to_string(x));
            std::ofstream(dir / "1" / std::to_string(x) / (std::to_string(y) + ".png")) << "not a png";
        }
    std::ofstream(dir / "tiles.json") << R"({"encoding": "terrarium", "minzoom": 0, "maxzoom": 1})";
    return dir;
}

}  // namespace

TEST(Cli, AStillAtFullDetailSaysSoAndExitsZero) {
    const fs::path out = tempDir() / "full.png";
    const CliRun r = run("render --view spin-boldak --size 64x64 --out '" + out.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("frontline: detail: " + out.string() + " at 100% of full detail\n"), std::string::npos)
        << r.err;
}

TEST(Cli, ADegradedStillExitsThreeUnlessAllowed) {
    const fs::path terrain = terrainWithCorruptTiles();
    const fs::path out = tempDir() / "degraded.png";
    const std::string args =
        "render --view spin-boldak --size 64x64 --terrain '" + terrain.string() + "' --out '" + out.string() + "'";
    const CliRun strict = run(args);
    EXPECT_EQ(strict.exitCode, 3) << strict.err;
    EXPECT_NE(strict.err.find("drawn from coarser tiles)"), std::string::npos) << strict.err;
    EXPECT_NE(strict.err.find("frontline: error: the still is not at full detail"), std::string::npos) << strict.err;
    EXPECT_EQ(strict.err.find("at 100% of full detail"), std::string::npos) << strict.err;
    EXPECT_TRUE(fl::output::readPng(out.string()).ok()) << "the still is still written, for a person to judge";

    const CliRun allowed = run(args + " --allow-degraded");
    EXPECT_EQ(allowed.exitCode, 0) << allowed.err;
    EXPECT_NE(allowed.err.find("frontline: detail: " + out.string() + " at "), std::string::npos) << allowed.err;
}

TEST(Cli, ACameraAwayFromTheDataRendersButWarnsOfNoTerrain) {
    // 40N 58E and 31N 75E lie outside the embedded geoid crop: their altitude was NaN and both rendered the same
    // blank sky with exit 0. With the global geoid they render; the warning says the view holds no data.
    for (const char* camera : {"40,58,5000,0,-30", "31,75,5000,0,-30"}) {
        const fs::path out = tempDir() / "away.png";
        const CliRun r = run("render --camera " + std::string(camera) + " --size 64x64 --out '" + out.string() + "'");
        EXPECT_EQ(r.exitCode, 0) << r.err;
        EXPECT_NE(r.err.find("frontline: warning: " + out.string() + " shows no terrain data"), std::string::npos)
            << camera << ": " << r.err;
    }
    const CliRun onData = run("render --view spin-boldak --size 64x64 --out '" + (tempDir() / "on.png").string() + "'");
    ASSERT_EQ(onData.exitCode, 0) << onData.err;
    EXPECT_EQ(onData.err.find("shows no terrain data"), std::string::npos) << onData.err;
}

TEST(Cli, CountsAndIndicesTooLargeForAnIntAreUsageErrors) {
    // Casting 1e10 to int is undefined behaviour (UBSan, fuzz_cli_args): refused before the cast.
    expectOneLineError(run("window --frames 1e10"), 2, "--frames: '1e10' is not a frame count");
    expectOneLineError(run("render --device 1e10"), 2, "--device: '1e10' is not a device index");
    expectOneLineError(run("render --device -1e300"), 2, "--device: '-1e300'");
}

TEST(Cli, HelpNamesEveryCommandAndBenchmark) {
    const CliRun top = run("--help");
    EXPECT_EQ(top.exitCode, 0) << top.err;
    for (const char* word :
         {"window", "render", "views", "devices", "tiles", "story", "bench streaming", "bench terrain",
          "bench overlays", "bench story", "bench soak", "--story FILE", "--log-frames"})
        EXPECT_NE(top.out.find(word), std::string::npos) << "`frontline --help` lacks " << word << "\n" << top.out;
    const CliRun bench = run("bench --help");
    EXPECT_EQ(bench.exitCode, 0) << bench.err;
    for (const char* word : {"bench streaming", "bench terrain", "bench overlays", "bench story", "bench soak"})
        EXPECT_NE(bench.out.find(word), std::string::npos) << "`frontline bench --help` lacks " << word;
}
