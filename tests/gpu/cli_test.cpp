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
