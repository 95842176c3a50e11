// libFuzzer target: arbitrary bytes as a `frontline` command line (arguments split at '\n'), through the main
// argument grammar (editor/cli.cpp). Must never crash or hit undefined behaviour (UBSan found `--frames 1e10`
// and `--device 1e10` casting out-of-range doubles to int); any Result is fine, and what parses must be sane.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string> args(1);
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == '\n') {
            args.emplace_back();
            if (args.size() > 64) break;
        } else {
            args.back().push_back(char(data[i]));
        }
    }
    auto cmd = fl::app::parseCommandLine(args);
    if (cmd) {
        if (cmd->window.frames < 0 || cmd->common.deviceIndex < -1) std::abort();
        if (cmd->render.size.width <= 0 || cmd->render.size.height <= 0) std::abort();
    }
    (void)fl::app::commandLineAllowsNetwork(args);
    return 0;
}
