"""Users, roles, password hashes and sessions, all in the store (no external identity provider:
field machines are often offline).

Passwords are hashed with scrypt from the standard library; a session is a random cookie whose
sha256 is stored with the session's CSRF token, so logout and expiry are real (a signed cookie
could not be revoked).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

ROLES = ("viewer", "analyst", "admin")  # each role can do what the ones before it can
SESSION_DAYS = 7
_SCRYPT = (2**14, 8, 1)  # n, r, p: OWASP's minimum for scrypt


class AuthError(Exception):
    pass


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def can(self, role: str) -> bool:
        """True if this user has ``role`` or a higher one."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def _now() -> datetime:
    return datetime.now(UTC)


def hash_password(password: str) -> str:
    n, r, p = _SCRYPT
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                         maxmem=64 * 1024 * 1024)
    return hmac.compare_digest(got.hex(), digest)


def add_user(db: sqlite3.Connection, name: str, role: str, password: str) -> None:
    """Create a user, or set the role and password of an existing one."""
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if not name.strip() or len(password) < 8:
        raise AuthError("a user needs a name and a password of at least 8 characters")
    db.execute(
        "INSERT INTO users (name, role, password, created_at) VALUES (?,?,?,?)"
        " ON CONFLICT(name) DO UPDATE SET role = excluded.role, password = excluded.password",
        (name.strip(), role, hash_password(password), _now().isoformat(timespec="seconds")),
    )


def users(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT name, role, created_at FROM users ORDER BY name").fetchall()


def login(db: sqlite3.Connection, name: str, password: str) -> tuple[str, Session] | None:
    """A new session token (for the cookie) and its session, or None if the name or password is wrong."""
    row = db.execute("SELECT name, role, password FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        hash_password(password)  # same work as a real check: response time does not reveal which names exist
        return None
    if not check_password(password, row["password"]):
        return None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    db.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
    db.execute("INSERT INTO sessions VALUES (?,?,?,?,?)",
               (_digest(token), row["name"], csrf, now.isoformat(), (now + timedelta(days=SESSION_DAYS)).isoformat()))
    return token, Session(User(row["name"], row["role"]), csrf)


def session(db: sqlite3.Connection, token: str | None) -> Session | None:
    if not token:
        return None
    row = db.execute(
        "SELECT u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.name = s.user"
        " WHERE s.token_hash = ? AND s.expires_at > ?",
        (_digest(token), _now().isoformat()),
    ).fetchone()
    return Session(User(row["name"], row["role"]), row["csrf"]) if row else None


def logout(db: sqlite3.Connection, token: str | None) -> None:
    if token:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
