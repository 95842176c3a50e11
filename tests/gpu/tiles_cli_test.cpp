// `frontline tiles build` as a user runs it: an archive that opens, usage errors (exit 2), data errors (exit 1).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "net/loopback_server.h"
#include "terrain/pmtiles.h"

#include "support/cli_run.h"

namespace fs = std::filesystem;
using namespace fl::testing;

namespace {

const std::string kDemAsset = FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";

CliRun run(const std::string& args) {
    return runFrontline(args);
}

}  // namespace

TEST(TilesCli, BuildsAnArchiveThatOpens) {
    const fs::path out = tempDir() / "kandahar small.pmtiles";
    const CliRun r = run("tiles build '" + kDemAsset + "' --out '" + out.string() +
                         "' --max-zoom 8 --min-zoom 2 --bbox 65.6,31.5,65.8,31.7 --synthesize-detail --threads 2");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("100%"), std::string::npos) << "progress is shown: " << r.err;
    auto source = fl::terrain::FileByteSource::open(out.string());
    ASSERT_TRUE(source) << source.error().message;
    auto reader = fl::terrain::PmtilesReader::open(std::move(*source));
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ(reader->header().minZoom, 2);
    EXPECT_EQ(reader->header().maxZoom, 8);
    EXPECT_NEAR(reader->header().minLon, 65.6, 1e-6);
    auto meta = reader->metadataJson();
    ASSERT_TRUE(meta);
    EXPECT_NE(meta->find("\"from_zoom\":7"), std::string::npos) << *meta;
    for (int z = 2; z <= 8; ++z) {
        auto tile = reader->getTile(fl::terrain::tileAt(31.6, 65.7, z));
        ASSERT_TRUE(tile);
        EXPECT_TRUE(tile->has_value()) << "zoom " << z;
    }
}

TEST(TilesCli, UsageErrorsExit2) {
    const std::string out = (tempDir() / "u.pmtiles").string();
    expectOneLineError(run("tiles"), 2, "missing subcommand");
    expectOneLineError(run("tiles frobnicate"), 2, "unknown subcommand");
    expectOneLineError(run("tiles build --out " + out), 2, "no input rasters");
    expectOneLineError(run("tiles build '" + kDemAsset + "'"), 2, "--out");
    expectOneLineError(run("tiles build '" + kDemAsset + "' --out " + out + " --bbox 66,30,65,31"), 2, "--bbox");
    expectOneLineError(run("tiles build '" + kDemAsset + "' --out " + out + " --bbox 65,30,nan,31"), 2, "--bbox");
    expectOneLineError(run("tiles build '" + kDemAsset + "' --out " + out + " --bbox 65,30,66"), 2, "--bbox");
    expectOneLineError(run("tiles build '" + kDemAsset + "' --out " + out + " --bbox 65,80,66,89"), 2, "--bbox");
    expectOneLineError(run("tiles build '" + kDemAsset + "' --out " + out + " --max-zoom 21"), 2, "--max-zoom");
    expectOneLineError(run("tiles build '" + kDemAsset + "' --out " + out + " --min-zoom 8 --max-zoom 5"), 2,
                       "--max-zoom");
    expectOneLineError(run("tiles build '" + kDemAsset + "' --out " + out + " --frobnicate"), 2, "--frobnicate");
    EXPECT_FALSE(fs::exists(out));
}

TEST(TilesCli, DataErrorsExit1NamingTheFile) {
    const fs::path dir = tempDir();
    const std::string out = (dir / "d.pmtiles").string();
    expectOneLineError(run("tiles build '" + (dir / "nope.tif").string() + "' --out " + out), 1, "nope.tif");
    std::ofstream(dir / "notes.txt") << "not a raster\n";
    expectOneLineError(run("tiles build '" + (dir / "notes.txt").string() + "' --out " + out), 1,
                       "notes.txt: not a raster");
    EXPECT_FALSE(fs::exists(out));
}

TEST(TilesCli, AVrtReachesTheNetworkOnlyWithAllowNetwork) {
    const fs::path served = tempDir() / "served";
    fs::create_directories(served);
    fs::copy_file(kDemAsset, served / "dem.tif", fs::copy_options::overwrite_existing);
    fl::net::LoopbackHttpServer server(served.string());
    ASSERT_TRUE(server.ok());
    const fs::path vrt = tempDir() / "remote.vrt";
    std::ofstream(vrt) << R"(<VRTDataset rasterXSize="64" rasterYSize="64"><SRS>EPSG:4326</SRS>
  <GeoTransform>65.6, 0.003, 0, 31.7, 0, -0.003</GeoTransform>
  <VRTRasterBand dataType="Int16" band="1"><SimpleSource><SourceFilename relativeToVRT="0">/vsicurl/)"
                       << server.url("/dem.tif") << R"(</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand></VRTDataset>
)";
    const fs::path out = tempDir() / "from-vrt.pmtiles";
    const std::string args = "tiles build '" + vrt.string() + "' --out '" + out.string() + "' --max-zoom 6 --threads 1";
    const CliRun refused = run(args);
    EXPECT_NE(refused.exitCode, 0) << refused.err;
    EXPECT_EQ(server.totalRequests(), 0u) << "the VRT reached the network on its own: " << refused.err;

    const CliRun allowed = run(args + " --allow-network");
    EXPECT_GT(server.totalRequests(), 0u) << allowed.err;
}
