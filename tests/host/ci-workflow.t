#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# examples/github-nightly.yml, parsed (python3-yaml): the permissions its
# steps need, the shard matrix and the merge-and-gate job, each job's steps
# in the order that works (caches restored before `make deps`, the user's
# scheduler checked out and built before the config that names it, the
# shard's database uploaded, merged before the gate, the history saved),
# the commands they run, and the config it writes accepted by `scxbench ci`
# with no warning.
. "$(dirname "$0")/../lib.sh"
[ -x "$SCXB" ] || skip_all "no $SCXB (run make)"
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml not installed (make deps)"
plan 5

Y=${WORKFLOW:-$ROOT/examples/github-nightly.yml}
cd "$TMP"
python3 - "$Y" >check.log 2>&1 <<'PY'
import sys, yaml

d = yaml.safe_load(open(sys.argv[1]))
errors = []
def need(cond, what):
    if not cond:
        errors.append(what)

# 'on' is YAML 1.1's true
need(d.get("on", d.get(True)) and "schedule" in d.get("on", d.get(True)), "a schedule trigger")
perm = d.get("permissions", {})
need(perm.get("checks") == "write", "permissions: checks: write (the JUnit check run)")
need(perm.get("contents") == "read", "permissions: contents: read")
env = d["env"]
for k in ("SCHED_BUILD", "SCHED_BIN", "SCHED_ARGS", "SHARDS"):
    need(k in env, "env %s" % k)
jobs = d["jobs"]
need(set(jobs) == {"shard", "gate"}, "jobs shard and gate, not %s" % sorted(jobs))
shard, gate = jobs["shard"], jobs["gate"]
need(shard["strategy"]["matrix"]["shard"] == list(range(1, int(env["SHARDS"]) + 1)),
     "the shard matrix is 1..SHARDS")
need(shard["strategy"].get("fail-fast") is False, "fail-fast: false (one shard's failure keeps the others)")
need(gate.get("needs") == "shard" and "always()" in str(gate.get("if")), "gate needs shard, if: always()")
for name, job in jobs.items():
    need("--hostname" in job["container"].get("options", ""), "%s: one container hostname" % name)

def index(steps, pred, what, job):
    for i, s in enumerate(steps):
        if pred(s):
            return i
    errors.append("%s: no step that %s" % (job, what))
    return -1
uses = lambda prefix: lambda s: s.get("uses", "").startswith(prefix)
runs = lambda text: lambda s: text in s.get("run", "")
def order(job, *marks):
    idx = [i for i, _ in marks]
    need(all(i >= 0 for i in idx) and idx == sorted(idx) and len(set(idx)) == len(idx),
         "%s: steps out of order: %s" % (job, ", ".join("%s@%d" % (w, i) for i, w in marks)))

