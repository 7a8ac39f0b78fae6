"""The registry database: a DuckDB file of removed accounts' fingerprints.

Tables
------
``schema_version``
    ``version, applied_at, netlib_version``: one row per layout the file has had.
``batches``
    One row per ``add``: ``batch_id, added_at, source, source_kind, input_fingerprint,
    analysis_run, netlib_version, schema_version, n_removed, n_added, n_duplicate,
    params`` (JSON).
``accounts``
    One row per registered fingerprint: ``entry_id, batch_id`` and the columns of
    :func:`netlib.registry.fingerprints.removed_fingerprints`, plus ``input_fingerprint``.
``blocking_keys``
    ``entry_id, key_hash, flag, down_s``: the 64-bit hash of each blocking key, the key's
    kind (:data:`KEY_NAMES`) and the removal time in epoch seconds, so that screening
    joins keys inside DuckDB and never compares all pairs.

The registry is append-only: rows are only ever inserted. A fingerprint already recorded
for the same account from the same input (same ``account_id, platform,
record_sha256, input_fingerprint``) is not inserted again; the batch still records that
it was seen (``n_duplicate``).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from netlib.errors import NetlibError, ParameterError
from netlib.mirrors import columns as MC
from netlib.mirrors.candidates import BLOCK_NAMES, avatar_keys, handle_key, name_keys
from netlib.provenance import NETLIB_VERSION
from netlib.registry.fingerprints import FINGERPRINT_COLUMNS, MEMBERSHIP_COLUMNS
from netlib.schema import ACCOUNT_ID, DISPLAY_NAME, HANDLE, PLATFORM

__all__ = ["Registry", "RegistryError", "SCHEMA_VERSION", "KEY_NAMES", "DOMAIN_FLAG",
           "LINK_FLAG", "REUSED_FLAG", "blocking_keys", "LIST_COLUMNS"]

#: The layout this netlib writes and reads.
SCHEMA_VERSION = 1
#: Bit of a shared-domain key (screening only; the other bits are the mirror analysis's).
DOMAIN_FLAG = 256
LINK_FLAG = 16
REUSED_FLAG = 128
#: Every kind of blocking key by its bit.
KEY_NAMES = {**BLOCK_NAMES, DOMAIN_FLAG: "domain"}
#: Columns of :meth:`Registry.accounts`.
LIST_COLUMNS = ["entry_id", "batch_id", ACCOUNT_ID, PLATFORM, HANDLE, DISPLAY_NAME,
                MC.TAKEN_DOWN_AT, MC.TAKEDOWN_SOURCE, "cluster_id", "chain_id"]

_TIMES = ["created_at", MC.FIRST_SEEN, MC.LAST_SEEN, MC.TAKEN_DOWN_AT]
_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, netlib_version VARCHAR);
CREATE TABLE IF NOT EXISTS batches (
    batch_id INTEGER NOT NULL, added_at TIMESTAMP NOT NULL, source VARCHAR,
    source_kind VARCHAR, input_fingerprint VARCHAR, analysis_run VARCHAR,
    netlib_version VARCHAR, schema_version INTEGER, n_removed BIGINT, n_added BIGINT,
    n_duplicate BIGINT, params VARCHAR);
CREATE TABLE IF NOT EXISTS accounts (
    entry_id BIGINT NOT NULL, batch_id INTEGER NOT NULL, account_id VARCHAR NOT NULL,
    platform VARCHAR, handle VARCHAR, display_name VARCHAR, handle_skeleton VARCHAR,
    handle_stem VARCHAR, handle_translit VARCHAR, display_skeleton VARCHAR,
    display_stem VARCHAR, display_translit VARCHAR, consonant_keys VARCHAR[],
    avatar_hash VARCHAR, bio_minhash BLOB, links VARCHAR[], domains VARCHAR[],
    audience_minhash BLOB, audience_size BIGINT, rhythm INTEGER[], n_actions BIGINT,
    created_at TIMESTAMP, first_seen TIMESTAMP, last_seen TIMESTAMP,
    taken_down_at TIMESTAMP NOT NULL, takedown_source VARCHAR, cluster_id VARCHAR,
    chain_id VARCHAR, chain_position INTEGER, record_sha256 VARCHAR NOT NULL,
    input_fingerprint VARCHAR);
CREATE TABLE IF NOT EXISTS blocking_keys (
    entry_id BIGINT NOT NULL, key_hash UBIGINT NOT NULL, flag SMALLINT NOT NULL,
    down_s BIGINT NOT NULL);
"""
_ARROW = pa.schema([
    ("entry_id", pa.int64()), ("batch_id", pa.int32()), (ACCOUNT_ID, pa.string()),
    (PLATFORM, pa.string()), (HANDLE, pa.string()), (DISPLAY_NAME, pa.string()),
    ("handle_skeleton", pa.string()), ("handle_stem", pa.string()),
    ("handle_translit", pa.string()), ("display_skeleton", pa.string()),
    ("display_stem", pa.string()), ("display_translit", pa.string()),
    ("consonant_keys", pa.list_(pa.string())), ("avatar_hash", pa.string()),
    ("bio_minhash", pa.binary()), ("links", pa.list_(pa.string())),
    ("domains", pa.list_(pa.string())), ("audience_minhash", pa.binary()),
    ("audience_size", pa.int64()), ("rhythm", pa.list_(pa.int32())),
    ("n_actions", pa.int64()), ("created_at", pa.timestamp("us")),
    (MC.FIRST_SEEN, pa.timestamp("us")), (MC.LAST_SEEN, pa.timestamp("us")),
    (MC.TAKEN_DOWN_AT, pa.timestamp("us")), (MC.TAKEDOWN_SOURCE, pa.string()),
    ("cluster_id", pa.string()), ("chain_id", pa.string()), ("chain_position", pa.int32()),
    ("record_sha256", pa.string()), ("input_fingerprint", pa.string()),
])


