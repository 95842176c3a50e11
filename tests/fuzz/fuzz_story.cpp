// libFuzzer target: arbitrary bytes as a story file for parseStory(). A story that parses must serialise and
// parse again to the same text (the file format round-trips), and the near-miss key check (any keys, any
// lengths) must not crash or warn differently after the round trip.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "story/key_check.h"
#include "story/story.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto story = fl::story::parseStory(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    if (!story) return 0;
    const std::string text = fl::story::serializeStory(*story);
    auto again = fl::story::parseStory(text, "again.json");
    if (!again || fl::story::serializeStory(*again) != text) std::abort();
    if (fl::story::nearMissKeyWarnings(*story, "f") != fl::story::nearMissKeyWarnings(*again, "f")) std::abort();
    return 0;
}
