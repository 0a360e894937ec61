#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tree's shape (README: Architecture): scripts/check-layers.sh finds no
# include that goes up a layer, no include not written from the repo root,
# no long file that does not say why.
. "$(dirname "$0")/../lib.sh"
plan 1
out=$("$ROOT/scripts/check-layers.sh" 2>&1)
rc=$?
[ $rc = 0 ] && pass "scripts/check-layers.sh: every include goes down a layer" ||
	fail "scripts/check-layers.sh" "$out"
