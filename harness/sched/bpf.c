// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in BPF schedulers (bpf/NAME.bpf.c) through their libbpf
 * skeletons: open -> rodata knobs, ops.timeout_ms and ops.flags -> load -> attach the
 * struct_ops link. The link is what makes the kernel unload the scheduler
 * when this process dies, even by SIGKILL (link-based struct_ops, libbpf
 * >= 1.2). The exit info comes from the scheduler's own ops.exit, which
 * copies the kernel's scx_exit_info into a global (struct scxb_exit_info)
 * that is read here through the skeleton's mmap of .data.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpf/scxb_shared.h"
#include "harness/lib/log.h"
#include "harness/lib/topology.h"
#include "harness/sched/impl.h"
#include "harness/lib/util.h"

/* every bpf/NAME.bpf.c's skeleton (generated from the folder) */
#include "skels.h"
/* the kernel's enum scx_ops_flags, from its BTF */
#include "scx_ops_flags.h"

/* Pointers into one skeleton, whatever its generated type. */
struct bpf_handles {
	void *skel;
	struct bpf_object *obj;
	struct bpf_map *ops_map;
	__u64 *fail_after_enqueues;
	bool *stall_one;
	__u32 *loader_tgid;
	__u32 *nr_llcs, *cpu_llc;   /* rodata: the machine's LLC groups */
	unsigned int *timeout_ms;
	unsigned long long *ops_flags;
	struct scxb_exit_info *uei;  /* valid after load */
	__u64 *counters;             /* valid after load */
};

struct bpf_sched_def {
	int (*open)(struct bpf_handles *h);
	int (*load)(struct bpf_handles *h);
	void (*destroy)(struct bpf_handles *h);
	bool has_vtime;
};

/*
 * The skeletons have different types but the same shape (see
 * bpf/simple.bpf.c and bpf/vtime.bpf.c): one adapter per skeleton. The
 * .data/.bss pointers move when load() mmaps the maps, hence the re-read.
 */
#define DEFINE_BPF_SCHED(NAME)							\
static int NAME##_open(struct bpf_handles *h)					\
{										\
	struct NAME##_bpf *skel = NAME##_bpf__open();				\
										\
	if (!skel)								\
		return -errno ?: -ENOMEM;					\
	h->skel = skel;								\
	h->obj = skel->obj;							\
	h->ops_map = skel->maps.NAME##_ops;					\
	h->fail_after_enqueues = &skel->rodata->fail_after_enqueues;		\
	h->stall_one = &skel->rodata->stall_one;				\
	h->loader_tgid = &skel->rodata->loader_tgid;				\
	h->nr_llcs = (__u32 *)&skel->rodata->nr_llcs;				\
	h->cpu_llc = (__u32 *)skel->rodata->cpu_llc;				\
	h->timeout_ms = &skel->struct_ops.NAME##_ops->timeout_ms;		\
	h->ops_flags = &skel->struct_ops.NAME##_ops->flags;			\
	return 0;								\
}										\
static int NAME##_load(struct bpf_handles *h)					\
{										\
	struct NAME##_bpf *skel = h->skel;					\
	int err = NAME##_bpf__load(skel);					\
										\
	if (err)								\
		return err;							\
	h->uei = &skel->data->uei;						\
	h->counters = skel->bss->counters;					\
	return 0;								\
}										\
static void NAME##_destroy(struct bpf_handles *h)				\
{										\
	NAME##_bpf__destroy(h->skel);						\
	memset(h, 0, sizeof(*h));						\
}

#define SCXB_SCHEDULER(NAME, HAS_VTIME, DESC) DEFINE_BPF_SCHED(NAME)
#include "bpf/schedulers.def"
#undef SCXB_SCHEDULER

static const struct bpf_sched_def bpf_defs[] = {
#define SCXB_SCHEDULER(NAME, HAS_VTIME, DESC) { NAME##_open, NAME##_load, NAME##_destroy, HAS_VTIME },
#include "bpf/schedulers.def"
#undef SCXB_SCHEDULER
};

