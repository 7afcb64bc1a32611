// newsim — what a SimilarityIndex holds: the inverted index, and for an index loaded from a
// file, the file's bytes that its arrays and ids borrow.
#pragma once

#include <memory>

#include "inverted_index.hpp"
#include "newsim/similarity.hpp"

namespace newsim {

struct SimilarityIndex::Impl {
  std::shared_ptr<const void> storage;  // declared first, destroyed last; null: arrays owned
  detail::InvertedIndex index;
  IndexLabels labels;  // views into storage
  bool mapped = false;
};

}  // namespace newsim
