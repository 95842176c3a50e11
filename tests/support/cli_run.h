// tests/support/cli_run.h — running the `frontline` executable as a user does, for the CLI tests.
// Owns: a per-process scratch folder, one run with its exit code and captured output, and the check every
// error must pass (exit code, exactly one line "frontline: error: ...", naming the file or argument).
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fl::testing {

struct CliRun {
    int exitCode = -1;
    std::string out, err;
};

// A folder of this test process (ctest runs each test as its own process, so they never share one).
inline std::filesystem::path tempDir() {
    const auto d = std::filesystem::temp_directory_path() / ("frontline-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
}

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs FRONTLINE_EXE through the shell; `env` goes to env(1) first (e.g. "-u X Y=1").
inline CliRun runFrontline(const std::string& args, const std::string& env = "") {
    const auto d = tempDir();
    const std::string cmd = "env " + env + " '" + std::string(FRONTLINE_EXE) + "' " + args + " >'" +
                            (d / "out.txt").string() + "' 2>'" + (d / "err.txt").string() + "'";
    const int status = std::system(cmd.c_str());
    CliRun r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(d / "out.txt");
    r.err = slurp(d / "err.txt");
    return r;
}

inline void expectOneLineError(const CliRun& r, int code, const std::string& mention) {
    EXPECT_EQ(r.exitCode, code) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("frontline: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << "expected '" << mention << "' in: " << r.err;
}

}  // namespace fl::testing
