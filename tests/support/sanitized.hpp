#pragma once
// Whether this build runs under AddressSanitizer, where training is several times slower: the
// trainings that check behaviour on real data run at a smaller size there (defining
// TYPENET_TEST_SANITIZED=1 runs that size in any build).

#ifndef TYPENET_TEST_SANITIZED
#if defined(__SANITIZE_ADDRESS__)
#define TYPENET_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TYPENET_TEST_SANITIZED 1
#endif
#endif
#ifndef TYPENET_TEST_SANITIZED
#define TYPENET_TEST_SANITIZED 0
#endif
#endif
