// newsim — the index file: save, load (mapped or read), and the checks that come before a
// loaded index is used.
//
//   offset  size    field (little-endian)
//   0       8       magic "NEWSIMI\x1a" (a model file starts "NEWSIM\0\x1a")
//   8       4       format version (u32), currently 1
//   12      4       number of sections n (u32)
//   16      8       file size in bytes (u64)
//   24      8       rows (u64), each an article
//   32      8       columns (u64), the vectorizer's features
//   40      8       stored values, nnz (u64)
//   48      4       ids kind (u32): 0 none (the rows are the ids), 1 integers, 2 strings
//   52      4       flags (u32): bit 0, the file has the columns' terms (sections 10, 11);
//                   bit 1, it has the vectorizer that made the rows (section 12: an archive);
//                   bit 2, it has an archive's own data (section 13); bit 3, the articles'
//                   dates (section 14); bit 4, the dates were time-zone aware (UTC; only with
//                   bit 3); bit 5, the articles' sources (sections 15 to 17)
//   56      4       reserved, zero
//   60      4       CRC-32C of bytes 0 to 59 and of the section table
//   64      32 n    section table, one entry per section in file order: kind (u32), zero
//                   (u32), offset (u64), length in bytes (u64), CRC-32C of the section (u32),
//                   zero (u32)
//
// The sections follow, each at an offset that is a multiple of 64, in the order of their kinds:
//   1 row offsets     int32 x (rows + 1)      the rows (CSR): offsets into 2 and 3
//   2 row columns     int32 x nnz             increasing within each row
//   3 row weights     float32 x nnz           finite, non-zero
//   4 column offsets  int32 x (columns + 1)   the postings (CSC), the transpose of the rows
//   5 column rows     int32 x nnz             increasing within each column
//   6 column weights  float32 x nnz
//   7 integer ids     int64 x rows            (ids kind 1)
//   8 id offsets      uint64 x (rows + 1)     (ids kind 2): id r is bytes [offsets[r], offsets[r + 1]) of 9
//   9 id bytes        UTF-8
//  10 term offsets    uint64 x (columns + 1)  (flag bit 0): the term of each column, as the ids
//  11 term bytes      UTF-8
//  12 model           a model file's bytes (flag bit 1), checked by the model loader
//  13 archive data    an archive's data (flag bit 2: its articles' raw counts and its
//                     tolerance), opaque here and checked by the archive
//  14 dates           int64 x rows            (flag bit 3) nanoseconds since the epoch
//  15 source codes    int32 x rows            (flag bit 5) each article's source in 16/17, -1 unknown
//  16 source offsets  uint64 x (sources + 1)  the distinct sources' names, as the ids
//  17 source bytes    UTF-8
// The arrays are the index's own, as they sit in memory on a little-endian machine, so that a
// mapped file is used in place. Loading checks, before any array is used: the header and its
// checksum, the file's size, each section's place, size and checksum, every offset and index
// in range and in order, the weights finite, the postings the transpose of the rows (an
// order-independent hash of all (row, column, weight) entries, equal from both sides), and the
// ids unique (strings and terms valid UTF-8), every source code naming a source (the names
// unique). The kernels' bounds are recomputed, not stored:
// the row norms and signs from the rows, each column's largest weight from its postings.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <functional>
#include <utility>
#include <vector>

#include "crc32c.hpp"
#include "files_impl.hpp"
#include "index_file.hpp"
#include "newsim/errors.hpp"
#include "newsim/files.hpp"
#include "newsim/parallel.hpp"
#include "newsim/text.hpp"
#include "similarity_impl.hpp"

static_assert(std::endian::native == std::endian::little,
              "the index file stores arrays as they sit in memory on a little-endian machine");

