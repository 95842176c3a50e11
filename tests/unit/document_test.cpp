// The document and its commands: apply, undo, redo, merge and groups on the default Spin Boldak story;
// random edit sequences give back byte-identical JSON; the dirty flag; the look in the story file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include "compose/compose.h"
#include "compose/playhead.h"
#include "core/paths.h"
#include "document/commands.h"
#include "document/document.h"

using namespace fl;
using namespace fl::document;
namespace fs = std::filesystem;

namespace {

Document defaultDocument() {
    auto doc = Document::load(paths::asset("stories/spin-boldak-2021.json"));
    EXPECT_TRUE(doc.ok()) << doc.error().message;
    return std::move(doc).value();
}

std::string json(const Document& d) {
    return serializeDocument(d.state());
}

// One random edit of any kind the commands offer, on a target that exists.
std::unique_ptr<Command> randomEdit(const Document& d, std::mt19937& rng) {
    const story::Story& s = d.story();
    std::uniform_real_distribution<double> u(0.0, 1.0);
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    switch (rng() % 7) {
        case 0: {
            const auto& f = s.factions[pick(s.factions.size())];
            return setFactionColour(f.id, {float(u(rng)), float(u(rng)), float(u(rng)), 1.0f});
        }
        case 1: {
            const auto& l = s.labels[pick(s.labels.size())];
            return setLabelText(l.id, "Label " + std::to_string(rng() % 1000));
        }
        case 2: {
            const auto& l = s.labels[pick(s.labels.size())];
            return moveLabel(l.id, l.lat + (u(rng) - 0.5) * 0.1, l.lon + (u(rng) - 0.5) * 0.1);
        }
        case 3: {
            Look look = d.look();
            look.exaggeration = 1.0 + 3.0 * u(rng);
            look.labels = rng() % 2;
            return setLook(look);
        }
        case 4: {
            const auto& a = s.areas[pick(s.areas.size())];
            const size_t k = pick(a.keyframes.size());
            story::MultiPolygon area = a.keyframes[k].area;
            // Shift the whole area a little: still simple, still oriented.
            const double dx = (u(rng) - 0.5) * 0.05, dy = (u(rng) - 0.5) * 0.05;
            for (auto& p : area) {
                for (auto& q : p.outer) q = {q.lon + dx, q.lat + dy};
                for (auto& h : p.holes)
                    for (auto& q : h) q = {q.lon + dx, q.lat + dy};
            }
            return setKeyframeArea(a.id, k, std::move(area));
        }
        case 5: {
            const auto& a = s.areas[pick(s.areas.size())];
            return setKeyframeStatus(a.id, pick(a.keyframes.size()), story::ClaimStatus(rng() % 3));
        }
        default:
            return setTitle("Title " + std::to_string(rng() % 1000));
    }
}

}  // namespace

TEST(Document, ApplyUndoRedoOneEdit) {
    Document d = defaultDocument();
    const std::string before = json(d);
    const uint64_t r0 = d.revision();
    ASSERT_TRUE(d.apply(setLabelText(d.story().labels[0].id, "Spin Buldak")).ok());
    EXPECT_EQ(d.story().labels[0].text, "Spin Buldak");
    EXPECT_GT(d.revision(), r0);
    EXPECT_TRUE(d.dirty());
    EXPECT_EQ(d.undoName(), "Label text");
    const std::string after = json(d);
    ASSERT_TRUE(d.undo());
    EXPECT_EQ(json(d), before);
    EXPECT_FALSE(d.dirty());
    ASSERT_TRUE(d.redo());
    EXPECT_EQ(json(d), after);
    EXPECT_FALSE(d.redo());
}

