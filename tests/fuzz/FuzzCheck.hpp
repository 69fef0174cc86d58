#pragma once
// Invariant checks for the fuzz targets. A violated invariant is a bug just like a memory error,
// so it aborts: libFuzzer then saves the input as a crash reproducer.
#include <cstdio>
#include <cstdlib>

#define VCB_FUZZ_CHECK(cond)                                                             \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, \
                         #cond);                                                         \
            std::abort();                                                                \
        }                                                                                \
    } while (false)
