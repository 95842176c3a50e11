#include "core/paths.h"

#include <unistd.h>

namespace fl::paths {

const char* assetDir() {
    return FRONTLINE_ASSET_DIR;
}
std::string asset(const std::string& relative) {
    return std::string(FRONTLINE_ASSET_DIR) + "/" + relative;
}
const char* builtShaderDir() {
    return FRONTLINE_SHADER_DIR;
}
const char* sampleTerrain() {
    return FRONTLINE_SAMPLE_TERRAIN;
}

std::string defaultGeoid() {
    const char* global = "/usr/share/proj/egm96_15.gtx";
    if (::access(global, R_OK) == 0) return global;
    return asset("geoid/egm96_15_afpak.tif");
}

}  // namespace fl::paths
