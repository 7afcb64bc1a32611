#include "newsim/options.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "newsim/errors.hpp"

namespace newsim {

std::string format_real(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  if (ec != std::errc{}) return std::to_string(value);
  std::string s(buf.data(), end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";  // as Python prints a float
  return s;
}

namespace {

std::string interval(Bounds b, bool whole) {
  auto edge = [whole](double v) {
    if (std::isinf(v) || std::fabs(v) >= kMaxWhole) return std::string(v > 0 ? "inf" : "-inf");
    return whole ? std::to_string(static_cast<long long>(v)) : format_real(v);
  };
  const bool open = std::isinf(b.max) || b.max >= kMaxWhole;
  return std::string(whole ? "an int" : "a float") + " in the range [" + edge(b.min) + ", " +
         edge(b.max) + (open ? ")" : "]");
}

[[noreturn]] void out_of_rule(std::string_view name, const std::string& what, const std::string& got) {
  throw InvalidOptionError(std::string(name),
                           "The '" + std::string(name) + "' parameter must be " + what + ", got " + got + ".");
}

void check_whole(std::string_view name, std::int64_t value, Bounds b) {
  const auto v = static_cast<double>(value);
  if (v < b.min || v > b.max) out_of_rule(name, interval(b, true), std::to_string(value));
}

}  // namespace

void RuleChecker::integer(std::string_view name, std::int64_t& value, Bounds bounds) {
  check_whole(name, value, bounds);
}

void RuleChecker::optional_integer(std::string_view name, std::optional<std::int64_t>& value, Bounds bounds) {
  if (value) {
    const auto v = static_cast<double>(*value);
    if (v < bounds.min || v > bounds.max)
      out_of_rule(name, interval(bounds, true) + " or None", std::to_string(*value));
  }
}

void RuleChecker::real(std::string_view name, double& value, Bounds bounds) {
  if (!std::isfinite(value) || value < bounds.min || value > bounds.max)
    out_of_rule(name, interval(bounds, false), format_real(value));
}

void RuleChecker::pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds bounds) {
  const auto lo = static_cast<double>(low);
  const auto hi = static_cast<double>(high);
  if (lo < bounds.min || lo > bounds.max || hi < bounds.min || hi > bounds.max)
    out_of_rule(name, "a pair of ints" + interval(bounds, true).substr(6),
                std::string("(").append(std::to_string(low)).append(", ").append(std::to_string(high)).append(")"));
}

void RuleChecker::choice(std::string_view name, std::size_t& index, std::span<const std::string_view> names) {
  if (index >= names.size()) {
    std::string list;
    for (const auto n : names) list += (list.empty() ? "'" : ", '") + std::string(n) + "'";
    out_of_rule(name, "one of " + list, "value number " + std::to_string(index));
  }
}

}  // namespace newsim
