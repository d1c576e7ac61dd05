// Force-included before hnswlib when it is compiled for wasm32-wasi.
//
// Debian's libc++ for wasm32 is built without threads (_LIBCPP_HAS_NO_THREADS), so <mutex>
// declares no std::mutex, std::unique_lock or std::lock_guard. A WebAssembly instance here
// runs on one thread, so hnswlib's locks can be no-ops: these definitions give it the
// names it uses and nothing more. Exceptions are off (-fno-exceptions); the build script
// rewrites hnswlib's `throw std::runtime_error(...)` into HNSWLIB_WASM_FAIL(...), which
// records the message for the JavaScript side and traps.
#pragma once

#include <__config>
#include <mutex>

#ifdef _LIBCPP_HAS_NO_THREADS
namespace std {

class mutex {
 public:
  constexpr mutex() noexcept = default;
  mutex(const mutex &) = delete;
  mutex &operator=(const mutex &) = delete;
  void lock() noexcept {}
  void unlock() noexcept {}
  bool try_lock() noexcept { return true; }
};

struct defer_lock_t { explicit defer_lock_t() = default; };
inline constexpr defer_lock_t defer_lock{};

template <class M>
class lock_guard {
 public:
  explicit lock_guard(M &) noexcept {}
  lock_guard(const lock_guard &) = delete;
  lock_guard &operator=(const lock_guard &) = delete;
};

template <class M>
class unique_lock {
 public:
  explicit unique_lock(M &) noexcept {}
  unique_lock(M &, defer_lock_t) noexcept {}
  unique_lock(const unique_lock &) = delete;
  unique_lock &operator=(const unique_lock &) = delete;
  void lock() noexcept {}
  void unlock() noexcept {}
};

}  // namespace std
#endif

extern "C" void hnswlib_wasm_fail(const char *message);
#define HNSWLIB_WASM_FAIL(what) hnswlib_wasm_fail(what)
