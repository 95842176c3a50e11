// terrain/gdal_support.h — what every GDAL-backed reader shares (internal to the engine).
// Owns: one-time driver registration and the scoped capture of GDAL's error messages, so readers report
// GDAL's reasons inside our one-line Error instead of GDAL printing to stderr. Include from .cpp only.
#pragma once

#include <cpl_error.h>

#include <string>
#include <string_view>

namespace fl::terrain {

// GDALAllRegister once, with GDAL's network file systems and HTTP fetches gated (gdal_network.h).
void registerGdalDrivers();

// The drivers a DEM input may be opened with (GDALOpenEx's allowed list): raster elevation formats only.
const char* const* demRasterDrivers();
// Why `path` cannot be opened as a DEM before GDAL is asked: "is read over the network, …" while the network is
// off (gdal_network.h); empty when it may be tried.
std::string demInputRefusal(const std::string& path);
// The name GDAL opens `path` by: "/vsicurl/" before an http(s) or ftp URL (read by ranges, with the network gate,
// rather than by GDAL's HTTP driver, which downloads whole files and is not a DEM driver), else `path`.
std::string gdalName(const std::string& path);
// Whether GDAL identifies `path` only with a driver outside demRasterDrivers(), e.g. WMS: its short name, else empty.
std::string foreignDriver(const std::string& path);

// GDAL prints to stderr by default. Its handler stack is per thread, so a scoped push keeps loads on other
// threads unaffected, and GDAL's messages end up in our Error instead of the console.
class GdalErrorCapture {
public:
    GdalErrorCapture() { CPLPushErrorHandlerEx(&GdalErrorCapture::handle, this); }
    ~GdalErrorCapture() { CPLPopErrorHandler(); }
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;

    bool failed() const { return !m_firstFailure.empty(); }
    // The first failure usually names the cause (e.g. a libtiff read error), the last one what GDAL gave up
    // on; with no failure, the last warning.
    std::string message() const {
        if (m_firstFailure.empty()) return m_warning;
        return m_lastFailure == m_firstFailure ? m_firstFailure : m_firstFailure + "; " + m_lastFailure;
    }

private:
    static void CPL_STDCALL handle(CPLErr level, CPLErrorNum, const char* text);

    std::string m_firstFailure, m_lastFailure, m_warning;
};

// Metres per unit for a band's unit type; US DEMs (NED, some LiDAR) ship heights in feet.
double metresPerHeightUnit(std::string_view unit);

// "what (GDAL: reason)" when GDAL said something, else just "what".
std::string withGdal(const std::string& what, const GdalErrorCapture& gdal);

}  // namespace fl::terrain
