#include "core/log.h"

#include <atomic>
#include <mutex>

namespace fl::log {
namespace {
std::atomic<Level> g_level{Level::Info};
std::mutex g_mutex;
}  // namespace

void setLevel(Level l) {
    g_level = l;
}
Level level() {
    return g_level;
}

void write(Level l, std::string_view message) {
    if (l < g_level.load()) return;
    static constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
    std::lock_guard lock(g_mutex);
    std::fprintf(stderr, "[%s] %.*s\n", kNames[static_cast<int>(l)], static_cast<int>(message.size()), message.data());
}

}  // namespace fl::log
