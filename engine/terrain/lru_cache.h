// terrain/lru_cache.h — a byte-budgeted least-recently-used cache with pinning.
// Owns: the eviction policy shared by the CPU tile cache and the GPU page pool: entries cost bytes, the
// least recently used unpinned entry goes first, and a pinned entry (in use by a frame in flight) never goes.
#pragma once

#include <cassert>
#include <cstddef>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fl::terrain {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class LruCache {
public:
    explicit LruCache(size_t budgetBytes) : m_budget(budgetBytes) {}

    // Inserts or replaces `key`, then evicts unpinned entries from the cold end until the cache fits its
    // budget. Returns the evicted keys so the owner can free what they stood for (GPU pages, say).
    // If pinned entries alone exceed the budget, the cache stays over budget rather than drop work in use.
    std::vector<Key> put(const Key& key, Value value, size_t bytes) {
        if (auto it = m_index.find(key); it != m_index.end()) {
            m_bytes -= it->second->bytes;
            it->second->value = std::move(value);
            it->second->bytes = bytes;
            m_bytes += bytes;
            m_order.splice(m_order.begin(), m_order, it->second);
        } else {
            m_order.push_front(Entry{key, std::move(value), bytes, 0});
            m_index.emplace(key, m_order.begin());
            m_bytes += bytes;
        }
        auto evicted = evictToBudget();
        // Peak after eviction: the entry being replaced or inserted never coexists with what it pushes out
        // in any sense a caller can observe, and the budget tests assert on what stays resident.
        m_peak = std::max(m_peak, m_bytes);
        return evicted;
    }

    // Marks `key` most recently used; nullptr if absent.
    Value* get(const Key& key) {
        auto it = m_index.find(key);
        if (it == m_index.end()) return nullptr;
        m_order.splice(m_order.begin(), m_order, it->second);
        return &it->second->value;
    }
    // Looks without touching the recency order.
    const Value* peek(const Key& key) const {
        auto it = m_index.find(key);
        return it == m_index.end() ? nullptr : &it->second->value;
    }
    bool contains(const Key& key) const { return m_index.count(key) != 0; }

    // Pins nest: each pin() needs an unpin(). Pinned entries are skipped by eviction.
    void pin(const Key& key) {
        auto it = m_index.find(key);
        assert(it != m_index.end());
        ++it->second->pins;
    }
    std::vector<Key> unpin(const Key& key) {
        auto it = m_index.find(key);
        assert(it != m_index.end() && it->second->pins > 0);
        --it->second->pins;
        return evictToBudget();
    }

    // Evicts the least recently used unpinned entry regardless of the budget (a fixed pool that needs a
    // free slot); nullopt when every entry is pinned.
    // `canEvict(key, value)` vetoes entries still in use in ways the pins do not track.
    template <typename Pred>
    std::optional<Key> evictColdest(Pred canEvict) {
        for (auto it = m_order.end(); it != m_order.begin();) {
            --it;
            if (it->pins > 0 || !canEvict(it->key, it->value)) continue;
            Key key = it->key;
            m_bytes -= it->bytes;
            m_index.erase(key);
            m_order.erase(it);
            return key;
        }
        return std::nullopt;
    }
    std::optional<Key> evictColdest() {
        return evictColdest([](const Key&, const Value&) { return true; });
    }
    bool isPinned(const Key& key) const {
        auto it = m_index.find(key);
        return it != m_index.end() && it->second->pins > 0;
    }

    bool erase(const Key& key) {
        auto it = m_index.find(key);
        if (it == m_index.end()) return false;
        assert(it->second->pins == 0 && "erasing an entry in use");
        m_bytes -= it->second->bytes;
        m_order.erase(it->second);
        m_index.erase(it);
        return true;
    }

    std::vector<Key> setBudget(size_t budgetBytes) {
        m_budget = budgetBytes;
        return evictToBudget();
    }

    size_t bytes() const { return m_bytes; }
    size_t peakBytes() const { return m_peak; }
    size_t budget() const { return m_budget; }
    size_t size() const { return m_index.size(); }

private:
    struct Entry {
        Key key;
        Value value;
        size_t bytes;
        int pins;
    };

    std::vector<Key> evictToBudget() {
        std::vector<Key> evicted;
        for (auto it = m_order.end(); m_bytes > m_budget && it != m_order.begin();) {
            --it;
            if (it->pins > 0) continue;
            evicted.push_back(it->key);
            m_bytes -= it->bytes;
            m_index.erase(it->key);
            it = m_order.erase(it);
        }
        return evicted;
    }

    size_t m_budget;
    size_t m_bytes = 0;
    size_t m_peak = 0;
    std::list<Entry> m_order;  // front = most recently used
    std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> m_index;
};

}  // namespace fl::terrain
