/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP unit-test framework. Each tests/unit/test_*.c file defines
 * tests with UNIT_TEST(name) { ... } and checks with CHECK(cond, fmt...);
 * tests register themselves at load time, tests/unit/main.c runs them
 * (optionally filtered by `-t SUBSTRING`) and prints TAP for prove.
 *
 * A failed CHECK returns from the test at once, so whatever the test set
 * up is released by DEFER(fn, arg) instead of code at its end: the
 * deferred calls run after the test, in reverse order, whether it passed
 * or failed (as the kernel's sched_ext selftests run each cleanup).
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
/* Call fn(arg) after the current test ends (NULL arg: not called). */
void unit__defer(void (*fn)(void *), void *arg);

#define DEFER(fn, arg) unit__defer((void (*)(void *))(fn), (void *)(arg))

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