namespace newsim {
namespace {

using detail::Fd;
using detail::system_failure;

constexpr char kMagic[8] = {'N', 'E', 'W', 'S', 'I', 'M', 'I', '\x1a'};
constexpr char kModelMagic[8] = {'N', 'E', 'W', 'S', 'I', 'M', '\0', '\x1a'};
constexpr std::uint32_t kIndexVersion = 1;
constexpr std::size_t kHeader = 64;
constexpr std::size_t kEntry = 32;
constexpr std::size_t kAlign = 64;
constexpr std::size_t kCrcAt = 60;
constexpr std::uint64_t kMaxExtent = std::numeric_limits<std::int32_t>::max() - 1;  // int32 offsets

enum class Section : std::uint32_t {
  row_offsets = 1,
  row_columns,
  row_weights,
  col_offsets,
  col_rows,
  col_weights,
  id_integers,
  id_offsets,
  id_bytes,
  term_offsets,
  term_bytes,
  model,
  archive_data,
  dates,
  source_codes,
  source_offsets,
  source_bytes,
};
constexpr std::array<const char*, 18> kSectionNames{
    "?", "row offsets", "row columns", "row weights", "column offsets", "column rows", "column weights",
    "integer ids", "id offsets", "id bytes", "term offsets", "term bytes", "model", "archive data",
    "dates", "source codes", "source offsets", "source bytes"};

const char* name_of(Section s) { return kSectionNames[static_cast<std::size_t>(s)]; }

constexpr std::uint32_t kHasTerms = 1;
constexpr std::uint32_t kHasModel = 2;
constexpr std::uint32_t kHasArchiveData = 4;
constexpr std::uint32_t kHasDates = 8;
constexpr std::uint32_t kDatesAware = 16;
constexpr std::uint32_t kHasSources = 32;
constexpr std::uint32_t kKnownFlags = kHasTerms | kHasModel | kHasArchiveData | kHasDates | kDatesAware | kHasSources;

/// The header's flags for these labels.
std::uint32_t flags_of(const IndexLabels& l) noexcept {
  return (l.has_terms ? kHasTerms : 0) | (l.has_model ? kHasModel : 0) | (l.has_archive ? kHasArchiveData : 0) |
         (l.has_dates ? kHasDates : 0) | (l.has_dates && l.dates_aware ? kDatesAware : 0) |
         (l.has_sources ? kHasSources : 0);
}

/// The sections a file with these labels has, in file order.
std::vector<Section> sections_for(IndexLabels::Ids ids, bool has_terms, bool has_model, bool has_archive,
                                  bool has_dates, bool has_sources) {
  std::vector<Section> s{Section::row_offsets, Section::row_columns, Section::row_weights,
                         Section::col_offsets, Section::col_rows,    Section::col_weights};
  if (ids == IndexLabels::Ids::integers) s.push_back(Section::id_integers);
  if (ids == IndexLabels::Ids::strings) {
    s.push_back(Section::id_offsets);
    s.push_back(Section::id_bytes);
  }
  if (has_terms) {
    s.push_back(Section::term_offsets);
    s.push_back(Section::term_bytes);
  }
  if (has_model) s.push_back(Section::model);
  if (has_archive) s.push_back(Section::archive_data);
  if (has_dates) s.push_back(Section::dates);
  if (has_sources) s.insert(s.end(), {Section::source_codes, Section::source_offsets, Section::source_bytes});
  return s;
}

template <class U>
U get(const std::byte* p) noexcept {
  U v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class U>
void put(std::byte* p, U v) noexcept {
  std::memcpy(p, &v, sizeof v);
}

std::size_t align_up(std::size_t n) noexcept { return (n + kAlign - 1) & ~(kAlign - 1); }

[[noreturn]] void corrupted(const std::string& what) { throw FormatError("corrupted newsim index file: " + what); }

// ------------------------------------------------------------------------------------- ids

/// The noun of `what` ("the id of article" -> "id").
std::string_view unique_noun(std::string_view what) noexcept {
  if (what.starts_with("the ")) what.remove_prefix(4);
  return what.substr(0, what.find(' '));
}

/// Checks `n` strings: offsets spanning the bytes, each valid UTF-8, and with `unique` no two
/// equal; fail(message) throws. `what` names one ("the id of article"), `count` how many are
/// needed ("ids for 10 articles").
template <class Fail>
void check_strings(const StringList& list, std::size_t n, bool unique, const char* what, const std::string& count,
                   Fail&& fail, const char* duplicate = "is given to more than one article") {
  if (list.offsets.size() != n + 1) fail("there are " + std::to_string(list.size()) + " " + count);
  if (list.offsets[0] != 0 || list.offsets[n] != list.bytes.size()) fail("the offsets do not span the bytes");
  // Uniqueness: ids in strictly increasing order are unique (checked on the way); others by
  // sorting (hash, position) pairs, strings compared only where hashes agree: a hash set of a
  // million strings took ~0.4 s of a 1M-article load (a cache miss per insert).
  bool increasing = true;
  for (std::size_t r = 0; r < n; ++r) {
    if (list.offsets[r + 1] < list.offsets[r] || list.offsets[r + 1] > list.bytes.size())
      fail("the offsets decrease or overrun the bytes at " + std::to_string(r));
    const std::string_view s = list[r];
    if (validate_utf8(s) != std::string_view::npos) fail(std::string(what) + " " + std::to_string(r) + " is not valid UTF-8");
    if (unique && increasing && r > 0) increasing = list[r - 1] < s;
  }
  if (!unique || increasing) return;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> hashed;
  hashed.reserve(n);
  for (std::size_t r = 0; r < n; ++r) hashed.emplace_back(std::hash<std::string_view>{}(list[r]), static_cast<std::uint32_t>(r));
  std::sort(hashed.begin(), hashed.end());
  for (std::size_t i = 0; i + 1 < hashed.size(); ++i) {
    for (std::size_t j = i + 1; j < hashed.size() && hashed[j].first == hashed[i].first; ++j)
      if (list[hashed[i].second] == list[hashed[j].second])
        fail("the " + std::string(unique_noun(what)) + " '" + std::string(list[hashed[i].second]) + "' " + duplicate);
  }
}

/// Checks labels against an index of `rows` x `cols`; fail(option, message) throws.
template <class Fail>
void check_labels(const IndexLabels& labels, std::size_t rows, std::size_t cols, Fail&& fail) {
  const auto ids = [&](const std::string& m) { fail("ids", m); };
  switch (labels.ids) {
    case IndexLabels::Ids::rows: break;
    case IndexLabels::Ids::integers: {
      if (labels.integer_ids.size() != rows)
        ids("there are " + std::to_string(labels.integer_ids.size()) + " ids for " + std::to_string(rows) + " articles");
      const auto& given = labels.integer_ids;  // increasing ids are unique; others sorted first
      if (std::adjacent_find(given.begin(), given.end(), std::greater_equal<>{}) == given.end()) break;
      std::vector<std::int64_t> sorted(given.begin(), given.end());
      std::sort(sorted.begin(), sorted.end());
      if (const auto d = std::adjacent_find(sorted.begin(), sorted.end()); d != sorted.end())
        ids("the id " + std::to_string(*d) + " is given to more than one article");
      break;
    }
    case IndexLabels::Ids::strings:
      check_strings(labels.string_ids, rows, true, "the id of article", "ids for " + std::to_string(rows) + " articles", ids);
      break;
    default: ids("unknown kind of ids");
  }
  if (labels.has_terms)
    check_strings(labels.terms, cols, false, "the term of column", "terms for " + std::to_string(cols) + " columns",
                  [&](const std::string& m) { fail("feature_names", m); });
  if (labels.has_dates && labels.dates.size() != rows)
    fail("dates", "there are " + std::to_string(labels.dates.size()) + " dates for " + std::to_string(rows) + " articles");
  if (labels.has_sources) {
    const auto sources = [&](const std::string& m) { fail("sources", m); };
    if (labels.source_codes.size() != rows)
      sources("there are " + std::to_string(labels.source_codes.size()) + " sources for " + std::to_string(rows) +
              " articles");
    const std::size_t names = labels.source_names.size();
    if (labels.source_names.offsets.empty()) sources("the sources' names have no offsets");
    check_strings(labels.source_names, names, true, "the source name", std::to_string(names) + " source names",
                  sources, "is named twice");
    for (std::size_t r = 0; r < rows; ++r) {
      const std::int32_t c = labels.source_codes[r];
      if (c < -1 || (c >= 0 && static_cast<std::size_t>(c) >= names))
        sources("the source of article " + std::to_string(r) + " is code " + std::to_string(c) + ", not one of the " +
                std::to_string(names) + " sources (or -1, unknown)");
    }
  }
}

// ---------------------------------------------------------------------------------- writing

struct Part {
  Section kind;
  const void* data;
  std::size_t bytes;
};

std::vector<Part> parts_of(const detail::InvertedIndex& x, const IndexLabels& labels) {
  const auto& r = x.rows;
  const auto& c = x.postings;
  const auto nnz = static_cast<std::size_t>(r.nonZeros());
  const auto i32 = sizeof(std::int32_t);
  std::vector<Part> parts{
      {Section::row_offsets, r.outerIndexPtr(), (static_cast<std::size_t>(r.rows()) + 1) * i32},
      {Section::row_columns, r.innerIndexPtr(), nnz * i32},
      {Section::row_weights, r.valuePtr(), nnz * sizeof(float)},
      {Section::col_offsets, c.outerIndexPtr(), (static_cast<std::size_t>(c.cols()) + 1) * i32},
      {Section::col_rows, c.innerIndexPtr(), nnz * i32},
      {Section::col_weights, c.valuePtr(), nnz * sizeof(float)},
  };
  if (labels.ids == IndexLabels::Ids::integers)
    parts.push_back({Section::id_integers, labels.integer_ids.data(), labels.integer_ids.size_bytes()});
  const auto strings = [&](Section offsets, Section bytes, const StringList& list) {
    parts.push_back({offsets, list.offsets.data(), list.offsets.size_bytes()});
    parts.push_back({bytes, list.bytes.data(), list.bytes.size()});
  };
  if (labels.ids == IndexLabels::Ids::strings) strings(Section::id_offsets, Section::id_bytes, labels.string_ids);
  if (labels.has_terms) strings(Section::term_offsets, Section::term_bytes, labels.terms);
  if (labels.has_model) parts.push_back({Section::model, labels.model.data(), labels.model.size()});
  if (labels.has_archive)
    parts.push_back({Section::archive_data, labels.archive.data(), labels.archive.size()});
  if (labels.has_dates) parts.push_back({Section::dates, labels.dates.data(), labels.dates.size_bytes()});
  if (labels.has_sources) {
    parts.push_back({Section::source_codes, labels.source_codes.data(), labels.source_codes.size_bytes()});
    strings(Section::source_offsets, Section::source_bytes, labels.source_names);
  }
  return parts;
}

/// Header and section table of a file holding `parts`; returns it with the offsets of the parts.
std::string header_for(const detail::InvertedIndex& x, const IndexLabels& labels, const std::vector<Part>& parts,
                       std::vector<std::size_t>& offsets) {
  std::string head(kHeader + kEntry * parts.size(), '\0');
  auto* h = reinterpret_cast<std::byte*>(head.data());
  std::size_t at = align_up(head.size());
  offsets.clear();
  for (const Part& p : parts) {
    offsets.push_back(at);
    at = align_up(at + p.bytes);
  }
  const std::size_t file_size = parts.empty() ? head.size() : offsets.back() + parts.back().bytes;
  std::memcpy(h, kMagic, sizeof kMagic);
  put<std::uint32_t>(h + 8, kIndexVersion);
  put<std::uint32_t>(h + 12, static_cast<std::uint32_t>(parts.size()));
  put<std::uint64_t>(h + 16, file_size);
  put<std::uint64_t>(h + 24, x.n_rows());
  put<std::uint64_t>(h + 32, static_cast<std::uint64_t>(x.rows.cols()));
  put<std::uint64_t>(h + 40, static_cast<std::uint64_t>(x.rows.nonZeros()));
  put<std::uint32_t>(h + 48, static_cast<std::uint32_t>(labels.ids));
  put<std::uint32_t>(h + 52, flags_of(labels));
  // The sections' checksums: the rows' and the postings' arrays on two threads.
  std::vector<std::uint32_t> crcs(parts.size());
  parallel_chunks(parts.size(), 1, RunContext{std::min<std::size_t>(2, available_cpus()), nullptr},
                  [&](std::size_t, std::size_t b, std::size_t e) {
                    for (std::size_t i = b; i < e; ++i) crcs[i] = detail::crc32c(0, parts[i].data, parts[i].bytes);
                  });
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::byte* entry = h + kHeader + kEntry * i;
    put<std::uint32_t>(entry, static_cast<std::uint32_t>(parts[i].kind));
    put<std::uint64_t>(entry + 8, offsets[i]);
    put<std::uint64_t>(entry + 16, parts[i].bytes);
    put<std::uint32_t>(entry + 24, crcs[i]);
  }
  std::uint32_t crc = detail::crc32c(0, h, kCrcAt);
  crc = detail::crc32c(crc, h + kHeader, kEntry * parts.size());
  put<std::uint32_t>(h + kCrcAt, crc);
  return head;
}

/// Writes the file through put(data, bytes).
template <class Put>
void write_index(const detail::InvertedIndex& x, const IndexLabels& labels, Put&& write) {
  check_labels(labels, x.n_rows(), static_cast<std::size_t>(x.rows.cols()),
               [](const char* option, const std::string& m) {
                 throw InvalidOptionError(option, std::string(option) + " do not fit the index: " + m);
               });
  const std::vector<Part> parts = parts_of(x, labels);
  std::vector<std::size_t> offsets;
  const std::string head = header_for(x, labels, parts, offsets);
  static constexpr std::array<char, kAlign> kZeros{};
  write(head.data(), head.size());
  std::size_t at = head.size();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    write(kZeros.data(), offsets[i] - at);
    write(parts[i].data, parts[i].bytes);
    at = offsets[i] + parts[i].bytes;
  }
}

/// A file descriptor, closed when it goes.
// ---------------------------------------------------------------------------------- reading

/// Bytes an index borrows: a read-only mapping of a file, or a buffer of 64-byte lines.
class Mapping {
 public:
  Mapping(void* p, std::size_t n) noexcept : p_(p), n_(n) {}
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { ::munmap(p_, n_); }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {static_cast<const std::byte*>(p_), n_}; }

