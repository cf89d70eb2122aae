/*
 * schema.h: the case database schema and its forward migrations.
 * migrations[i] takes a case from user_version i to i+1.  Documented in
 * docs/SCHEMA.md.  Each importer's own tables are marked with its name.
 */
#ifndef WB_SCHEMA_H
#define WB_SCHEMA_H

extern const char *const schema_migrations[];	/* NULL-terminated */

#endif