/* the ops name is SCXB_OPS's: "scxb_" NAME */
const struct sched_builtin sched_builtins[] = {
#define SCXB_SCHEDULER(NAME, HAS_VTIME, DESC) { #NAME, DESC, "scxb_" #NAME },
#include "bpf/schedulers.def"
#undef SCXB_SCHEDULER
};
const int sched_nr_builtins = ARRAY_SIZE(sched_builtins);

static const char *const counter_names[SCXB_NR_COUNTERS] = {
	[SCXB_CNT_ENQUEUE] = "sched_enqueue",
	[SCXB_CNT_LOCAL_DISPATCH] = "sched_local_dispatch",
	[SCXB_CNT_SHARED_DISPATCH] = "sched_shared_dispatch",
	[SCXB_CNT_DISPATCH_IDLE] = "sched_dispatch_empty",
	[SCXB_CNT_VTIME_CLAMPED] = "sched_vtime_clamped",
};

struct bpf_sched {
	const struct bpf_sched_def *def;
	struct bpf_handles h;
	struct bpf_link *link;
};

/*
 * libbpf's warnings during a start are kept (the last SCHED_TAIL_LEN
 * bytes): a load the verifier rejects then says why in the run's detail,
 * and the whole log is stored with the run as the scheduler's output.
 */
static char *libbpf_capture;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int want = level == LIBBPF_DEBUG ? LOG_TRACE : LOG_DEBUG;

	if (libbpf_capture && level != LIBBPF_DEBUG) {
		char line[1024];
		size_t have = strlen(libbpf_capture), n;
		va_list aq;

		va_copy(aq, ap);
		vsnprintf(line, sizeof(line), fmt, aq);
		va_end(aq);
		n = strlen(line);
		if (have + n > SCHED_TAIL_LEN) {
			size_t drop = have + n - SCHED_TAIL_LEN;

			drop = drop > have ? have : drop;
			memmove(libbpf_capture, libbpf_capture + drop, have - drop + 1);
			have -= drop;
		}
		snprintf(libbpf_capture + have, SCHED_TAIL_LEN + 1 - have, "%s", line);
	}
	if (log__level() < want)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * Every built-in learns the machine's LLC groups before load (a CPU with
 * no cache shown counts by its package); topology-blind ones ignore them.
 */
static void set_llcs(struct bpf_handles *h)
{
	const struct topo_view *v = topo_view__current();
	int n = 1;

	for (int i = 0; v && i < v->ncpus; i++) {
		int cpu = v->cpu[i].cpu, g = v->nllcs ? v->cpu[i].llc : v->cpu[i].package;

		if (g < 0 || g >= SCXB_MAX_LLCS)
			g = 0;
		if (cpu < SCXB_MAX_CPUS)
			h->cpu_llc[cpu] = (__u32)g;
		if (g + 1 > n)
			n = g + 1;
	}
	*h->nr_llcs = (__u32)n;
}

static int bpf_start(struct sched *s, char *err, size_t errlen)
{
	struct bpf_sched *b = s->priv;
	char why[800];
	int ret;

	s->output_tail[0] = 0;
	libbpf_capture = s->output_tail;
	libbpf_set_print(libbpf_print);
	ret = b->def->open(&b->h);
	if (ret) {
		s->start_stage = FAIL_LOAD;
		xsnprintf(err, errlen, "cannot open the BPF scheduler %s: %s", s->name,
			  strerror(-ret));
		goto fail_open;
	}
	*b->h.fail_after_enqueues = s->opts.fail_after_enqueues;
	*b->h.stall_one = s->opts.stall_one;
	*b->h.loader_tgid = getpid();
	set_llcs(&b->h);
	if (s->opts.timeout_ms)
		*b->h.timeout_ms = s->opts.timeout_ms;
	/* --partial: only tasks whose policy is SCHED_EXT are scheduled by us */
	if (s->opts.partial)
		*b->h.ops_flags |= SCXB_SCX_OPS_SWITCH_PARTIAL;

	ret = b->def->load(&b->h);
	if (ret) {
		s->start_stage = FAIL_LOAD;
		sched__telling_lines(s->output_tail, why, sizeof(why));
		xsnprintf(err, errlen, "cannot load the BPF scheduler %s: %s%s%s", s->name,
			  strerror(-ret), why[0] ? ": " : " (-v shows libbpf's log)", why);
		goto fail;
	}
	b->link = bpf_map__attach_struct_ops(b->h.ops_map);
	if (!b->link) {
		ret = -errno ?: -EINVAL;
		s->start_stage = FAIL_ENABLE;
		if (b->h.uei->kind)
			xsnprintf(err, errlen, "attaching %s failed: %s: %s (%s)", s->name,
				  strerror(-ret), b->h.uei->reason, b->h.uei->msg);
		else
			xsnprintf(err, errlen, "attaching %s failed: %s", s->name,
				  strerror(-ret));
		goto fail;
	}
	libbpf_capture = NULL;
	return 0;
fail:
	b->def->destroy(&b->h);
fail_open:
	libbpf_capture = NULL;
	return ret;
}

