// Screen furniture layout: inside the title-safe area, no block over another, proportional to the frame.
#include <gtest/gtest.h>

#include "render/screen_furniture.h"

#include <algorithm>

using namespace fl::render;

namespace {

// A stand-in for the shaper: 0.55 em per character (bold 0.6).
float measure(const std::string& text, float sizePx, bool bold) {
    return float(text.size()) * sizePx * (bold ? 0.6f : 0.55f);
}

Furniture story() {
    Furniture f;
    f.caption = "As of 14 July 2021";
    f.subcaption = "Spin Boldak district";
    f.disclaimer = "Areas approximate";
    f.attribution = "Terrain: GMTED2010 (USGS/NGA)\nControl: FDD Long War Journal, news reports";
    f.legendTitle = "Control";
    const glm::vec4 red{0.8f, 0.2f, 0.2f, 1}, blue{0.2f, 0.4f, 0.8f, 1};
    f.legend = {{"Taliban", OverlayStyle::confirmed(red)},
                {"Government", OverlayStyle::confirmed(blue)},
                {"Claimed", OverlayStyle::claimed(red)},
                {"Contested", OverlayStyle::contested(blue, red)}};
    return f;
}

void expectFits(const FurnitureLayout& l) {
    const auto blocks = l.blocks();
    for (const Box& b : blocks) {
        if (l.attributionOutsideSafe && b.x1 == l.attributionPanel.x1 && b.y1 == l.attributionPanel.y1) continue;
        EXPECT_GE(b.x0, l.safe.x0 - 1e-3f);
        EXPECT_GE(b.y0, l.safe.y0 - 1e-3f);
        EXPECT_LE(b.x1, l.safe.x1 + 1e-3f);
        EXPECT_LE(b.y1, l.safe.y1 + 1e-3f);
    }
    for (size_t i = 0; i < blocks.size(); ++i)
        for (size_t j = i + 1; j < blocks.size(); ++j) EXPECT_FALSE(blocks[i].overlaps(blocks[j]));
    for (const FurnitureText& t : l.texts) {
        bool inside = false;
        for (const Box& b : blocks)
            inside |= t.x >= b.x0 && t.x + t.width <= b.x1 + 1e-3f && t.baseline > b.y0 && t.baseline < b.y1;
        EXPECT_TRUE(inside) << t.text;
    }
}

}  // namespace

TEST(ScreenFurnitureTest, BlocksSitInTheirCornersOfTheSafeArea) {
    const FurnitureLayout l = layoutFurniture(story(), 1920, 1080, measure);
    EXPECT_FLOAT_EQ(l.safe.x0, 96);
    EXPECT_FLOAT_EQ(l.safe.y1, 1026);
    EXPECT_FLOAT_EQ(l.scale, 1);
    ASSERT_EQ(l.blocks().size(), 3u);
    EXPECT_FLOAT_EQ(l.captionPanel.x0, l.safe.x0);
    EXPECT_FLOAT_EQ(l.captionPanel.y0, l.safe.y0);
    EXPECT_FLOAT_EQ(l.legendPanel.x0, l.safe.x0);
    EXPECT_FLOAT_EQ(l.legendPanel.y1, l.safe.y1);
    EXPECT_FLOAT_EQ(l.attributionPanel.x1, l.safe.x1);
    EXPECT_FLOAT_EQ(l.attributionPanel.y1, l.safe.y1);
    expectFits(l);
    // Caption first and largest; attribution lines right-aligned.
    ASSERT_GE(l.texts.size(), 3u);
    EXPECT_EQ(l.texts[0].text, "As of 14 July 2021");
    EXPECT_TRUE(l.texts[0].bold);
    for (const auto& t : l.texts) EXPECT_LE(t.sizePx, l.texts[0].sizePx);
    for (const auto& t : l.texts)
        if (t.text.rfind("Terrain", 0) == 0 || t.text.rfind("Control:", 0) == 0)
            EXPECT_NEAR(t.x + t.width, l.attributionPanel.x1 - 0.5f * 0.024f * 1080, 1e-2);
    // One swatch per entry, inside the legend panel and left of its text.
    ASSERT_EQ(l.swatches.size(), 4u);
    EXPECT_EQ(l.swatches[2].style, OverlayStyle::claimed({0.8f, 0.2f, 0.2f, 1}));
    EXPECT_EQ(l.swatches[3].style.pattern, Pattern::TwoColourStripes);
    for (const auto& s : l.swatches) {
        EXPECT_GE(s.box.x0, l.legendPanel.x0);
        EXPECT_LE(s.box.y1, l.legendPanel.y1);
        EXPECT_GE(s.box.y0, l.legendPanel.y0);
    }
}

