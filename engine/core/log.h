// core/log.h — minimal leveled logging to stderr.
// Owns: the process-wide log level. Errors meant for the user are printed by the app, not here.
#pragma once

#include <cstdio>
#include <string_view>

namespace fl::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

void setLevel(Level level);
Level level();
void write(Level level, std::string_view message);

inline void debug(std::string_view m) {
    write(Level::Debug, m);
}
inline void info(std::string_view m) {
    write(Level::Info, m);
}
inline void warn(std::string_view m) {
    write(Level::Warn, m);
}
inline void error(std::string_view m) {
    write(Level::Error, m);
}

}  // namespace fl::log
