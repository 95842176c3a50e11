#include "record/job_script.h"

#include <filesystem>

#include "core/atomic_file.h"

namespace fl::record {

namespace {

// Single-quoted for a POSIX shell: what is inside is taken literally.
std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A YAML single-quoted scalar.
std::string yamlQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string slurm(const FrameRange& f, int chunk, const std::string& exe, const std::vector<std::string>& args,
                  const std::string& logDir) {
    const int64_t tasks = (f.count() + chunk - 1) / chunk;
    std::string cmd = shellQuote(exe);
    for (const std::string& a : args) cmd += " " + shellQuote(a);
    return "#!/bin/bash\n"
           "# Written by `frontline record --job slurm`: one array task per " +
           std::to_string(chunk) +
           " frames. Submit with `sbatch` on the machine\n"
           "# that holds the output folder (or a shared file system). Each task resumes: a requeued task skips the\n"
           "# frames already complete.\n"
           "#SBATCH --job-name=frontline-record\n"
           "#SBATCH --array=0-" +
           std::to_string(tasks - 1) +
           "\n"
           "#SBATCH --output=" +
           logDir +
           "/frontline-record-%A_%a.log\n"
           "set -euo pipefail\n"
           "FIRST=" +
           std::to_string(f.first) + " LAST=" + std::to_string(f.last) + " CHUNK=" + std::to_string(chunk) +
           "\n"
           "A=$((FIRST + SLURM_ARRAY_TASK_ID * CHUNK))\n"
           "B=$((A + CHUNK - 1)); if [ \"$B\" -gt \"$LAST\" ]; then B=$LAST; fi\n"
           "exec " +
           cmd + " --frames \"$A-$B\" --resume\n";
}

std::string openjd(const FrameRange& f, int chunk, const std::string& exe, const std::vector<std::string>& args) {
    std::string range;
    for (const std::string& c : frameChunks(f, chunk)) range += (range.empty() ? "" : ", ") + yamlQuote(c);
    std::string argList;
    for (const std::string& a : args) argList += "          - " + yamlQuote(a) + "\n";
    return "# Written by `frontline record --job openjd`: an Open Job Description template (AWS Deadline Cloud runs\n"
           "# it), one task per chunk of " +
           std::to_string(chunk) +
           " frames.\n"
           "specificationVersion: 'jobtemplate-2023-09'\n"
           "name: frontline-record\n"
           "steps:\n"
           "  - name: Record\n"
           "    parameterSpace:\n"
           "      taskParameterDefinitions:\n"
           "        - name: Frames\n"
           "          type: STRING\n"
           "          range: [" +
           range +
           "]\n"
           "    script:\n"
           "      actions:\n"
           "        onRun:\n"
           "          command: " +
           yamlQuote(exe) +
           "\n"
           "          args:\n" +
           argList +
           "          - '--frames'\n"
           "          - '{{Task.Param.Frames}}'\n"
           "          - '--resume'\n";
}

}  // namespace

std::vector<std::string> frameChunks(const FrameRange& frames, int chunk) {
    std::vector<std::string> out;
    for (int64_t a = frames.first; a <= frames.last; a += chunk)
        out.push_back(std::to_string(a) + "-" + std::to_string(std::min(frames.last, a + chunk - 1)));
    return out;
}

Result<std::string> writeJobScript(const std::string& kind, const FrameRange& frames, int chunk, const std::string& out,
                                   const std::string& executable, const std::vector<std::string>& args) {
    namespace fs = std::filesystem;
    if (kind != "slurm" && kind != "openjd")
        return Error{"--job: unknown scheduler '" + kind + "' (known: slurm, openjd)"};
    if (chunk < 1) return Error{"--chunk: must be at least 1"};
    const bool folder = out.find('#') == std::string::npos;
    std::error_code ec;
    fs::path dir = fs::absolute(folder ? fs::path(out) : fs::path(out).parent_path(), ec);
    fs::create_directories(dir, ec);
    if (ec) return Error::inFile(dir.string(), "cannot create the output folder: " + ec.message());
    const fs::path path = dir / (kind == "slurm" ? "frontline-record.slurm.sh" : "frontline-record.openjd.yaml");
    const std::string text = kind == "slurm" ? slurm(frames, chunk, executable, args, dir.string())
                                             : openjd(frames, chunk, executable, args);
    if (Status s = writeFileAtomically(path.string(), text); !s) return s.error();
    if (kind == "slurm")
        fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add, ec);
    return path.string();
}

}  // namespace fl::record
