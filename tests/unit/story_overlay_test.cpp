// The story's mapping to overlay layers, labels and furniture (compose/story_overlay), on the default story.
#include <gtest/gtest.h>

#include <string>

#include "compose/story_overlay.h"
#include "story/story.h"
#include "story/story_eval.h"

using namespace fl;

namespace {

const story::Story& defaultStory() {
    static const story::Story s = [] {
        auto r = story::loadStory(std::string(FRONTLINE_SOURCE_DIR) + "/assets/stories/spin-boldak-2021.json");
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? std::move(r).value() : story::Story{};
    }();
    return s;
}

story::StoryTime at(const char* iso) {
    return *story::parseStoryTime(iso);
}

compose::StoryOverlay overlayAt(const char* iso) {
    const story::StoryFrame f = story::evaluateStory(defaultStory(), at(iso));
    return compose::buildStoryOverlay(defaultStory(), f, [](double, double) { return 1000.0; });
}

}  // namespace

TEST(StoryOverlay, StatusesGetDistinctLooks) {
    const glm::vec4 red{0.8f, 0.1f, 0.1f, 1}, blue{0.1f, 0.2f, 0.6f, 1};
    const auto confirmed = compose::areaStyle(story::ClaimStatus::Confirmed, red, blue);
    const auto claimed = compose::areaStyle(story::ClaimStatus::Claimed, red, blue);
    const auto contested = compose::areaStyle(story::ClaimStatus::Contested, red, blue);
    EXPECT_EQ(confirmed.pattern, render::Pattern::Solid);
    EXPECT_FALSE(confirmed.dashed);
    EXPECT_EQ(claimed.pattern, render::Pattern::Hatched);
    EXPECT_TRUE(claimed.dashed);
    EXPECT_EQ(contested.pattern, render::Pattern::TwoColourStripes);
    EXPECT_EQ(contested.secondColour, blue);  // the contesting faction's colour in the hatching
}

TEST(StoryOverlay, OnTheFourteenthSpinBoldakIsContestedByBoth) {
    // From 06:00 the Taliban claim ends ("until") and the district is one contested area in both colours:
    // the two patterns drawn over each other read as a red gingham that hid the government's blue.
    const compose::StoryOverlay night = overlayAt("2021-07-14T03:00:00Z");
    int claimedAtNight = 0;
    for (const auto& l : night.layers)
        if (l.kind == render::OverlayKind::Area && l.style.pattern == render::Pattern::Hatched) ++claimedAtNight;
    EXPECT_EQ(claimedAtNight, 1);  // the Taliban's claim, growing along the highway
    const compose::StoryOverlay o = overlayAt("2021-07-14T12:00:00Z");
    int claimed = 0, contested = 0, lines = 0;
    for (const auto& l : o.layers) {
        if (l.kind == render::OverlayKind::Line) ++lines;
        if (l.kind == render::OverlayKind::Area && l.style.pattern == render::Pattern::Hatched) ++claimed;
        if (l.kind == render::OverlayKind::Area && l.style.pattern == render::Pattern::TwoColourStripes) ++contested;
    }
    EXPECT_EQ(claimed, 0);
    EXPECT_EQ(contested, 1);  // Taliban claim capture, Kabul says repelled
    EXPECT_EQ(lines, 2);      // the highway and the border
    EXPECT_NE(o.furniture.caption.find("14 July 2021"), std::string::npos) << o.furniture.caption;
    EXPECT_FALSE(o.furniture.disclaimer.empty());  // "approximate" is on screen
    EXPECT_FALSE(o.furniture.attribution.empty());
    EXPECT_EQ(o.labels.size(), defaultStory().labels.size());
    // Both claims are on air, one line each.
    EXPECT_NE(o.furniture.subcaption.find("Taliban claim capture"), std::string::npos) << o.furniture.subcaption;
    EXPECT_NE(o.furniture.subcaption.find("Kabul says the attack was repelled"), std::string::npos);
}

