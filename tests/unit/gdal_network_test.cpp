// A DEM input opens with elevation raster drivers only, and reaches the network only when the user allowed it:
// a VRT given to `tiles build` made HTTP requests (to 127.0.0.1) and read /etc/passwd as a source.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "net/loopback_server.h"
#include "terrain/dem.h"
#include "terrain/gdal_network.h"
#include "terrain/tile_warp.h"

namespace fs = std::filesystem;
using namespace fl::terrain;

namespace {

const std::string kDem = std::string(FRONTLINE_SOURCE_DIR) + "/assets/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";

class GdalInputs : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("frontline-gdal-net-" + std::to_string(::getpid()));
        fs::create_directories(m_dir / "served");
        fs::copy_file(kDem, m_dir / "served" / "dem.tif", fs::copy_options::overwrite_existing);
        m_server = std::make_unique<fl::net::LoopbackHttpServer>((m_dir / "served").string());
        ASSERT_TRUE(m_server->ok());
        setGdalNetworkAllowed(false);
    }
    void TearDown() override {
        setGdalNetworkAllowed(false);
        m_server.reset();
        fs::remove_all(m_dir);
    }

    // A VRT of one band whose source is `source` (a file name or URL as it would appear inside the VRT).
    std::string vrtWithSource(const std::string& name, const std::string& source) {
        const fs::path p = m_dir / name;
        std::ofstream(p) << R"(<VRTDataset rasterXSize="16" rasterYSize="16">
  <SRS>EPSG:4326</SRS>
  <GeoTransform>65.0, 0.01, 0, 32.0, 0, -0.01</GeoTransform>
  <VRTRasterBand dataType="Int16" band="1">
    <SimpleSource><SourceFilename relativeToVRT="0">)"
                         << source << R"(</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand>
</VRTDataset>
)";
        return p.string();
    }

    fs::path m_dir;
    std::unique_ptr<fl::net::LoopbackHttpServer> m_server;
};

}  // namespace

TEST(GdalNetwork, RemoteInputsAreRecognised) {
    EXPECT_TRUE(isRemoteGdalInput("https://example.org/dem.tif"));
    EXPECT_TRUE(isRemoteGdalInput("HTTP://example.org/dem.tif"));
    EXPECT_TRUE(isRemoteGdalInput("/vsicurl/https://example.org/dem.tif"));
    EXPECT_TRUE(isRemoteGdalInput("/vsis3/bucket/dem.tif"));
    EXPECT_TRUE(isRemoteGdalInput("s3://bucket/dem.tif"));
    EXPECT_FALSE(isRemoteGdalInput("/data/dem.tif"));
    EXPECT_FALSE(isRemoteGdalInput("/vsizip/dem.zip/dem.tif"));
    EXPECT_FALSE(isRemoteGdalInput("dem_https.tif"));
}

TEST_F(GdalInputs, AVrtWithAVsicurlSourceMakesNoRequestUnlessAllowed) {
    const std::string vrt = vrtWithSource("curl.vrt", "/vsicurl/" + m_server->url("/dem.tif"));
    auto warper = TileWarper::open({vrt});
    auto dem = loadDem(vrt);
    EXPECT_FALSE(dem.ok());
    if (warper) {  // the VRT itself may open; reading its pixels must not reach the server
        (void)(*warper)->info();
    }
    EXPECT_EQ(m_server->totalRequests(), 0u) << "GDAL reached the network from inside a file";

    setGdalNetworkAllowed(true);
    auto allowed = loadDem(vrt);
    EXPECT_TRUE(allowed.ok()) << allowed.error().message;
    EXPECT_GT(m_server->totalRequests(), 0u) << "with --allow-network the VRT's source is read";
}

TEST_F(GdalInputs, AVrtWithAnHttpSourceMakesNoRequest) {
    // Without /vsicurl/, GDAL hands an http:// name to its HTTP driver, which fetches through CPLHTTPFetch.
    const std::string vrt = vrtWithSource("http.vrt", m_server->url("/dem.tif"));
    auto dem = loadDem(vrt);
    EXPECT_FALSE(dem.ok());
    EXPECT_EQ(m_server->totalRequests(), 0u) << "GDAL reached the network from inside a file";
}

TEST_F(GdalInputs, ARemoteInputIsRefusedByNameWhileTheNetworkIsOff) {
    auto dem = loadDem(m_server->url("/dem.tif"));
    ASSERT_FALSE(dem.ok());
    EXPECT_NE(dem.error().message.find(m_server->url("/dem.tif") + ": is read over the network"), std::string::npos)
        << dem.error().message;
    EXPECT_EQ(m_server->totalRequests(), 0u);
    // Named on the command line, a URL is the user's intent: the app turns the network on for it.
    setGdalNetworkAllowed(true);
    auto remote = loadDem(m_server->url("/dem.tif"));
    EXPECT_TRUE(remote.ok()) << remote.error().message;
}

TEST_F(GdalInputs, AVrtRawBandCannotReadAnArbitraryFile) {
    const fs::path p = m_dir / "raw.vrt";
    std::ofstream(p) << R"(<VRTDataset rasterXSize="8" rasterYSize="8">
  <SRS>EPSG:4326</SRS>
  <GeoTransform>65.0, 0.01, 0, 32.0, 0, -0.01</GeoTransform>
  <VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">
    <SourceFilename relativetoVRT="0">/etc/passwd</SourceFilename>
    <ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>8</LineOffset>
  </VRTRasterBand>
</VRTDataset>
)";
    auto dem = loadDem(p.string());
    ASSERT_FALSE(dem.ok());
    EXPECT_NE(dem.error().message.find(p.string() + ": is a VRT with a raw band"), std::string::npos)
        << dem.error().message;
    EXPECT_FALSE(TileWarper::open({p.string()}).ok());
}

TEST_F(GdalInputs, AServiceDescriptionIsNotAnElevationFile) {
    const fs::path p = m_dir / "service.xml";
    std::ofstream(p) << "<GDAL_WMS><Service name=\"TMS\"><ServerUrl>" << m_server->url("/${z}/${x}/${y}.png")
                     << "</ServerUrl></Service><DataWindow><UpperLeftX>-20037508.34</UpperLeftX><UpperLeftY>"
                        "20037508.34</UpperLeftY><LowerRightX>20037508.34</LowerRightX><LowerRightY>-20037508.34"
                        "</LowerRightY><TileLevel>18</TileLevel><TileCountX>1</TileCountX><TileCountY>1</TileCountY>"
                        "</DataWindow><Projection>EPSG:3857</Projection></GDAL_WMS>\n";
    setGdalNetworkAllowed(true);  // even so: WMS is a service, not a DEM format
    auto dem = loadDem(p.string());
    ASSERT_FALSE(dem.ok());
    EXPECT_NE(dem.error().message.find("is a WMS dataset, not an elevation file format"), std::string::npos)
        << dem.error().message;
    auto warper = TileWarper::open({p.string()});
    ASSERT_FALSE(warper.ok());
    EXPECT_NE(warper.error().message.find("is a WMS dataset"), std::string::npos) << warper.error().message;
    EXPECT_EQ(m_server->totalRequests(), 0u);
}

TEST_F(GdalInputs, LocalDemsStillOpen) {
    EXPECT_TRUE(loadDem(kDem).ok());
    EXPECT_TRUE(TileWarper::open({kDem}).ok());
}
