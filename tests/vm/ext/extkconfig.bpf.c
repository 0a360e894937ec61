/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extkconfig: extfifo plus libbpf __kconfig externs (CONFIG_HZ, and a weak
 * CONFIG_SCHED_CLASS_EXT), the way some external schedulers read the kernel
 * configuration. libbpf resolves them from /boot/config-$(uname -r) or
 * /proc/config.gz; without either, loading fails with libbpf's
 * "failed to open system Kconfig". ops.init copies them into kconfig_hz /
 * kconfig_sched_class_ext (.bss) for the loader to print. Same loader:
 * extfifo -K (or -o extkconfig.bpf.o).
 */
#define EXT_OPS_NAME "extkconfig"
#define EXT_KCONFIG 1
#include "extfifo.bpf.c"
