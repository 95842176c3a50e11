// tests/support/golden.h — golden-image comparison shared by the GPU tests.
// Owns: where goldens live (tests/golden/<name>.png), the tolerance every golden test uses, writing
// <name>_actual.png beside a golden that does not match, and FRONTLINE_UPDATE_GOLDEN=1 to rewrite them
// (deliberately: look at the result before committing).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "output/image.h"

namespace fl::testing {

// Tolerance: lavapipe is deterministic on one machine, but LLVM versions and CPU features can move edges by
// a pixel; a wrong colour ramp, camera, light or missing layer changes far more than this.
inline void expectMatchesGolden(const output::ImageRgba8& image, const std::string& name) {
    const std::string golden = std::string(FRONTLINE_SOURCE_DIR) + "/tests/golden/" + name + ".png";
    const std::string actual = std::string(FRONTLINE_SOURCE_DIR) + "/tests/golden/" + name + "_actual.png";
    const char* update = std::getenv("FRONTLINE_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        ASSERT_TRUE(output::writePng(golden, image).ok());
        GTEST_SKIP() << "golden image rewritten: " << golden;
    }
    auto expected = output::readPng(golden);
    ASSERT_TRUE(expected.ok()) << expected.error().message;
    const output::ImageDiff diff = output::compareImages(image, *expected, 24);
    const bool ok = diff.sameSize && diff.fractionOver < 0.005 && diff.meanAbsDiff < 1.5;
    if (!ok)
        (void)output::writePng(actual, image);
    else
        std::filesystem::remove(actual);
    EXPECT_TRUE(ok) << name << ": mean abs diff " << diff.meanAbsDiff << ", " << diff.fractionOver * 100
                    << " % of pixels over threshold, max " << diff.maxDiff << "; wrote " << actual;
}

}  // namespace fl::testing
