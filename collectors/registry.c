// SPDX-License-Identifier: GPL-2.0
/*
 * Every collector, in start order. Adding one is one line here: the
 * runner only ever sees struct collector_ops. tracefs starts last so that
 * the cheap snapshots of the others (and the class counter's loading) are
 * not in its trace.
 */
#include "collectors/collector.h"
#include "harness/lib/util.h"

extern const struct collector_ops tracefs_collector_ops;
extern const struct collector_ops scx_collector_ops;
extern const struct collector_ops system_collector_ops;
extern const struct collector_ops classes_collector_ops;

static const struct collector_ops *const collectors[] = {
	&system_collector_ops,
	&scx_collector_ops,
	&classes_collector_ops,
	&tracefs_collector_ops,
};

int collector__count(void)
{
	return (int)ARRAY_SIZE(collectors);
}

const struct collector_ops *collector__at(int i)
{
	return i >= 0 && i < collector__count() ? collectors[i] : NULL;
}
