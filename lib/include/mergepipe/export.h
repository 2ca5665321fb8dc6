#pragma once

/// Marks the declarations that make up the library's interface. The library is built with
/// hidden visibility, so a shared build exports these and nothing else.
#if defined(_WIN32)
#define MERGEPIPE_API
#else
#define MERGEPIPE_API __attribute__((visibility("default")))
#endif
