#ifndef ROSTER_CSQLITE_SETTINGS_H
#define ROSTER_CSQLITE_SETTINGS_H

/// Turns on SQLite's query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG) for the
/// connection `db`, a `sqlite3 *` of the SQLite that sqlite-nio embeds; returns SQLite's result code.
///
/// Without it, a kept statement whose plan might depend on a bound value is prepared again after
/// every new binding, and SQLite flags that on `WHERE event_id = ? ORDER BY id` alone.
/// `sqlite3_db_config` is variadic, and Swift cannot call variadic C functions: hence this file.
int roster_sqlite_enable_qpsg(void *db);

#endif
