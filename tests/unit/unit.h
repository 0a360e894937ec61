/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP unit-test framework. Each tests/unit/test_*.c file defines
 * tests with UNIT_TEST(name) { ... } and checks with CHECK(cond, fmt...);
 * tests register themselves at load time, tests/unit/main.c runs them
 * (optionally filtered by `-t SUBSTRING`) and prints TAP for prove.
 *
 * A failed CHECK returns from the test at once, so whatever the test set
 * up is released by DEFER(fn, arg) instead of code at its end: the
 * deferred calls run when the block that holds the DEFER ends (the test
 * returning, passed or failed, or an inner block's end), in reverse
 * order, as the kernel's sched_ext selftests run each cleanup. So a DEFER
 * may name a local of its block or an enclosing one (&v): it runs while
 * that local still exists (DEFER is a declaration: GCC's cleanup
 * attribute; not after a label or as an unbraced if's body).
 */
#ifndef SCXB_UNIT_H
#define SCXB_UNIT_H

#include <stdio.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit__register(struct unit_test *t);
void unit__fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Directory for scratch files of the current test (created, removed after). */
const char *unit__tmpdir(void);
/* Call fn(arg) later (NULL arg: not called); the number of calls
 * registered before it (use DEFER) */
int unit__defer(void (*fn)(void *), void *arg);
/* Run the calls registered since *mark, newest first */
void unit__run_deferred_from(int *mark);

#define UNIT__CAT2(a, b) a##b
#define UNIT__CAT(a, b) UNIT__CAT2(a, b)
#define DEFER(fn, arg)                                                      \
	__attribute__((cleanup(unit__run_deferred_from), unused))           \
	int UNIT__CAT(unit__defer_mark_, __COUNTER__) =                     \
		unit__defer((void (*)(void *))(fn), (void *)(arg))
/* fn(arg) after the current test, for a helper's heap object that
 * outlives the helper (never the address of a local) */
#define DEFER_TEST(fn, arg) ((void)unit__defer((void (*)(void *))(fn), (void *)(arg)))

#define UNIT_TEST(n)                                                        \
	static void n(void);                                                \
	static struct unit_test n##__reg = { #n, n, NULL };                 \
	__attribute__((constructor)) static void n##__ctor(void)           \
	{ unit__register(&n##__reg); }                                      \
	static void n(void)

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			unit__fail(__FILE__, __LINE__, __VA_ARGS__);        \
			return;                                             \
		}                                                           \
	} while (0)

#endif
