/* tui/list.c: keyset pagination over an SQL query, on an in-memory table. */
#include <sqlite3.h>
#include <stdlib.h>

#include "../../core/regex.h"
#include "../../tui/tui.h"
#include "../tap.h"

/* The id of the row numbered v (see the INSERT below). */
static long long
id_of(long long v)
{
	return (5001 - (v + 1) / 2) * 2 + (1 - v % 2);
}

/* The value in column 0 ("v") of the cursor row. */
static long long
cur_v(const struct wb_list *l)
{
	const struct list_row *r = list_cur(l);

	return r && r->col[0] ? atoll(r->col[0]) : -1;
}

int
main(void)
{
	static const struct list_spec spec = {
		.from = "t", .key = "ts", .id = "id", .cols = "v, label", .search = "label",
	};
	struct wb_list l;
	struct wb_err err;
	sqlite3 *db;

	sqlite3_open(":memory:", &db);
	regex_register(db);
	/* 10,000 rows; v = the row's place in (ts, id) order.  Pairs share a
	 * ts (the id breaks the tie) and ids fall as ts rises, so the order
	 * is the key's, not the table's. */
	sqlite3_exec(db,
		     "CREATE TABLE t(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, v INTEGER, label TEXT);"
		     "CREATE INDEX t_ts ON t(ts, id);"
		     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)"
		     " INSERT INTO t(id, ts, v, label) SELECT (5001 - (i + 1) / 2) * 2 + (1 - i % 2), (i + 1) / 2, i,"
		     " CASE WHEN i % 1000 = 0 THEN 'error ' || i ELSE 'row ' || i END FROM n;",
		     NULL, NULL, NULL);

	ok(list_init(&l, db, &spec, &err) == 0, "list_init");
	list_set_height(&l, 10);
	list_first(&l);
	is_int(l.total, 10000, "total counts every row");
	is_int(l.nrows, 10, "the window holds one screen");
	is_int(cur_v(&l), 1, "first row");
	is_int(list_position(&l), 1, "position 1");

	list_move(&l, 1);
	is_int(cur_v(&l), 2, "j: the next row (same ts: the id breaks the tie)");
	list_move(&l, 9);
	is_int(cur_v(&l), 11, "a page further");
	is_int(list_position(&l), 11, "position follows");
	is_int(l.cy, 1, "a page move keeps the cursor's screen row");
	for (int i = 0; i < 20; i++)
		list_move(&l, 1);
	is_int(cur_v(&l), 31, "scrolling down row by row past the window");
	is_int(l.cy, 9, "the cursor stays on the last screen row while scrolling");
	is_int(l.rows[0].col[0] ? atoll(l.rows[0].col[0]) : -1, 22, "the window scrolled with it");

	list_last(&l);
	is_int(cur_v(&l), 10000, "G: the last row");
	is_int(l.cy, 9, "at the bottom of the window");
	is_int(l.nrows, 10, "with a full window above it");
	is_int(list_position(&l), 10000, "position = total");
	list_move(&l, 1);
	is_int(cur_v(&l), 10000, "no further than the end");
	list_move(&l, -25);
	is_int(cur_v(&l), 9975, "page up from the end");
	is_int(list_position(&l), 9975, "position after moving up");
	list_move(&l, -100000);
	is_int(cur_v(&l), 1, "no further than the start");

	ok(list_seek_int(&l, 2500), "seek to a key");
	is_int(cur_v(&l), 4999, "the first row with ts >= 2500 (the first of its pair)");
	is_int(list_position(&l), 4999, "its position is counted");
	list_seek_int(&l, 999999);
	is_int(cur_v(&l), 10000, "seeking past the end shows the last row");

	ok(list_goto_id(&l, id_of(7777)), "goto an id");
	is_int(cur_v(&l), 7777, "the row with that id");

	list_first(&l);
	is_int(list_find(&l, 1, NULL, "^error"), 1, "search forward");
	is_int(cur_v(&l), 1000, "first hit");
	is_int(list_find(&l, 1, NULL, "^error"), 1, "next hit");
	is_int(cur_v(&l), 2000, "second hit");
	is_int(list_find(&l, -1, NULL, "^error"), 1, "previous hit");
	is_int(cur_v(&l), 1000, "back to the first");
	list_last(&l);
	is_int(list_find(&l, 1, NULL, "^error 1000$"), 2, "a hit found after wrapping around");
	is_int(cur_v(&l), 1000, "wrapped to it");
	is_int(list_find(&l, 1, NULL, "no such"), 0, "no hit");
	is_int(cur_v(&l), 1000, "the cursor stays");
	is_int(list_find(&l, 1, "v % 2500 = 0", NULL), 1, "find by an SQL condition");
	is_int(cur_v(&l), 2500, "the row it names");

	ok(list_set_where(&l, "label LIKE 'error%'", &err) == 0, "a filter");
	is_int(l.total, 10, "rows matching it");
	is_int(cur_v(&l), 1000, "starts at its first row");
	list_last(&l);
	is_int(cur_v(&l), 10000, "G within the filter");
	is_int(l.nrows, 10, "the window is full");
	ok(!list_goto_id(&l, id_of(5)), "a filtered-out id is not found");
	ok(list_set_where(&l, "no_such_column = 1", &err) < 0, "a bad filter is refused");
	is_int(l.total, 10, "and the old one still works");
	ok(list_set_base(&l, "v > 5000", &err) == 0, "a base condition under the filter");
	is_int(l.total, 5, "both hold");

	ok(list_set_where(&l, "", &err) == 0, "filter cleared");
	list_set_base(&l, "1", &err);
	ok(list_set_order(&l, "v % 7", &err) == 0, "another order");
	list_first(&l);
	is_int(cur_v(&l) % 7, 0, "ordered by the new key");

	/* the window follows a changed table */
	list_set_order(&l, "ts", &err);
	list_first(&l);
	list_move(&l, 3);
	sqlite3_exec(db, "DELETE FROM t WHERE v <= 2", NULL, NULL, NULL);
	list_reload(&l);
	is_int(l.total, 9998, "reload recounts");
	is_int(cur_v(&l), 4, "and keeps the cursor row");

	sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL);
	list_reload(&l);
	ok(list_cur(&l) == NULL, "an emptied table: no cursor row");
	is_int(list_position(&l), 0, "position 0");
	list_move(&l, 1);
	list_last(&l);
	ok(!list_find(&l, 1, NULL, "x"), "nothing to find in nothing");

	list_fini(&l);
	sqlite3_close(db);
	return tap_done();
}
