/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extpartial: extfifo with SCX_OPS_SWITCH_PARTIAL, the way external
 * schedulers offer a partial mode (scx_qmap -p and the like): only tasks
 * whose policy is SCHED_EXT are scheduled by it. Same loader: extfifo -p
 * (or -o extpartial.bpf.o).
 */
#define EXT_OPS_NAME "extpartial"
#define EXT_OPS_FLAGS SCX_OPS_SWITCH_PARTIAL
#include "extfifo.bpf.c"
