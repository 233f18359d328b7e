/* A canary for the sanitizer build (native/Makefile sanitize-test): one byte written past a heap
 * block. AddressSanitizer must stop it; if it exits 0 the safety net is not on. */
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	(void)argv;
	char *block = malloc(8);
	memset(block, 'x', 8 + (size_t)argc); /* argc is 1: one byte too many */
	int last = block[7];
	free(block);
	return last == 'x' ? 0 : 2;
}
