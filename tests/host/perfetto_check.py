#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check a `scxbench export --format perfetto` trace against its database.

    perfetto_check.py TRACE DB MODDIR RUN...

MODDIR holds trace_min_pb2.py (protoc --python_out of
tests/host/perfetto/trace_min.proto): the trace is decoded by the protobuf
library with Perfetto's own field numbers, never by scxbench's encoder.
Prints one line per check, "PASS what" or "FAIL what: why", always the
same checks in the same order (tests/host/perfetto-export.t counts them).
"""
import collections
import sqlite3
import sys

trace_path, db_path, moddir = sys.argv[1:4]
runs = [int(r) for r in sys.argv[4:]]
sys.path.insert(0, moddir)
import trace_min_pb2 as pb  # noqa: E402

KINDS = {1: "sched_switch", 2: "sched_waking", 3: "sched_wakeup", 4: "sched_wakeup_new",
         5: "sched_migrate_task", 6: "sched_process_fork", 7: "sched_process_exit"}


def check(what, cond, why=""):
    print(("PASS %s" % what) if cond else ("FAIL %s: %s" % (what, why)))


trace = pb.Trace()
with open(trace_path, "rb") as f:
    trace.ParseFromString(f.read())
db = sqlite3.connect(db_path)

# --- the file as Perfetto's schema sees it ---
def unknown_fields(m):
    """Fields of m and its sub-messages that the schema does not know."""
    n = len(m.UnknownFields())
    for fd, v in m.ListFields():
        if fd.type != fd.TYPE_MESSAGE:
            continue
        for sub in (v if fd.label == fd.LABEL_REPEATED else [v]):
            n += unknown_fields(sub)
    return n


unknown = unknown_fields(trace)
check("every packet parses with Perfetto's field numbers, nothing unknown", unknown == 0,
      "%d unknown fields" % unknown)

events = []          # (bundle cpu, FtraceEvent) in file order
lost_cpus = set()
descs, tevents, sysinfo = [], [], []
for p in trace.packet:
    kind = p.WhichOneof("data")
    if kind == "ftrace_events":
        b = p.ftrace_events
        if b.lost_events:
            lost_cpus.add(b.cpu)
        events.extend((b.cpu, e) for e in b.event)
    elif kind == "track_descriptor":
        descs.append(p)
    elif kind == "track_event":
        tevents.append(p)
    elif kind == "system_info":
        sysinfo.append(p.system_info)

rel = db.execute("SELECT kernel_release FROM runs WHERE id = ?", (runs[0],)).fetchone()[0]
check("system info names the kernel", len(sysinfo) == 1 and sysinfo[0].utsname.release == rel,
      "%r vs %r" % ([s.utsname.release for s in sysinfo], rel))

seqs = {p.trusted_packet_sequence_id for p in descs + tevents}
check("track packets on one sequence, its state cleared first",
      seqs == {1} and (descs + tevents) and trace.packet[1].sequence_flags == 1, str(seqs))

# --- events against the database ---
spans = {}
for r in runs:
    spans[r] = db.execute("SELECT min(ts), max(ts) FROM events WHERE run_id = ?", (r,)).fetchone()
# runs laid out one after the other: each run's events are a contiguous
# time range of the file; map each back to its run by the run slices
slices = {}
for p in tevents:
    te = p.track_event
    if te.type in (te.TYPE_SLICE_BEGIN, te.TYPE_SLICE_END):
        slices.setdefault(te.track_uuid >> 32, {})[te.type] = p.timestamp
check("one run slice per run", sorted(slices) == sorted(runs) and
      all(len(v) == 2 for v in slices.values()), str(slices))


def run_of(ts):
    for r, v in slices.items():
        if v.get(1, 1 << 63) <= ts <= v.get(2, -1):
            return r
    return None


offsets = {r: slices[r][1] - spans[r][0] for r in runs if r in slices}
check("slices span each run's events exactly (offset %s)" % offsets,
      all(slices[r][2] - slices[r][1] == spans[r][1] - spans[r][0] for r in offsets),
      "%s vs %s" % (slices, spans))
order = sorted(runs, key=lambda r: slices.get(r, {}).get(1, 0))
check("runs do not overlap in the trace",
      all(slices[a][2] < slices[b][1] for a, b in zip(order, order[1:])), str(slices))

got = collections.Counter()
percpu = collections.defaultdict(list)
for cpu, e in events:
    r = run_of(e.timestamp)
    kind = e.WhichOneof("event")
    got[(r, kind)] += 1
    ev = getattr(e, kind)
    if kind == "sched_switch":
        key = (ev.next_pid, ev.prev_pid, ev.prev_state)
    elif kind in ("sched_waking", "sched_wakeup", "sched_wakeup_new"):
        key = (ev.pid, ev.target_cpu, 0)
    elif kind == "sched_migrate_task":
        key = (ev.pid, ev.orig_cpu, ev.dest_cpu)
    elif kind == "sched_process_fork":
        key = (ev.parent_pid, ev.child_pid, 0)
    else:
        key = (ev.pid, 0, 0)
    percpu[(r, cpu)].append((e.timestamp - offsets.get(r, 0), kind) + key)

want = collections.Counter()
dbcpu = collections.defaultdict(list)
for r in runs:
    for ts, cpu, typ, pid, a1, a2 in db.execute(
            "SELECT ts, cpu, type, pid, arg1, ifnull(arg2, 0) FROM events WHERE run_id = ?"
            " AND type BETWEEN 1 AND 7 ORDER BY ts, rowid", (r,)):
        want[(r, KINDS[typ])] += 1
        if typ in (2, 3, 4, 6, 7):
            a2 = 0
        if typ == 7:
            a1 = 0
        dbcpu[(r, cpu)].append((ts, KINDS[typ], pid, a1, a2))
check("event counts per run and type equal the database (%d events)" % sum(want.values()),
      got == want, "got %s want %s" % (dict(got), dict(want)))
for kind in ("sched_switch", "sched_waking", "sched_wakeup_new", "sched_migrate_task"):
    n = sum(v for (r, k), v in want.items() if k == kind)
    check("%s present (%d)" % (kind, n), n > 0 and n == sum(v for (r, k), v in got.items()
                                                         if k == kind), "none")
bad = [k for k in dbcpu if percpu.get(k) != dbcpu[k]]
check("per CPU, the events in the database's order with its fields", not bad and
      set(percpu) == set(dbcpu), "differ on run/cpu %s" % bad[:4])
mono = all(all(a[0] <= b[0] for a, b in zip(v, v[1:])) for v in percpu.values())
check("timestamps never go back within a CPU", mono)
# common_pid of a switch is its prev task
okpid = all(e.pid == e.sched_switch.prev_pid for _, e in events
            if e.WhichOneof("event") == "sched_switch")
check("sched_switch's pid is its prev task", okpid)

# --- names, counters ---
threads = {}
for p in descs:
    d = p.track_descriptor
    if d.HasField("thread"):
        threads[(d.uuid >> 32, d.thread.tid)] = d.thread.thread_name
tasks = {}
for r in runs:
    for pid, comm in db.execute("SELECT pid, comm FROM task_stats WHERE run_id = ? AND pid > 0",
                                (r,)):
        tasks[(r, pid)] = comm
check("a named thread track per task (%d)" % len(tasks), threads == tasks,
      "%d tracks vs %d tasks" % (len(threads), len(tasks)))
names = {}
for _, e in events:
    if e.WhichOneof("event") == "sched_switch":
        s = e.sched_switch
        r = run_of(e.timestamp)
        if s.next_pid and (r, s.next_pid) in tasks:
            names[(r, s.next_pid)] = s.next_comm
wrong = [k for k, v in names.items() if v != tasks[k]]
check("sched_switch comms are the task table's", not wrong and names, str(wrong[:4]))

counters = {}
for p in descs:
    d = p.track_descriptor
    if d.HasField("counter"):
        counters[d.uuid] = d.name
values = collections.defaultdict(list)
for p in tevents:
    te = p.track_event
    if te.type == te.TYPE_COUNTER:
        values[counters.get(te.track_uuid, "?")].append(te.double_counter_value)
bad, n = [], 0
for r in runs:
    for name, value, unit in db.execute(
            "SELECT name, value, unit FROM metrics WHERE run_id = ? AND ((unit = 'us' AND"
            " name LIKE '%\\_lat\\_%' ESCAPE '\\' AND (name LIKE '%\\_p50' ESCAPE '\\' OR"
            " name LIKE '%\\_p90' ESCAPE '\\' OR name LIKE '%\\_p99' ESCAPE '\\' OR"
            " name LIKE '%\\_p99.9' ESCAPE '\\' OR name LIKE '%\\_max' ESCAPE '\\'))"
            " OR name LIKE 'scx\\_event.%' ESCAPE '\\' OR name LIKE 'scx\\_trace\\_event.%' ESCAPE '\\')",
            (r,)):
        n += 1
        v = value * 1000 if unit == "us" else value
        vs = values.get("run %d %s" % (r, name), [])
        if len(vs) != 2 or any(abs(x - v) > 1e-6 * max(1, abs(v)) for x in vs):
            bad.append((r, name, v, vs))
check("latency percentiles (ns) and SCX counters as counter tracks (%d)" % n,
      n > 0 and not bad and len(counters) == n, "%s; %d tracks" % (bad[:3], len(counters)))
lost = {cpu for r in runs for (cpu,) in db.execute(
    "SELECT cpu FROM trace_cpus WHERE run_id = ? AND lost > 0", (r,))}
check("bundles flag the CPUs that lost events (%s)" % sorted(lost), lost == lost_cpus,
      "%s vs %s" % (sorted(lost), sorted(lost_cpus)))

# --dump-on-outlier: each stored outlier an instant on its run's track, at
# the moment the late task ran (the run's offset added), named by it
want, got = [], []
for r in runs:
    for seq, ts, pid, comm in db.execute(
            "SELECT seq, ts, pid, comm FROM outliers WHERE run_id = ? ORDER BY seq", (r,)):
        want.append((r, seq, ts + offsets.get(r, 0), "%s[%d]" % (comm, pid)))
for p in tevents:
    te = p.track_event
    if te.type == te.TYPE_INSTANT and te.name.startswith("outlier "):
        seq = int(te.name.split()[1].rstrip(":"))
        task = [w for w in te.name.split() if "[" in w]
        got.append((te.track_uuid >> 32, seq, p.timestamp, task[0].rstrip(",") if task else ""))
check("outliers as instants on their run's track (%d)" % len(want),
      len(want) > 0 and sorted(want) == sorted(got), "%s vs %s" % (want[:3], got[:3]))
