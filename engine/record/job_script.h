// record/job_script.h — render-farm job files that split a recording by frame range.
// Owns: a Slurm array-job script (one task per chunk of frames) and an Open Job Description template (which AWS
// Deadline Cloud runs), each task running `frontline record … --frames A-B --resume`. Frontline has no farm of
// its own: the scheduler splits, and frame ranges give the same files as one run.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "record/frame_writer.h"

namespace fl::record {

// The chunks of `frames`, `chunk` frames each (the last may be shorter), as "A-B".
std::vector<std::string> frameChunks(const FrameRange& frames, int chunk);

// Writes the job file for `kind` ("slurm" or "openjd") beside the output (`out`'s folder, or the folder itself
// for a folder sequence) and returns its path. `executable`: the frontline to run (absolute); `args`: the
// record command line without --frames (each task adds its own, and --resume).
Result<std::string> writeJobScript(const std::string& kind, const FrameRange& frames, int chunk, const std::string& out,
                                   const std::string& executable, const std::vector<std::string>& args);

}  // namespace fl::record
