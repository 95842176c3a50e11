#include "core/paths.h"

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

}  // namespace fl::paths
