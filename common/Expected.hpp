#pragma once
// Minimal value-or-error result (std::expected is C++23). Control-path code (signaling, the
// meeting store) returns errors instead of throwing; value()/error() are only valid after
// checking ok(). Header-only, no dependencies: any module may include it.
#include <utility>
#include <variant>

namespace vcb {

template <typename T, typename E>
class Expected {
  public:
    Expected(T value)
        : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Expected(E error)
        : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    // Precondition: ok(). std::get throws on misuse, which is a programming error.
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    // Precondition: !ok().
    const E& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, E> v_;
};

}  // namespace vcb
