// `frontline tiles build` as a user runs it: an archive that opens, usage errors (exit 2), data errors (exit 1).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <gdal_priv.h>
#include <gdal_utils.h>

#include "net/loopback_server.h"
#include "output/image.h"
#include "terrain/pmtiles.h"

#include "support/cli_run.h"

namespace fs = std::filesystem;
using namespace fl::testing;

namespace {

const std::string kDemAsset = FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";

CliRun run(const std::string& args) {
    return runFrontline(args);
}

// A real SRTM tile as a user gets one: `gdal_translate -of SRTMHGT` of the embedded DEM over 31..32 N,
// 66..67 E (1201 x 1201 samples on whole 3-arc-second positions, placed by the file name alone).
std::string fixed(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.12f", v);
    return buf;
}

std::string makeSrtmTile(const fs::path& dir) {
    GDALAllRegister();
    const std::string out = (dir / "N31E066.hgt").string();
    GDALDatasetH src = GDALOpen(kDemAsset.c_str(), GA_ReadOnly);
    if (!src) return {};
    const double half = 0.5 / 1200;
    const std::string w = fixed(66 - half), n = fixed(32 + half), e = fixed(67 + half), s = fixed(31 - half);
    const char* argv[] = {"-of",     "SRTMHGT", "-r",      "bilinear", "-ot",  "Int16", "-projwin", w.c_str(),
                          n.c_str(), e.c_str(), s.c_str(), "-outsize", "1201", "1201",  nullptr};
    GDALTranslateOptions* options = GDALTranslateOptionsNew(const_cast<char**>(argv), nullptr);
    GDALDatasetH dst = GDALTranslate(out.c_str(), src, options, nullptr);
    GDALTranslateOptionsFree(options);
    const bool ok = dst != nullptr;
    if (dst) GDALClose(dst);
    GDALClose(src);
    return ok ? out : std::string{};
}

// Fraction of the image's pixels that show terrain: the arid ramp has red >= blue, the sky and the empty
// background are blue.
double terrainFraction(const std::string& png) {
    auto image = fl::output::readPng(png);
    if (!image) return -1;
    size_t ground = 0;
    for (int y = 0; y < image->height; ++y)
        for (int x = 0; x < image->width; ++x)
            if (image->at(x, y)[0] >= image->at(x, y)[2]) ++ground;
    return double(ground) / (double(image->width) * image->height);
}

// Looking straight down on the middle of N31E066 from 60 km: the tile fills the frame.
const char* kOverSrtmTile = "--camera 31.5,66.5,60000,0,-90 --story none --size 96x96";

}  // namespace

// Issue 11 finding 1: a 1 x 1 degree source has no sample in a zoom 0 or 1 tile, and the view used to start
// from those empty tiles, so it rendered sky with exit code 0.
TEST(TilesCli, SmallSrtmTileRendersDirectlyAndThroughAnArchive) {
    const fs::path dir = tempDir();
    const std::string hgt = makeSrtmTile(dir);
    ASSERT_FALSE(hgt.empty()) << "gdal_translate -of SRTMHGT failed";

    const std::string direct = (dir / "direct.png").string();
    CliRun r = run("render --terrain '" + hgt + "' " + kOverSrtmTile + " --out '" + direct + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_GT(terrainFraction(direct), 0.9) << "the .hgt opened directly draws terrain, not sky; " << r.err;

    const std::string archive = (dir / "n31e066.pmtiles").string();
    r = run("tiles build '" + hgt + "' --out '" + archive + "' --threads 2");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string built = (dir / "built.png").string();
    r = run("render --terrain '" + archive + "' " + kOverSrtmTile + " --out '" + built + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_GT(terrainFraction(built), 0.9) << "the archive built from the .hgt draws terrain; " << r.err;
}

// A source that has nothing where the camera looks says so instead of rendering an empty sky in silence.
TEST(TilesCli, SourceOutsideTheViewIsReported) {
    const fs::path dir = tempDir();
    const std::string hgt = makeSrtmTile(dir);
    ASSERT_FALSE(hgt.empty());
    const std::string out = (dir / "elsewhere.png").string();
    const CliRun r = run("render --terrain '" + hgt +
                         "' --camera 29.0,62.0,20000,0,-90 --story none --size 64x64 --out '" + out + "'");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.err.find("covers none of the view"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("N31E066.hgt"), std::string::npos) << r.err;
}

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
