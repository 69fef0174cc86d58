#pragma once
#include <utility>
#include <variant>

#include "protocol/ProtocolError.hpp"

namespace vcb::protocol {

// Either a parsed message or the reason it was refused (std::expected is C++23).
template <typename T>
class ParseResult {
  public:
    ParseResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    ParseResult(ProtocolError error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Precondition: ok().
    const T& value() const& { return std::get<0>(state_); }
    T& value() & { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    // Precondition: !ok().
    const ProtocolError& error() const { return std::get<1>(state_); }

  private:
    std::variant<T, ProtocolError> state_;
};

}  // namespace vcb::protocol
