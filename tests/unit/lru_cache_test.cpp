#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "terrain/lru_cache.h"

using fl::terrain::LruCache;

TEST(LruCache, EvictsLeastRecentlyUsedToStayWithinBudget) {
    LruCache<int, std::string> cache(300);
    EXPECT_TRUE(cache.put(1, "a", 100).empty());
    EXPECT_TRUE(cache.put(2, "b", 100).empty());
    EXPECT_TRUE(cache.put(3, "c", 100).empty());
    ASSERT_NE(cache.get(1), nullptr);  // 1 is now the most recent; 2 is the coldest
    const auto evicted = cache.put(4, "d", 100);
    ASSERT_EQ(evicted.size(), 1u);
    EXPECT_EQ(evicted[0], 2);
    EXPECT_FALSE(cache.contains(2));
    EXPECT_EQ(cache.bytes(), 300u);
    EXPECT_EQ(*cache.peek(1), "a");
}

TEST(LruCache, PinnedEntriesAreNeverEvicted) {
    LruCache<int, int> cache(200);
    cache.put(1, 10, 100);
    cache.pin(1);  // e.g. a GPU page used by a frame in flight
    cache.put(2, 20, 100);
    auto evicted = cache.put(3, 30, 100);
    ASSERT_EQ(evicted.size(), 1u);
    EXPECT_EQ(evicted[0], 2);  // 1 is colder but pinned
    EXPECT_TRUE(cache.contains(1));
    // With everything else pinned, a new entry that does not fit is the one that goes: work in use is
    // never dropped to make room.
    cache.pin(3);
    evicted = cache.put(4, 40, 150);
    EXPECT_EQ(evicted, std::vector<int>{4});
    EXPECT_TRUE(cache.contains(1));
    EXPECT_TRUE(cache.contains(3));
    // Once unpinned, 1 is the coldest and makes room for the next entry.
    EXPECT_TRUE(cache.unpin(1).empty());
    evicted = cache.put(5, 50, 100);
    EXPECT_EQ(evicted, std::vector<int>{1});
    EXPECT_LE(cache.bytes(), 200u);
}

TEST(LruCache, ReplacingAnEntryUpdatesItsCost) {
    LruCache<int, int> cache(1000);
    cache.put(1, 1, 400);
    cache.put(1, 2, 100);
    EXPECT_EQ(cache.bytes(), 100u);
    EXPECT_EQ(*cache.peek(1), 2);
    EXPECT_EQ(cache.size(), 1u);
}

TEST(LruCache, RandomWorkloadNeverExceedsBudgetWithoutPins) {
    LruCache<int, int> cache(10000);
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> key(0, 200), cost(1, 900);
    for (int i = 0; i < 20000; ++i) {
        if (i % 3 == 0) cache.get(key(rng));
        cache.put(key(rng), i, cost(rng));
        ASSERT_LE(cache.bytes(), cache.budget());
    }
    EXPECT_LE(cache.peakBytes(), 10000u);  // the peak is what stayed resident, after eviction
    cache.setBudget(1000);
    EXPECT_LE(cache.bytes(), 1000u);
}
