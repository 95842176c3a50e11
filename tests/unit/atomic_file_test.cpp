// Outputs are replaced atomically: a write killed at any moment leaves the previous file whole, the temporaries a
// killed run left are removed by the next, and a save keeps the file's mode and writes through its symlink.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/atomic_file.h"
#include "output/image.h"
#include "story/story.h"
#include "terrain/pmtiles.h"

namespace fs = std::filesystem;

namespace {

class AtomicFile : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("frontline-atomic-" + std::to_string(::getpid()));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::string read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
    size_t entries() {
        size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(m_dir)) ++n;
        return n;
    }

    // Runs `work` in a child whose files may not grow past `limit` bytes: the kernel kills it with SIGXFSZ in the
    // middle of its write, as kill -9 would at an unlucky moment. Returns whether it was killed so.
    static bool killedMidWrite(size_t limit, const std::function<void()>& work) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            const rlimit r{limit, limit};
            ::setrlimit(RLIMIT_FSIZE, &r);
            work();
            ::_exit(0);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ;
    }

    fs::path m_dir;
};

fl::output::ImageRgba8 noiseImage(int w, int h) {
    fl::output::ImageRgba8 img;
    img.width = w;
    img.height = h;
    img.pixels.resize(size_t(w) * h * 4);
    uint32_t x = 12345;
    for (auto& p : img.pixels) {
        x = x * 1664525u + 1013904223u;
        p = uint8_t(x >> 24);
    }
    return img;
}

}  // namespace

TEST_F(AtomicFile, AWriteKilledHalfwayLeavesThePreviousFileAndTheNextRunRemovesItsTemporary) {
    const fs::path target = m_dir / "out.txt";
    write(target, "previous");
    ASSERT_TRUE(
        killedMidWrite(1000, [&] { (void)fl::writeFileAtomically(target.string(), std::string(100000, 'x')); }));
    EXPECT_EQ(read(target), "previous");
    EXPECT_EQ(entries(), 2u) << "the killed write's temporary is still there";

    ASSERT_TRUE(fl::writeFileAtomically(target.string(), std::string_view("next")).ok());
    EXPECT_EQ(read(target), "next");
    EXPECT_EQ(entries(), 1u) << "the next write removed the dead process's temporary";
}

TEST_F(AtomicFile, CleaningRemovesOnlyTemporariesOfOursWhoseProcessIsGone) {
    const fs::path target = m_dir / "story.json";
    write(target, "{}");
    write(m_dir / ".story.json.frontline-tmp-1-0", "init's: pid 1 runs");        // a live process: kept
    write(m_dir / ".story.json.frontline-tmp-999999999-3", "dead");              // no such process: removed
    write(m_dir / ".story.json.tmp-999999999", "dead, named by an older save");  // removed
    write(m_dir / ".story.json.frontline-tmp-x-1", "not our pattern");           // kept
    write(m_dir / ".other.json.frontline-tmp-999999999-0", "another target's");  // kept
    write(m_dir / "story.json.tmp", "the user's own file");                      // kept
    EXPECT_EQ(fl::removeStaleTemporaries(target.string()), 2u);
    EXPECT_TRUE(fs::exists(m_dir / ".story.json.frontline-tmp-1-0"));
    EXPECT_FALSE(fs::exists(m_dir / ".story.json.frontline-tmp-999999999-3"));
    EXPECT_FALSE(fs::exists(m_dir / ".story.json.tmp-999999999"));
    EXPECT_EQ(entries(), 5u);
}

TEST_F(AtomicFile, KeepsTheModeOfTheFileItReplaces) {
    const fs::path target = m_dir / "private.json";
    write(target, "secret");
    ASSERT_EQ(::chmod(target.c_str(), 0600), 0);
    ASSERT_TRUE(fl::writeFileAtomically(target.string(), std::string_view("still secret")).ok());
    struct stat st {};
    ASSERT_EQ(::stat(target.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(read(target), "still secret");
}

TEST_F(AtomicFile, WritesThroughASymlinkToItsTarget) {
    fs::create_directories(m_dir / "real");
    const fs::path real = m_dir / "real" / "story.json";
    write(real, "old");
    const fs::path link = m_dir / "link.json";
    fs::create_symlink("real/story.json", link);
    ASSERT_TRUE(fl::writeFileAtomically(link.string(), std::string_view("new")).ok());
    EXPECT_TRUE(fs::is_symlink(link)) << "the link stays a link";
    EXPECT_EQ(read(real), "new");
    size_t inReal = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(m_dir / "real")) ++inReal;
    EXPECT_EQ(inReal, 1u) << "the temporary was made beside the target, and renamed";
}

TEST_F(AtomicFile, ADeviceIsWrittenInPlace) {
    EXPECT_TRUE(fl::writeFileAtomically("/dev/null", std::string_view("discarded")).ok());
}

TEST_F(AtomicFile, ErrorsNameTheFileAndSayThePreviousIsUnchanged) {
    const fs::path target = m_dir / "missing" / "out.png";
    auto r = fl::writeFileAtomically(target.string(), std::string_view("x"));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find(target.string() + ": cannot write"), std::string::npos) << r.error().message;
}

TEST_F(AtomicFile, ARenderKilledWhileWritingItsPngLeavesThePreviousPng) {
    const fs::path target = m_dir / "still.png";
    ASSERT_TRUE(fl::output::writePng(target.string(), noiseImage(64, 64)).ok());
    const std::string before = read(target);
    ASSERT_TRUE(killedMidWrite(4096, [&] { (void)fl::output::writePng(target.string(), noiseImage(256, 256)); }));
    EXPECT_EQ(read(target), before);
    auto again = fl::output::readPng(target.string());
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->width, 64);
}

TEST_F(AtomicFile, ATilesBuildKilledWhileWritingLeavesThePreviousArchive) {
    const fs::path target = m_dir / "region.pmtiles";
    auto archive = [](size_t tiles) {
        fl::terrain::PmtilesWriter w;
        for (size_t i = 0; i < tiles; ++i)
            w.addTile({4, uint32_t(i % 16), uint32_t(i / 16)}, std::vector<uint8_t>(900, uint8_t(i)));
        return w;
    };
    ASSERT_TRUE(archive(4).finish(target.string(), {}).ok());
    const std::string before = read(target);
    ASSERT_TRUE(killedMidWrite(8192, [&] { (void)archive(200).finish(target.string(), {}); }));
    EXPECT_EQ(read(target), before);
    EXPECT_FALSE(fs::exists(m_dir / "region.pmtiles.tmp"));
    ASSERT_TRUE(archive(8).finish(target.string(), {}).ok());
    EXPECT_EQ(entries(), 1u) << "no temporary left after the next build";
}

TEST_F(AtomicFile, AStorySaveKeepsModeAndSymlink) {
    const fs::path real = m_dir / "story.json";
    fl::story::Story story;
    story.title = "T";
    ASSERT_TRUE(fl::story::saveStory(story, real.string()).ok());
    ASSERT_EQ(::chmod(real.c_str(), 0600), 0);
    const fs::path link = m_dir / "current.json";
    fs::create_symlink("story.json", link);
    story.title = "U";
    ASSERT_TRUE(fl::story::saveStory(story, link.string()).ok());
    EXPECT_TRUE(fs::is_symlink(link));
    struct stat st {};
    ASSERT_EQ(::stat(real.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_NE(read(real).find("\"U\""), std::string::npos);
}
