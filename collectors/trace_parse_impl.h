/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the tracefs parser (trace_parse__run in tracefs_parse.c): the
 * state one parse shares between its files, which are split by concern:
 *
 *   trace_pages.c    per-CPU cursors over the raw files, merged by timestamp
 *   trace_events.c   tracepoint layouts and what each event does to the state
 *   trace_tasks.c    the task table, per-task sparse histograms, antagonists
 *   trace_outliers.c each --dump-on-outlier outlier's window and dump
 *   tracefs_parse.c  set-up, per-CPU loss accounting, metrics and store rows
 *
 * The structs are open here (not opaque) because the handlers in
 * trace_events.c update tasks and CPU slices in place on the hot path, one
 * call per event. Nothing outside collectors/tracefs_parse.c and these
 * four files includes this header.
 */
#ifndef SCXB_TRACE_PARSE_IMPL_H
#define SCXB_TRACE_PARSE_IMPL_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/lib/hist.h"
#include "harness/lib/topology.h"

struct kbuffer;
struct capture_rec;
struct tep_handle;
struct store;
struct store_events;
struct outlier_ring;

#define RING_SLICES 64
#define MAX_SCX_EVENT_NAMES 64

enum role { ROLE_PROBE, ROLE_HACKBENCH, ROLE_HOG, ROLE_OTHER, ROLE_CMD, ROLE_REPLAY, NR_ROLES };

enum kind { K_NONE, K_SWITCH, K_WAKING, K_WAKEUP, K_WAKEUP_NEW, K_MIGRATE, K_FORK, K_EXIT,
	    K_SCX_DUMP, K_SCX_EVENT, K_SYS_ENTER, K_SCX_OTHER };

/* Where a tracepoint field lies in an event's raw record. */
struct fld {
	int off, size;
	bool sign, dyn, rel;
};

/*
 * Sparse histogram: same buckets as struct hist (so that what is stored is
 * identical), only the non-empty ones. Slot = count << SH_IDX_BITS | (bucket
 * index + 1); 0 = empty. 51 bits of count cannot overflow.
 */
#define SH_IDX_BITS 13
#define SH_IDX_MASK ((1ull << SH_IDX_BITS) - 1)
#define SH_MIN_CAP 8
_Static_assert(HIST_NBUCKETS < SH_IDX_MASK, "bucket index must fit SH_IDX_BITS");

struct sparse_hist {
	uint64_t *slot;
	uint32_t cap, nr;   /* cap: power of two */
	uint64_t count, min;
};

struct task {
	int pid; /* 0 = free slot (the idle task is never entered) */
	bool on_cpu;
	char comm[16];
	uint64_t wake_ts, rq_ts, run_ts;
	uint64_t wakeups, wait_ns, wait_max_ns, rq_wait_ns, run_ns, vol, invol, migr;
	struct sparse_hist lat;
	/* role by ancestry (a task root's descendants), ROLE + 1; 0: by comm */
	uint8_t set_role;
	/* behaviour (cmd and replay roles): CPU time since the last wakeup,
	 * and when the task last went to sleep of its own accord */
	uint64_t burst_ns, sleep_ts;
	/* capture mode (trace_capture.c): the thread's idx + 1 (0: none),
	 * the last system call it entered, CPU time not yet in a step and
	 * since when it counts, a sleep step waiting for its latency */
	int cap_idx1;
	int16_t last_sys;
	bool cap_lat_pending;
	uint64_t cap_run_ns, cap_mark;
};

struct slice {
	int pid;
	uint64_t start, end;
};

struct cpu_state {
	int cur;
	uint64_t since;
	struct slice ring[RING_SLICES];
	unsigned int head; /* next slot */
};

struct antag {
	uint64_t key; /* victim << 32 | pid, 0 = free */
	uint64_t wait_ns, count;
};

struct cursor {
	int cpu, fd;
	uint8_t *win;
	size_t win_len, win_off; /* bytes in window, offset of current page */
	uint64_t page_no;
	struct kbuffer *kb;
	void *data;      /* current event or NULL when exhausted */
	unsigned long long ts;
	uint8_t *page_end;
	bool eof;
	uint64_t events, missed, bad_pages;
};

/* slices kept per CPU per outlier window: the latest (closest to it) */
#define OW_SLICES 128

/* A slice kept in a window, with the comm it ran under (pids are
 * reused, so the task table's last comm may be another task's). */
struct win_slice {
	struct slice s;
	char comm[16];
};

/* One outlier's window and dump (trace_outliers.c). */
struct outlier_win {
	int seq, tid;
	uint64_t ws, we;       /* the window */
	uint64_t ds, de;       /* its dump trigger's write, 0 when none */
	struct win_slice *sl;  /* ncpus rings of OW_SLICES */
	uint64_t *head;        /* per CPU: slices seen */
	char *dump;            /* its dump's lines, '\n'-joined */
	size_t dlen, dcap;
};

struct scx_ev_sum {
	char name[48];
	int64_t sum;
};

