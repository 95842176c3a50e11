// `frontline story import-geojson|export-geojson|info`: the story document from the command line. `story` has its
// own grammar (positional files), so its arguments arrive unparsed in Command::rest and are parsed here.
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "core/atomic_file.h"
#include "story/key_check.h"
#include "story/story.h"
#include "story/story_geojson.h"

namespace fl::app {
namespace {

std::string storyUsage() {
    return "usage: frontline story import-geojson FILE.geojson --into STORY.json [--strict]\n"
           "       frontline story export-geojson STORY.json --out FILE.geojson\n"
           "       frontline story info STORY.json [--strict]\n"
           "\n"
           "import-geojson: merges polygons (area keyframes), lines and points (custom labels) drawn in a GIS into\n"
           "                the story, checks the result and saves it atomically; on any error the story is left\n"
           "                untouched. Feature properties are described in docs/story-format.md.\n"
           "export-geojson: writes every area keyframe, line and custom label as a GeoJSON FeatureCollection.\n"
           "info:           title, factions, areas with their keyframes, lines, arrows and the time range.\n"
           "\n"
           "Unknown keys are kept, but one that looks like a typo of a known key (\"stauts\", \"Status\", \"color\")\n"
           "is a warning naming the file, the feature and the key; --strict makes it an error.\n";
}

struct Args {
    std::string input;
    std::optional<std::string> target;  // --into / --out
    bool strict = false;                // --strict: near-miss keys are errors (import-geojson, info)
};

// Prints near-miss key warnings, or with --strict fails on them (the story is then not changed).
Status reportWarnings(const std::vector<std::string>& warnings, bool strict) {
    if (strict) return story::failOnWarnings(warnings);
    for (const std::string& w : warnings) std::fprintf(stderr, "frontline: warning: %s\n", w.c_str());
    return Ok{};
}

// One positional file and, if `flag` is set, that flag with a value. Usage errors come back as Error.
Result<Args> parseArgs(const std::string& sub, const std::vector<std::string>& args, const char* flag) {
    Args a;
    std::vector<std::string> inputs;
    ArgParser p("story " + sub + ": ", "story");
    if (sub != "export-geojson") p.flag("--strict", [&] { a.strict = true; });
    if (flag)
        p.option(flag, "FILE", [&](const std::string& v) -> Status {
            a.target = v;
            return Ok{};
        });
    p.positionals(inputs);
    if (Status s = p.parse(args); !s) return s.error();
    if (inputs.size() > 1)
        return Error{"story " + sub + ": one file at a time ('" + inputs[0] + "', then '" + inputs[1] + "')"};
    if (inputs.empty() || inputs[0].empty())
        return Error{"story " + sub + ": no input file (try `frontline story --help`)"};
    a.input = inputs[0];
    if (flag && (!a.target || a.target->empty())) return Error{"story " + sub + ": " + flag + " FILE is required"};
    return a;
}

Result<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::inFile(path, "cannot open");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

int runImport(const Args& a) {
    auto story = story::loadStory(*a.target);
    if (!story) {
        printError(story.error().message);
        return kExitError;
    }
    auto text = readFile(a.input);
    if (!text) {
        printError(text.error().message);
        return kExitError;
    }
    auto merged = story::importGeoJson(*story, *text, a.input);
    if (!merged) {
        printError(merged.error().message);
        return kExitError;
    }
    // The imported features' keys only: the story's own are reported where it is read (`story info`, render).
    if (auto st = reportWarnings(merged->warnings, a.strict); !st) {
        printError(st.error().message + " (the story was not changed)");
        return kExitError;
    }
    // The merged story must read back as a valid file before it may replace the user's.
    const std::string out = story::serializeStory(*story);
    if (auto check = story::parseStory(out, *a.target); !check) {
        printError(check.error().message + " (after merging " + a.input + "; the story was not changed)");
        return kExitError;
    }
    if (auto saved = writeFileAtomically(*a.target, out); !saved) {
        printError(saved.error().message);
        return kExitError;
    }
    size_t keyframes = 0;
    for (const auto& area : story->areas) keyframes += area.keyframes.size();
    std::printf("%s: merged %s (%zu areas with %zu keyframes, %zu lines, %zu labels)\n", a.target->c_str(),
                a.input.c_str(), story->areas.size(), keyframes, story->lines.size(), story->labels.size());
    return kExitOk;
}

int runExport(const Args& a) {
    auto story = story::loadStory(a.input);
    if (!story) {
        printError(story.error().message);
        return kExitError;
    }
    if (auto saved = writeFileAtomically(*a.target, story::exportGeoJson(*story)); !saved) {
        printError(saved.error().message);
        return kExitError;
    }
    std::printf("%s: exported %s\n", a.target->c_str(), a.input.c_str());
    return kExitOk;
}

int runInfo(const Args& a) {
    auto loaded = story::loadStory(a.input);
    if (!loaded) {
        printError(loaded.error().message);
        return kExitError;
    }
    if (auto st = reportWarnings(story::nearMissKeyWarnings(*loaded, a.input), a.strict); !st) {
        printError(st.error().message);
        return kExitError;
    }
    const story::Story& s = *loaded;
    using story::formatStoryTime;
    std::printf("title:      %s\n", s.title.c_str());
    std::printf("version:    %d\n", s.version);
    std::printf("time:       %s .. %s over %g s\n", formatStoryTime(s.clock.start).c_str(),
                formatStoryTime(s.clock.end).c_str(), s.clock.seconds);
    if (!s.disclaimer.empty()) std::printf("disclaimer: %s\n", s.disclaimer.c_str());
    std::printf("factions:   %zu\n", s.factions.size());
    for (const auto& f : s.factions)
        std::printf("  %s: %s (%s, %s)\n", f.id.c_str(), f.name.c_str(), story::hexColour(f.colour).c_str(),
                    story::fillPatternName(f.pattern));
    std::printf("areas:      %zu\n", s.areas.size());
    for (const auto& area : s.areas) {
        std::printf("  %s (%s, %s): %zu keyframes\n", area.id.c_str(), area.faction.c_str(), area.name.c_str(),
                    area.keyframes.size());
        for (const auto& k : area.keyframes) {
            size_t holes = 0;
            for (const auto& p : k.area) holes += p.holes.size();
            std::printf("    %s %-9s %zu polygon%s, %zu hole%s, %zu source%s\n", formatStoryTime(k.time).c_str(),
                        story::claimStatusName(k.status), k.area.size(), k.area.size() == 1 ? "" : "s", holes,
                        holes == 1 ? "" : "s", k.sources.size(), k.sources.size() == 1 ? "" : "s");
        }
    }
    std::printf("lines:      %zu\n", s.lines.size());
    for (const auto& l : s.lines)
        std::printf("  %s (%s): %s, %zu points\n", l.id.c_str(), l.kind.c_str(), l.name.c_str(), l.points.size());
    std::printf("arrows:     %zu\n", s.arrows.size());
    for (const auto& a : s.arrows)
        std::printf("  %s (%s): %s .. %s\n", a.id.c_str(), a.faction.c_str(), formatStoryTime(a.start).c_str(),
                    formatStoryTime(a.end).c_str());
    std::printf("labels:     %zu\n", s.labels.size());
    std::printf("captions:   %zu\n", s.captions.size());
    std::printf("sources:    %zu\n", s.sources.size());
    return kExitOk;
}

}  // namespace

int runStory(const Command& cmd) {
    const std::vector<std::string>& rest = cmd.rest;
    if (rest.empty()) {
        printError(
            "story: missing subcommand (known: import-geojson, export-geojson, info; try `frontline story --help`)");
        return kExitUsage;
    }
    for (const auto& a : rest)
        if (a == "--help" || a == "-h" || rest[0] == "help") {
            std::fputs(storyUsage().c_str(), stdout);
            return kExitOk;
        }
    const std::string& sub = rest[0];
    const std::vector<std::string> args(rest.begin() + 1, rest.end());
    const char* flag = sub == "import-geojson" ? "--into" : sub == "export-geojson" ? "--out" : nullptr;
    if (!flag && sub != "info") {
        printError("story: unknown subcommand '" + sub + "' (known: import-geojson, export-geojson, info)");
        return kExitUsage;
    }
    auto parsed = parseArgs(sub, args, flag);
    if (!parsed) {
        printError(parsed.error().message);
        return kExitUsage;
    }
    if (sub == "import-geojson") return runImport(*parsed);
    if (sub == "export-geojson") return runExport(*parsed);
    return runInfo(*parsed);
}

}  // namespace fl::app
