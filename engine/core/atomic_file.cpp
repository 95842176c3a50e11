#include "core/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

namespace fl {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempMarker = ".frontline-tmp-";

// ".region.pmtiles.frontline-tmp-": hidden, and marked as ours so that cleaning never touches another file.
std::string tempPrefix(const fs::path& target) {
    std::string prefix(1, '.');  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "." + std::string
    return prefix.append(target.filename().string()).append(kTempMarker);
}

fs::path folderOf(const fs::path& target) {
    return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

std::string why(int err) {
    return std::strerror(err);
}

// Story saves before this module named their temporaries ".NAME.tmp-<pid>"; those left by killed saves are ours too.
std::string legacyTempPrefix(const fs::path& target) {
    std::string prefix(1, '.');
    return prefix.append(target.filename().string()).append(".tmp-");
}

// The PID in "PREFIX<pid>-<n>" (or "PREFIX<pid>" for the legacy names), or nothing when the name is not ours.
std::optional<pid_t> tempOwner(std::string_view name, std::string_view prefix, bool legacy) {
    if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
    std::string_view rest = name.substr(prefix.size());
    const size_t dash = legacy ? rest.size() : rest.find('-');
    if (dash == 0 || dash == std::string_view::npos) return std::nullopt;
    long pid = 0;
    for (char c : rest.substr(0, dash)) {
        if (c < '0' || c > '9' || pid > 1'000'000'000) return std::nullopt;
        pid = pid * 10 + (c - '0');
    }
    for (char c : rest.substr(std::min(rest.size(), dash + 1)))
        if (c < '0' || c > '9') return std::nullopt;
    return pid_t(pid);
}

bool processRuns(pid_t pid) {
    return pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH;
}

Status writeAll(int fd, std::span<const uint8_t> bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return Error{why(n < 0 ? errno : EIO)};
        done += size_t(n);
    }
    return Ok{};
}

// /dev/null, a pipe, a terminal: written as they are.
Status writeInPlace(const std::string& path, std::span<const uint8_t> bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return Error::inFile(path, "cannot write (" + why(errno) + ")");
    Status st = writeAll(fd, bytes);
    if (::close(fd) != 0 && st) st = Error{why(errno)};
    if (!st) return Error::inFile(path, "write failed (" + st.error().message + ")");
    return Ok{};
}

// The previous file's permission bits and group go to the new one: a 0600 story stays private.
void keepOwnershipAndMode(int fd, const struct stat& previous) {
    if (::fchown(fd, uid_t(-1), previous.st_gid) != 0) {
        // Not a member of the group: keep the default group rather than fail the save.
    }
    ::fchmod(fd, previous.st_mode & 07777);
}

void syncFolder(const fs::path& folder) {
    const int dfd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return;
    ::fsync(dfd);  // best effort: the rename is already atomic, this makes it durable across a power cut
    ::close(dfd);
}

}  // namespace

std::string resolveWriteTarget(const std::string& path) {
    fs::path p(path);
    for (int hops = 0; hops < 40; ++hops) {  // 40: the kernel's own limit on a chain of links
        std::error_code ec;
        if (!fs::is_symlink(fs::symlink_status(p, ec)) || ec) break;
        const fs::path next = fs::read_symlink(p, ec);
        if (ec) break;
        p = next.is_absolute() ? next : folderOf(p) / next;
    }
    return p.string();
}

size_t removeStaleTemporaries(const std::string& path) {
    const fs::path target(resolveWriteTarget(path));
    const std::string prefix = tempPrefix(target), legacy = legacyTempPrefix(target);
    size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(folderOf(target), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        auto owner = tempOwner(name, prefix, false);
        if (!owner) owner = tempOwner(name, legacy, true);
        if (!owner || processRuns(*owner)) continue;
        std::error_code ignored;
        if (fs::remove(it->path(), ignored)) ++removed;
    }
    return removed;
}

Status writeFileAtomically(const std::string& path, std::span<const uint8_t> bytes) {
    const fs::path target(resolveWriteTarget(path));
    struct stat previous {};
    const bool exists = ::stat(target.c_str(), &previous) == 0;
    if (exists && !S_ISREG(previous.st_mode)) return writeInPlace(target.string(), bytes);
    removeStaleTemporaries(target.string());

    static std::atomic<unsigned> counter{0};
    const fs::path temp = folderOf(target) / (tempPrefix(target) + std::to_string(::getpid()) + "-" +
                                              std::to_string(counter.fetch_add(1)));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return Error::inFile(path, "cannot write (" + why(errno) + ")");
    if (exists) keepOwnershipAndMode(fd, previous);
    Status st = writeAll(fd, bytes);
    // The data must be on disk before the rename makes it the file, or a crash could leave an empty one.
    if (st && ::fsync(fd) != 0) st = Error{why(errno)};
    if (::close(fd) != 0 && st) st = Error{why(errno)};
    if (st && std::rename(temp.c_str(), target.c_str()) != 0) st = Error{"cannot replace: " + why(errno)};
    if (!st) {
        ::unlink(temp.c_str());
        return Error::inFile(path, "write failed (" + st.error().message + "); the previous file is unchanged");
    }
    syncFolder(folderOf(target));
    return Ok{};
}

Status writeFileAtomically(const std::string& path, std::string_view text) {
    return writeFileAtomically(path, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace fl
