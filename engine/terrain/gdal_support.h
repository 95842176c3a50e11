// terrain/gdal_support.h — what every GDAL-backed reader shares (internal to the engine).
// Owns: one-time driver registration and the scoped capture of GDAL's error messages, so readers report
// GDAL's reasons inside our one-line Error instead of GDAL printing to stderr. Include from .cpp only.
#pragma once

#include <cpl_error.h>

#include <string>
#include <string_view>

namespace fl::terrain {

void registerGdalDrivers();

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
