"""The SQL of the co-share join, shared by the DuckDB and the Spark engine.

:func:`pair_sql` gives the named steps (run in order) that apply CooRTweet's rules to a
table ``src`` of raw shares; :data:`RESULT_SQL` reads the kept pairs; :func:`counts_sql`
gives the figures reported in ``coshare_pairs(...).attrs``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["pair_sql", "RESULT_SQL", "counts_sql", "SRC_COUNTS", "COUNTED_FROM",
           "LAST_READ_BY", "sql_string", "sql_list"]


def pair_sql(*, window_ticks: int, min_participation: int, max_object_shares: int | None,
              dialect: str = "duckdb", n_rows: int | None = None,
              distinct_cids: bool = False) -> list[tuple[str, str]]:
    """The SQL steps of both engines (named statements, run in order).

    Every step reads tables made by earlier steps; ``src`` holds the raw shares with
    columns ``tr, obj, acc, cid, ticks, rn``. Accounts and content ids are coded by the
    first row number that carries them. Objects get a ``row_number()`` in DuckDB and a
    (trace, object) string key in Spark, so that Spark needs no global ordering (a
    single-partition window). Either way the rows produced are the same.

    With ``distinct_cids`` (the caller knows that no two rows of ``src`` share a content
    id, as in a validated Dataset) each row's content id code is its row number: the
    repeated ids are not looked for, and the pairs carry no content id codes of their own
    (``c_a, c_b`` are ``rn_a, rn_b``), which makes the largest tables a third narrower.
    Rule 3's "different content ids" then always holds: two rows of a pair are two rows.
    """
    width = max(int(window_ticks), 1)
    # DuckDB: row numbers and codes as 32-bit integers when the input has fewer than 2**31
    # rows (given as n_rows); that shrinks the pair tables, the joins and the sort by a third
    small = dialect == "duckdb" and n_rows is not None and n_rows < 2**31 - 1

    def narrow(expr: str) -> str:
        return f"CAST({expr} AS INTEGER)" if small else expr

    mp = int(min_participation)
    guard = "" if max_object_shares is None else f"AND n_shares <= {int(max_object_shares)}"
    if dialect == "spark":
        semi, idiv = "LEFT SEMI JOIN", "div"
        code_o = "concat(tr, char(0), obj)"
    else:
        semi, idiv = "SEMI JOIN", "//"
        code_o = "row_number() OVER ()"
    dups = ("SELECT tr, cid, min(rn) AS c FROM src WHERE cid IS NOT NULL "
            "GROUP BY tr, cid HAVING count(*) > 1")
    steps = [
        # rule 1: accounts with >= mp input rows (per trace), counting every row as
        # CooRTweet does, even rows whose object or time is missing; the account's first
        # row number doubles as its code and as the tie-break order
        ("accs", f"SELECT tr, acc, min(rn) AS a FROM src WHERE acc IS NOT NULL "
                 f"GROUP BY tr, acc HAVING count(*) >= {mp}"),
        # content ids are coded per trace (so rule 4 runs per trace by construction) by
        # the first row number carrying them; only repeated ids need a lookup table
        ("dups", dups if not distinct_cids else  # its columns, none of its rows
                 f"SELECT * FROM ({dups}) AS d LIMIT 0"),
        ("objs", f"SELECT tr, obj, {code_o} AS o, n_shares FROM (SELECT src.tr, src.obj, "
                 f"count(*) AS n_shares FROM src {semi} accs "
                 f"ON src.tr = accs.tr AND src.acc = accs.acc WHERE src.obj IS NOT NULL "
                 f"AND src.ticks IS NOT NULL AND src.cid IS NOT NULL "
                 f"GROUP BY src.tr, src.obj) AS u"),
        # pre-filtered rows, integer columns only (rule 4 counts these rows); o is NULL
        # for rows that cannot pair (no object or no time)
        ("s", f"SELECT {narrow('src.rn')} AS rn, {narrow('accs.a')} AS a, "
              f"{narrow('coalesce(dups.c, src.rn)')} AS c, {narrow('objs.o')} AS o, "
              "objs.n_shares, src.ticks, (src.obj = src.cid) AS selfrow "
              "FROM src JOIN accs USING (tr, acc) LEFT JOIN dups USING (tr, cid) "
              "LEFT JOIN objs USING (tr, obj) WHERE src.cid IS NOT NULL"),
        # rows that can pair: rule 3's "content id equals object id" rows never do
        ("sj", f"SELECT rn, o, a, c, ticks, ticks {idiv} {width} AS bkt FROM s "
               f"WHERE o IS NOT NULL AND NOT selfrow {guard}"),
        # rules 2 + 3 and orientation: l is first (earlier time; ties by account order);
        # each share meets the shares of its own and the next time bucket only
        ("p", f"""
            SELECT l.rn AS rn_a, r.rn AS rn_b,{"" if distinct_cids else " l.c AS c_a, r.c AS c_b,"}
                   r.ticks - l.ticks AS dt
            FROM sj AS l
            JOIN (SELECT rn, o, a, c, ticks, bkt AS jb FROM sj UNION ALL
                  SELECT rn, o, a, c, ticks, bkt - 1 AS jb FROM sj) AS r
              ON l.o = r.o AND l.bkt = r.jb
            WHERE r.ticks - l.ticks <= {int(window_ticks)}
              AND (r.ticks > l.ticks OR (r.ticks = l.ticks AND
                   (r.a > l.a OR (r.a = l.a AND r.rn > l.rn))))
              AND l.a <> r.a{"" if distinct_cids else " AND l.c <> r.c"}"""),
    ]
    c_a, c_b = ("rn_a", "rn_b") if distinct_cids else ("c_a", "c_b")
    if mp >= 1:
        steps += [
            # rule 4: content ids in pairs -> accounts with >= mp rows carrying them
            ("pc", f"SELECT DISTINCT c FROM (SELECT {c_a} AS c FROM p UNION ALL "
                   f"SELECT {c_b} AS c FROM p) AS u"),
            ("sp", f"SELECT s.a, s.c FROM s {semi} pc ON s.c = pc.c"),
            ("passing", f"SELECT a FROM sp GROUP BY a HAVING count(*) >= {mp}"),
            ("fc", f"SELECT DISTINCT sp.c FROM sp {semi} passing ON sp.a = passing.a"),
            ("pf", f"SELECT p.* FROM p LEFT JOIN fc AS f1 ON p.{c_a} = f1.c "
                   f"LEFT JOIN fc AS f2 ON p.{c_b} = f2.c "
                   "WHERE f1.c IS NOT NULL OR f2.c IS NOT NULL"),
        ]
    else:
        steps.append(("pf", "SELECT * FROM p"))
    return steps


#: The kept pairs as input row numbers, ordered by the first share's then the second
#: share's input row (integer keys: cheap to sort, and the same order in both engines).
RESULT_SQL = "SELECT rn_a, rn_b, dt FROM pf ORDER BY rn_a, rn_b"


def counts_sql(max_object_shares: int | None) -> dict[str, str]:
    """Counts reported in ``result.attrs``; the first two read ``src``, the rest later steps."""
    guard = -1 if max_object_shares is None else int(max_object_shares)
    return {
        "shares_read": "SELECT count(*) FROM src",
        "shares_usable": "SELECT count(*) FROM src WHERE obj IS NOT NULL AND acc IS NOT NULL "
                         "AND cid IS NOT NULL AND ticks IS NOT NULL",
        "shares_joined": "SELECT count(*) FROM sj",
        "skipped_objects": f"SELECT count(*) FROM objs WHERE {guard} >= 0 AND n_shares > {guard}",
        "skipped_shares": f"SELECT coalesce(sum(n_shares), 0) FROM objs WHERE {guard} >= 0 "
                          f"AND n_shares > {guard}",
    }


SRC_COUNTS = ("shares_read", "shares_usable")
#: Counts taken right after the named step (the others read ``src``, before any step).
COUNTED_FROM = {"objs": ("skipped_objects", "skipped_shares"), "sj": ("shares_joined",)}
#: Tables no later step reads, dropped after the named step (DuckDB engine).
LAST_READ_BY = {"s": ("src", "dups", "accs", "objs"), "p": ("sj",), "sp": ("pc",),
                 "fc": ("sp", "passing", "s")}


def sql_string(text: Any) -> str:
    """``text`` as a SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_list(items: list[Any]) -> str:
    """``items`` as a DuckDB list of string literals (e.g. file names for ``read_parquet``)."""
    return "[" + ", ".join(sql_string(item) for item in items) + "]"
