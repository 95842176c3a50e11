// document/commands.h — the edits a user makes, as commands for Document::apply().
// Owns: one factory per edit. Each finds its target by id when it applies (an error names it when it is
// gone), validates the new value the way the story file's reader does, and keeps the old value for undo.
// Continuous edits (colour pickers, sliders, drags) share a merge key per target.
#pragma once

#include <memory>
#include <string>

#include <glm/vec4.hpp>

#include "document/document.h"

namespace fl::document {

std::unique_ptr<Command> setLook(const Look& look);
std::unique_ptr<Command> setFactionColour(std::string factionId, glm::vec4 srgb);
std::unique_ptr<Command> setLabelText(std::string labelId, std::string text);
std::unique_ptr<Command> moveLabel(std::string labelId, double lat, double lon);
// The area of one keyframe (the rings are checked as the file reader checks them: closed rings are not
// expected here, orientation is fixed, a self-intersection is an error).
std::unique_ptr<Command> setKeyframeArea(std::string areaId, size_t keyframe, story::MultiPolygon area);
std::unique_ptr<Command> setKeyframeStatus(std::string areaId, size_t keyframe, story::ClaimStatus status);
std::unique_ptr<Command> setTitle(std::string title);
// The whole story at once: a reload of the file after an outside tool saved it, as one undoable step.
std::unique_ptr<Command> replaceStory(story::Story story);

}  // namespace fl::document
