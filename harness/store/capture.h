/* SPDX-License-Identifier: GPL-2.0 */
/* Captures in the store (migration 8): the file, its threads and edges. */
#ifndef SCXB_STORE_CAPTURE_H
#define SCXB_STORE_CAPTURE_H

#include <stdint.h>

#include "harness/lib/capture.h"
#include "harness/store/store.h"

/* One transaction: the capture, its JSON body and file name (NULL when
 * none was written), its threads' summaries and its edges. -errno. */
int store__add_capture(struct store *st, const struct capture *c, const char *body,
		       const char *file, int64_t *id);
/* The JSON body of capture id (the caller frees). -ENOENT, -errno. */
int store__capture_body(struct store *st, int64_t id, char **body);

#endif
