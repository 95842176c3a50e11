#include "document/commands.h"

#include <functional>

namespace fl::document {

namespace {

// Sets one value of the state, found again on every apply (so a redo after other undos finds its target).
template <class T>
class SetValue final : public Command {
public:
    // `locate` returns the value or an error naming what is missing; `check` validates the new value.
    using Locate = std::function<Result<T*>(DocumentState&)>;
    using Check = std::function<Status(const T&)>;
    SetValue(std::string name, std::string mergeKey, Locate locate, T value, Check check = {})
        : m_name(std::move(name)),
          m_key(std::move(mergeKey)),
          m_locate(std::move(locate)),
          m_check(std::move(check)),
          m_after(std::move(value)) {}

    std::string name() const override { return m_name; }
    std::string mergeKey() const override { return m_key; }
    Status apply(DocumentState& state) override {
        if (m_check)
            if (Status s = m_check(m_after); !s) return s;
        auto target = m_locate(state);
        if (!target) return target.error();
        m_before = **target;
        **target = m_after;
        return Ok{};
    }
    void undo(DocumentState& state) override {
        if (auto target = m_locate(state)) **target = m_before;
    }
    void absorb(Command& next) override { m_after = static_cast<SetValue&>(next).m_after; }

private:
    std::string m_name, m_key;
    Locate m_locate;
    Check m_check;
    T m_before{}, m_after;
};

template <class T>
std::unique_ptr<Command> makeSet(std::string name, std::string key, typename SetValue<T>::Locate locate, T value,
                                 typename SetValue<T>::Check check = {}) {
    return std::make_unique<SetValue<T>>(std::move(name), std::move(key), std::move(locate), std::move(value),
                                         std::move(check));
}

Result<story::Faction*> findFaction(DocumentState& s, const std::string& id) {
    for (story::Faction& f : s.story.factions)
        if (f.id == id) return &f;
    return Error{"faction '" + id + "' not found"};
}

Result<story::Label*> findLabel(DocumentState& s, const std::string& id) {
    for (story::Label& l : s.story.labels)
        if (l.id == id) return &l;
    return Error{"label '" + id + "' not found"};
}

Result<story::ControlKeyframe*> findKeyframe(DocumentState& s, const std::string& areaId, size_t k) {
    for (story::ControlArea& a : s.story.areas)
        if (a.id == areaId) {
            if (k >= a.keyframes.size())
                return Error{"area '" + areaId + "': no keyframe " + std::to_string(k) + " (it has " +
                             std::to_string(a.keyframes.size()) + ")"};
            return &a.keyframes[k];
        }
    return Error{"area '" + areaId + "' not found"};
}

// The file reader's ring checks, on rings without the closing point; fixes orientation.
Status checkArea(const std::string& areaId, story::MultiPolygon& area) {
    if (area.empty()) return Error{"area '" + areaId + "': an area needs at least one polygon"};
    for (story::Polygon& p : area) {
        auto closed = [](const story::Ring& r) {
            story::Ring c = r;
            if (!c.empty()) c.push_back(c.front());
            return c;
        };
        auto outer = story::checkRing(closed(p.outer), 0, false);
        if (!outer) return Error{"area '" + areaId + "': " + outer.error().message};
        p.outer = std::move(outer).value();
        for (size_t h = 0; h < p.holes.size(); ++h) {
            auto hole = story::checkRing(closed(p.holes[h]), h + 1, true);
            if (!hole) return Error{"area '" + areaId + "': " + hole.error().message};
            p.holes[h] = std::move(hole).value();
        }
    }
    return Ok{};
}

}  // namespace

std::unique_ptr<Command> setLook(const Look& look) {
    return makeSet<Look>(
        "Look", "look", [](DocumentState& s) -> Result<Look*> { return &s.look; }, look);
}

std::unique_ptr<Command> setFactionColour(std::string factionId, glm::vec4 srgb) {
    return makeSet<glm::vec4>(
        "Faction colour", "faction-colour:" + factionId,
        [id = factionId](DocumentState& s) -> Result<glm::vec4*> {
            auto f = findFaction(s, id);
            if (!f) return f.error();
            return &(*f)->colour;
        },
        srgb,
        [id = factionId](const glm::vec4& c) -> Status {
            for (int i = 0; i < 4; ++i)
                if (!(c[i] >= 0.0f && c[i] <= 1.0f)) return Error{"faction '" + id + "': colour out of range 0..1"};
            return Ok{};
        });
}

std::unique_ptr<Command> setLabelText(std::string labelId, std::string text) {
    return makeSet<std::string>(
        "Label text", "label-text:" + labelId,
        [id = labelId](DocumentState& s) -> Result<std::string*> {
            auto l = findLabel(s, id);
            if (!l) return l.error();
            return &(*l)->text;
        },
        std::move(text),
        [id = labelId](const std::string& t) -> Status {
            if (t.empty()) return Error{"label '" + id + "': the text is empty"};
            return Ok{};
        });
}

std::unique_ptr<Command> moveLabel(std::string labelId, double lat, double lon) {
    struct Position {
        double lat, lon;
    };
    // The label's two fields as one value: locate returns a proxy kept in the command.
    class MoveLabel final : public Command {
    public:
        MoveLabel(std::string id, double lat, double lon) : m_id(std::move(id)), m_after{lat, lon} {}
        std::string name() const override { return "Move label"; }
        std::string mergeKey() const override { return "label-pos:" + m_id; }
        Status apply(DocumentState& s) override {
            if (!(m_after.lat >= -90 && m_after.lat <= 90 && m_after.lon >= -180 && m_after.lon <= 180))
                return Error{"label '" + m_id + "': position " + std::to_string(m_after.lat) + ", " +
                             std::to_string(m_after.lon) + " is not a latitude and longitude"};
            auto l = findLabel(s, m_id);
            if (!l) return l.error();
            m_before = {(*l)->lat, (*l)->lon};
            (*l)->lat = m_after.lat;
            (*l)->lon = m_after.lon;
            return Ok{};
        }
        void undo(DocumentState& s) override {
            if (auto l = findLabel(s, m_id)) {
                (*l)->lat = m_before.lat;
                (*l)->lon = m_before.lon;
            }
        }
        void absorb(Command& next) override { m_after = static_cast<MoveLabel&>(next).m_after; }

    private:
        std::string m_id;
        Position m_before{0, 0}, m_after;
    };
    return std::make_unique<MoveLabel>(std::move(labelId), lat, lon);
}

std::unique_ptr<Command> setKeyframeArea(std::string areaId, size_t keyframe, story::MultiPolygon area) {
    // Checked (and oriented) once, here; a bad area still makes a command whose apply() reports it.
    Status checked = checkArea(areaId, area);
    return makeSet<story::MultiPolygon>(
        "Edit area", "area:" + areaId + ":" + std::to_string(keyframe),
        [id = areaId, keyframe](DocumentState& s) -> Result<story::MultiPolygon*> {
            auto k = findKeyframe(s, id, keyframe);
            if (!k) return k.error();
            return &(*k)->area;
        },
        std::move(area), [checked](const story::MultiPolygon&) { return checked; });
}

std::unique_ptr<Command> setKeyframeStatus(std::string areaId, size_t keyframe, story::ClaimStatus status) {
    return makeSet<story::ClaimStatus>(
        "Claim status", "",
        [id = areaId, keyframe](DocumentState& s) -> Result<story::ClaimStatus*> {
            auto k = findKeyframe(s, id, keyframe);
            if (!k) return k.error();
            return &(*k)->status;
        },
        status);
}

std::unique_ptr<Command> setTitle(std::string title) {
    return makeSet<std::string>(
        "Title", "title", [](DocumentState& s) -> Result<std::string*> { return &s.story.title; }, std::move(title));
}

std::unique_ptr<Command> replaceStory(story::Story story) {
    return makeSet<story::Story>(
        "Reload story", "", [](DocumentState& s) -> Result<story::Story*> { return &s.story; }, std::move(story));
}

}  // namespace fl::document
