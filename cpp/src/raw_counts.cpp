// Raw counts (RawCounts in vectorizer.hpp): each document's term counts before vocabulary,
// pruning and weighting, keyed by term, and the rows transform gives for them under a later
// fitted state. The matrix goes through the same assembly as transform's (assembly.hpp): the
// raw counts become the rows of one worker whose ids are the tables' ids.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "assembly.hpp"
#include "compound_expansion.hpp"
#include "counting.hpp"
#include "decompound.hpp"
#include "newsim/errors.hpp"
#include "newsim/vectorizer.hpp"
#include "string_map.hpp"

namespace newsim {

std::uint64_t raw_term_key(std::string_view term) noexcept { return detail::hash_bytes(term); }

RawCountsView RawCountsView::of(const RawCounts& r) noexcept {
  return {r.term_keys,   r.candidate_offsets, r.candidate_bytes, r.term_ptr,         r.term_ids,
          r.term_counts, r.candidate_ptr,     r.candidate_ids,   r.candidate_counts, r.doc_len, {}};
}

namespace {
void refuse_hashing(const VectorizerOptions& o) {
  if (o.hashing)
    throw InvalidOptionError("hashing",
                             "raw counts are kept by term: a hashing vectorizer has no terms (its rows keep "
                             "their columns and are weighted again by scaling)");
}
}  // namespace

RawCounts Vectorizer::count_raw(const Documents& docs, const RunContext& ctx) const {
  refuse_hashing(options_);
  detail::Analysis a = detail::analyze_all(analyzer_.impl(), docs, ctx, /*binary=*/false);
  RawCounts out;
  // Each worker's ids become the output's from its base on (a term seen by two workers gets two
  // ids with one key: a row is counted by one worker, so its ids stay distinct).
  std::vector<std::uint32_t> term_base(a.workers.size(), 0);
  std::vector<std::uint32_t> cand_base(a.workers.size(), 0);
  for (std::size_t w = 0; w < a.workers.size(); ++w) {
    const detail::Worker& wk = a.workers[w];
    if (!wk.session) continue;
    if (out.term_keys.size() + wk.session->n_terms() > 0xFFFFFFFFull ||
        out.candidate_offsets.size() + wk.session->n_surfaces() > 0xFFFFFFFFull)
      throw InvalidOptionError("documents", "documents: too many distinct terms for one call (at most 2^32 - 1)");
    term_base[w] = static_cast<std::uint32_t>(out.term_keys.size());
    for (detail::TermId id = 0; id < wk.session->n_terms(); ++id)
      out.term_keys.push_back(raw_term_key(wk.session->term(id)));
    cand_base[w] = static_cast<std::uint32_t>(out.candidate_offsets.size() - 1);
    for (std::uint32_t sid = 0; sid < wk.session->n_surfaces(); ++sid) {
      out.candidate_keys.push_back(raw_term_key(wk.session->surface(sid)));
      out.candidate_bytes += wk.session->surface(sid);
      out.candidate_offsets.push_back(static_cast<std::int64_t>(out.candidate_bytes.size()));
    }
  }
  auto append = [](const detail::RowCounts& rc, std::uint32_t base, std::vector<std::int64_t>& ptr,
                   std::vector<std::uint32_t>& ids, std::vector<std::uint32_t>& counts) {
    std::size_t k = 0;
    for (const std::uint32_t n : rc.row_nnz) {
      for (std::size_t t = k; t < k + n; ++t) {
        ids.push_back(base + rc.ids[t]);
        counts.push_back(rc.counts[t]);
      }
      k += n;
      ptr.push_back(static_cast<std::int64_t>(ids.size()));
    }
  };
  const bool candidates = analyzer_.impl().options.decompound && !docs.analyzed();
  for (const detail::ChunkCounts& ch : a.chunks) {
    append(ch.terms, term_base[ch.worker], out.term_ptr, out.term_ids, out.term_counts);
    if (candidates)
      append(ch.candidates, cand_base[ch.worker], out.candidate_ptr, out.candidate_ids, out.candidate_counts);
    out.doc_len.insert(out.doc_len.end(), ch.doc_len.begin(), ch.doc_len.end());
  }
  if (!candidates) out.candidate_ptr.assign(out.doc_len.size() + 1, 0);
  return out;
}

namespace {

/// Checks one CSR stream of raw counts over `n_rows` rows and `n_ids` table ids.
void check_rows(std::span<const std::int64_t> ptr, std::span<const std::uint32_t> ids,
                std::span<const std::uint32_t> counts, std::size_t n_rows, std::size_t n_ids, const char* ptr_name,
                const char* ids_name, const char* counts_name) {
  const std::string pn = ptr_name;
  if (ptr.size() != n_rows + 1)
    throw InvalidOptionError(pn, pn + " has " + std::to_string(ptr.size()) + " entries, expected " +
                                     std::to_string(n_rows + 1) + " (one more than doc_len)");
  if (ids.size() != counts.size())
    throw InvalidOptionError(ids_name, std::string(ids_name) + " has " + std::to_string(ids.size()) + " entries and " +
                                           counts_name + " " + std::to_string(counts.size()));
  if (ptr[0] != 0 || ptr[n_rows] != static_cast<std::int64_t>(ids.size()))
    throw InvalidOptionError(pn, pn + " must start at 0 and end at " + std::to_string(ids.size()));
  for (std::size_t r = 0; r < n_rows; ++r)
    if (ptr[r + 1] < ptr[r]) throw InvalidOptionError(pn, pn + " decreases at row " + std::to_string(r));
  for (std::size_t t = 0; t < ids.size(); ++t) {
    if (ids[t] >= n_ids)
      throw InvalidOptionError(ids_name, std::string(ids_name) + "[" + std::to_string(t) + "] = " +
                                             std::to_string(ids[t]) + " is not below the table's " +
                                             std::to_string(n_ids) + " entries");
    if (counts[t] == 0)
      throw InvalidOptionError(counts_name, std::string(counts_name) + "[" + std::to_string(t) + "] is 0");
  }
}

}  // namespace

namespace {

/// Each candidate's part columns under the fitted state (split against its compiled lexicon),
/// in candidate order; the candidates' offsets are checked by the caller.
detail::ColumnList split_all(const AnalyzerImpl& an, const detail::CompiledLexicon& compiled,
                             std::span<const std::int64_t> offsets, std::string_view bytes,
                             const RunContext& ctx) {
  const std::size_t n_cand = offsets.size() - 1;
  const std::size_t chunk = 4096;
  std::vector<detail::ColumnList> pieces((n_cand + chunk - 1) / chunk);
  parallel_chunks(n_cand, chunk, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    detail::Decompounder dec(an, compiled);
    detail::ColumnList& pc = pieces[b / chunk];
    pc.ptr.assign(1, 0);
    for (std::size_t c = b; c < e; ++c) {
      const auto ob = static_cast<std::size_t>(offsets[c]);
      const auto oe = static_cast<std::size_t>(offsets[c + 1]);
      for (const std::uint32_t p : dec.split(bytes.substr(ob, oe - ob)))
        if (compiled.columns[p] >= 0) pc.cols.push_back(compiled.columns[p]);
      pc.ptr.push_back(pc.cols.size());
    }
  });
  detail::ColumnList out;
  for (const detail::ColumnList& pc : pieces) {
    const std::size_t base = out.cols.size();
    out.cols.insert(out.cols.end(), pc.cols.begin(), pc.cols.end());
    for (std::size_t q = 1; q < pc.ptr.size(); ++q) out.ptr.push_back(base + pc.ptr[q]);
  }
  return out;
}

/// Checks candidates' offsets into their bytes and that each is valid UTF-8.
void check_candidates(std::span<const std::int64_t> offsets, std::string_view bytes) {
  if (offsets.empty() || offsets[0] != 0 || offsets.back() != static_cast<std::int64_t>(bytes.size()))
    throw InvalidOptionError("candidate_offsets", "candidate_offsets must start at 0 and end at " +
                                                      std::to_string(bytes.size()) + " (the size of candidate_bytes)");
  for (std::size_t c = 0; c + 1 < offsets.size(); ++c) {
    if (offsets[c + 1] < offsets[c])
      throw InvalidOptionError("candidate_offsets", "candidate_offsets decreases at " + std::to_string(c));
    const auto b = static_cast<std::size_t>(offsets[c]);
    const auto e = static_cast<std::size_t>(offsets[c + 1]);
    if (validate_utf8(bytes.substr(b, e - b)) != std::string_view::npos)
      throw InvalidOptionError("candidate_bytes", "candidate " + std::to_string(c) + " is not valid UTF-8");
  }
}

}  // namespace

