"""Backup and restore of a store, each verified by the integrity check.

Backups use SQLite's online backup API in one step: it copies a consistent snapshot while
ingests and reviews go on writing (in WAL mode readers never block writers), which a file copy
of a live database plus its -wal file cannot promise. A backup is written beside its target and
renamed into place only once checked, so a crash never leaves a half backup under the final name.

A PostgreSQL store is backed up with the server's own tools (pg_dump / pg_restore), which take a
consistent snapshot of a live database; these commands say so rather than pretend.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from eventledger.store import postgres
from eventledger.store.check import CheckError, CheckResult, check_file, connect


class BackupError(Exception):
    """A backup or restore refused or failed; the message is the one-line reason."""


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _failed(what: str, result: CheckResult) -> BackupError:
    more = f" (and {len(result.problems) - 1} more)" if len(result.problems) > 1 else ""
    return BackupError(f"{what} fails the integrity check: {result.problems[0]}{more}")


def _not_postgres(*targets: str | Path) -> None:
    for t in targets:
        if postgres.is_url(str(t)):
            raise BackupError(
                f"{postgres.redact(str(t))} is a PostgreSQL store: back it up with `pg_dump --format=custom"
                " --file FILE DBNAME` and bring it back with `pg_restore --dbname DBNAME FILE`, then run"
                " `eventledger check --db URL`")


def backup(store_path: str | Path, dest: str | Path, *, force: bool = False) -> CheckResult:
    """Copy the store at ``store_path`` to ``dest`` (one self-contained file) and check the copy."""
    _not_postgres(store_path, dest)
    store_path, dest = Path(store_path), Path(dest)
    if dest.exists() and not force:
        raise BackupError(f"{dest} exists; pass --force to replace it")
    if dest.resolve() == store_path.resolve():
        raise BackupError("the backup file cannot be the store itself")
    tmp = _partial(dest)
    tmp.unlink(missing_ok=True)
    try:
        src = connect(store_path)
    except CheckError as exc:
        raise BackupError(str(exc)) from exc
    try:
        out = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(out)  # all pages in one step: one snapshot, however busy the store is
            out.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm beside the backup: one file to keep
        finally:
            out.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from exc
    finally:
        src.close()
    result = check_file(tmp)
    if not result.ok:
        tmp.unlink(missing_ok=True)
        raise _failed("the backup", result)
    _fsync(tmp)
    os.replace(tmp, dest)
    return result


def restore(backup_path: str | Path, store_path: str | Path, *, force: bool = False) -> CheckResult:
    """Replace the store at ``store_path`` with the backup, which must pass the check first.

    Refuses to overwrite a store holding documents unless ``force``. A backup from an older
    schema is accepted and migrated; the restored store is checked again.
    """
    _not_postgres(store_path, backup_path)
    backup_path, store_path = Path(backup_path), Path(store_path)
    if backup_path.resolve() == store_path.resolve():
        raise BackupError("the backup file and the store are the same file")
    try:
        before = check_file(backup_path, allow_older=True)
    except CheckError as exc:
        raise BackupError(str(exc)) from exc
    if not before.ok:
        raise _failed(f"backup {backup_path}", before)
    if store_path.exists() and not force:
        held = _held(store_path)
        if held:
            raise BackupError(f"{store_path} {held}; pass --force to replace it with the backup")
    store_path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(backup_path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(store_path, timeout=30, isolation_level=None)
        try:
            src.backup(dst)  # page by page under the store's own locks: readers see the old or the new store
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restore failed: {exc}") from exc
    finally:
        src.close()
    from eventledger.store import Store

    Store(store_path).close()  # migrates a backup of an older schema, sets WAL mode again
    after = check_file(store_path)
    if not after.ok:
        raise _failed(f"the restored store {store_path}", after)
    return after


def _held(path: Path) -> str | None:
    """What an existing store file holds that a restore would overwrite, or None if it is empty."""
    try:
        db = connect(path)
    except CheckError:
        return "is not an eventledger store"
    try:
        n = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        return f"holds {n} documents" if n else None
    except sqlite3.DatabaseError:  # no documents table: a fresh file is empty, anything else is not ours
        empty = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        return None if empty else "is not an eventledger store"
    finally:
        db.close()