TEST(ScreenFurnitureTest, ScalesWithTheResolution) {
    const FurnitureLayout hd = layoutFurniture(story(), 1920, 1080, measure);
    const FurnitureLayout uhd = layoutFurniture(story(), 3840, 2160, measure);
    ASSERT_EQ(hd.texts.size(), uhd.texts.size());
    for (size_t i = 0; i < hd.texts.size(); ++i) {
        EXPECT_NEAR(uhd.texts[i].sizePx, 2 * hd.texts[i].sizePx, 1e-3);
        EXPECT_NEAR(uhd.texts[i].x, 2 * hd.texts[i].x, 1e-2);
        EXPECT_NEAR(uhd.texts[i].baseline, 2 * hd.texts[i].baseline, 1e-2);
    }
    expectFits(uhd);
    expectFits(layoutFurniture(story(), 640, 360, measure));
}

TEST(ScreenFurnitureTest, CrowdedSmallFramesShrinkToFitWithoutOverlap) {
    Furniture f = story();
    for (int i = 0; i < 14; ++i)
        f.legend.push_back({"Entry " + std::to_string(i), OverlayStyle::confirmed({1, 1, 1, 1})});
    f.attribution += "\nA long line of sources that needs much of the frame's width";
    const FurnitureLayout l = layoutFurniture(f, 480, 270, measure);
    EXPECT_LT(l.scale, 1.0f);
    expectFits(l);
    // Portrait frame: legend and attribution cannot sit side by side, so they stack.
    const FurnitureLayout tall = layoutFurniture(story(), 720, 1280, measure);
    expectFits(tall);
    EXPECT_LE(tall.legendPanel.y1, tall.attributionPanel.y0);
}

TEST(ScreenFurnitureTest, EmptyFurnitureHasNoBlocks) {
    EXPECT_TRUE(layoutFurniture({}, 1920, 1080, measure).blocks().empty());
    EXPECT_TRUE(layoutFurniture(story(), 0, 0, measure).blocks().empty());
    Furniture only;
    only.caption = "As of 14 July 2021";
    const auto l = layoutFurniture(only, 1280, 720, measure);
    EXPECT_EQ(l.blocks().size(), 1u);
}

TEST(ScreenFurnitureTest, EachCaptionLineIsShown) {
    // Simultaneous captions arrive joined by newlines: both sides' claims must be on air, each on its line.
    Furniture f = story();
    f.subcaption = "Taliban claim capture of Spin Boldak crossing\nKabul says the attack was repelled";
    const FurnitureLayout l = layoutFurniture(f, 1280, 720, measure);
    std::vector<std::string> texts;
    for (const auto& t : l.texts) texts.push_back(t.text);
    EXPECT_NE(std::find(texts.begin(), texts.end(), "Taliban claim capture of Spin Boldak crossing"), texts.end());
    EXPECT_NE(std::find(texts.begin(), texts.end(), "Kabul says the attack was repelled"), texts.end());
    for (const auto& t : texts) EXPECT_EQ(t.find('\n'), std::string::npos) << t;
    expectFits(l);
}

TEST(ScreenFurnitureTest, TextNeverShrinksBelowTheLegibleMinimum) {
    const FurnitureOptions o;
    for (auto [w, h] : {std::pair{640, 360}, {480, 270}, {320, 180}, {160, 90}}) {
        const FurnitureLayout l = layoutFurniture(story(), w, h, measure);
        for (const auto& t : l.texts) EXPECT_GE(t.sizePx, o.minTextPx) << w << "x" << h << " " << t.text;
    }
    // 640x360 still holds everything (at the minimum where needed); nothing is dropped.
    EXPECT_TRUE(layoutFurniture(story(), 640, 360, measure).dropped.empty());
}

TEST(ScreenFurnitureTest, TheAttributionAlwaysFitsTheFrame) {
    Furniture f = story();
    f.attribution =
        "Terrain: GMTED2010 data courtesy of the U.S. Geological Survey \u00b7 Border: \u00a9 OpenStreetMap "
        "contributors \u00b7 Place data \u00a9 GeoNames (geonames.org), CC BY 4.0 \u00b7 Boundaries: "
        "geoBoundaries (www.geoboundaries.org) \u00b7 Reporting: Reuters, AFP, Al Jazeera, Press TV (14 July 2021)";
    for (auto [w, h] : {std::pair{1920, 1080}, {640, 360}, {320, 180}}) {
        const FurnitureLayout l = layoutFurniture(f, w, h, measure);
        bool credits = false;
        for (const auto& t : l.texts) {
            EXPECT_GE(t.x, 0.0f) << w << "x" << h << " " << t.text;
            EXPECT_LE(t.x + t.width, float(w)) << w << "x" << h << " " << t.text;
            credits |= t.text.find("OpenStreetMap") != std::string::npos;
        }
        EXPECT_TRUE(credits) << w << "x" << h << ": the credits were dropped";
        EXPECT_GT(l.attributionPanel.height(), 0.0f);
    }
    // A thumbnail leaves out what it cannot hold legibly, and says what.
    const FurnitureLayout tiny = layoutFurniture(f, 320, 180, measure);
    EXPECT_FALSE(tiny.dropped.empty());
    EXPECT_EQ(tiny.dropped.front(), "legend title");
    expectFits(tiny);
}