detail::ColumnList Vectorizer::part_columns(const FittedState& st, std::span<const std::int64_t> offsets,
                                            std::string_view bytes, const RunContext& ctx) const {
  return split_all(analyzer_.impl(), *compiled_lexicon(st), offsets, bytes, ctx);
}

std::vector<std::uint64_t> Vectorizer::split_keys(std::span<const std::int64_t> offsets, std::string_view bytes,
                                                  const RunContext& ctx) const {
  refuse_hashing(options_);
  check_candidates(offsets, bytes);
  const auto current = snapshot();
  const FittedState& st = *current;
  std::vector<std::uint64_t> out(offsets.size() - 1, 0);
  if (!options_.analyzer.decompound || !st.lexicon || st.lexicon->stems.size() == 0 || out.empty()) return out;
  const detail::ColumnList parts = part_columns(st, offsets, bytes, ctx);
  for (std::size_t c = 0; c < out.size(); ++c) {
    std::uint64_t h = 0;
    for (std::size_t q = parts.ptr[c]; q < parts.ptr[c + 1]; ++q)
      h = detail::mix64(h * 0x9E3779B97F4A7C15ULL + raw_term_key(st.vocabulary.term(static_cast<std::size_t>(parts.cols[q]))));
    out[c] = h;
  }
  return out;
}