struct parser {
	unsigned int ps;
	int ncpus;
	uint8_t kind_of[65536];
	int min_size[K_SCX_OTHER + 1];
	/* fields */
	struct fld sw_prev_comm, sw_prev_pid, sw_prev_state, sw_next_comm, sw_next_pid;
	struct fld wk_comm, wk_pid, wk_cpu;
	struct fld mg_pid, mg_orig, mg_dest;
	struct fld fk_ppid, fk_cpid, fk_ccomm;
	struct fld ex_pid;
	struct fld sys_id;
	struct fld dump_line, ev_name, ev_delta;
	/* tasks */
	struct task *tasks;
	size_t cap, nr;
	struct cpu_state *cpus;
	struct antag *ant;
	size_t ant_cap, ant_nr;
	/* per role, for roles whose behaviour is compared with a capture:
	 * run bursts (CPU time from a wakeup to the next voluntary sleep)
	 * and sleep lengths (voluntary switch-out to the next wakeup) */
	struct hist *burst[NR_ROLES], *sleep[NR_ROLES];
	/* capture mode (trace_capture.c), NULL otherwise */
	struct capture_rec *capr;
	struct scx_ev_sum scx_ev[MAX_SCX_EVENT_NAMES];
	int nr_scx_ev;
	/* migrations by how far they moved (the machine's topology; NULL
	 * when unreadable: then not counted) */
	const struct topo_view *topo;
	uint64_t migr_rel[TOPO_NR_REL];
	/* output */
	struct store *st;
	int64_t run_id;
	struct store_events *se;
	int64_t dump_seq;
	int err;
	/* --dump-on-outlier: windows, and the span they cover (for a cheap
	 * test per slice) */
	struct outlier_win *ow;
	int now;
	uint64_t ow_lo, ow_hi;
	uint64_t last_ts;
};

/* ---- trace_tasks.c ---- */

/* The first, empty task table (p->cap > 0 from then on). -ENOMEM. */
int trace_tasks__init(struct parser *p);
/* Room for `more` new tasks. Callers reserve first so that pointers from
 * trace_tasks__get stay valid within one event. -ENOMEM. */
int trace_tasks__reserve(struct parser *p, size_t more);
/* The task of pid, entered (zeroed) when new: reserve room first. */
struct task *trace_tasks__get(struct parser *p, int pid);
/* The task of pid, or NULL when it was never seen. */
struct task *trace_tasks__find(struct parser *p, int pid);
/* The workload role a task plays, by its comm. */
enum role trace_tasks__role(const char *comm);
/* The role of a task: by ancestry when it has one, else by comm. */
enum role trace_tasks__role_of(const struct task *t);
/* Do the burst/sleep histograms of this role matter (cmd, replay)? */
bool trace_tasks__behaviour_role(enum role r);
/* Free the task table, its histograms and the antagonist table. */
void trace_tasks__free(struct parser *p);

/* Count v into h. -ENOMEM (h unchanged). */
int sparse_hist__add(struct sparse_hist *h, uint64_t v);
/* Copy h's buckets into dst (a cleared scratch) and add them to role. */
void sparse_hist__spill(const struct sparse_hist *h, struct hist *dst, struct hist *role);
/* Clear in dst exactly the buckets sparse_hist__spill set. */
void sparse_hist__unspill(const struct sparse_hist *h, struct hist *dst);

/* Charge the slices CPU cpu ran in [from, to) to the tasks that ran them,
 * as antagonists of victim. -ENOMEM. */
int trace_tasks__charge_antagonists(struct parser *p, int victim, int cpu, uint64_t from,
				    uint64_t to);
/* Compact the antagonist table into its first entries, sorted by victim,
 * then by wait time, longest first; returns how many. The table is no
 * longer a hash table afterwards: clear it before adding again. */
size_t trace_tasks__sort_antagonists(struct parser *p);

/* ---- trace_outliers.c ---- */

/* A window per outlier of ring that the trace can hold: from window_ns
 * before it was due until it ran. -ENOMEM. */
int trace_outliers__init(struct parser *p, const struct outlier_ring *ring, uint64_t window_ns);
/* Task pid, named comm (not NUL-terminated past 15), ran on cpu in
 * [start, end): kept by the windows it overlaps. */
void trace_outliers__slice(struct parser *p, int cpu, int pid, const char *comm, uint64_t start,
			   uint64_t end);
static inline void trace_outliers__on_slice(struct parser *p, int cpu, int pid, const char *comm,
					    uint64_t start, uint64_t end)
{
	if (p->now && end > p->ow_lo && start < p->ow_hi)
		trace_outliers__slice(p, cpu, pid, comm, start, end);
}
/* A sched_ext_dump line at ts: 1 when it is an outlier's dump (kept
 * there), 0 when not (the run's own dump), -ENOMEM. */
int trace_outliers__dump_line(struct parser *p, uint64_t ts, const char *line, int len);
/* After the walk: close the slices still running and store every
 * window's slices and dump (outliers.h). -errno of the store. */
int trace_outliers__store(struct parser *p);
void trace_outliers__free(struct parser *p);

/* ---- trace_events.c ---- */

/* Map the event ids of tep to kinds and read their field layouts.
 * -EPROTO when an event lacks a field we need. */
int trace_events__setup(struct parser *p, struct tep_handle *tep);
/* Account one raw event of size bytes on cpu at ts. -EINVAL when it is
 * malformed (too short for its type, a string out of bounds), else
 * -errno of memory or the store. */
int trace_events__on_event(struct parser *p, int cpu, uint64_t ts, const uint8_t *d, int size);

/* pid is seen running (it issued an event): put it on a CPU from its
 * wakeup when its switch-in was not seen. -ENOMEM. */
int trace_events__running(struct parser *p, int pid);

/* ---- trace_pages.c ---- */

/* Open cpu's raw file at path and load its first event. The cursor is
 * released by trace_pages__close, also on failure. -errno. */
int trace_pages__open(struct cursor *c, int cpu, const char *path, unsigned int ps);
/* Release what trace_pages__open took; safe on a zeroed cursor whose fd
 * is -1. */
void trace_pages__close(struct cursor *c);
/* Walk the events of all ncpus cursors in timestamp order through
 * trace_events__on_event; malformed pages and events are rejected,
 * counted in the cursor's bad_pages, and skipped. -errno of I/O, memory
 * or the store. */
int trace_pages__merge(struct parser *p, struct cursor *cur, int ncpus);

#endif
