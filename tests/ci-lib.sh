# SPDX-License-Identifier: GPL-2.0
# Helpers of the sharded CI tests (tests/host/ci-shard.t, tests/vm/ci-shard-vm.t),
# sourced after tests/lib.sh. They read the ci.json files a night writes.

# ci_cells CI.JSON: one line per cell (workload scheduler metric state
# gated), sorted, then "exit N": what must agree between the merged gate
# and the unsharded night
ci_cells() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in sorted(d["cells"], key=lambda c: (c["workload"], c["scheduler"], c["metric"])):
    print(c["workload"], c["scheduler"], c["metric"], c["state"], c["gated"])
print("exit", d["exit_code"])' "$1"
}

# ci_shard_numbers SHARD.JSON... MERGED.JSON: every cell of the shards'
# own gates has the merged gate's numbers, and together they are all of
# its cells; prints the reason and fails otherwise
ci_shard_numbers() {
	python3 - "$@" <<'PY'
import json, sys
key = lambda c: (c["workload"], c["scheduler"], c["metric"])
merged = {key(c): c for c in json.load(open(sys.argv[-1]))["cells"]}
n = nums = 0
for f in sys.argv[1:-1]:
    for c in json.load(open(f))["cells"]:
        m = merged[key(c)]
        for k in ("base_median", "base_ci_lo", "median", "ci_lo", "delta_pct", "delta_lo",
                  "delta_hi", "p", "mde_pct", "n", "n_base", "state"):
            if c.get(k, "missing") != m.get(k, "missing"):
                sys.exit("%s %s: shard %r, merged %r" % (key(c), k, c.get(k), m.get(k)))
        nums += k == "state" and c.get("delta_pct") is not None
        n += 1
if n != len(merged):
    sys.exit("the shards hold %d cells, the merged gate %d" % (n, len(merged)))
if nums < 4:
    sys.exit("only %d cells with a delta" % nums)
PY
}
