"""Users, roles, password hashes and sessions, all in the store (no external identity provider:
field machines are often offline).

Passwords are hashed with scrypt from the standard library; a session is a random cookie whose
sha256 is stored with the session's CSRF token, so logout and expiry are real (a signed cookie
could not be revoked).

A session ends after ``SESSION_IDLE`` without a request or ``SESSION_MAX`` after login, whichever
comes first: the ``expires_at`` column holds the idle deadline, pushed forward on use but never
past the absolute one. Failed logins are counted in memory by ``Throttle`` (per process: a restart
forgets them, and with several worker processes each counts its own; the app runs as one process).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

ROLES = ("viewer", "analyst", "admin")  # each role can do what the ones before it can
SESSION_IDLE = timedelta(hours=2)  # an unattended browser on a shared field laptop stops being a way in
SESSION_MAX = timedelta(hours=12)  # one working day: a stolen cookie is not good for a week
_TOUCH = timedelta(minutes=1)  # push the idle deadline at most once a minute (not a write per request)
_SCRYPT = (2**14, 8, 1)  # n, r, p: OWASP's minimum for scrypt


class AuthError(Exception):
    pass


class Throttled(Exception):
    """Too many failed logins for this name or address; ``retry_after`` in whole seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed logins: try again in {retry_after} s")
        self.retry_after = retry_after


class Throttle:
    """Failed logins per user name and per client address in a sliding window; after ``limit`` of
    them, that key is locked for ``lockout`` and attempts are refused before any password check
    (so guessing costs the attacker time, not the server scrypt work)."""

    def __init__(self, limit: int = 5, window: timedelta = timedelta(minutes=15),
                 lockout: timedelta = timedelta(minutes=15)):
        self.limit, self.window, self.lockout = limit, window, lockout
        self._failures: dict[str, deque[datetime]] = {}
        self._locked: dict[str, datetime] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(name: str, client: str | None) -> list[str]:
        keys = ["user:" + name.strip().casefold()]
        return keys + ["addr:" + client] if client else keys

    def check(self, keys: list[str]) -> None:
        """Raise ``Throttled`` if any key is locked."""
        now = _now()
        with self._lock:
            until = max((self._locked[k] for k in keys if k in self._locked), default=None)
        if until is not None and until > now:
            raise Throttled(max(1, int((until - now).total_seconds() + 0.999)))

    def failed(self, keys: list[str]) -> None:
        now = _now()
        with self._lock:
            for k in keys:
                times = self._failures.setdefault(k, deque())
                times.append(now)
                while times and times[0] <= now - self.window:
                    times.popleft()
                if len(times) >= self.limit:
                    self._locked[k] = now + self.lockout
                    del self._failures[k]
            self._forget(now)

    def succeeded(self, keys: list[str]) -> None:
        """A right password clears the name's count (not the address's: one good account must not
        reset guessing at others from the same machine)."""
        with self._lock:
            self._failures.pop(keys[0], None)

    def _forget(self, now: datetime) -> None:
        """Drop expired locks and stale counts, so memory stays bounded by recent attackers."""
        if len(self._failures) + len(self._locked) < 10_000:
            return
        self._locked = {k: t for k, t in self._locked.items() if t > now}
        self._failures = {k: q for k, q in self._failures.items() if q and q[-1] > now - self.window}


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


def login(db: sqlite3.Connection, name: str, password: str, throttle: Throttle | None = None,
          client: str | None = None) -> tuple[str, Session] | None:
    """A new session token (for the cookie) and its session, or None if the name or password is wrong.

    With a ``throttle``, raises ``Throttled`` (before checking anything) once the name or the client
    address has failed too often. Every login gets a fresh token: a session id planted before login
    (session fixation) is never promoted."""
    keys = Throttle.keys(name, client)
    if throttle:
        throttle.check(keys)
    row = db.execute("SELECT name, role, password FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        hash_password(password)  # same work as a real check: response time does not reveal which names exist
    if row is None or not check_password(password, row["password"]):
        if throttle:
            throttle.failed(keys)
        return None
    if throttle:
        throttle.succeeded(keys)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    db.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
    db.execute("INSERT INTO sessions VALUES (?,?,?,?,?)",
               (_digest(token), row["name"], csrf, now.isoformat(), (now + SESSION_IDLE).isoformat()))
    return token, Session(User(row["name"], row["role"]), csrf)


def session(db: sqlite3.Connection, token: str | None) -> Session | None:
    """The live session of a cookie, its idle deadline pushed forward; None if unknown or expired."""
    if not token:
        return None
    now = _now()
    row = db.execute(
        "SELECT u.name, u.role, s.csrf, s.created_at, s.expires_at FROM sessions s JOIN users u ON u.name = s.user"
        " WHERE s.token_hash = ? AND s.expires_at > ?",
        (_digest(token), now.isoformat()),
    ).fetchone()
    if row is None:
        return None
    created = datetime.fromisoformat(row["created_at"])
    if now >= created + SESSION_MAX:  # sessions written before the absolute limit existed
        logout(db, token)
        return None
    deadline = min(now + SESSION_IDLE, created + SESSION_MAX)
    if deadline - datetime.fromisoformat(row["expires_at"]) >= _TOUCH:
        db.execute("UPDATE sessions SET expires_at = ? WHERE token_hash = ?", (deadline.isoformat(), _digest(token)))
    return Session(User(row["name"], row["role"]), row["csrf"])


def logout(db: sqlite3.Connection, token: str | None) -> None:
    if token:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