static bool bpf_has_exited(struct sched *s)
{
	struct bpf_sched *b = s->priv;

	return b->h.uei && __atomic_load_n(&b->h.uei->kind, __ATOMIC_ACQUIRE) != 0;
}

static int bpf_stop(struct sched *s, struct sched_exit *ex)
{
	struct bpf_sched *b = s->priv;
	struct scxb_exit_info *uei = b->h.uei;

	/* Destroying the link unregisters the ops; the kernel runs
	 * ops.exit (filling uei) before the syscall returns. */
	bpf_link__destroy(b->link);
	b->link = NULL;
	if (!uei || !__atomic_load_n(&uei->kind, __ATOMIC_ACQUIRE))
		return 0;
	ex->valid = true;
	ex->kind = uei->kind;
	/* when it left, not when the harness looked: same clock as now_mono_ns() */
	if (s->exited && uei->exit_mono_ns > s->start_ns)
		s->exit_ns = uei->exit_mono_ns;
	snprintf(ex->reason, sizeof(ex->reason), "%.*s", (int)sizeof(uei->reason), uei->reason);
	snprintf(ex->msg, sizeof(ex->msg), "%.*s", (int)sizeof(uei->msg), uei->msg);
	return 0;
}

static int bpf_add_counters(struct sched *s, struct results *res)
{
	struct bpf_sched *b = s->priv;
	int i, ret;

	if (!b->h.counters)
		return 0;
	for (i = 0; i < SCXB_NR_COUNTERS; i++) {
		if (i == SCXB_CNT_VTIME_CLAMPED && !b->def->has_vtime)
			continue;
		ret = results__add_metric(res, counter_names[i],
					  (double)__atomic_load_n(&b->h.counters[i], __ATOMIC_RELAXED),
					  "count", BETTER_NONE);
		if (ret)
			return ret;
	}
	return 0;
}

static const char *bpf_exit_dump(struct sched *s)
{
	struct bpf_sched *b = s->priv;
	struct scxb_exit_info *uei = b ? b->h.uei : NULL;

	if (!uei || !__atomic_load_n(&uei->kind, __ATOMIC_ACQUIRE) || !uei->dump[0])
		return NULL;
	uei->dump[sizeof(uei->dump) - 1] = 0;
	return uei->dump;
}

static void bpf_free(struct sched *s)
{
	struct bpf_sched *b = s->priv;

	if (!b)
		return;
	bpf_link__destroy(b->link);
	if (b->h.skel)
		b->def->destroy(&b->h);
	free(b);
	s->priv = NULL;
}

static const struct sched_impl sched_bpf_impl = {
	.kind = "bpf",
	.uses_scx = true,
	.start = bpf_start,
	.has_exited = bpf_has_exited,
	.stop = bpf_stop,
	.add_counters = bpf_add_counters,
	.exit_dump = bpf_exit_dump,
	.free = bpf_free,
};

int sched_bpf__init(struct sched *s, int builtin, char *err, size_t errlen)
{
	struct bpf_sched *b;

	if (builtin < 0 || builtin >= sched_nr_builtins)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b) {
		xsnprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b->def = &bpf_defs[builtin];
	s->priv = b;
	s->impl = &sched_bpf_impl;
	snprintf(s->expect_ops, sizeof(s->expect_ops), "%s", sched_builtins[builtin].ops_name);
	return 0;
}