TEST(Document, ADragIsOneUndoStepAndASealStartsAnother) {
    Document d = defaultDocument();
    const std::string id = d.story().labels[0].id;
    const double lat0 = d.story().labels[0].lat, lon0 = d.story().labels[0].lon;
    for (int i = 1; i <= 20; ++i) ASSERT_TRUE(d.apply(moveLabel(id, lat0 + 0.001 * i, lon0)).ok());
    d.sealMerge();  // mouse released
    ASSERT_TRUE(d.apply(moveLabel(id, lat0 + 1, lon0)).ok());
    ASSERT_TRUE(d.undo());
    EXPECT_DOUBLE_EQ(d.story().labels[0].lat, lat0 + 0.020);
    ASSERT_TRUE(d.undo());
    EXPECT_DOUBLE_EQ(d.story().labels[0].lat, lat0);
    EXPECT_FALSE(d.canUndo());
}

TEST(Document, AGroupIsOneStep) {
    Document d = defaultDocument();
    const std::string before = json(d);
    d.beginGroup("Restyle");
    ASSERT_TRUE(d.apply(setFactionColour(d.story().factions[0].id, {1, 0, 0, 1})).ok());
    ASSERT_TRUE(d.apply(setTitle("Restyled")).ok());
    d.endGroup();
    EXPECT_EQ(d.undoName(), "Restyle");
    ASSERT_TRUE(d.undo());
    EXPECT_EQ(json(d), before);
    EXPECT_FALSE(d.canUndo());
}

TEST(Document, BadEditsAreRefusedAndChangeNothing) {
    Document d = defaultDocument();
    const std::string before = json(d);
    const uint64_t r = d.revision();
    auto gone = d.apply(setLabelText("no-such-label", "x"));
    ASSERT_FALSE(gone.ok());
    EXPECT_NE(gone.error().message.find("no-such-label"), std::string::npos) << gone.error().message;
    EXPECT_FALSE(d.apply(setFactionColour(d.story().factions[0].id, {2, 0, 0, 1})).ok());
    EXPECT_FALSE(d.apply(moveLabel(d.story().labels[0].id, std::nan(""), 66.0)).ok());
    // A bow tie: the file reader's self-intersection check refuses it.
    story::MultiPolygon bowTie{{{{66.0, 31.0}, {66.1, 31.1}, {66.1, 31.0}, {66.0, 31.1}}, {}}};
    auto bad = d.apply(setKeyframeArea(d.story().areas[0].id, 0, bowTie));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find(d.story().areas[0].id), std::string::npos) << bad.error().message;
    EXPECT_EQ(json(d), before);
    EXPECT_EQ(d.revision(), r);
    EXPECT_FALSE(d.canUndo());
}

TEST(Document, TwoHundredRandomEditsUndoAndRedoByteIdentical) {
    for (uint32_t seed : {1u, 2u, 3u}) {
        Document d = defaultDocument();
        const std::string original = json(d);
        std::mt19937 rng(seed);
        for (int i = 0; i < 200; ++i) {
            ASSERT_TRUE(d.apply(randomEdit(d, rng)).ok()) << "edit " << i;
            if (rng() % 3 == 0) d.sealMerge();
        }
        const std::string edited = json(d);
        ASSERT_NE(edited, original);
        while (d.undo()) {
        }
        EXPECT_EQ(json(d), original) << "seed " << seed;
        EXPECT_FALSE(d.dirty());
        while (d.redo()) {
        }
        EXPECT_EQ(json(d), edited) << "seed " << seed;
        EXPECT_TRUE(d.dirty());
    }
}

TEST(Document, SaveIsAtomicKeepsTheLookAndClearsDirty) {
    const fs::path dir = fs::temp_directory_path() / ("fl_document_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "story.json").string();
    Document d = defaultDocument();
    Look look = d.look();
    look.exaggeration = 3.5;
    look.borders = false;
    ASSERT_TRUE(d.apply(setLook(look)).ok());
    ASSERT_TRUE(d.dirty());
    ASSERT_TRUE(d.save(path).ok());
    EXPECT_FALSE(d.dirty());
    auto back = Document::load(path);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->look(), look);
    EXPECT_EQ(json(*back), json(d));
    // Undo past the save makes it dirty again.
    ASSERT_TRUE(d.undo());
    EXPECT_TRUE(d.dirty());
    fs::remove_all(dir);
}

