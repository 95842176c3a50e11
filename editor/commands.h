// editor/commands.h — the subcommands of `frontline`; each returns the process exit code.
#pragma once

#include "cli.h"

namespace fl::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // bad data, no device, failed write
inline constexpr int kExitUsage = 2;  // malformed command line
// A still was written below full detail (tiles missing, or drawn from coarser ones because they failed): a script
// that publishes on exit 0 must not publish it. `render --allow-degraded` makes it 0.
inline constexpr int kExitDegraded = 3;

int runRender(const Command& cmd);  // `frontline render`
int runRecord(const Command& cmd);  // `frontline record` (record_command.cpp)
// `frontline bench record [--json] [--quick]`: the recorder's frames per second (record_command.cpp).
int runBenchRecord(const Command& cmd, const std::vector<std::string>& args);
int runRenderAllViews(const Command& cmd);  // `frontline` without a display
int runWindow(const Command& cmd);          // `frontline window`
int runListDevices();
int runListViews();
int runTiles(const Command& cmd);  // `frontline tiles build|info ...` (tiles_command.cpp)
int runBench(const Command& cmd);  // `frontline bench streaming|terrain ...` (bench_command.cpp)
int runStory(const Command& cmd);  // `frontline story import-geojson|export-geojson|info ...` (story_command.cpp)

// Prints "frontline: error: <message>" as one line on stderr.
void printError(const std::string& message);

}  // namespace fl::app