 private:
  void* p_;
  std::size_t n_;
};

struct alignas(kAlign) Line {
  std::byte b[kAlign];
};

class Buffer {
 public:
  // Not zeroed first: the bytes are written over at once (zeroing 2 GB cost a second).
  explicit Buffer(std::size_t n) : lines_(std::make_unique_for_overwrite<Line[]>((n + kAlign - 1) / kAlign)), n_(n) {}
  [[nodiscard]] std::byte* data() noexcept { return reinterpret_cast<std::byte*>(lines_.get()); }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept {
    return {reinterpret_cast<const std::byte*>(lines_.get()), n_};
  }

 private:
  std::unique_ptr<Line[]> lines_;
  std::size_t n_;
};

struct Header {
  std::uint32_t n_sections = 0;
  std::uint64_t rows = 0, cols = 0, nnz = 0;
  IndexLabels::Ids ids = IndexLabels::Ids::rows;
  bool has_terms = false;
  bool has_model = false;
  bool has_archive = false;
  bool has_dates = false;
  bool dates_aware = false;
  bool has_sources = false;
};

struct Located {
  Section kind;
  std::size_t offset, bytes;
  std::uint32_t crc;
};

Header read_header(std::span<const std::byte> f) {
  const std::size_t size = f.size();
  if (size == 0) throw FormatError("not a newsim index file (the file is empty)");
  if (size < sizeof kMagic && std::memcmp(f.data(), kMagic, size) == 0)
    corrupted("truncated header (the file is " + std::to_string(size) + " bytes)");
  if (size < sizeof kMagic || std::memcmp(f.data(), kMagic, sizeof kMagic) != 0) {
    if (size >= sizeof kModelMagic && std::memcmp(f.data(), kModelMagic, sizeof kModelMagic) == 0)
      throw FormatError("this is a newsim model file (a fitted vectorizer), not an index file: load it with "
                        "TfidfVectorizer.load() (or the class that saved it)");
    throw FormatError("not a newsim index file (it does not start with the index file's magic bytes)");
  }
  if (size < kHeader) corrupted("truncated header (the file is " + std::to_string(size) + " bytes)");
  const std::byte* h = f.data();
  const auto version = get<std::uint32_t>(h + 8);
  if (version != kIndexVersion)
    throw FormatError("newsim index file format version " + std::to_string(version) +
                      " is not supported by this newsim (it reads version " + std::to_string(kIndexVersion) +
                      "); upgrade newsim to load it");
  Header out;
  out.n_sections = get<std::uint32_t>(h + 12);
  if (out.n_sections < 6 || out.n_sections > 17)
    corrupted("the header names " + std::to_string(out.n_sections) + " sections (an index has 6 to 17)");
  const std::size_t table_end = kHeader + kEntry * out.n_sections;
  if (size < table_end) corrupted("truncated section table (the file is " + std::to_string(size) + " bytes)");
  std::uint32_t crc = detail::crc32c(0, h, kCrcAt);
  crc = detail::crc32c(crc, h + kHeader, table_end - kHeader);
  if (crc != get<std::uint32_t>(h + kCrcAt))
    corrupted("the header's checksum does not match (the file was modified or damaged)");
  const auto file_size = get<std::uint64_t>(h + 16);
  if (file_size != size)
    corrupted("the file is " + std::to_string(size) + " bytes, its header says " + std::to_string(file_size) +
              " (truncated or extended)");
  out.rows = get<std::uint64_t>(h + 24);
  out.cols = get<std::uint64_t>(h + 32);
  out.nnz = get<std::uint64_t>(h + 40);
  if (out.rows > kMaxExtent || out.cols > kMaxExtent || out.nnz > kMaxExtent)
    corrupted("the header's shape is out of range (" + std::to_string(out.rows) + " rows, " +
              std::to_string(out.cols) + " columns, " + std::to_string(out.nnz) + " stored values)");
  const auto kind = get<std::uint32_t>(h + 48);
  if (kind > 2) corrupted("unknown kind of ids " + std::to_string(kind));
  out.ids = static_cast<IndexLabels::Ids>(kind);
  const auto flags = get<std::uint32_t>(h + 52);
  if ((flags & ~kKnownFlags) != 0 || get<std::uint32_t>(h + 56) != 0)
    corrupted("unknown header flags or reserved bytes (written by a newer newsim? upgrade newsim to load it)");
  out.has_terms = (flags & kHasTerms) != 0;
  out.has_model = (flags & kHasModel) != 0;
  out.has_archive = (flags & kHasArchiveData) != 0;
  out.has_dates = (flags & kHasDates) != 0;
  out.dates_aware = (flags & kDatesAware) != 0;
  out.has_sources = (flags & kHasSources) != 0;
  if (out.dates_aware && !out.has_dates) corrupted("the header says the dates are time-zone aware, but has no dates");
  return out;
}