configs = []
for name, job in jobs.items():
    st = job["steps"]
    sched = index(st, lambda s: uses("actions/checkout")(s) and
                  "repository" not in s.get("with", {}), "checks out the scheduler", name)
    tool = index(st, lambda s: uses("actions/checkout")(s) and
                 "SCXBENCH_REPO" in str(s.get("with", {}).get("repository")), "checks out scxbench", name)
    kern = index(st, lambda s: uses("actions/cache")(s) and "kernels" in s["with"]["path"],
                 "restores the kernel cache", name)
    hist = index(st, lambda s: uses("actions/cache/restore")(s) and s["with"]["path"] == "history.db",
                 "restores the history", name)
    deps = index(st, runs("make -C scxbench deps"), "runs make deps", name)
    build = index(st, runs("$SCHED_BUILD"), "builds the scheduler", name)
    conf = index(st, runs("cat > nightly.conf"), "writes the config", name)
    order(name, (sched, "scheduler checkout"), (deps, "make deps"))
    order(name, (tool, "scxbench checkout"), (kern, "kernel cache"), (deps, "make deps"))
    order(name, (hist, "history restore"), (deps, "make deps"), (build, "build"), (conf, "config"))
    if conf >= 0:
        configs.append(st[conf]["run"])
    if name == "shard":
        run = index(st, runs("scxbench/scxbench ci nightly.conf"), "runs ci", name)
        up = index(st, lambda s: uses("actions/upload-artifact")(s) and
                   "shard-${{ matrix.shard }}.db" in s["with"]["path"], "uploads the shard db", name)
        order(name, (conf, "config"), (run, "ci"), (up, "upload"))
        cmd = st[run]["run"] if run >= 0 else ""
        for w in ('--shard "${{ matrix.shard }}/$SHARDS"', "--vm", '--db "$db"',
                  '--label "${GITHUB_SHA::12}"', "cp history.db", "--init"):
            need(w in cmd, "shard: the ci command has %s" % w)
        need(st[up].get("if") == "always()", "shard: the database is uploaded also after a failure")
    else:
        down = index(st, uses("actions/download-artifact"), "downloads the shards", name)
        merge = index(st, runs("scxbench/scxbench merge shard-*.db -o history.db"), "merges", name)
        g = index(st, runs("--gate-only"), "gates", name)
        save = index(st, lambda s: uses("actions/cache/save")(s) and s["with"]["path"] == "history.db",
                     "saves the history", name)
        up = index(st, uses("actions/upload-artifact"), "uploads the outputs", name)
        junit = index(st, lambda s: "junit" in s.get("uses", ""), "publishes JUnit", name)
        verdict = len(st) - 1
        order(name, (conf, "config"), (down, "download"), (merge, "merge"), (g, "gate"),
              (save, "save history"), (up, "upload"), (junit, "junit"), (verdict, "verdict"))
        cmd = st[g]["run"] if g >= 0 else ""
        need("--shard" not in cmd and '--db history.db' in cmd, "gate: the whole night, merged history")
        need('GITHUB_STEP_SUMMARY' in cmd and 'summary.md' in cmd, "gate: summary.md to the job summary")
        need(st[down]["with"].get("pattern") == "scxbench-shard-*", "gate: downloads every shard")
        paths = st[up]["with"]["path"] if up >= 0 else ""
        for p in ("summary.md", "junit.xml", "report-", "history.db"):
            need(p in paths, "gate: the artefacts hold %s" % p)
        need(all(st[i].get("if") == "always()" for i in (save, up, junit)),
             "gate: history, artefacts and JUnit also after a failed gate")
        need("steps.ci.outputs.rc" in st[verdict].get("run", ""), "gate: the last step exits with ci's status")
need(len(configs) == 2 and configs[0] == configs[1], "both jobs write the same config")
if configs:
    need("[scheduler exec:$PWD/$SCHED_BIN]" in configs[0] and "args = $SCHED_ARGS" in configs[0],
         "the config names the built scheduler as exec: with its arguments")
    open("write-config.sh", "w").write(configs[0])
if errors:
    print("\n".join(errors))
    sys.exit(1)
PY
rc=$?
[ "$rc" = 0 ] && pass "permissions, shard matrix, merge-and-gate job" ||
	fail "the workflow" "$(cat check.log)"
grep -q 'steps out of order' check.log && fail "steps in order" "$(grep 'out of order' check.log)" ||
	pass "steps in order (caches before make deps, build before config, merge before gate)"

# the config it writes, with a stand-in for the scheduler binary
mkdir -p sched/build && printf '#!/bin/sh\nexit 0\n' > sched/build/scx_mysched && chmod +x sched/build/scx_mysched
if [ -s write-config.sh ]; then
	env SCHED_BIN=sched/build/scx_mysched SCHED_ARGS='--slice-us 5000 --verbose' bash write-config.sh
fi
[ -s nightly.conf ] && grep -q "^\[scheduler exec:$TMP/sched/build/scx_mysched\]" nightly.conf &&
	grep -q '^args = --slice-us 5000 --verbose' nightly.conf &&
	pass "the config step writes the exec: scheduler with its arguments" ||
	fail "nightly.conf" "$(cat nightly.conf 2>&1)"
# accepted: parsed and probed, then the (missing) history stops it
err=$("$SCXB" ci nightly.conf --gate-only --label x --db none.db 2>&1); rc=$?
[ "$rc" = 2 ] && [[ $err == *"history database none.db"* ]] && [[ $err != *"config has errors"* ]] &&
	pass "scxbench ci accepts the config" || fail "ci on the config: rc $rc" "$err"
w=$(printf '%s\n' "$err" | grep -i 'warn')
[ -z "$w" ] && pass "no warning about the config" || fail "warnings" "$w"
