#include "terrain/gdal_support.h"

#include <cpl_http.h>
#include <cpl_vsi_virtual.h>
#include <gdal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>

#include "terrain/gdal_network.h"

namespace fl::terrain {

namespace {

std::atomic<bool> g_networkAllowed{false};

// GDAL's network file systems. Each is wrapped by a gate that refuses while the network is off.
constexpr const char* kNetworkPrefixes[] = {"/vsicurl/",
                                            "/vsicurl_streaming/",
                                            "/vsis3/",
                                            "/vsis3_streaming/",
                                            "/vsigs/",
                                            "/vsigs_streaming/",
                                            "/vsiaz/",
                                            "/vsiaz_streaming/",
                                            "/vsiadls/",
                                            "/vsioss/",
                                            "/vsioss_streaming/",
                                            "/vsiswift/",
                                            "/vsiswift_streaming/",
                                            "/vsiwebhdfs/",
                                            "/vsihdfs/"};

constexpr const char* kRefusal = "network access from inside a file is off (frontline --allow-network turns it on)";

// Delegates to GDAL's own handler while the network is allowed; otherwise every read-side call fails with a
// message that says why. Writes are not ours to allow: the base class refuses them.
class NetworkGate final : public VSIFilesystemHandler {
public:
    explicit NetworkGate(VSIFilesystemHandler* inner) : m_inner(inner) {}

    VSIVirtualHandle* Open(const char* name, const char* access, bool setError, CSLConstList options) override {
        if (!allowed(setError)) return nullptr;
        return m_inner->Open(name, access, setError, options);
    }
    int Stat(const char* name, VSIStatBufL* buf, int flags) override {
        if (!allowed((flags & VSI_STAT_SET_ERROR_FLAG) != 0)) return -1;
        return m_inner->Stat(name, buf, flags);
    }
    char** ReadDirEx(const char* name, int maxFiles) override {
        return allowed(false) ? m_inner->ReadDirEx(name, maxFiles) : nullptr;
    }
    char** SiblingFiles(const char* name) override { return allowed(false) ? m_inner->SiblingFiles(name) : nullptr; }
    const char* GetActualURL(const char* name) override {
        return allowed(false) ? m_inner->GetActualURL(name) : nullptr;
    }
    int IsCaseSensitive(const char* name) override { return m_inner->IsCaseSensitive(name); }

private:
    static bool allowed(bool setError) {
        if (g_networkAllowed) return true;
        if (setError) CPLError(CE_Failure, CPLE_AppDefined, "%s", kRefusal);
        return false;
    }
    VSIFilesystemHandler* m_inner;
};

// GDAL's own HTTP fetches (the HTTP, WMS and WCS drivers, and http:// names inside files): refused the same way.
// Returning nullptr hands the request on to GDAL's usual fetch.
CPLHTTPResult* gateHttpFetch(const char*, CSLConstList, GDALProgressFunc, void*, CPLHTTPFetchWriteFunc, void*, void*) {
    if (g_networkAllowed) return nullptr;
    auto* result = static_cast<CPLHTTPResult*>(CPLCalloc(1, sizeof(CPLHTTPResult)));
    result->nStatus = 1;
    result->pszErrBuf = CPLStrdup(kRefusal);
    CPLError(CE_Failure, CPLE_AppDefined, "%s", kRefusal);
    return result;
}

void installNetworkGates() {
    for (const char* prefix : kNetworkPrefixes) {
        VSIFilesystemHandler* inner = VSIFileManager::GetHandler(prefix);
        // GetHandler falls back to the local file system for an unknown prefix: nothing to gate then.
        if (inner && inner != VSIFileManager::GetHandler("/"))
            VSIFileManager::InstallHandler(prefix, new NetworkGate(inner));
    }
    CPLHTTPSetFetchCallback(gateHttpFetch, nullptr);
}

// A VRT "raw" band reads any file's bytes as pixels: a VRT could turn /etc/passwd into heights. GDAL 3.6 has no
// switch for it (GDAL_VRT_ENABLE_RAWRASTERBAND came later), so the VRT's text is looked at first. A VRT nested
// inside a VRT is not followed: the lead's note in the report says so.
bool isVrtWithRawBand(const std::string& path) {
    VSILFILE* f = VSIFOpenL(path.c_str(), "rb");
    if (!f) return false;
    std::string text(1 << 16, '\0');
    std::string all;
    constexpr size_t kMaxVrtBytes = size_t(64) << 20;
    for (size_t n; all.size() < kMaxVrtBytes && (n = VSIFReadL(text.data(), 1, text.size(), f)) > 0;)
        all.append(text.data(), n);
    VSIFCloseL(f);
    return all.find("<VRTDataset") != std::string::npos && all.find("VRTRawRasterBand") != std::string::npos;
}

}  // namespace

void setGdalNetworkAllowed(bool allowed) {
    g_networkAllowed = allowed;
}

bool gdalNetworkAllowed() {
    return g_networkAllowed;
}

bool isRemoteGdalInput(std::string_view spec) {
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    const std::string s = lower(spec.substr(0, 32));
    for (const char* prefix : kNetworkPrefixes)
        if (s.starts_with(prefix)) return true;
    for (const char* scheme : {"http://", "https://", "ftp://", "s3://", "gs://", "az://", "azure://"})
        if (s.starts_with(scheme)) return true;
    return false;
}

void registerGdalDrivers() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        installNetworkGates();
    });
}