/// The sections, each where the header says and of the size the shape implies.
std::vector<Located> read_table(std::span<const std::byte> f, const Header& hd) {
  const std::vector<Section> expected =
      sections_for(hd.ids, hd.has_terms, hd.has_model, hd.has_archive, hd.has_dates, hd.has_sources);
  if (expected.size() != hd.n_sections)
    corrupted("the header names " + std::to_string(hd.n_sections) + " sections, its labels need " +
              std::to_string(expected.size()));
  std::vector<Located> out;
  std::size_t end = kHeader + kEntry * hd.n_sections;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::byte* e = f.data() + kHeader + kEntry * i;
    const auto kind = get<std::uint32_t>(e);
    const char* name = name_of(expected[i]);
    if (kind != static_cast<std::uint32_t>(expected[i]))
      corrupted("section " + std::to_string(i) + " has kind " + std::to_string(kind) + ", expected " +
                std::to_string(static_cast<std::uint32_t>(expected[i])) + " (" + name + ")");
    if (get<std::uint32_t>(e + 4) != 0 || get<std::uint32_t>(e + 28) != 0)
      corrupted(std::string("reserved bytes of the entry of section '") + name + "' are not zero");
    const auto offset = get<std::uint64_t>(e + 8);
    const auto bytes = get<std::uint64_t>(e + 16);
    // Each section where the writer puts it: at the first multiple of 64 after the one before
    // (so that a file that loads is the one file save() writes for this index), zeros between.
    if (offset != align_up(end) || offset > f.size() || bytes > f.size() - offset)
      corrupted(std::string("section '") + name + "' is not where it belongs (offset " + std::to_string(offset) +
                ", " + std::to_string(bytes) + " bytes, expected offset " + std::to_string(align_up(end)) +
                " in a file of " + std::to_string(f.size()) + " bytes)");
    for (std::size_t at = end; at < offset; ++at)
      if (f[at] != std::byte{0}) corrupted(std::string("non-zero bytes before section '") + name + "'");
    std::uint64_t want = 0;
    switch (expected[i]) {
      case Section::row_offsets: want = (hd.rows + 1) * 4; break;
      case Section::col_offsets: want = (hd.cols + 1) * 4; break;
      case Section::row_columns:
      case Section::row_weights:
      case Section::col_rows:
      case Section::col_weights: want = hd.nnz * 4; break;
      case Section::id_integers:
      case Section::dates: want = hd.rows * 8; break;
      case Section::source_codes: want = hd.rows * 4; break;
      case Section::source_offsets: want = bytes >= 8 && bytes % 8 == 0 ? bytes : 8; break;  // names + 1
      case Section::id_offsets: want = (hd.rows + 1) * 8; break;
      case Section::term_offsets: want = (hd.cols + 1) * 8; break;
      case Section::id_bytes:
      case Section::term_bytes:
      case Section::source_bytes:
      case Section::model:
      case Section::archive_data: want = bytes; break;  // checked against the offsets, by the model loader
    }
    if (bytes != want)
      corrupted(std::string("section '") + name + "' is " + std::to_string(bytes) + " bytes, the shape needs " +
                std::to_string(want));
    out.push_back({expected[i], static_cast<std::size_t>(offset), static_cast<std::size_t>(bytes), get<std::uint32_t>(e + 24)});
    end = static_cast<std::size_t>(offset + bytes);
  }
  return out;
}

