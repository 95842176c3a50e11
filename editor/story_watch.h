// editor/story_watch.h — live reload: the story file as an outside tool (a text editor, `story
// import-geojson` after a QGIS export) saves it.
// Owns: noticing a change of the file (time, size or inode: an atomic save renames a new file over it) and
// reading it again. A save that does not parse is reported as one line naming the file and the problem;
// the caller keeps the last good story on screen.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "document/document.h"

namespace fl::app {

class StoryWatch {
public:
    explicit StoryWatch(std::string path);
    // At most every `interval` of wall time (the watch is UI, never part of a frame): nullopt when the
    // file has not changed, else the newly read document or the error.
    std::optional<Result<document::Document>> poll(std::chrono::milliseconds interval = std::chrono::milliseconds(250));
    const std::string& path() const { return m_path; }

private:
    struct Stamp {
        std::filesystem::file_time_type time{};
        uintmax_t size = 0;
        uint64_t inode = 0;
        bool operator==(const Stamp&) const = default;
    };
    std::optional<Stamp> stamp() const;

    std::string m_path;
    std::optional<Stamp> m_seen;
    std::chrono::steady_clock::time_point m_lastPoll{};
};

}  // namespace fl::app
