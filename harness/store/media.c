// SPDX-License-Identifier: GPL-2.0
/* Opening a database that sits on read-only media (harness/store/sql.h). */
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/store/sql.h"

int store__reopen_readonly_media(sqlite3 **db, const char *path, bool readonly, char *err,
				  size_t errlen)
{
	char dir[PATH_MAX], wal[PATH_MAX + 8], uri[3 * PATH_MAX + 32];
	struct stat sb;
	size_t n = 0;
	char *slash;
	int e;

	if ((sqlite3_errcode(*db) & 0xff) != SQLITE_CANTOPEN ||
	    xsnprintf(dir, sizeof(dir), "%s", path) || xsnprintf(wal, sizeof(wal), "%s-wal", path))
		return 0;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	if (!access(dir, W_OK))
		return 0;
	e = errno;
	if (!readonly || (!stat(wal, &sb) && sb.st_size > 0)) {
		snprintf(err, errlen, "%s: its folder is not writable (%s), and SQLite needs to create"
			 " %s-shm beside it to %s: copy it somewhere writable", path, strerror(e), path,
			 readonly ? "read its log" : "write it");
		return -EROFS;
	}
	n = (size_t)snprintf(uri, sizeof(uri), "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c && n + 4 < sizeof(uri); c++)
		n += *c == '%' || *c == '?' || *c == '#' || *c <= ' ' || *c >= 0x7f ?
			(size_t)snprintf(uri + n, 4, "%%%02X", *c) : (uri[n] = (char)*c, 1);
	snprintf(uri + n, sizeof(uri) - n, "?immutable=1");
	sqlite3_close_v2(*db);
	*db = NULL;
	if (sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open it read-only: %s", path,
			 *db ? sqlite3_errmsg(*db) : "out of memory");
		return -EIO;
	}
	pr_debug("%s: read as immutable (a WAL database in a folder we cannot write)\n", path);
	return 1;
}
