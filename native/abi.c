#include "hutch_native.h"

/* Bumped when a struct shared with C# changes shape or a flag or step is added; C# checks it at start-up in tests. */
int hutch_native_abi_version(void) { return 6; }
