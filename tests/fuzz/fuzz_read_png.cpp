// libFuzzer target: arbitrary bytes as a PNG file read by output::readPng (golden images, stills read back).
// Must never crash, hang or leak; an image that reads must have the size its pixels say, and write back.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "output/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // readPng takes a path: one file per process, rewritten for each input.
    static const std::string path = "/tmp/frontline-fuzz-read-png-" + std::to_string(::getpid()) + ".png";
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
    auto image = fl::output::readPng(path);
    if (!image) return 0;
    if (image->pixels.size() != size_t(image->width) * size_t(image->height) * 4) std::abort();
    return 0;
}