TEST(StoryOverlay, TheLegendShowsTheStylesTheMapDraws) {
    const compose::StoryOverlay o = overlayAt("2021-07-14T12:00:00Z");
    const story::Story& s = defaultStory();
    // Each faction as its confirmed areas look, then the statuses the story uses: claimed (the Taliban's, in
    // their red) and contested (the government's district, striped in blue and the Taliban's red). No white
    // "Confirmed" swatch that matches nothing on the map.
    ASSERT_EQ(o.furniture.legend.size(), s.factions.size() + 2);
    for (size_t i = 0; i < s.factions.size(); ++i)
        EXPECT_EQ(o.furniture.legend[i].style, render::OverlayStyle::confirmed(s.factions[i].colour));
    const auto* taliban = story::findFaction(s, "taliban");
    const auto* government = story::findFaction(s, "government");
    ASSERT_TRUE(taliban && government);
    EXPECT_EQ(o.furniture.legend[s.factions.size()].text, "Claimed, unconfirmed");
    EXPECT_EQ(o.furniture.legend[s.factions.size()].style, render::OverlayStyle::claimed(taliban->colour));
    EXPECT_EQ(o.furniture.legend[s.factions.size() + 1].text, "Contested");
    EXPECT_EQ(o.furniture.legend[s.factions.size() + 1].style,
              render::OverlayStyle::contested(government->colour, taliban->colour));
    for (const auto& e : o.furniture.legend) EXPECT_NE(e.text, "Confirmed");
    // The map's own layer for the contested district has that very style.
    bool found = false;
    for (const auto& l : o.layers) found |= l.style == o.furniture.legend.back().style;
    EXPECT_TRUE(found);
    ASSERT_TRUE(o.furniture.legendGroundMsl.has_value());
    EXPECT_FLOAT_EQ(*o.furniture.legendGroundMsl, 1000.0f);  // the ground function's height
}

TEST(StoryOverlay, BeforeTheFourteenthThereIsNoClaimAndNoArrow) {
    const compose::StoryOverlay o = overlayAt("2021-07-05T00:00:00Z");
    for (const auto& l : o.layers) {
        EXPECT_NE(l.style.pattern, render::Pattern::Hatched);
        EXPECT_NE(l.style.pattern, render::Pattern::TwoColourStripes);
    }
    const size_t before = o.layers.size();
    // While the arrow grows (13 July 18:00 -> 14 July 10:00) it is one more layer.
    EXPECT_EQ(overlayAt("2021-07-13T12:00:00Z").layers.size() + 1, overlayAt("2021-07-13T20:00:00Z").layers.size());
    EXPECT_GT(before, 0u);
}

TEST(StoryOverlay, BetweenKeyframesTheWeightIsEasedAndAtAKeyframeItIsExact) {
    const compose::StoryOverlay mid = overlayAt("2021-07-04T12:00:00Z");
    bool morphing = false;
    for (const auto& l : mid.layers)
        if (l.kind == render::OverlayKind::Area && l.weight > 0.05f && l.weight < 0.95f) morphing = true;
    EXPECT_TRUE(morphing);
    // At a keyframe's exact time the area's layer is that keyframe alone (weight 0, same rings).
    const story::StoryFrame f = story::evaluateStory(defaultStory(), at("2021-07-08T00:00:00Z"));
    const compose::StoryOverlay key = compose::buildStoryOverlay(defaultStory(), f, nullptr);
    size_t layer = 0, checked = 0;
    for (const story::AreaState& a : f.areas) {
        if (!a.visible) continue;
        const render::OverlayLayer& l = key.layers.at(layer++);
        if (a.from->time != f.time) continue;
        ++checked;
        EXPECT_EQ(l.weight, 0.0f) << a.area->id;
        ASSERT_EQ(l.from.rings.size(), a.from->area.size()) << a.area->id;  // no holes in these keyframes
        EXPECT_EQ(l.from.rings[0].size(), a.from->area[0].outer.size());
        EXPECT_EQ(l.from.rings[0][0], glm::dvec2(a.from->area[0].outer[0].lon, a.from->area[0].outer[0].lat));
    }
    EXPECT_EQ(checked, 2u);  // spin-boldak and taliban-rural have keyframes on 8 July
}
