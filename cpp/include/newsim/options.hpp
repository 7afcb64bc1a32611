// newsim — options declared once.
//
// Each options struct lists its options in one `declare(OptionVisitor&)` member: the name a user
// passes, the field, and the rule a single value must satisfy (bounds, a set of names). Every
// consumer is a visitor of that one declaration:
//  * the bindings turn keyword arguments into fields (and fields into the options dict),
//  * `check_declared` validates each value against its declared rule,
//  * `differing_option` compares two option sets,
//  * the model file stores options as keyed fields in declaration order (a new option needs no
//    format version; a file that lacks a key gets the declared default). Declarations are only
//    ever added, never moved or renamed: names and order are part of the file format.
// Rules that tie several options together stay in the struct's validate().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace newsim {

/// The closed interval a number must lie in (a real must also be finite).
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

/// Receives each declared option in turn. A visitor may read or write the field it is given.
class OptionVisitor {
 public:
  OptionVisitor() = default;
  OptionVisitor(const OptionVisitor&) = default;
  OptionVisitor& operator=(const OptionVisitor&) = default;
  virtual ~OptionVisitor() = default;

  virtual void flag(std::string_view name, bool& value) = 0;
  /// A whole number within `bounds`.
  virtual void integer(std::string_view name, std::int64_t& value, Bounds bounds) = 0;
  /// A whole number within `bounds`, or none.
  virtual void optional_integer(std::string_view name, std::optional<std::int64_t>& value,
                                Bounds bounds) = 0;
  /// A finite real number within `bounds`.
  virtual void real(std::string_view name, double& value, Bounds bounds) = 0;
  virtual void text(std::string_view name, std::string& value) = 0;
  virtual void words(std::string_view name, std::vector<std::string>& value) = 0;
  virtual void optional_words(std::string_view name, std::optional<std::vector<std::string>>& value) = 0;
  /// Two whole numbers (low, high), each within `bounds`.
  virtual void pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds bounds) = 0;
  /// One of `names`; `index` is the value's position among them.
  virtual void choice(std::string_view name, std::size_t& index, std::span<const std::string_view> names) = 0;

  /// An enumeration whose values are 0, 1, ... in the order of `names`.
  template <class E, std::size_t N>
  void choice(std::string_view name, E& value, const std::array<std::string_view, N>& names) {
    auto index = static_cast<std::size_t>(value);
    choice(name, index, std::span<const std::string_view>(names));
    value = static_cast<E>(index);
  }
  /// A std::size_t field declared as a whole number.
  void integer(std::string_view name, std::size_t& value, Bounds bounds) {
    auto v = static_cast<std::int64_t>(value);
    integer(name, v, bounds);
    value = static_cast<std::size_t>(v);
  }
  void optional_integer(std::string_view name, std::optional<std::size_t>& value, Bounds bounds) {
    std::optional<std::int64_t> v;
    if (value) v = static_cast<std::int64_t>(*value);
    optional_integer(name, v, bounds);
    value.reset();
    if (v) value = static_cast<std::size_t>(*v);
  }
  void pair(std::string_view name, std::size_t& low, std::size_t& high, Bounds bounds) {
    auto lo = static_cast<std::int64_t>(low);
    auto hi = static_cast<std::int64_t>(high);
    pair(name, lo, hi, bounds);
    low = static_cast<std::size_t>(lo);
    high = static_cast<std::size_t>(hi);
  }
};

/// Throws InvalidOptionError naming the first option whose value breaks its declared rule (out
/// of bounds, not finite, not one of its names). Reads only.
class RuleChecker final : public OptionVisitor {
 public:
  void flag(std::string_view, bool&) override {}
  void integer(std::string_view name, std::int64_t& value, Bounds bounds) override;
  void optional_integer(std::string_view name, std::optional<std::int64_t>& value, Bounds bounds) override;
  void real(std::string_view name, double& value, Bounds bounds) override;
  void text(std::string_view, std::string&) override {}
  void words(std::string_view, std::vector<std::string>&) override {}
  void optional_words(std::string_view, std::optional<std::vector<std::string>>&) override {}
  void pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds bounds) override;
  void choice(std::string_view name, std::size_t& index, std::span<const std::string_view> names) override;
  using OptionVisitor::choice;
  using OptionVisitor::integer;
  using OptionVisitor::optional_integer;
  using OptionVisitor::pair;
};

/// Checks every option `options` declares against its rule (see RuleChecker). Takes a copy:
/// declare() hands out writable fields.
template <class Options>
void check_declared(Options options) {
  RuleChecker checker;
  options.declare(checker);
}

/// Shortest text that reads back as the same double, as Python prints it ("1.0", "0.75", "nan").
std::string format_real(double value);

/// What a value within `bounds` is, for messages: "an int >= 1", "an int in [1, 64]", ">= 0"
/// and "in [0, 1]" for real numbers. Every option message reads "<name> must be <this>, got <v>."
std::string describe_bounds(Bounds bounds, bool whole);

/// "'a', 'b', 'c'".
std::string quoted_list(std::span<const std::string_view> names);

}  // namespace newsim