TEST(Document, ATypoInTheLookIsAnErrorNamingTheFileAndKey) {
    const fs::path dir = fs::temp_directory_path() / ("fl_document_look_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ifstream in(paths::asset("stories/spin-boldak-2021.json"));
    std::string text((std::istreambuf_iterator<char>(in)), {});
    text.insert(text.find('{') + 1, "\"look\": {\"exagération\": 3},");
    const std::string path = (dir / "typo.json").string();
    std::ofstream(path) << text;
    auto doc = Document::load(path);
    ASSERT_FALSE(doc.ok());
    EXPECT_NE(doc.error().message.find(path), std::string::npos) << doc.error().message;
    EXPECT_NE(doc.error().message.find("exagération"), std::string::npos) << doc.error().message;
    fs::remove_all(dir);
}

TEST(Compose, RevisionFollowsEditsNotTheClockAlone) {
    Document d = defaultDocument();
    const Look look;
    const double t = *story::parseStoryTime("2021-07-14T12:00:00Z");
    const auto a = compose::compose(d, t, look);
    EXPECT_EQ(compose::compose(d, t, look).revision, a.revision) << "same document and time: same content";
    // After the last keyframe, time moves but nothing shown changes... except the caption's date, which
    // the revision follows; an edit always changes it.
    ASSERT_TRUE(d.apply(setFactionColour(d.story().factions[0].id, {0.1f, 0.9f, 0.1f, 1})).ok());
    const auto b = compose::compose(d, t, look);
    EXPECT_NE(b.revision, a.revision);
    ASSERT_EQ(b.layers.size(), a.layers.size());
    bool recoloured = false;
    for (size_t i = 0; i < a.layers.size(); ++i)
        recoloured = recoloured || b.layers[i].style.colour != a.layers[i].style.colour;
    EXPECT_TRUE(recoloured);
    // A morph moving with the time changes it too.
    const auto early = compose::compose(d, *story::parseStoryTime("2021-07-14T03:00:00Z"), look);
    EXPECT_NE(early.revision, b.revision);
    // Another document with the same edits at the same revision is not taken for this one.
    Document other = defaultDocument();
    ASSERT_TRUE(other.apply(setFactionColour(other.story().factions[0].id, {0.1f, 0.9f, 0.1f, 1})).ok());
    EXPECT_NE(compose::compose(other, t, look).revision, b.revision);
}

TEST(Playhead, StartsAtTheLastKeyframeAndMovesOnlyWhenAsked) {
    Document d = defaultDocument();
    compose::Playhead p(d.story(), compose::kLastKeyframe);
    EXPECT_TRUE(std::isnan(p.storyTime()));
    p.advance(5.0);  // paused: no move
    EXPECT_TRUE(std::isnan(p.storyTime()));
    p.seek(0.0);
    EXPECT_EQ(p.storyTime(), d.story().clock.start);
    p.togglePlay();
    p.advance(p.duration() / 2);
    EXPECT_NEAR(p.storyTime(), 0.5 * (d.story().clock.start + d.story().clock.end), 1e-6);
    p.advance(p.duration());  // stops at the end
    EXPECT_FALSE(p.playing());
    EXPECT_EQ(p.storyTime(), d.story().clock.end);
    p.togglePlay();  // from the end: plays from the start
    EXPECT_EQ(p.presentationSeconds(), 0.0);
    // A shorter clock (a reloaded story) keeps the position inside it.
    story::StoryClock shorter = d.story().clock;
    shorter.seconds = 1.0;
    p.seek(p.duration());
    p.setClock(shorter);
    EXPECT_EQ(p.presentationSeconds(), 1.0);
}
