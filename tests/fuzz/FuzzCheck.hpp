#pragma once
// Invariant checks for the fuzz targets. A violated invariant is a bug just like a memory error,
// so it aborts: libFuzzer then saves the input as a crash reproducer.
#include <cstdio>
#include <cstdlib>

#define VCB_FUZZ_CHECK(cond)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace vcb::fuzz {

// run.sh sets VCB_FUZZ_SKIP_KNOWN=1 while fuzzing (not while replaying the corpus), so that a
// reported, still open shallow bug does not stop every run before it can find new ones.
inline bool skipKnownBugs() {
    static const bool skip = std::getenv("VCB_FUZZ_SKIP_KNOWN") != nullptr;
    return skip;
}

}  // namespace vcb::fuzz

// Marks the exact condition of a reported, still open product bug (its reproducer is
// corpus/<target>/crash-<name>). Aborts like a failed check, unless VCB_FUZZ_SKIP_KNOWN is set;
// the caller then skips the checks that depend on the bug. Remove once the bug is fixed.
#define VCB_FUZZ_KNOWN_BUG(name)                                                               \
    do {                                                                                       \
        if (!vcb::fuzz::skipKnownBugs()) {                                                     \
            std::fprintf(stderr, "%s:%d: known open bug %s (see corpus crash-%s)\n", __FILE__, \
                         __LINE__, name, name);                                                \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)
