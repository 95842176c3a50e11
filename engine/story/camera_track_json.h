// story/camera_track_json.h — the camera track's form in the story file (docs/story-format.md, "camera").
// Owns: reading it strictly (an unknown key or a value out of range is an error that names the keyframe and
// the key: a typo must not silently change a shot on air) and writing it back so that it reads back equal.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "story/camera_track.h"

namespace fl::story {

// Errors read "keyframe 2: \"range\" must be ..." (the caller puts the file and "camera: " before them).
// Never throws, whatever the bytes.
Result<CameraTrack> cameraTrackFromJson(const nlohmann::json& value);
nlohmann::ordered_json cameraTrackToJson(const CameraTrack& track);

}  // namespace fl::story