class RegistryError(NetlibError):
    """The registry file cannot be used (not a registry, or a newer layout)."""


def _naive_utc(values: pd.Series) -> pd.Series:
    out = pd.to_datetime(values, utc=True)
    return out.dt.tz_convert(None).astype("datetime64[us]")


def _epoch_seconds(values: pd.Series) -> np.ndarray:
    out = pd.to_datetime(values, utc=True)
    return (out.dt.as_unit("us").astype("int64") // 1_000_000).to_numpy()


def blocking_keys(fp: pd.DataFrame, ids: np.ndarray, *,
                  mentions: pd.Series | None = None) -> pd.DataFrame:
    """Every blocking key of fingerprint rows: ``id, key, flag``.

    The mirror analysis's name and avatar keys (:func:`netlib.mirrors.candidates.name_keys`,
    :func:`~netlib.mirrors.candidates.avatar_keys`), plus ``l`` + each link, ``m`` + each
    domain (:data:`DOMAIN_FLAG`) and ``r`` + the case-folded handle (a re-registered
    handle, :data:`REUSED_FLAG`).

    Parameters
    ----------
    fp : DataFrame
        Fingerprints (:data:`netlib.registry.fingerprints.FINGERPRINT_COLUMNS`).
    ids : array
        The id each row's keys carry (aligned with ``fp``).
    mentions : Series, optional
        Stems of handles @-mentioned in first posts, indexed by those ids.
    """
    fp = fp.reset_index(drop=True)
    prof = pd.DataFrame({ACCOUNT_ID: ids, HANDLE: fp[HANDLE].to_numpy(),
                         DISPLAY_NAME: fp[DISPLAY_NAME].to_numpy(),
                         "handle_stem": fp["handle_stem"].to_numpy(),
                         "display_stem": fp["display_stem"].to_numpy()})
    parts = [name_keys(prof, mentions, consonant=list(fp["consonant_keys"])),
             avatar_keys(fp["avatar_hash"], np.asarray(ids))]
    for column, prefix, flag in (("links", "l", LINK_FLAG), ("domains", "m", DOMAIN_FLAG)):
        lens = np.fromiter((len(v) for v in fp[column]), dtype=np.int64, count=len(fp))
        flat = [prefix + x for v in fp[column] for x in v]
        parts.append(pd.DataFrame({"id": np.repeat(np.asarray(ids), lens), "key": flat,
                                   "flag": flag}))
    handles = [handle_key(h) for h in fp[HANDLE]]
    keep = np.array([len(h) >= 3 for h in handles], dtype=bool)
    parts.append(pd.DataFrame({"id": np.asarray(ids)[keep],
                               "key": ["r" + h for h, k in zip(handles, keep, strict=True)
                                       if k], "flag": REUSED_FLAG}))
    out = pd.concat(parts, ignore_index=True)
    out["flag"] = out["flag"].astype("int64")
    return out.drop_duplicates(["id", "key"]).reset_index(drop=True)


class Registry:
    """A registry database file, opened for reading or for adding.

    Parameters
    ----------
    path : str or Path
        The DuckDB file (created when missing, unless ``read_only``).
    read_only : bool, default False

    Raises
    ------
    RegistryError
        If the file is not a registry, or was written by a newer netlib (a later
        ``schema_version``).
    ParameterError
        If ``read_only`` and the file does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "registry.duckdb"
    >>> with Registry(path) as reg:
    ...     reg.schema_version, len(reg)
    (1, 0)
    """

    def __init__(self, path: str | os.PathLike, *, read_only: bool = False):
        self.path = Path(path)
        if read_only and not self.path.is_file():
            raise ParameterError(f"registry {self.path}: no such file (create it with "
                                 "`netlib registry add SOURCE --db FILE`)")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as err:
            raise RegistryError(f"registry {self.path}: cannot be opened as a DuckDB "
                                f"database ({str(err).splitlines()[0]})") from err
        try:
            self._check(read_only)
        except BaseException:
            self.con.close()
            raise

    def _check(self, read_only: bool) -> None:
        tables = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if not tables and not read_only:
            self.con.execute(_DDL)
            self.con.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                             [SCHEMA_VERSION, datetime.now(UTC).replace(tzinfo=None),
                              NETLIB_VERSION])
            return
        if "schema_version" not in tables:
            raise RegistryError(f"registry {self.path}: not a netlib registry (no "
                                "schema_version table)")
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise RegistryError(f"registry {self.path}: written with layout {version}, this "
                                f"netlib reads up to {SCHEMA_VERSION} (upgrade netlib)")

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the database file."""
        self.con.close()

    @property
    def schema_version(self) -> int:
        """The file's layout version (the latest recorded)."""
        return int(self.con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0])

    def __len__(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM accounts").fetchall()[0][0])

    def __repr__(self) -> str:
        return f"Registry({self.path.name}, {len(self):,} entries)"

    # -- adding ---------------------------------------------------------------------------
    def add(self, fingerprints: pd.DataFrame, *, source: str, source_kind: str,
            input_fingerprint: str, analysis_run: str | None = None,
            params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Append fingerprints as one batch; fingerprints already recorded are skipped.

        Parameters
        ----------
        fingerprints : DataFrame
            From :func:`netlib.registry.fingerprints.removed_fingerprints`.
        source : str
            How the input is named (never an absolute path).
        source_kind : {"dataset", "analysis"}
        input_fingerprint : str
            The input dataset's fingerprint.
        analysis_run : str, optional
            The ``netlib analyze`` run the memberships came from (its ``run.json`` hash).
        params : dict, optional
            The options the removals were learned with.

        Returns
        -------
        dict
            The batch row: ``batch_id, n_removed, n_added, n_duplicate`` and the rest.
        """
        fp = fingerprints.reset_index(drop=True)
        missing = [c for c in FINGERPRINT_COLUMNS + MEMBERSHIP_COLUMNS + ["record_sha256"]
                   if c not in fp]
        if missing:
            raise ParameterError(f"fingerprints lack column(s) {', '.join(missing)} (make "
                                 "them with netlib.registry.removed_fingerprints)")
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            batch_id = int(con.execute(
                "SELECT coalesce(max(batch_id), 0) + 1 FROM batches").fetchall()[0][0])
            first_entry = int(con.execute(
                "SELECT coalesce(max(entry_id), 0) + 1 FROM accounts").fetchall()[0][0])
            probe = pd.DataFrame({"i": np.arange(len(fp)),
                                  "a": fp[ACCOUNT_ID].astype(str), "p": fp[PLATFORM].astype(str),
                                  "h": fp["record_sha256"].astype(str)})
            con.register("_probe", probe)
            seen = con.execute(
                "SELECT DISTINCT _probe.i FROM _probe JOIN accounts ON "
                "accounts.account_id = _probe.a AND accounts.platform = _probe.p AND "
                "accounts.record_sha256 = _probe.h AND accounts.input_fingerprint = ?",
                [input_fingerprint]).fetchnumpy()["i"]
            con.unregister("_probe")
            new = fp.drop(index=seen).drop_duplicates(
                [ACCOUNT_ID, PLATFORM, "record_sha256"]).reset_index(drop=True)
            new.insert(0, "entry_id", np.arange(first_entry, first_entry + len(new)))
            new.insert(1, "batch_id", batch_id)
            new["input_fingerprint"] = input_fingerprint
            if len(new):
                self._insert(new)
            row = {"batch_id": batch_id,
                   "added_at": datetime.now(UTC).replace(tzinfo=None),
                   "source": source, "source_kind": source_kind,
                   "input_fingerprint": input_fingerprint, "analysis_run": analysis_run,
                   "netlib_version": NETLIB_VERSION, "schema_version": SCHEMA_VERSION,
                   "n_removed": int(len(fp)), "n_added": int(len(new)),
                   "n_duplicate": int(len(fp) - len(new)),
                   "params": json.dumps(params or {}, sort_keys=True, default=str)}
            con.execute("INSERT INTO batches VALUES (" + ", ".join("?" * len(row)) + ")",
                        list(row.values()))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return row

    def _insert(self, new: pd.DataFrame) -> None:
        frame = new.copy()
        for col in _TIMES:
            frame[col] = _naive_utc(frame[col])
        frame["chain_position"] = frame["chain_position"].astype("Int32")
        table = pa.Table.from_pandas(frame[[f.name for f in _ARROW]], schema=_ARROW,
                                     preserve_index=False)
        self.con.register("_new_accounts", table)
        self.con.execute("INSERT INTO accounts SELECT * FROM _new_accounts")
        self.con.unregister("_new_accounts")
        keys = blocking_keys(new, new["entry_id"].to_numpy())
        down = pd.Series(_epoch_seconds(new[MC.TAKEN_DOWN_AT]),
                         index=new["entry_id"].to_numpy())
        keys["down_s"] = down.reindex(keys["id"].to_numpy()).to_numpy()
        self.con.register("_new_keys", pa.Table.from_pandas(keys, preserve_index=False))
        self.con.execute("INSERT INTO blocking_keys SELECT id, hash(key), flag, down_s "
                         "FROM _new_keys")
        self.con.unregister("_new_keys")

    # -- reading --------------------------------------------------------------------------
    def batches(self) -> pd.DataFrame:
        """Every batch, oldest first."""
        return self.con.execute("SELECT * FROM batches ORDER BY batch_id").df()

    def accounts(self, *, limit: int | None = None) -> pd.DataFrame:
        """One row per entry (:data:`LIST_COLUMNS`), in the order they were added."""
        sql = (f"SELECT {', '.join(LIST_COLUMNS)} FROM accounts ORDER BY entry_id"
               + (f" LIMIT {int(limit)}" if limit is not None else ""))
        return self.con.execute(sql).df()

    def show(self, account: str) -> pd.DataFrame:
        """Every entry of one account (by ``account_id``, else by handle), with its batch.

        Returns
        -------
        DataFrame
            All stored columns, plus the batch's ``source``, ``added_at`` and
            ``netlib_version``; empty when nothing matches.
        """
        account = str(account)
        sql = ("SELECT a.*, b.source, b.added_at, b.netlib_version AS batch_netlib_version "
               "FROM accounts a JOIN batches b USING (batch_id) WHERE a.account_id = ? "
               "ORDER BY a.entry_id")
        out = self.con.execute(sql, [account]).df()
        if not len(out):
            out = self.con.execute(sql.replace("a.account_id = ?",
                                               "lower(ltrim(a.handle, '@')) = ?"),
                                   [handle_key(account)]).df()
        return out
