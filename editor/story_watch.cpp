#include "story_watch.h"

#include <sys/stat.h>

namespace fl::app {

StoryWatch::StoryWatch(std::string path) : m_path(std::move(path)), m_seen(stamp()) {}

std::optional<StoryWatch::Stamp> StoryWatch::stamp() const {
    struct stat st {};
    if (::stat(m_path.c_str(), &st) != 0) return std::nullopt;  // mid-rename or deleted: wait for it
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(m_path, ec);
    if (ec) return std::nullopt;
    return Stamp{time, static_cast<uintmax_t>(st.st_size), static_cast<uint64_t>(st.st_ino)};
}

std::optional<Result<document::Document>> StoryWatch::poll(std::chrono::milliseconds interval) {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastPoll < interval) return std::nullopt;
    m_lastPoll = now;
    const std::optional<Stamp> current = stamp();
    if (!current || current == m_seen) return std::nullopt;
    m_seen = current;
    return document::Document::load(m_path);
}

}  // namespace fl::app
