/* A canary for the sanitizer build (native/Makefile sanitize-test): a signed overflow.
 * UndefinedBehaviorSanitizer must stop it; if it exits 0 the safety net is not on. */
#include <limits.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argv;
	int big = INT_MAX - 1 + argc; /* INT_MAX */
	big += argc;                  /* overflows */
	printf("%d\n", big);
	return 0;
}
