// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "reports/gnuplot.h"
#include "tests/unit/unit.h"

UNIT_TEST(sched_color_is_a_function_of_the_name)
{
	const char *pinned[] = { "#0072B2", "#D55E00", "#009E73" };
	const char *names[] = { "rusty", "lavd", "layered", "exec:./build/my_sched --slice 5",
				"eevdf#2", "bpfland", "cosmos", "flash" };

	CHECK(!strcmp(gp__sched_color("eevdf"), pinned[0]), "eevdf %s", gp__sched_color("eevdf"));
	CHECK(!strcmp(gp__sched_color("simple"), pinned[1]), "simple");
	CHECK(!strcmp(gp__sched_color("vtime"), pinned[2]), "vtime");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *c = gp__sched_color(names[i]);

		/* the same every call, never one of the pinned three */
		CHECK(c == gp__sched_color(names[i]) && c[0] == '#' && strlen(c) == 7, "%s", names[i]);
		for (int k = 0; k < 3; k++)
			CHECK(strcmp(c, pinned[k]), "%s got pinned colour %s", names[i], c);
	}
	/* the colour does not depend on the company it keeps */
	CHECK(!strcmp(gp__sched_color("rusty"), gp__sched_color("rusty")), "rusty");
}

UNIT_TEST(sched_color_variants_tell_a_shared_colour_apart)
{
	/* rusty and layered hash to the same colour (FNV-1a mod 7) */
	const char *set1[] = { "rusty", "eevdf", "layered" }, *set2[] = { "layered", "rusty" };
	const char *set3[] = { "eevdf", "rusty", "simple" }, *set4[] = { "eevdf", "eevdf#2" };
	int v[3];

	CHECK(!strcmp(gp__sched_color("rusty"), gp__sched_color("layered")), "test premise");
	CHECK(gp__sched_variants(set1, 3, v) == 1 && v[2] == 0 && v[0] == 1 && v[1] == 0,
	      "variants %d %d %d", v[0], v[1], v[2]);
	/* the same names in another order: the same variants */
	CHECK(gp__sched_variants(set2, 2, v) == 1 && v[0] == 0 && v[1] == 1, "%d %d", v[0], v[1]);
	CHECK(gp__sched_variants(set3, 3, v) == 0 && !v[0] && !v[1] && !v[2], "no collision");
	CHECK(gp__sched_variants(set4, 2, v) == 0, "eevdf#2 has a colour of its own");
	CHECK(strcmp(gp__sched_color("eevdf"), gp__sched_color("eevdf#2")), "A/A slots differ");
	CHECK(!strcmp(gp__fill(0), "fs solid 0.85 border -1") && strstr(gp__fill(1), "pattern"),
	      "fills");
	CHECK(gp__dash(0) == 1 && gp__dash(1) > 2, "dashes");
}
