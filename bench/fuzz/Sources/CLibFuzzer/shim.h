// libFuzzer's driver entry (compiler-rt FuzzerInterface.h), in the runtime that
// `-sanitize=fuzzer` links: each target's main.swift hands it the callback.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