/// An order-independent hash of one stored entry (`bits`: its weight's): the rows' and the
/// postings' sums agree when they hold the same entries (a mismatch goes unnoticed with
/// probability ~2^-64).
std::uint64_t entry_hash(std::uint64_t row, std::uint64_t col, std::uint32_t bits) noexcept {
  std::uint64_t z = (row << 32 | col) + 0x9E3779B97F4A7C15ull * (bits + 1ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

template <class T>
const T* array_at(std::span<const std::byte> f, const Located& s) noexcept {
  return reinterpret_cast<const T*>(f.data() + s.offset);  // 64-byte aligned, checked size
}

/// One side of a compressed matrix as stored: the rows (CSR), or the postings (CSC).
struct Compressed {
  const std::int32_t* offsets;
  const std::int32_t* inner;
  const float* weights;
  std::size_t outer, limit, nnz;  // outer entries, the bound of the inner indices, stored values
  bool by_rows;
};

/// The first problem of outer entry `o` (whose offsets, indices or weights the fast pass found
/// wrong), in the words and the order of the plain checks: offsets, then entry by entry the
/// index, then the weight.
[[noreturn]] void report(const Compressed& m, std::size_t o) {
  const std::string what = m.by_rows ? "row" : "column";
  const char* index = m.by_rows ? "columns" : "rows";
  const std::int32_t b = m.offsets[o];
  const std::int32_t e = m.offsets[o + 1];
  if (b < 0 || e < b || static_cast<std::size_t>(e) > m.nnz)
    corrupted("the " + what + " offsets decrease or overrun at " + what + " " + std::to_string(o));
  std::int64_t previous = -1;
  for (std::int32_t p = b; p < e; ++p) {
    const std::int32_t i = m.inner[p];
    if (i <= previous || static_cast<std::size_t>(i) >= m.limit)
      corrupted(what + " " + std::to_string(o) + "'s " + index + " are not increasing or out of range");
    previous = i;
    const float v = m.weights[p];
    if (!std::isfinite(v) || v == 0.0f)
      corrupted(what + " " + std::to_string(o) + " has a weight that is zero, infinite or NaN");
  }
  corrupted(what + " " + std::to_string(o) + " failed a check");  // not reached: the fast pass agrees
}

/// What a chunk of outer entries adds to the index: its entries' hash and, for the rows, the
/// bounds the kernels need (the postings' chunks write each column's largest weight in place).
struct Partial {
  std::uint64_t hash = 0;
  std::uint32_t sign_bits = 0;  // OR of the weights' bits: bit 31 when one is negative
  double max_row_norm = 0.0;
  bool normalized = true;
};

/// What the stored values of one outer entry add up to: a flag for any index out of order or
/// range or weight zero, infinite or NaN; the hash of the entries; the OR of the weights' bits
/// (rows: bit 31 when one is negative); the bits of the largest |weight| (postings: for finite
/// floats, ordered as the floats).
struct Scan {
  std::uint32_t bad = 0, signs = 0, largest = 0;
  std::uint64_t hash = 0;
};

/// The `n` stored values of outer entry `o`, inner indices `in`, weights `w`, without a branch:
/// a loop the compiler vectorizes where the CPU allows (see scan_avx512).
template <bool kRows>
[[gnu::always_inline]] inline Scan scan(const std::int32_t* in, const float* w, std::int32_t n, std::uint64_t o,
                                        std::uint32_t limit) noexcept {
  Scan s;
  if (n <= 0) return s;
  s.bad = static_cast<std::uint32_t>(static_cast<std::uint32_t>(in[0]) >= limit);  // negative: huge
  for (std::int32_t k = 0; k < n; ++k) {
    const std::int32_t i = in[k];
    const std::int32_t before = in[k > 0 ? k - 1 : 0];
    const auto bits = std::bit_cast<std::uint32_t>(w[k]);
    const std::uint32_t magnitude = bits & 0x7fffffffu;
    s.bad |= static_cast<std::uint32_t>(k > 0 && i <= before) |
             static_cast<std::uint32_t>(static_cast<std::uint32_t>(i) >= limit) |
             static_cast<std::uint32_t>(magnitude - 1u >= 0x7f7fffffu);  // zero, infinite or NaN
    const auto u = static_cast<std::uint64_t>(static_cast<std::uint32_t>(i));
    s.hash += kRows ? entry_hash(o, u, bits) : entry_hash(u, o, bits);
    s.signs |= bits;
    s.largest = std::max(s.largest, magnitude);
  }
  return s;
}

template <bool kRows>
Scan scan_plain(const std::int32_t* in, const float* w, std::int32_t n, std::uint64_t o, std::uint32_t limit) noexcept {
  return scan<kRows>(in, w, n, o, limit);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/// The same on AVX-512 (eight 64-bit hashes per instruction: vpmullq), chosen at run time.
template <bool kRows>
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) Scan scan_avx512(const std::int32_t* in, const float* w,
                                                                               std::int32_t n, std::uint64_t o,
                                                                               std::uint32_t limit) noexcept {
  return scan<kRows>(in, w, n, o, limit);
}
#endif

std::atomic<bool> plain_scan{false};  // detail::use_plain_scan

template <bool kRows>
auto pick_scan() noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool wide = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  if (wide && !plain_scan.load(std::memory_order_relaxed)) return &scan_avx512<kRows>;
#endif
  return &scan_plain<kRows>;
}

/// Checks outer entries [ob, oe): offsets in range and not decreasing; indices increasing and
/// below the limit; weights finite and non-zero. Every entry is read once and its checks are
/// accumulated without branches (a branch per check made this 2-3x slower); an entry found
/// wrong is reported by report(). `first` is offsets[ob], checked here too since the chunk
/// before (which checks it as its end) may run at the same time on another thread.
template <bool kRows>
Partial check_chunk(const Compressed& m, std::size_t ob, std::size_t oe, float* max_weight) {
  const auto scan_entries = pick_scan<kRows>();
  Partial out;
  const std::int32_t first = m.offsets[ob];
  if (first < 0 || static_cast<std::size_t>(first) > m.nnz) report(m, ob - 1);  // ob > 0: offsets[0] is 0
  const auto limit = static_cast<std::uint32_t>(m.limit);                          // <= kMaxExtent
  const auto nnz = static_cast<std::int64_t>(m.nnz);
  for (std::size_t o = ob; o < oe; ++o) {
    const std::int32_t b = m.offsets[o];
    const std::int32_t e = m.offsets[o + 1];
    if (e < b || e > nnz) report(m, o);
    const Scan s = scan_entries(m.inner + b, m.weights + b, e - b, o, limit);
    if (s.bad != 0) report(m, o);
    out.hash += s.hash;
    if constexpr (kRows) {
      const double squares = detail::InvertedIndex::sum_of_squares(m.weights + b, static_cast<std::size_t>(e - b));
      out.sign_bits |= s.signs;
      if (squares > 0.0 && std::fabs(squares - 1.0) > 1e-4) out.normalized = false;
      out.max_row_norm = std::max(out.max_row_norm, std::sqrt(squares));
    } else {
      max_weight[o] = std::bit_cast<float>(s.largest);
    }
  }
  return out;
}

/// `parts` + 1 boundaries splitting the outer entries into chunks of about equal stored values
/// (binary search in the offsets, not yet checked: any split is correct, a wrong one only slow).
std::vector<std::size_t> split(const Compressed& m, std::size_t parts) {
  std::vector<std::size_t> at{0};
  for (std::size_t k = 1; k < parts; ++k) {
    const auto target = static_cast<std::int64_t>(m.nnz * k / parts);
    std::size_t lo = at.back(), hi = m.outer;  // first o in [lo, hi] with offsets[o] >= target
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (m.offsets[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    at.push_back(lo);
  }
  at.push_back(m.outer);
  return at;
}

/// Runs task(i) once for each i in `order` (a permutation of 0 .. n-1, started in that order),
/// on up to two threads. The first FormatError by i (not by time) is thrown after all ran, so
/// that a file gets the same message however the threads were scheduled; a task after one that
/// failed is skipped.
void run_checks(const std::vector<std::size_t>& order, const std::function<void(std::size_t)>& task) {
  const std::size_t n = order.size();
  std::vector<std::string> errors(n);
  std::atomic<std::size_t> failed{n};
  parallel_chunks(n, 1, RunContext{std::min<std::size_t>(2, available_cpus()), nullptr},
                  [&](std::size_t, std::size_t b, std::size_t e) {
                    for (std::size_t t = b; t < e; ++t) {
                      const std::size_t i = order[t];
                      if (i > failed.load(std::memory_order_relaxed)) continue;
                      try {
                        task(i);
                      } catch (const FormatError& err) {
                        errors[i] = err.what();
                        std::size_t seen = failed.load();
                        while (i < seen && !failed.compare_exchange_weak(seen, i)) {
                        }
                      }
                    }
                  });
  for (const std::string& e : errors)
    if (!e.empty()) throw FormatError(e);
}

/// Checks a whole file and returns the index over its bytes (borrowed, kept alive by `storage`).
/// Two steps, each on two threads where there are two CPUs: every section's checksum (the
/// largest first), then the rows and the postings in chunks of about equal stored values and the
/// labels; the row norms and signs come from the rows' chunks, each column's largest weight from
/// the postings' (both read in storage order: a scattered update per stored value made loading
/// 2x slower). Equal entry hashes make the postings the rows' transpose, column counts included.
/// The per-value loop runs vectorized where the CPU has AVX-512 (the entry hash's 64-bit
/// multiplies), else plain; the two accept and refuse alike (a C++ test and the fuzz target).
std::unique_ptr<SimilarityIndex::Impl> open_index(std::span<const std::byte> f, std::shared_ptr<const void> storage,
                                                  bool mapped) {
  const Header hd = read_header(f);
  const std::vector<Located> sec = read_table(f, hd);
  const std::size_t rows = hd.rows, cols = hd.cols, nnz = hd.nnz;

  std::vector<std::size_t> by_size(sec.size());  // the largest first, for an even split
  for (std::size_t i = 0; i < sec.size(); ++i) by_size[i] = i;
  std::stable_sort(by_size.begin(), by_size.end(),
                   [&](std::size_t a, std::size_t b) { return sec[a].bytes > sec[b].bytes; });
  run_checks(by_size, [&](std::size_t i) {
    if (detail::crc32c(0, f.data() + sec[i].offset, sec[i].bytes) != sec[i].crc)
      corrupted(std::string("the checksum of section '") + name_of(sec[i].kind) +
                "' does not match (the file was modified or damaged)");
  });

  auto impl = std::make_unique<SimilarityIndex::Impl>();
  detail::InvertedIndex& x = impl->index;
  x.max_weight.assign(cols, 0.0f);
  const Compressed by_row{array_at<std::int32_t>(f, sec[0]), array_at<std::int32_t>(f, sec[1]),
                          array_at<float>(f, sec[2]), rows, cols, nnz, true};
  const Compressed by_col{array_at<std::int32_t>(f, sec[3]), array_at<std::int32_t>(f, sec[4]),
                          array_at<float>(f, sec[5]), cols, rows, nnz, false};
  for (const Compressed* m : {&by_row, &by_col}) {
    const char* what = m->by_rows ? "row" : "column";
    if (m->offsets[0] != 0) corrupted(std::string("the ") + what + " offsets do not start at 0");
    if (static_cast<std::size_t>(m->offsets[m->outer]) != nnz)
      corrupted(std::string("the ") + what + " offsets end at " + std::to_string(m->offsets[m->outer]) +
                ", not at the " + std::to_string(nnz) + " stored values");
  }
  // Tasks, in the order their problems are reported: the rows' chunks, the postings' chunks,
  // the labels. The labels (one task: sorting a million ids takes a while) are started first.
  constexpr std::size_t kChunks = 16;
  const std::vector<std::size_t> row_at = split(by_row, kChunks);
  const std::vector<std::size_t> col_at = split(by_col, kChunks);
  std::vector<Partial> partials(2 * kChunks);
  const auto labels_task = [&] {
    IndexLabels& labels = impl->labels;
    labels.ids = hd.ids;
    labels.has_terms = hd.has_terms;
    const auto strings = [&](std::size_t i, std::size_t n) {
      return StringList{{array_at<std::uint64_t>(f, sec[i]), n + 1},
                        {reinterpret_cast<const char*>(f.data() + sec[i + 1].offset), sec[i + 1].bytes}};
    };
    std::size_t next = 6;
    if (hd.ids == IndexLabels::Ids::integers) labels.integer_ids = {array_at<std::int64_t>(f, sec[next++]), rows};
    if (hd.ids == IndexLabels::Ids::strings) {
      labels.string_ids = strings(next, rows);
      next += 2;
    }
    if (hd.has_terms) {
      labels.terms = strings(next, cols);
      next += 2;
    }
    labels.has_model = hd.has_model;
    if (hd.has_model) {
      labels.model = {reinterpret_cast<const char*>(f.data() + sec[next].offset), sec[next].bytes};
      ++next;
    }
    labels.has_archive = hd.has_archive;
    if (hd.has_archive) {
      labels.archive = {reinterpret_cast<const char*>(f.data() + sec[next].offset), sec[next].bytes};
      ++next;
    }
    labels.has_dates = hd.has_dates;
    labels.dates_aware = hd.dates_aware;
    if (hd.has_dates) labels.dates = {array_at<std::int64_t>(f, sec[next++]), rows};
    labels.has_sources = hd.has_sources;
    if (hd.has_sources) {
      labels.source_codes = {array_at<std::int32_t>(f, sec[next++]), rows};
      labels.source_names = strings(next, sec[next].bytes / 8 - 1);
      next += 2;
    }
    check_labels(labels, rows, cols, [](const char*, const std::string& m) { corrupted(m); });
  };
  std::vector<std::size_t> order(1, 2 * kChunks);  // then rows chunk i < kChunks, postings' chunk i - kChunks
  for (std::size_t i = 0; i < 2 * kChunks; ++i) order.push_back(i);
  run_checks(order, [&](std::size_t i) {
    if (i == 2 * kChunks) labels_task();
    else if (i < kChunks) partials[i] = check_chunk<true>(by_row, row_at[i], row_at[i + 1], nullptr);
    else partials[i] = check_chunk<false>(by_col, col_at[i - kChunks], col_at[i - kChunks + 1], x.max_weight.data());
  });
  std::uint64_t row_hash = 0, col_hash = 0;
  std::uint32_t signs = 0;
  for (std::size_t c = 0; c < kChunks; ++c) {
    const Partial& p = partials[c];
    row_hash += p.hash;
    signs |= p.sign_bits;
    x.normalized = x.normalized && p.normalized;
    x.max_row_norm = std::max(x.max_row_norm, p.max_row_norm);
    col_hash += partials[kChunks + c].hash;
  }
  x.note_sign((signs & 0x80000000u) != 0 ? -1.0f : 1.0f);  // every weight is non-zero: positive = non-negative
  if (row_hash != col_hash) corrupted("the postings are not the transpose of the rows (their entries differ)");
  const auto r = static_cast<Eigen::Index>(rows);
  const auto c = static_cast<Eigen::Index>(cols);
  const auto n = static_cast<Eigen::Index>(nnz);
  x.rows = detail::RowMatrix::borrow(r, c, by_row.offsets, by_row.inner, by_row.weights, n);
  x.postings = detail::ColMatrix::borrow(r, c, by_col.offsets, by_col.inner, by_col.weights, n);
  impl->storage = std::move(storage);
  impl->mapped = mapped;
  return impl;
}

std::unique_ptr<SimilarityIndex::Impl> open_buffer(std::shared_ptr<Buffer> buffer) {
  const std::span<const std::byte> bytes = buffer->bytes();
  return open_index(bytes, std::move(buffer), false);
}

}  // namespace

void SimilarityIndex::save(const std::string& path, const IndexLabels& labels) const {
  write_file_atomically(path, [&](const FilePut& put) { write_index(impl_->index, labels, put); });
}

std::string SimilarityIndex::to_bytes(const IndexLabels& labels) const {
  std::string out;
  std::size_t total = kHeader + kEntry * 12;
  for (const Part& p : parts_of(impl_->index, labels)) total += p.bytes + kAlign;
  out.reserve(total);  // one allocation: appending to a growing string copied gigabytes
  write_index(impl_->index, labels, [&](const void* data, std::size_t bytes) {
    out.append(static_cast<const char*>(data), bytes);
  });
  return out;
}

SimilarityIndex SimilarityIndex::load(const std::string& path, bool mmap) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) system_failure("opening " + path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) system_failure("reading " + path);
  if (!S_ISREG(st.st_mode)) throw std::system_error(EISDIR, std::generic_category(), path + " is not a regular file");
  const auto size = static_cast<std::size_t>(st.st_size);
  if (mmap && size >= kHeader) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd.get(), 0);
    if (p == MAP_FAILED) system_failure("mapping " + path);
    auto mapping = std::make_shared<const Mapping>(p, size);
    // Read ahead: loading reads every byte (the checksums first), section by section.
    ::madvise(p, size, MADV_WILLNEED);
    const std::span<const std::byte> bytes = mapping->bytes();
    return SimilarityIndex(open_index(bytes, std::move(mapping), true));
  }
  auto buffer = std::make_shared<Buffer>(size);
  std::size_t done = 0;
  while (done < size) {
    const ::ssize_t n = ::read(fd.get(), buffer->data() + done, std::min<std::size_t>(size - done, std::size_t{1} << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) system_failure("reading " + path);
    if (n == 0) break;  // shrunk while read: the header's size check reports it
    done += static_cast<std::size_t>(n);
  }
  if (done < size) corrupted("the file shrank while it was read (" + std::to_string(done) + " of " + std::to_string(size) + " bytes)");
  return SimilarityIndex(open_buffer(std::move(buffer)));
}

