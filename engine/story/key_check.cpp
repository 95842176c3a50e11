#include "story/key_check.h"

#include <algorithm>
#include <cctype>

#include "story/story.h"

namespace fl::story {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// British spellings folded to American ones, so either form of a word compares equal.
std::string americanSpelling(std::string s) {
    static const std::pair<std::string_view, std::string_view> kFolds[] = {
        {"colour", "color"}, {"centre", "center"}, {"metre", "meter"}, {"grey", "gray"}, {"licence", "license"}};
    for (const auto& [british, american] : kFolds)
        for (size_t at; (at = s.find(british)) != std::string::npos;) s.replace(at, british.size(), american);
    return s;
}

// Optimal string alignment distance (insert, delete, substitute, swap two neighbours): "stauts" is one swap
// from "status". Keys are short, so the plain O(n m) table is fine.
size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

size_t allowedEdits(std::string_view known) {
    return known.size() >= 5 ? 2 : known.size() >= 3 ? 1 : 0;
}

}  // namespace

std::optional<std::string> nearMissOf(std::string_view key, std::span<const char* const> known) {
    if (key.size() > 64) return std::nullopt;  // not a typo of a short key; keeps the distance table small
    const std::string k = americanSpelling(lower(key));
    std::optional<std::string> best;
    size_t bestDistance = SIZE_MAX;
    for (const char* candidate : known) {
        if (key == candidate) return std::nullopt;  // known: not a miss at all
        const std::string c = americanSpelling(lower(candidate));
        const size_t d = k == c ? 0 : editDistance(k, c);
        if (d <= allowedEdits(candidate) && d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

void checkExtraKeys(const nlohmann::json& extra, std::span<const char* const> known, const std::string& where,
                    std::vector<std::string>& warnings) {
    if (!extra.is_object()) return;
    for (auto it = extra.begin(); it != extra.end(); ++it)
        if (auto miss = nearMissOf(it.key(), known))
            warnings.push_back(where + ": unknown key \"" + it.key() + "\" (did you mean \"" + *miss +
                               "\"?); it is kept but has no effect");
}

std::vector<std::string> nearMissKeyWarnings(const Story& story, const std::string& fileName) {
    std::vector<std::string> w;
    const std::string file = fileName + ": ";
    checkExtraKeys(story.extra, keys::kStoryDocument, fileName + ": the story", w);
    for (const Faction& f : story.factions)
        checkExtraKeys(f.extra, keys::kFaction, file + "faction \"" + f.id + "\"", w);
    for (const ControlArea& a : story.areas) {
        const std::string area = file + "area \"" + a.id + "\"";
        checkExtraKeys(a.extra, keys::kArea, area, w);
        for (const ControlKeyframe& k : a.keyframes)
            checkExtraKeys(k.extra, keys::kKeyframe, area + " keyframe " + formatStoryTime(k.time), w);
    }
    for (const LineFeature& l : story.lines) checkExtraKeys(l.extra, keys::kLine, file + "line \"" + l.id + "\"", w);
    for (const Arrow& a : story.arrows) checkExtraKeys(a.extra, keys::kArrow, file + "arrow \"" + a.id + "\"", w);
    for (const Label& l : story.labels) checkExtraKeys(l.extra, keys::kLabel, file + "label \"" + l.id + "\"", w);
    return w;
}

Status failOnWarnings(const std::vector<std::string>& warnings) {
    if (warnings.empty()) return Ok{};
    std::string message = warnings.front();
    if (warnings.size() > 1) message += " (and " + std::to_string(warnings.size() - 1) + " more)";
    return Error{message + " [--strict]"};
}

}  // namespace fl::story
