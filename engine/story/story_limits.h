// story/story_limits.h — the story's hard limits (story.h: kMaxLabels, kMaxAreaVertices): counting and wording,
// shared by the reader (before it reads a geometry) and storyLimitsProblem (a merged import).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace fl::story::limits {

// Positions in a Polygon's (depth 1) or MultiPolygon's (depth 2) coordinates, counted before any is read.
size_t positionCount(const nlohmann::json& coords, int depth);
// "has N vertices; Frontline draws at most ... (simplify it ...)".
std::string tooManyVertices(size_t n);

}  // namespace fl::story::limits
