// `frontline tiles info` as a user runs it: what an archive built by `tiles build` says about itself, and
// one-line errors for sources that cannot be opened (exit 1) or a malformed command line (exit 2).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/cli_run.h"

namespace fs = std::filesystem;
using namespace fl::testing;

namespace {

const std::string kDemAsset = FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";

CliRun run(const std::string& args) {
    return runFrontline(args);
}

void expectLine(const std::string& out, const std::string& line) {
    EXPECT_NE(out.find(line + "\n"), std::string::npos) << "expected the line '" << line << "' in:\n" << out;
}

}  // namespace

TEST(TilesInfoCli, DescribesAnArchiveBuiltByTilesBuild) {
    const fs::path archive = tempDir() / "small info.pmtiles";
    const CliRun build = run("tiles build '" + kDemAsset + "' --out '" + archive.string() +
                             "' --max-zoom 8 --min-zoom 2 --bbox 65.6,31.5,65.8,31.7 --synthesize-detail --threads 2");
    ASSERT_EQ(build.exitCode, 0) << build.err;

    const CliRun r = run("tiles info '" + archive.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    expectLine(r.out, "name:         " + archive.string());
    expectLine(r.out, "kind:         PMTiles archive");
    expectLine(r.out, "zooms:        2..8");
    expectLine(r.out, "encoding:     terrarium");
    expectLine(r.out, "tile size:    256 px");
    EXPECT_NE(r.out.find("synthesized:  detail from z7 "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("bounds:       65.6"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" addressed, "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("provenance:   "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("provenance:   (none)"), std::string::npos) << "tiles build records its inputs:\n" << r.out;

    // The archive says terrarium; asking for another encoding is a data error naming the archive.
    const CliRun wrong = run("tiles info '" + archive.string() + "' --encoding mapbox");
    expectOneLineError(wrong, 1, archive.filename().string());
}

TEST(TilesInfoCli, UnsynthesizedArchiveSaysNone) {
    const fs::path archive = tempDir() / "plain.pmtiles";
    const CliRun build = run("tiles build '" + kDemAsset + "' --out '" + archive.string() +
                             "' --max-zoom 5 --bbox 65.6,31.5,65.8,31.7 --threads 2");
    ASSERT_EQ(build.exitCode, 0) << build.err;
    const CliRun r = run("tiles info '" + archive.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    expectLine(r.out, "zooms:        0..5");
    expectLine(r.out, "synthesized:  none");
}

TEST(TilesInfoCli, SourcesThatDoNotOpenExit1NamingThem) {
    const fs::path dir = tempDir();
    expectOneLineError(run("tiles info '" + (dir / "nope.pmtiles").string() + "'"), 1, "nope.pmtiles");
    std::ofstream(dir / "junk.pmtiles") << "this is not a PMTiles archive, not even close to one";
    expectOneLineError(run("tiles info '" + (dir / "junk.pmtiles").string() + "'"), 1, "junk.pmtiles");
}

TEST(TilesInfoCli, UsageErrorsExit2) {
    expectOneLineError(run("tiles info"), 2, "no source");
    expectOneLineError(run("tiles info a.pmtiles b.pmtiles"), 2, "one source");
    expectOneLineError(run("tiles info a.pmtiles --frobnicate"), 2, "--frobnicate");
    expectOneLineError(run("tiles info a.pmtiles --encoding"), 2, "--encoding");
    expectOneLineError(run("tiles info a.pmtiles --encoding utf8"), 2, "--encoding");
    const CliRun help = run("tiles info --help");
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("frontline tiles info SOURCE"), std::string::npos) << help.out;
}
