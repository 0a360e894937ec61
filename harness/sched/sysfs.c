// SPDX-License-Identifier: GPL-2.0
/*
 * The only place that reads /sys/kernel/sched_ext (and writes sysrq-S).
 * state is one of "enabling", "enabled", "disabling", "disabled";
 * root/ops exists only while a scheduler is loaded. Also the on-demand
 * dump (SysRq-D).
 */
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <string.h>

#include "harness/sched/sched.h"
#include "harness/lib/util.h"

#define SCX_SYSFS "/sys/kernel/sched_ext"

bool scx_kernel_supported(void)
{
	return access(SCX_SYSFS, F_OK) == 0;
}

int scx_state(char *buf, size_t len)
{
	return read_text_file(SCX_SYSFS "/state", buf, len);
}

int scx_ops_name(char *buf, size_t len)
{
	int err;

	if (!len)
		return -EINVAL;
	err = read_text_file(SCX_SYSFS "/root/ops", buf, len);
	if (err == -ENOENT) {
		buf[0] = 0;
		return 0;
	}
	return err;
}

int scx_eject(void)
{
	return write_text_file("/proc/sysrq-trigger", "S");
}

int scx_switch_all(void)
{
	char buf[8];
	int err = read_text_file(SCX_SYSFS "/switch_all", buf, sizeof(buf));

	if (err)
		return err;
	if (strcmp(buf, "0") && strcmp(buf, "1"))
		return -EPROTO;
	return buf[0] - '0';
}

int scx_wait_state(const char *want, double timeout_s)
{
	uint64_t deadline = now_mono_ns() + (uint64_t)(timeout_s * 1e9);
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	char state[32];
	int err;

	for (;;) {
		err = scx_state(state, sizeof(state));
		if (err)
			return err;
		if (!strcmp(state, want))
			return 0;
		if (now_mono_ns() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
}

/*
 * SysRq-D: the kernel's sysrq handler dumps the sched_ext state in the
 * writer's context (scx_dump_state() with no dump buffer), so every line
 * reaches the sched_ext_dump tracepoint before write() returns, and only
 * there. /proc/sysrq-trigger ignores the kernel.sysrq mask; it needs root.
 */
int sched__dump_open(const struct sched *s)
{
	int fd;

	if (!strcmp(sched__kind(s), "eevdf") || !scx_kernel_supported())
		return -ENOTSUP;
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int sched__dump_trigger(int fd)
{
	ssize_t n = write(fd, "D", 1);

	return n == 1 ? 0 : n < 0 ? -errno : -EIO;
}
