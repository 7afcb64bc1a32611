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

std::string describe_bounds(Bounds b, bool whole) {
  auto edge = [whole](double v) { return whole ? std::to_string(static_cast<long long>(v)) : format_real(v); };
  auto real_edge = [](double v) {  // 0 and 1 read better than 0.0 and 1.0 in "in [0, 1]"
    return v == std::floor(v) && std::fabs(v) < 1e15 ? std::to_string(static_cast<long long>(v)) : format_real(v);
  };
  const bool low = std::isfinite(b.min);
  const bool high = std::isfinite(b.max);
  const std::string kind = whole ? "an int" : "";
  std::string text;
  if (low && high) text = "in [" + (whole ? edge(b.min) : real_edge(b.min)) + ", " + (whole ? edge(b.max) : real_edge(b.max)) + "]";
  else if (low) text = ">= " + (whole ? edge(b.min) : real_edge(b.min));
  else if (high) text = "<= " + (whole ? edge(b.max) : real_edge(b.max));
  if (whole) return text.empty() ? kind : kind + " " + text;
  return text.empty() ? "a real number" : text;
}

namespace {

[[noreturn]] void out_of_rule(std::string_view name, const std::string& what, const std::string& got) {
  throw InvalidOptionError(std::string(name), std::string(name) + " must be " + what + ", got " + got + ".");
}

bool within(double v, Bounds b) { return v >= b.min && v <= b.max; }

}  // namespace

void RuleChecker::integer(std::string_view name, std::int64_t& value, Bounds bounds) {
  if (!within(static_cast<double>(value), bounds)) out_of_rule(name, describe_bounds(bounds, true), std::to_string(value));
}

void RuleChecker::optional_integer(std::string_view name, std::optional<std::int64_t>& value, Bounds bounds) {
  if (value && !within(static_cast<double>(*value), bounds))
    out_of_rule(name, describe_bounds(bounds, true) + " or None", std::to_string(*value));
}

void RuleChecker::real(std::string_view name, double& value, Bounds bounds) {
  if (!std::isfinite(value) || !within(value, bounds))
    out_of_rule(name, describe_bounds(bounds, false), format_real(value));
}

void RuleChecker::pair(std::string_view name, std::int64_t& low, std::int64_t& high, Bounds bounds) {
  if (!within(static_cast<double>(low), bounds) || !within(static_cast<double>(high), bounds))
    out_of_rule(name, "two ints, each " + describe_bounds(bounds, true).substr(7),
                std::string("(").append(std::to_string(low)).append(", ").append(std::to_string(high)).append(")"));
}

void RuleChecker::choice(std::string_view name, std::size_t& index, std::span<const std::string_view> names) {
  if (index >= names.size()) out_of_rule(name, "one of " + quoted_list(names), "value number " + std::to_string(index));
}

std::string quoted_list(std::span<const std::string_view> names) {
  std::string list;
  for (const auto n : names) list += (list.empty() ? "'" : ", '") + std::string(n) + "'";
  return list;
}

}  // namespace newsim
