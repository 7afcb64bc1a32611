// newsim — error types of the core. Each maps onto one Python exception type in the bindings.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace newsim {

/// An option has an invalid value (maps to ValueError). `option()` names it.
class InvalidOptionError : public std::invalid_argument {
 public:
  InvalidOptionError(std::string option, const std::string& message)
      : std::invalid_argument(message), option_(std::move(option)) {}
  [[nodiscard]] const std::string& option() const noexcept { return option_; }

 private:
  std::string option_;
};

/// An option was given a value of the wrong type (maps to newsim's InvalidParameterError, a
/// ValueError and a TypeError, as scikit-learn's). Raised by the bindings' conversion.
class OptionTypeError : public InvalidOptionError {
 public:
  using InvalidOptionError::InvalidOptionError;
};

/// A document cannot be processed (maps to ValueError). `index()` is its position in the input.
class DocumentError : public std::invalid_argument {
 public:
  DocumentError(std::size_t index, const std::string& message)
      : std::invalid_argument(message), index_(index) {}
  [[nodiscard]] std::size_t index() const noexcept { return index_; }

 private:
  std::size_t index_;
};

/// The fitted vocabulary is empty (maps to ValueError, with scikit-learn's wording).
class EmptyVocabularyError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Serialized bytes are not a valid newsim model (maps to ValueError).
class FormatError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A method that needs a fitted model was called before fit (maps to NotFittedError).
class NotFittedError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// A long call was stopped by its Monitor (Ctrl-C in Python).
class Cancelled : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override { return "operation cancelled"; }
};

}  // namespace newsim
