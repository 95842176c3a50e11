#include "document/document.h"

#include <atomic>
#include <cassert>
#include <cmath>

namespace fl::document {

namespace {

// The look in a story file: every field optional, unknown ones an error (a typo must not silently keep
// a default on air).
Result<Look> lookFromJson(const nlohmann::json& j, const std::string& file) {
    if (!j.is_object()) return Error::inFile(file, "look: expected an object");
    Look look;
    auto number = [&](const char* key, double& out, double lo, double hi) -> Status {
        if (!j.contains(key)) return Ok{};
        const auto& v = j.at(key);
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi)
            return Error::inFile(file, std::string("look: ") + key + ": expected a number in [" + std::to_string(lo) +
                                           ", " + std::to_string(hi) + "]");
        out = v.get<double>();
        return Ok{};
    };
    auto flag = [&](const char* key, bool& out) -> Status {
        if (!j.contains(key)) return Ok{};
        if (!j.at(key).is_boolean())
            return Error::inFile(file, std::string("look: ") + key + ": expected true or false");
        out = j.at(key).get<bool>();
        return Ok{};
    };
    for (Status s :
         {number("exaggeration", look.exaggeration, 0.1, 20), number("sunAzimuth", look.sunAzimuth, 0, 360),
          number("sunElevation", look.sunElevation, 0, 90), number("hazeDistance", look.hazeDistance, 1, 1e8),
          number("hillshade", look.hillshade, 0, 1), number("reliefShading", look.reliefShading, 0, 20),
          number("labelSize", look.labelSize, 0, 0.5), flag("borders", look.borders), flag("labels", look.labels),
          flag("furniture", look.furniture), flag("overlays", look.overlays)})
        if (!s) return s.error();
    static const char* known[] = {"exaggeration", "sunAzimuth",    "sunElevation", "hazeDistance",
                                  "hillshade",    "reliefShading", "labelSize",    "borders",
                                  "labels",       "furniture",     "overlays"};
    for (const auto& [key, value] : j.items()) {
        bool ok = false;
        for (const char* k : known) ok = ok || key == k;
        if (!ok) return Error::inFile(file, "look: unknown setting '" + key + "'");
    }
    return look;
}

nlohmann::json lookToJson(const Look& l) {
    return {{"exaggeration", l.exaggeration}, {"sunAzimuth", l.sunAzimuth}, {"sunElevation", l.sunElevation},
            {"hazeDistance", l.hazeDistance}, {"hillshade", l.hillshade},   {"reliefShading", l.reliefShading},
            {"labelSize", l.labelSize},       {"borders", l.borders},       {"labels", l.labels},
            {"furniture", l.furniture},       {"overlays", l.overlays}};
}

// The story as it is written: the look under "look" when it is not the default.
story::Story storyToWrite(const DocumentState& state) {
    story::Story out = state.story;
    if (!(state.look == Look{})) out.extra["look"] = lookToJson(state.look);
    return out;
}

// Applies the commands of a group as one.
class GroupCommand final : public Command {
public:
    GroupCommand(std::string name, std::vector<std::unique_ptr<Command>> parts)
        : m_name(std::move(name)), m_parts(std::move(parts)) {}
    std::string name() const override { return m_name; }
    Status apply(DocumentState& state) override {
        for (size_t i = 0; i < m_parts.size(); ++i)
            if (Status s = m_parts[i]->apply(state); !s) {
                while (i-- > 0) m_parts[i]->undo(state);  // all or nothing
                return s;
            }
        return Ok{};
    }
    void undo(DocumentState& state) override {
        for (size_t i = m_parts.size(); i-- > 0;) m_parts[i]->undo(state);
    }

private:
    std::string m_name;
    std::vector<std::unique_ptr<Command>> m_parts;
};

}  // namespace

uint64_t Document::nextIdentity() {
    static std::atomic<uint64_t> next{1};
    return next++;
}

std::string serializeDocument(const DocumentState& state) {
    return story::serializeStory(storyToWrite(state));
}

Result<Document> Document::load(const std::string& path) {
    auto story = story::loadStory(path);
    if (!story) return story.error();
    DocumentState state{std::move(story).value(), {}};
    if (auto it = state.story.extra.find("look"); it != state.story.extra.end()) {
        auto look = lookFromJson(*it, path);
        if (!look) return look.error();
        state.look = *look;
        state.story.extra.erase(it);
    }
    return Document(std::move(state));
}

Status Document::save(const std::string& path) {
    if (Status s = story::saveStory(storyToWrite(m_state), path); !s) return s;
    m_savedStateId = m_stateId;
    m_mergeSealed = true;  // a drag continued after a save is a new step, so undo returns to the saved state
    return Ok{};
}

Status Document::apply(std::unique_ptr<Command> command) {
    assert(command);
    if (Status s = command->apply(m_state); !s) return s;
    ++m_revision;
    m_redo.clear();
    if (m_groupDepth > 0) {
        m_group.push_back(std::move(command));
        return Ok{};
    }
    const std::string key = command->mergeKey();
    if (!key.empty() && !m_mergeSealed && !m_undo.empty() && m_undo.back().command->mergeKey() == key) {
        m_undo.back().command->absorb(*command);
        m_stateId = m_undo.back().stateAfter = m_nextStateId++;
        return Ok{};
    }
    record(std::move(command), m_stateId);
    m_mergeSealed = key.empty();
    return Ok{};
}

void Document::record(std::unique_ptr<Command> command, uint64_t before) {
    m_stateId = m_nextStateId++;
    m_undo.push_back({std::move(command), before, m_stateId});
}

bool Document::undo() {
    if (m_undo.empty() || m_groupDepth > 0) return false;
    Step step = std::move(m_undo.back());
    m_undo.pop_back();
    step.command->undo(m_state);
    m_stateId = step.stateBefore;
    ++m_revision;
    m_redo.push_back(std::move(step));
    m_mergeSealed = true;
    return true;
}

bool Document::redo() {
    if (m_redo.empty() || m_groupDepth > 0) return false;
    Step step = std::move(m_redo.back());
    m_redo.pop_back();
    // It applied to this very state before, so it applies again.
    [[maybe_unused]] const Status s = step.command->apply(m_state);
    assert(s.ok());
    m_stateId = step.stateAfter;
    ++m_revision;
    m_undo.push_back(std::move(step));
    m_mergeSealed = true;
    return true;
}

void Document::beginGroup(std::string name) {
    if (m_groupDepth++ == 0) {
        m_groupName = std::move(name);
        m_groupStateBefore = m_stateId;
        m_group.clear();
    }
}

void Document::endGroup() {
    assert(m_groupDepth > 0);
    if (--m_groupDepth > 0 || m_group.empty()) return;
    record(std::make_unique<GroupCommand>(m_groupName, std::move(m_group)), m_groupStateBefore);
    m_group.clear();
    m_mergeSealed = true;
}

std::string Document::undoName() const {
    return m_undo.empty() ? std::string() : m_undo.back().command->name();
}

}  // namespace fl::document