SimilarityIndex SimilarityIndex::from_bytes(std::string_view bytes) {
  auto buffer = std::make_shared<Buffer>(bytes.size());
  if (!bytes.empty()) std::memcpy(buffer->data(), bytes.data(), bytes.size());
  return SimilarityIndex(open_buffer(std::move(buffer)));
}

IndexLabels SimilarityIndex::labels() const noexcept { return impl_->labels; }
bool SimilarityIndex::mapped() const noexcept { return impl_->mapped; }

namespace detail {

bool use_plain_scan(bool plain) noexcept { return plain_scan.exchange(plain); }

void reseal_index_file(std::string& file) {
  auto* h = reinterpret_cast<std::byte*>(file.data());
  if (file.size() < kHeader) return;
  const auto n = std::min<std::uint32_t>(get<std::uint32_t>(h + 12), 64);  // as read, bounded
  const std::size_t table_end = kHeader + kEntry * n;
  if (file.size() < table_end) return;
  for (std::size_t i = 0; i < n; ++i) {
    std::byte* e = h + kHeader + kEntry * i;
    const auto offset = get<std::uint64_t>(e + 8);
    const auto bytes = get<std::uint64_t>(e + 16);
    if (offset <= file.size() && bytes <= file.size() - offset)
      put<std::uint32_t>(e + 24, crc32c(0, h + offset, static_cast<std::size_t>(bytes)));
  }
  std::uint32_t crc = crc32c(0, h, kCrcAt);
  crc = crc32c(crc, h + kHeader, table_end - kHeader);
  put<std::uint32_t>(h + kCrcAt, crc);
}

}  // namespace detail
}  // namespace newsim
