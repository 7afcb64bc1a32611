// newsim (private) — the counting stage: documents analyzed, on worker threads, into each row's
// distinct terms and their counts (in the worker's session term ids), plus each worker's running
// document and term frequencies, which the term merge (term_merge.hpp) turns into statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsim/big_alloc.hpp"
#include "newsim/parallel.hpp"
#include "newsim/vectorizer.hpp"
#include "session.hpp"

namespace newsim::detail {

/// Which of the id streams a session emits: the terms, or the compound candidates (decompound
/// option). Counting has to know of the candidates because only the session sees them, while it
/// normalizes tokens (it flags them in its token cache); it counts them as it counts terms, as
/// ids it does not interpret, and the compound expansion (compound_expansion.hpp) gives them
/// their meaning.
enum class Stream { terms, candidates };

/// One stream's counts over a run of documents: per row, its distinct ids (unsorted) and their
/// counts (1 when binary).
struct RowCounts {
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> counts;
  std::vector<std::uint32_t> row_nnz;
};

/// The counts of a run of documents (a chunk), counted by worker `worker`.
struct ChunkCounts {
  std::size_t worker = 0;
  RowCounts terms;       // by session term id
  RowCounts candidates;  // by session surface id; empty unless decompounding
  std::vector<std::uint32_t> doc_len;  // terms analyzed per document (BM25)
  [[nodiscard]] std::size_t n_rows() const noexcept { return terms.row_nnz.size(); }
  [[nodiscard]] const RowCounts& stream(Stream s) const noexcept {
    return s == Stream::terms ? terms : candidates;
  }
};

/// A worker's running statistics of one stream, with the dense counting scratch of the current
/// document.
struct Tally {
  struct Stat {
    std::uint32_t count;  // in the current document (scratch)
    std::uint32_t df;     // documents so far
    std::int64_t tf;      // occurrences so far
  };
  BigVector<Stat> stats;  // by id: one cache line per id touched
  std::vector<std::uint32_t> touched;
  std::vector<std::uint32_t> ids;  // the current document's, in order

  /// Counts the current document's `ids` (all below `n_ids`) into `stats` and appends each
  /// distinct id and its count (1 when binary) to `out` as its next row.
  void count_document(std::size_t n_ids, bool binary, RowCounts& out);
};

/// Per worker: a session and its streams' tallies (cache-line aligned: workers write their own
/// vectors' headers constantly).
struct alignas(64) Worker {
  std::unique_ptr<Session> session;
  Tally terms;
  Tally candidates;
  std::string buffer;

  [[nodiscard]] const Tally& tally(Stream s) const noexcept {
    return s == Stream::terms ? terms : candidates;
  }
  [[nodiscard]] std::size_t n_ids(Stream s) const noexcept {
    return s == Stream::terms ? session->n_terms() : session->n_surfaces();
  }
  [[nodiscard]] std::string_view key(Stream s, std::uint32_t id) const noexcept {
    return s == Stream::terms ? session->term(id) : session->surface(id);
  }
};

/// The counting stage's result: the workers (a worker that got no chunk has no session) and the
/// chunks' counts in document order.
struct Analysis {
  std::vector<Worker> workers;
  std::vector<ChunkCounts> chunks;
  std::size_t chunk = 1;

  [[nodiscard]] std::size_t n_rows() const noexcept;
  /// Terms analyzed over all documents.
  [[nodiscard]] std::int64_t total_doc_len() const noexcept;
};

/// Analyzes and counts `docs` on ctx.n_jobs threads; counts the compound candidates too when
/// the analyzer decompounds raw texts.
Analysis analyze_all(const AnalyzerImpl& impl, const Documents& docs, const RunContext& ctx, bool binary);

/// Frees the workers' sessions and scratch once their terms are mapped to columns: the matrix
/// needs only the chunks' counts, and its memory then takes the place of the term tables.
void release_sessions(Analysis& a) noexcept;

}  // namespace newsim::detail
