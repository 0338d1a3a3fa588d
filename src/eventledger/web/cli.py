"""Commands for the web app: ``eventledger serve | user add | restrict``."""

from __future__ import annotations

import sys

import click

from eventledger.cli import _store, console, db_option
from eventledger.web import auth, queries


def register(main: click.Group) -> None:
    """Add the web commands to the ``eventledger`` group."""
    main.add_command(serve)
    main.add_command(user)
    main.add_command(restrict)


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (0.0.0.0: the network)")
@click.option("--port", default=8000, show_default=True)
def serve(db_path, host, port) -> None:
    """Serve the web app and the REST API (OpenAPI at /api/openapi.json)."""
    import uvicorn

    from eventledger.web.app import create_app

    with _store(db_path) as store:
        if not auth.users(store.db):
            console.print("[yellow]no users yet: add one with[/] eventledger user add NAME --role admin")
    uvicorn.run(create_app(db_path), host=host, port=port, log_level="info")


@click.group()
def user() -> None:
    """Users of the web app."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(auth.ROLES), default="viewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input (for scripts)")
@db_option
def user_add(name, role, password_stdin, db_path) -> None:
    """Add a user (or set an existing user's role and password)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    with _store(db_path) as store:
        try:
            auth.add_user(store.db, name, role, password)
        except auth.AuthError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(f"user {name}: role {role}")


@user.command("list")
@db_option
def user_list(db_path) -> None:
    """The users and their roles."""
    with _store(db_path) as store:
        for u in auth.users(store.db):
            console.print(f"{u['name']}\t{u['role']}\t{u['created_at']}", markup=False, highlight=False)


@click.command()
@click.argument("ref")
@click.option("--off", is_flag=True, help="release the document to viewers again")
@db_option
def restrict(ref, off, db_path) -> None:
    """Hide a document (id prefix, path or URL) from viewers of the web app, e.g. witness testimony."""
    with _store(db_path) as store:
        doc_id = store.resolve(ref)
        if doc_id is None:
            raise click.ClickException(f"no single document matches {ref!r}")
        if queries.set_restricted(store.db, doc_id, not off):
            queries.audit(store.db, "(cli)", "unrestrict" if off else "restrict", doc_id, None, None,
                          {"restricted": off}, {"restricted": not off})
    console.print(f"{doc_id[:12]} is {'visible to viewers' if off else 'restricted'}")