namespace {

/// The column of each key's term in the state's vocabulary (-1: none). Two terms of one key
/// would make keys ambiguous: refused.
std::vector<std::int64_t> columns_by_key(const FittedState& st, std::span<const std::uint64_t> keys) {
  std::unordered_map<std::uint64_t, std::int64_t> column_of;
  column_of.reserve(st.vocabulary.size());
  for (std::size_t c = 0; c < st.vocabulary.size(); ++c)
    if (!column_of.emplace(raw_term_key(st.vocabulary.term(c)), static_cast<std::int64_t>(c)).second)
      throw InvalidOptionError("term_keys", "two terms of the vocabulary have one key ('" +
                                                std::string(st.vocabulary.term(c)) +
                                                "' is one): raw counts cannot tell them apart");
  std::vector<std::int64_t> out(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const auto it = column_of.find(keys[k]);
    out[k] = it == column_of.end() ? -1 : it->second;
  }
  return out;
}

}  // namespace

CsrAny Vectorizer::transform_raw(const RawCountsView& raw, const RunContext& ctx) const {
  refuse_hashing(options_);
  const auto current = snapshot();
  const FittedState& st = *current;
  const std::size_t n_rows = raw.doc_len.size();
  const bool decompound = options_.analyzer.decompound;
  // Checked before use: every array's size, order and range.
  check_rows(raw.term_ptr, raw.term_ids, raw.term_counts, n_rows, raw.term_keys.size(), "term_ptr", "term_ids",
             "term_counts");
  check_candidates(raw.candidate_offsets, raw.candidate_bytes);
  const std::size_t n_cand = raw.candidate_offsets.size() - 1;
  const bool has_candidates = !raw.candidate_ids.empty();
  if (has_candidates && !decompound)
    throw InvalidOptionError("candidate_ids", "candidate_ids: compound candidates are counted only with decompound");
  if (!raw.candidate_ptr.empty() || has_candidates)
    check_rows(raw.candidate_ptr, raw.candidate_ids, raw.candidate_counts, n_rows, n_cand, "candidate_ptr",
               "candidate_ids", "candidate_counts");

  detail::Remap remap(1);
  if (!raw.term_columns.empty()) {  // given by the caller, checked
    if (raw.term_columns.size() != raw.term_keys.size())
      throw InvalidOptionError("term_columns", "term_columns has " + std::to_string(raw.term_columns.size()) +
                                                   " entries for " + std::to_string(raw.term_keys.size()) + " terms");
    const auto n_cols = static_cast<std::int64_t>(st.vocabulary.size());
    for (std::size_t k = 0; k < raw.term_columns.size(); ++k)
      if (raw.term_columns[k] < -1 || raw.term_columns[k] >= n_cols)
        throw InvalidOptionError("term_columns", "term_columns[" + std::to_string(k) + "] = " +
                                                     std::to_string(raw.term_columns[k]) + " is not a column (there are " +
                                                     std::to_string(n_cols) + ") or -1");
    remap[0].assign(raw.term_columns.begin(), raw.term_columns.end());
  } else {
    remap[0] = columns_by_key(st, raw.term_keys);
  }
  // The candidates' part columns, split against the current lexicon.
  detail::ColumnLists parts;
  if (decompound && st.lexicon && st.lexicon->stems.size() > 0 && n_cand > 0)
    parts.push_back(part_columns(st, raw.candidate_offsets, raw.candidate_bytes, ctx));
  // The rows as chunks of one worker, in the shape counting gives (binary: counts of 1).
  const bool binary = options_.weighting.binary;
  detail::Analysis a;
  a.workers.resize(1);
  a.chunk = std::clamp<std::size_t>(n_rows / std::max<std::size_t>(1, ctx.n_jobs * 8), 64, 4096);
  for (std::size_t r0 = 0; r0 < n_rows; r0 += a.chunk) {
    const std::size_t r1 = std::min(n_rows, r0 + a.chunk);
    detail::ChunkCounts ch;
    ch.worker = 0;
    auto copy = [&](std::span<const std::int64_t> ptr, std::span<const std::uint32_t> ids,
                    std::span<const std::uint32_t> counts, detail::RowCounts& out) {
      const auto b = static_cast<std::size_t>(ptr[r0]);
      const auto e = static_cast<std::size_t>(ptr[r1]);
      out.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(b), ids.begin() + static_cast<std::ptrdiff_t>(e));
      if (binary)
        out.counts.assign(e - b, 1u);
      else
        out.counts.assign(counts.begin() + static_cast<std::ptrdiff_t>(b),
                          counts.begin() + static_cast<std::ptrdiff_t>(e));
      for (std::size_t r = r0; r < r1; ++r) out.row_nnz.push_back(static_cast<std::uint32_t>(ptr[r + 1] - ptr[r]));
    };
    copy(raw.term_ptr, raw.term_ids, raw.term_counts, ch.terms);
    if (!parts.empty()) copy(raw.candidate_ptr, raw.candidate_ids, raw.candidate_counts, ch.candidates);
    ch.doc_len.assign(raw.doc_len.begin() + static_cast<std::ptrdiff_t>(r0),
                      raw.doc_len.begin() + static_cast<std::ptrdiff_t>(r1));
    a.chunks.push_back(std::move(ch));
  }
  return detail::assemble(a, remap, parts, st.vocabulary.size(), options_, st.idf, st.avg_doc_len, ctx);
}

}  // namespace newsim
