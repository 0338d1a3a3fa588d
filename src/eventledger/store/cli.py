"""Commands that keep the evidence safe: ``eventledger check | backup FILE | restore FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from eventledger.cli import console, db_option, err
from eventledger.store import default_db_path
from eventledger.store.backup import BackupError, backup, restore
from eventledger.store.check import CheckError, check_file


def register(main: click.Group) -> None:
    """Add the integrity, backup and restore commands to the ``eventledger`` group."""
    main.add_command(check)
    main.add_command(backup_cmd)
    main.add_command(restore_cmd)


def _path(db_path: str | Path | None) -> str | Path:
    """The store's file, or its PostgreSQL URL."""
    return db_path or default_db_path()


@click.command()
@db_option
def check(db_path) -> None:
    """Verify the store: schema, SQLite integrity, foreign keys, original bytes' hashes, records,
    every span against its text and the full-text index (on PostgreSQL: schema, orphan rows, originals,
    records and spans). Exits 1 with one line per problem."""
    try:
        result = check_file(_path(db_path))
    except CheckError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.ok:
        console.print(result.summary())
        return
    for problem in result.problems:
        console.print(escape(problem), soft_wrap=True, highlight=False)
    err.print(f"{len(result.problems)} problems in {result.documents} documents")
    sys.exit(1)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--force", is_flag=True, help="replace FILE if it exists")
def backup_cmd(file, db_path, force) -> None:
    """Copy the store to FILE while it is in use, then verify the copy with the integrity check
    (a PostgreSQL store: use pg_dump)."""
    try:
        result = backup(_path(db_path), file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"backed up {result.documents} documents, {result.spans} spans checked  →  {escape(str(file))}",
                  soft_wrap=True, highlight=False)


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--force", is_flag=True, help="replace a store that already holds documents")
def restore_cmd(file, db_path, force) -> None:
    """Replace the store with the backup FILE, after checking the backup; checks the result too."""
    store = _path(db_path)
    try:
        result = restore(file, store, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"restored {result.documents} documents, {result.spans} spans checked  →  {escape(str(store))}",
                  soft_wrap=True, highlight=False)