const char* const* demRasterDrivers() {
    // Elevation file formats only: no services (HTTP, WMS, WCS, WMTS, EEDAI…), no databases, no images that
    // are not heights by nature. VRT stays: mosaics of tiles are how DEMs ship; its sources are opened by GDAL
    // with every raster driver, which is why the network gate above does not depend on this list.
    static const char* const kDrivers[] = {
        "GTiff",   "COG",   "VRT",    "SRTMHGT", "AAIGrid", "GSAG", "GSBG", "GS7BG", "EHdr",        "ENVI", "HFA",
        "USGSDEM", "DTED",  "netCDF", "BT",      "SAGA",    "ERS",  "XYZ",  "PNG",   "JP2OpenJPEG", "GPKG", "NITF",
        "RST",     "ISIS3", "PDS4",   "KEA",     "HDF5",    "Zarr", "GTX",  nullptr};  // GTX: PROJ's geoid grids
    return kDrivers;
}

void CPL_STDCALL GdalErrorCapture::handle(CPLErr level, CPLErrorNum, const char* text) {
    auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    if (!self || !text || level == CE_Debug || level == CE_None) return;
    std::string line(text);
    std::replace(line.begin(), line.end(), '\n', ' ');  // error messages are one line
    if (level == CE_Warning) {
        self->m_warning = std::move(line);
    } else {
        if (self->m_firstFailure.empty()) self->m_firstFailure = line;
        self->m_lastFailure = std::move(line);
    }
}

std::string demInputRefusal(const std::string& path) {
    if (isRemoteGdalInput(path) && !gdalNetworkAllowed())
        return "is read over the network, which is off for files named inside other files (a URL on the command "
               "line, or --allow-network, turns it on)";
    if (!isRemoteGdalInput(path) && isVrtWithRawBand(path))
        return "is a VRT with a raw band (VRTRawRasterBand), which reads any file's bytes as heights; not opened";
    return {};
}

std::string gdalName(const std::string& path) {
    for (const char* scheme : {"http://", "https://", "ftp://"})
        if (path.rfind(scheme, 0) == 0) return "/vsicurl/" + path;
    return path;
}

std::string foreignDriver(const std::string& path) {
    if (GDALIdentifyDriverEx(path.c_str(), GDAL_OF_RASTER, demRasterDrivers(), nullptr)) return {};
    GDALDriverH any = GDALIdentifyDriverEx(path.c_str(), GDAL_OF_RASTER, nullptr, nullptr);
    return any ? GDALGetDriverShortName(any) : "";
}

double metresPerHeightUnit(std::string_view unit) {
    if (unit == "ft" || unit == "foot" || unit == "feet" || unit == "international foot") return 0.3048;
    if (unit == "US survey foot" || unit == "ftUS" || unit == "us-ft") return 1200.0 / 3937.0;
    return 1.0;
}

std::string withGdal(const std::string& what, const GdalErrorCapture& gdal) {
    return gdal.message().empty() ? what : what + " (GDAL: " + gdal.message() + ")";
}

}  // namespace fl::terrain
