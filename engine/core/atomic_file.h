// core/atomic_file.h — writing an output so that the file is always either the previous one or the new one.
// Owns: the temporary beside the target and its rename, keeping the target's mode and symlinks, and removing the
// temporaries that a killed run of ours left behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace fl {

// The file a write to `path` replaces: `path` itself, or the end of its chain of symbolic links (so a save through
// a link updates what it points to and the link stays a link).
std::string resolveWriteTarget(const std::string& path);

// Writes `bytes` to a temporary ".NAME.frontline-tmp-PID-N" in the target's folder (same file system, so the rename
// is atomic), syncs it, gives it the previous file's mode, and renames it over the target. A process killed at any
// moment leaves the previous file whole. Errors name `path`. A target that exists and is not a regular file
// (/dev/null, a pipe) is written in place: there is nothing to rename over.
Status writeFileAtomically(const std::string& path, std::span<const uint8_t> bytes);
Status writeFileAtomically(const std::string& path, std::string_view text);

// Removes the temporaries of `path` (after resolving its links) that processes no longer running left behind;
// never anyone else's file. writeFileAtomically calls it first. Returns how many it removed.
size_t removeStaleTemporaries(const std::string& path);

}  // namespace fl
