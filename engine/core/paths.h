// core/paths.h — where the build put the assets, the compiled shaders and the sample terrain.
// Owns: the build-tree paths, compiled into one translation unit (core/paths.cpp) so that no other file's
// object code depends on where the checkout lives (a second worktree reuses every other object).
#pragma once

#include <string>

namespace fl::paths {

// The source tree's assets/ folder (DEM, geoid, vectors, fonts, stories), without a trailing slash.
const char* assetDir();
// assetDir() + "/" + relative.
std::string asset(const std::string& relative);
// The compiled SPIR-V folder of this build tree.
const char* builtShaderDir();
// The sample Kandahar pyramid the build makes from the embedded DEM.
const char* sampleTerrain();
// The geoid scenes use by default: the global EGM96 15' grid of Debian's proj-data (scripts/setup.sh installs
// it) where present, else the embedded regional crop, outside which camera altitudes cannot be placed.
std::string defaultGeoid();

}  // namespace fl::paths
