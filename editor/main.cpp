// frontline — the application: interactive window (the editor grows here), headless renders, tools.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "commands.h"
#include "gpu/check.h"
#include "terrain/gdal_network.h"

int main(int argc, char** argv) {
    using namespace fl::app;
    std::vector<std::string> args(argv + 1, argv + argc);
    // Before anything opens a file: a raster must not reach the network unless the user asked (README).
    fl::terrain::setGdalNetworkAllowed(commandLineAllowsNetwork(args));
    auto cmd = parseCommandLine(args);
    if (!cmd) {
        printError(cmd.error().message);
        return kExitUsage;
    }
    try {
        const std::string& name = cmd->name;
        if (name == "help") {
            std::fputs(usage().c_str(), stdout);
            return kExitOk;
        }
        if (name == "views") return runListViews();
        if (name == "devices") return runListDevices();
        if (name == "render") return runRender(*cmd);
        if (name == "record") return runRecord(*cmd);
        if (name == "window") return runWindow(*cmd);
        if (name == "tiles") return runTiles(*cmd);
        if (name == "bench" && !cmd->rest.empty() && cmd->rest[0] == "record")
            return runBenchRecord(*cmd, std::vector<std::string>(cmd->rest.begin() + 1, cmd->rest.end()));
        if (name == "bench") return runBench(*cmd);
        if (name == "story") return runStory(*cmd);
        // No command: the window where there is a display, otherwise every named view as a PNG.
        const char* display = std::getenv("DISPLAY");
        if (display && *display) return runWindow(*cmd);
        return runRenderAllViews(*cmd);
    } catch (const fl::gpu::VulkanError& e) {
        printError(std::string("Vulkan: ") + e.what());
        return kExitError;
    } catch (const std::exception& e) {
        printError(e.what());
        return kExitError;
    }
}
