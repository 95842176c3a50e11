#include "terrain/gdal_support.h"

#include <gdal.h>

#include <algorithm>
#include <mutex>

namespace fl::terrain {

void registerGdalDrivers() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
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

double metresPerHeightUnit(std::string_view unit) {
    if (unit == "ft" || unit == "foot" || unit == "feet" || unit == "international foot") return 0.3048;
    if (unit == "US survey foot" || unit == "ftUS" || unit == "us-ft") return 1200.0 / 3937.0;
    return 1.0;
}

std::string withGdal(const std::string& what, const GdalErrorCapture& gdal) {
    return gdal.message().empty() ? what : what + " (GDAL: " + gdal.message() + ")";
}

}  // namespace fl::terrain
