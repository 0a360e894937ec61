#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-lock-run.sh CMD...: run CMD holding the machine's benchmark lock
# (scripts/bench-lock.sh), for timing-sensitive tests of programs that are
# not scxbench (the trace test driver).
. "$(dirname "$0")/bench-lock.sh"
exec "$@"
