/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCXB_STORE_SCHEMA_H
#define SCXB_STORE_SCHEMA_H

/* Latest schema version this binary knows (== number of migrations). */
int store_schema__version(void);
/* SQL of migration i (0-based): takes user_version i to i + 1. */
const char *store_schema__migration(int i);

#endif
