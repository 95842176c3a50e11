// document/document.h — the document the editor, recorder and presenter share: a story and its look.
// Owns: the state (the story, with its camera track, and the look), changing it only through commands with undo, redo,
// merging (one drag is one step) and groups (a multi-part action is one step), the revision every change
// bumps, the dirty flag against the last save, and loading and atomic saving of the story file (the look
// travels in it under "look"). Pure CPU: no terrain, no GPU.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/look.h"
#include "core/result.h"
#include "story/story.h"

namespace fl::document {

struct DocumentState {
    story::Story story;
    Look look;
};

class Command {
public:
    virtual ~Command() = default;
    // What the undo history shows, e.g. "Faction colour".
    virtual std::string name() const = 0;
    // Applies (again, on redo) to `state`. An error leaves the state unchanged: the target is gone or the
    // value is invalid; the message names the feature.
    virtual Status apply(DocumentState& state) = 0;
    // Restores what apply() changed; called only right after apply() (or a redo) on the same state.
    virtual void undo(DocumentState& state) = 0;
    // Non-empty for continuous edits (a slider, a drag): consecutive commands with the same key merge into
    // one undo step until Document::sealMerge().
    virtual std::string mergeKey() const { return {}; }
    // Takes over `next`'s result (same merge key, already applied): undo then restores the state before this.
    virtual void absorb(Command& next) { (void)next; }
};

class Document {
public:
    Document() : m_identity(nextIdentity()) {}
    explicit Document(DocumentState state) : m_state(std::move(state)), m_identity(nextIdentity()) {}

    // A story file; a "look" object in it sets the look (else the defaults). Errors name the file.
    static Result<Document> load(const std::string& path);
    // Writes the story (with the look, when it is not the default) atomically; clears the dirty flag.
    Status save(const std::string& path);

    const DocumentState& state() const { return m_state; }
    const story::Story& story() const { return m_state.story; }
    const Look& look() const { return m_state.look; }

    // Applies `command` and records it for undo (merged into the last step when their merge keys match,
    // into the open group when there is one). Clears the redo history. An error changes nothing.
    Status apply(std::unique_ptr<Command> command);
    bool canUndo() const { return !m_undo.empty(); }
    bool canRedo() const { return !m_redo.empty(); }
    bool undo();  // false when there is nothing to undo
    bool redo();
    // Ends a continuous edit (mouse release): the next command with the same merge key is a new step.
    void sealMerge() { m_mergeSealed = true; }
    // Everything applied between begin and end is one undo step named `name`. Groups nest (the outer one
    // names the step); an empty group records nothing.
    void beginGroup(std::string name);
    void endGroup();
    // The name of the step undo() would revert ("" when none).
    std::string undoName() const;

    // Bumped by every apply, undo and redo (caches follow it, with identity()).
    uint64_t revision() const { return m_revision; }
    // Unique to this document in the process: two documents at the same revision are not the same content.
    uint64_t identity() const { return m_identity; }
    // The state is what the file holds (it was just read from it).
    void markSaved() { m_savedStateId = m_stateId; }
    // True when the state differs from the last save (or load) by any step; undoing back to it clears it.
    bool dirty() const { return m_stateId != m_savedStateId; }

private:
    struct Step {
        std::unique_ptr<Command> command;
        uint64_t stateBefore = 0, stateAfter = 0;
    };
    void record(std::unique_ptr<Command> command, uint64_t before);
    static uint64_t nextIdentity();

    DocumentState m_state;
    std::vector<Step> m_undo, m_redo;
    std::vector<std::unique_ptr<Command>> m_group;  // commands of the open group, applied
    std::string m_groupName;
    int m_groupDepth = 0;
    uint64_t m_groupStateBefore = 0;
    bool m_mergeSealed = true;
    uint64_t m_revision = 0;
    uint64_t m_identity = 0;
    uint64_t m_stateId = 0, m_savedStateId = 0, m_nextStateId = 1;
};

// The document as one JSON text (the story as saved, the look in it): what undo/redo must give back
// byte for byte.
std::string serializeDocument(const DocumentState& state);

}  // namespace fl::document
