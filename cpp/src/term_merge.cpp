#include "term_merge.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace newsim::detail {

namespace {

/// The first eight bytes of `t`, zero-padded, as a big-endian integer: comparing two of them
/// orders terms as byte-wise comparison does, up to ties that need the full comparison.
std::uint64_t prefix_key(std::string_view t) noexcept {
  std::uint64_t k = 0;
  const std::size_t n = std::min<std::size_t>(t.size(), 8);
  for (std::size_t i = 0; i < n; ++i)
    k |= static_cast<std::uint64_t>(static_cast<unsigned char>(t[i])) << (56 - 8 * i);
  return k;
}

/// A worker's counted terms in byte order of the term, with the terms' bytes copied in that
/// order (the merge then reads them sequentially instead of all over the worker's table).
struct SortedTerms {
  std::vector<std::uint64_t> keys;  // prefix_key of each term, in the sorted order
  std::vector<TermId> ids;          // local term ids
  std::string bytes;                // the terms, concatenated in the sorted order
  std::vector<std::size_t> ends;    // term i is bytes[ends[i - 1], ends[i])
  [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
  [[nodiscard]] std::string_view term(std::size_t i) const noexcept {
    const std::size_t b = i == 0 ? 0 : ends[i - 1];
    return std::string_view(bytes).substr(b, ends[i] - b);
  }
};

/// Sorts `items` by their 64-bit `key`, stably: least significant byte first, one counting pass
/// per byte, skipping the bytes in which all keys agree.
template <class Item>
void radix_sort_by_key(std::vector<Item>& items) {
  std::vector<Item> tmp(items.size());
  std::array<std::size_t, 256> count{};
  for (unsigned shift = 0; shift < 64; shift += 8) {
    count.fill(0);
    for (const Item& it : items) ++count[(it.key >> shift) & 0xFF];
    if (items.empty() || count[(items[0].key >> shift) & 0xFF] == items.size()) continue;
    std::size_t sum = 0;
    for (std::size_t& c : count) sum += std::exchange(c, sum);
    for (const Item& it : items) tmp[count[(it.key >> shift) & 0xFF]++] = it;
    items.swap(tmp);
  }
}

SortedTerms sorted_terms(const Worker& wk, Stream stream, const Vocabulary* fixed) {
  struct Item {
    std::uint64_t key;
    TermId id;
  };
  std::vector<Item> items;
  const Tally& tally = wk.tally(stream);
  const std::size_t n = wk.n_ids(stream);
  items.reserve(n);
  std::size_t bytes = 0;
  for (TermId id = 0; id < n; ++id) {
    // Unseen: a term interned only as part of an n-gram.
    if (tally.stats[id].df == 0) continue;
    const std::string_view t = wk.key(stream, id);
    if (fixed != nullptr && fixed->find(t) < 0) continue;
    items.push_back({prefix_key(t), id});
    bytes += t.size();
  }
  // By the first 8 bytes, then each run of terms that share them by the whole term.
  radix_sort_by_key(items);
  for (std::size_t i = 0; i < items.size();) {
    std::size_t j = i + 1;
    while (j < items.size() && items[j].key == items[i].key) ++j;
    if (j - i > 1)
      std::sort(items.begin() + static_cast<std::ptrdiff_t>(i),
                items.begin() + static_cast<std::ptrdiff_t>(j), [&](const Item& x, const Item& y) {
                  return wk.key(stream, x.id) < wk.key(stream, y.id);
                });
    i = j;
  }
  SortedTerms out;
  out.keys.reserve(items.size());
  out.ids.reserve(items.size());
  out.ends.reserve(items.size());
  out.bytes.reserve(bytes);
  for (const Item& it : items) {
    out.keys.push_back(it.key);
    out.ids.push_back(it.id);
    out.bytes.append(wk.key(stream, it.id));
    out.ends.push_back(out.bytes.size());
  }
  return out;
}

}  // namespace

Counted merge_counts(const Analysis& a, Stream stream, const Vocabulary* fixed, const RunContext& ctx) {
  // Each worker's terms in byte order (in parallel), then one linear merge of the sorted lists.
  const std::size_t n_workers = a.workers.size();
  std::vector<SortedTerms> sorted(n_workers);
  parallel_chunks(n_workers, 1, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t w = b; w < e; ++w)
      if (a.workers[w].session) sorted[w] = sorted_terms(a.workers[w], stream, fixed);
  });
  Counted c;
  c.entry_of.resize(n_workers);
  std::size_t upper = 0;
  std::size_t bytes = 0;
  for (std::size_t w = 0; w < n_workers; ++w) {
    if (!a.workers[w].session) continue;
    c.entry_of[w].assign(a.workers[w].n_ids(stream), StringMap::npos);
    // The largest list is a lower bound of the merged size (most terms recur across workers;
    // the sum would reserve n_workers times too much on many cores).
    upper = std::max(upper, sorted[w].size());
    bytes = std::max(bytes, sorted[w].bytes.size());
  }
  c.stats.reserve(upper, bytes);
  std::vector<std::size_t> pos(n_workers, 0);
  std::vector<std::size_t> at;  // the workers whose next term is the smallest
  for (;;) {
    // The smallest next term: by prefix key, and by whole term only where the keys tie.
    at.clear();
    std::uint64_t best_key = 0;
    std::string_view best;
    bool have_best = false;  // `best` fetched (only needed where keys tie)
    for (std::size_t w = 0; w < n_workers; ++w) {
      if (pos[w] >= sorted[w].size()) continue;
      const std::uint64_t k = sorted[w].keys[pos[w]];
      if (at.empty() || k < best_key) {
        at.assign(1, w);
        best_key = k;
        have_best = false;
        continue;
      }
      if (k > best_key) continue;
      if (!have_best) best = sorted[at[0]].term(pos[at[0]]);
      have_best = true;
      const std::string_view t = sorted[w].term(pos[w]);
      if (t > best) continue;
      if (t < best) {
        at.clear();
        best = t;
      }
      at.push_back(w);
    }
    if (at.empty()) break;
    if (!have_best) best = sorted[at[0]].term(pos[at[0]]);
    std::int64_t df = 0;
    std::int64_t tf = 0;
    const auto rank = static_cast<std::uint32_t>(c.stats.size());
    for (const std::size_t w : at) {
      const TermId id = sorted[w].ids[pos[w]++];
      const Tally::Stat& st = a.workers[w].tally(stream).stats[id];
      df += st.df;
      tf += st.tf;
      c.entry_of[w][id] = rank;
    }
    c.stats.push_back(best, df, tf);
  }
  c.stats.add_documents(static_cast<std::int64_t>(a.n_rows()), stream == Stream::terms ? a.total_doc_len() : 0);
  return c;
}

TermStats empty_like(const TermStats& stats) {
  TermStats t;
  t.add_documents(stats.n_docs(), 0);
  return t;
}

}  // namespace newsim::detail
