"""The web app: server-rendered pages for people, the same data as JSON under ``/api`` for programs.

Everything is served by the app itself (no CDN: field machines are often offline). Report text is
untrusted: templates autoescape it and never mark it safe; originals are served as plain text or
as a download, never as HTML. Every page and API call needs a login; viewers never see restricted
documents (a restricted document answers 404, as if it did not exist).
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote as urlquote
from urllib.parse import urlencode

import jinja2
from fastapi import Body, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from eventledger import __version__
from eventledger.link.report import fold_copies, independent_sources, summarize
from eventledger.store import Store
from eventledger.web import auth, evidence, geo, queries, views
from eventledger.web.auth import Session

HERE = Path(__file__).parent
COOKIE, LOGIN_COOKIE = "el_session", "el_login_csrf"
PAGE, MAX_LIMIT = 50, 500
TIMELINE_PAGE = 100  # rows: a screenful or two of bars
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_SECURITY_HEADERS = {
    # no inline script or style anywhere, so the strictest policy costs nothing
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                               " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

SearchKind = Literal["documents", "quotes", "events"]
SEARCH_KINDS: tuple[str, ...] = ("documents", "quotes", "events")
Role = Literal["actor", "target"]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size (at most {MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0)]


class LoginRequired(Exception):
    pass


class Denied(Exception):
    """Forbidden (403), or with ``status`` 400/404: a message for the user."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


def create_app(db_path: Path | str | None = None) -> FastAPI:
    """The app over the store at ``db_path`` (default: the CLI's default store)."""
    app = FastAPI(title="eventledger", version=__version__, openapi_url="/api/openapi.json",
                  docs_url=None, redoc_url=None)  # the bundled docs UIs load scripts from a CDN
    local = threading.local()
    throttle = auth.Throttle()  # failed logins, in this process's memory (see auth)
    path = Store(db_path).path  # migrates once, up front
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["conf"] = lambda c: "" if c is None else f"{c:.2f}"
    env.filters["short"] = lambda s: (s or "")[:10]
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def store() -> Store:
        """One store per worker thread (sqlite3 connections are not shared across threads)."""
        st = getattr(local, "store", None)
        if st is None:
            st = local.store = Store(path)
        return st

    def db() -> Any:
        return store().db

    # ------------------------------------------------------------------ access

    def who(request: Request) -> Session | None:
        return auth.session(db(), request.cookies.get(COOKIE))

    def need(request: Request, role: str = "viewer") -> Session:
        s = who(request)
        if s is None:
            raise LoginRequired()
        if not s.user.can(role):
            raise Denied(f"this needs the {role} role; you are a {s.user.role}")
        return s

    def need_post(request: Request, token: str | None, role: str) -> Session:
        s = need(request, role)
        if not auth.csrf_ok(s.csrf, token):
            raise Denied("the form's security token is missing or stale: reload the page and try again")
        return s

    def sees_restricted(s: Session) -> bool:
        return s.user.can("analyst")

    def doc_or_404(s: Session, doc_id: str):
        row = queries.document(db(), doc_id, sees_restricted(s))
        if row is None:
            raise Denied("no such document", 404)
        return row

    def login(request: Request, name: str, password: str):
        """``auth.login`` throttled by user name and by the client's address (the peer's: behind a
        reverse proxy every client shares the proxy's address, and only the name limit is meaningful)."""
        return auth.login(db(), name, password, throttle, request.client.host if request.client else None)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in _SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        if is_api(request):
            return JSONResponse({"detail": "log in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(auth.Throttled)
    async def _throttled(request: Request, exc: auth.Throttled):
        headers = {"Retry-After": str(exc.retry_after)}
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=429, headers=headers)
        r = page(request, "error.html", None, status=429, message=str(exc))
        r.headers.update(headers)
        return r

    @app.exception_handler(Denied)
    async def _denied(request: Request, exc: Denied):
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=exc.status)
        return page(request, "error.html", who(request), status=exc.status, message=str(exc))

    def page(request: Request, name: str, s: Session | None, status: int = 200, **ctx) -> HTMLResponse:
        html = env.get_template(name).render(user=s.user if s else None, csrf=s.csrf if s else "",
                                             path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status)

    # ------------------------------------------------------------------ login

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request, next: str = "/search", failed: bool = False):
        token = secrets.token_urlsafe(24)
        r = page(request, "login.html", None, login_csrf=token, next=_local(next), failed=failed)
        r.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return r

    @app.post("/login", include_in_schema=False)
    def login_post(request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()],
                   csrf: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/search"):
        # before a session exists, the form's token must match the cookie set with the form
        if not auth.csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), csrf):
            raise Denied("the login form expired: reload it and try again")
        got = login(request, name, password)
        if got is None:
            return RedirectResponse("/login?" + urlencode({"next": _local(next), "failed": 1}), status_code=303)
        r = RedirectResponse(_local(next), status_code=303)
        _set_session(request, r, got[0])
        r.delete_cookie(LOGIN_COOKIE)
        return r

    @app.post("/logout", include_in_schema=False)
    def logout_post(request: Request, csrf: Annotated[str, Form()] = ""):
        need_post(request, csrf, "viewer")
        auth.logout(db(), request.cookies.get(COOKIE))
        r = RedirectResponse("/login", status_code=303)
        r.delete_cookie(COOKIE)
        return r

    @app.post("/api/login", tags=["session"])
    def api_login(request: Request, name: Annotated[str, Body()], password: Annotated[str, Body()]):
        """Log in; the session is a cookie, and POSTs must send the returned ``csrf`` as ``X-CSRF-Token``."""
        got = login(request, name, password)
        if got is None:
            return JSONResponse({"detail": "wrong name or password"}, status_code=401)
        r = JSONResponse({"user": got[1].user.name, "role": got[1].user.role, "csrf": got[1].csrf})
        _set_session(request, r, got[0])
        return r

    @app.post("/api/logout", tags=["session"])
    def api_logout(request: Request):
        need_post(request, request.headers.get("x-csrf-token"), "viewer")
        auth.logout(db(), request.cookies.get(COOKIE))
        r = JSONResponse({"ok": True})
        r.delete_cookie(COOKIE)
        return r

    @app.get("/api/me", tags=["session"])
    def api_me(request: Request):
        s = need(request)
        return {"user": s.user.name, "role": s.user.role, "csrf": s.csrf}

    # ------------------------------------------------------------------ search and documents

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/search", status_code=303)

    def _search(s: Session, kind: str, q: str, flt: queries.EventFilter, limit: int, offset: int) -> dict[str, Any]:
        """One kind of result (documents, quotes or events) for the words and filters (store.fts_query drops NULs)."""
        see = sees_restricted(s)
        if kind == "quotes":
            return queries.search_quotes(db(), q, flt, see, limit, offset)
        if kind == "events":
            return _with_sources(s, queries.search_events(db(), q, flt, see, limit, offset))
        return queries.search(db(), q, flt, see, limit, offset)

    @app.get("/search", include_in_schema=False)
    def search_page(request: Request, q: str = "", kind: SearchKind = "documents", type: str = "", actor: str = "",
                    place: str = "", since: str = "", until: str = "", outlet: str = "", offset: Offset = 0):
        s = need(request)
        flt = _filter(type, actor, place, since, until, outlet)
        res = _search(s, kind, q, flt, PAGE, offset)
        for it in res["items"]:
            if "snippet" in it:
                it["parts"] = _snippet_parts(it.pop("snippet") or "")
        counts = {k: _search(s, k, q, flt, 0, 0) if k != kind else res for k in SEARCH_KINDS}
        args = {"q": q, "kind": kind, "type": type, "actor": actor, "place": place, "since": since, "until": until,
                "outlet": outlet}
        return page(request, "search.html", s, res=res, kind=kind, counts=counts, args=args,
                    types=queries.event_types(db()), outlets=queries.outlets(db(), sees_restricted(s)),
                    kind_url=lambda k: "/search?" + urlencode({**_kept(args), "kind": k}),
                    pager=_pager("/search", args, offset, PAGE, res["total"], res["more"]))

    @app.get("/api/search", tags=["search"])
    def api_search(request: Request, q: str = "", kind: SearchKind = "documents", type: str = "", actor: str = "",
                   place: str = "", since: str = "", until: str = "", outlet: str = "", limit: Limit = PAGE,
                   offset: Offset = 0):
        """Documents (FTS5 syntax in ``q``; with at least one event matching the filters; ``counts`` are their
        matching events by type), quotes (``actor`` matches the speaker) or events matching ``q`` and the filters.
        ``outlet`` keeps reports from that source. ``total`` stops at 10,000 with ``more`` true."""
        s = need(request)
        res = _search(s, kind, q, _filter(type, actor, place, since, until, outlet), limit, offset)
        for it in res["items"]:
            if "snippet" in it:
                it["snippet"] = (it["snippet"] or "").replace(queries.HIT_OPEN, "[").replace(queries.HIT_CLOSE, "]")
        return {"kind": kind, "limit": limit, "offset": offset, **res}

    @app.get("/api/documents", tags=["documents"])
    def api_documents(request: Request, limit: Limit = PAGE, offset: Offset = 0):
        s = need(request)
        return {"limit": limit, "offset": offset, **queries.documents(db(), sees_restricted(s), limit, offset)}

    @app.get("/documents/{doc_id}", include_in_schema=False)
    def document_page(request: Request, doc_id: str):
        s = need(request)
        row = doc_or_404(s, doc_id)
        rec = store().record(doc_id)
        items = evidence.items(rec, queries.reviews(db(), doc_id))
        by_kind = {k: [it for it in items if it.kind == k] for k in evidence.KINDS}
        entity_profiles = queries.doc_entity_profiles(db(), doc_id)
        event_profiles = queries.event_profiles(db(), [(doc_id, e.id) for e in rec.events])
        profiles = {f"entity-{k}": {"profile": v} for k, v in entity_profiles.items()}
        for (_, ev_id, role), pid in event_profiles.items():
            profiles.setdefault(f"event-{ev_id}", {})[role] = pid
        return page(request, "document.html", s, doc=row, segments=evidence.segments(rec.document.text, items),
                    profiles=profiles,
                    items=items, by_kind=by_kind, editable=evidence.EDITABLE, plural=evidence.PLURAL,
                    history=queries.audit_page(db(), 20, 0, doc_id)["items"])

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def api_document(request: Request, doc_id: str):
        """The document's record (the export contract) and the reviewed state of each reviewed item."""
        s = need(request)
        row = doc_or_404(s, doc_id)
        rec = store().record(doc_id)
        reviews = queries.reviews(db(), doc_id)
        return {"document": dict(row), "record": rec.to_dict(),
                "reviews": [{"kind": k, "id": i, "at": r["at"], "user": r["user"], **r["after"]}
                            for (k, i), r in reviews.items()]}

    @app.get("/documents/{doc_id}/original", include_in_schema=False)
    @app.get("/api/documents/{doc_id}/original", tags=["documents"])
    def original(request: Request, doc_id: str, download: bool = False):
        """The bytes exactly as received: as plain text to read, or as a download; never rendered."""
        s = need(request)
        row = doc_or_404(s, doc_id)
        data, media = store().original(doc_id)
        if download or not (media.startswith("text/") or media.endswith(("json", "xml"))):
            ext = {"text/html": "html", "application/pdf": "pdf"}.get(media, "bin")
            return Response(data, media_type="application/octet-stream", headers={
                "Content-Disposition": f'attachment; filename="{row["id"][:16]}.{ext}"'})
        return Response(data, media_type="text/plain", headers={"Content-Security-Policy": "sandbox"})

    @app.post("/documents/{doc_id}/restricted", include_in_schema=False)
    def restrict_page(request: Request, doc_id: str, restricted: Annotated[bool, Form()],
                      csrf: Annotated[str, Form()] = ""):
        s = need_post(request, csrf, "admin")
        _restrict(s, doc_id, restricted)
        return RedirectResponse(f"/documents/{urlquote(doc_id)}", status_code=303)

    @app.post("/api/documents/{doc_id}/restricted", tags=["documents"])
    def api_restrict(request: Request, doc_id: str, restricted: Annotated[bool, Body(embed=True)]):
        """Restrict a document (hidden from viewers) or release it; admins only."""
        s = need_post(request, request.headers.get("x-csrf-token"), "admin")
        _restrict(s, doc_id, restricted)
        return {"doc_id": doc_id, "restricted": restricted}

    def _restrict(s: Session, doc_id: str, restricted: bool) -> None:
        row = doc_or_404(s, doc_id)
        if queries.set_restricted(db(), doc_id, restricted):
            queries.audit(db(), s.user.name, "restrict" if restricted else "unrestrict", row["id"], None, None,
                          {"restricted": bool(row["restricted"])}, {"restricted": restricted})

    # ------------------------------------------------------------------ events and quotes

    def _with_sources(s: Session, res: dict[str, Any]) -> dict[str, Any]:
        """Each event row's independent sources (its cluster's visible reports, copies folded in) and the actor
        profiles of its actor and target."""
        keys = [(e["doc_id"], e["id"]) for e in res["items"]]
        clusters = queries.cluster_sources(db(), keys, sees_restricted(s))
        profiles = queries.event_profiles(db(), keys)
        for e in res["items"]:
            k = (e["doc_id"], e["id"])
            e["sources"] = independent_sources(clusters[k]) if k in clusters else 1
            e["actor_profile"] = profiles.get((*k, "actor"))
            e["target_profile"] = profiles.get((*k, "target"))
        return res

    @app.get("/events", include_in_schema=False)
    def events_page(request: Request, type: str = "", actor: str = "", place: str = "", since: str = "",
                    until: str = "", outlet: str = "", at: str = "", bbox: str = "", profile: int | None = None,
                    role: Role | None = None, sort: str = "date", dir: str = "asc", offset: Offset = 0):
        s = need(request)
        flt = _filter(type, actor, place, since, until, outlet, at, bbox, profile, role)
        res = _with_sources(s, queries.events(db(), flt, sees_restricted(s), sort, dir == "desc", PAGE, offset))
        args = {"type": type, "actor": actor, "place": place, "since": since, "until": until, "outlet": outlet,
                "at": at, "bbox": bbox, "profile": "" if profile is None else str(profile), "role": role or "",
                "sort": sort, "dir": dir}
        about = views.filter_summary(flt, _profile_name(s, profile))
        return page(request, "events.html", s, res=res, args=args, types=queries.event_types(db()), about=about,
                    outlets=queries.outlets(db(), sees_restricted(s)), sorts=list(queries.EVENT_SORTS),
                    pager=_pager("/events", args, offset, PAGE, res["total"], res["more"]),
                    sort_url=lambda col: "/events?" + urlencode(
                        {**_kept(args), "sort": col, "dir": "desc" if sort == col and dir == "asc" else "asc"}))

    @app.get("/api/events", tags=["events"])
    def api_events(request: Request, type: str = "", actor: str = "", place: str = "", since: str = "",
                   until: str = "", outlet: str = "", at: str = "", bbox: str = "", profile: int | None = None,
                   role: Role | None = None, sort: queries.SortKey = "date", dir: Literal["asc", "desc"] = "asc",
                   limit: Limit = PAGE, offset: Offset = 0):
        """Events with their documents; ``since``/``until`` keep events whose time overlaps the range; ``at`` one
        exact place name, ``bbox`` west,south,east,north; ``profile`` (and ``role``) an actor's events. ``sources``
        is the number of independent reports of the event. ``total`` stops at 10,000 with ``more`` true."""
        s = need(request)
        flt = _filter(type, actor, place, since, until, outlet, at, bbox, profile, role)
        res = _with_sources(s, queries.events(db(), flt, sees_restricted(s), sort, dir == "desc", limit, offset))
        return {"limit": limit, "offset": offset, **res}

    def _event_detail(s: Session, doc_id: str, event_id: str) -> dict[str, Any]:
        doc_or_404(s, doc_id)
        summary = summarize(store(), doc_id=doc_id, event_id=event_id)
        if summary is None:
            raise Denied("no such event", 404)
        return views.event_detail(summary, queries.visible_docs(db(), [x["doc_id"] for x in summary.sources],
                                                                sees_restricted(s)), store().record)

    @app.get("/events/{doc_id}/{event_id}", include_in_schema=False)
    def event_page(request: Request, doc_id: str, event_id: str):
        s = need(request)
        return page(request, "event.html", s, ev=_event_detail(s, doc_id, event_id))

    @app.get("/api/events/{doc_id}/{event_id}", tags=["events"], response_model=views.EventDetail)
    def api_event(request: Request, doc_id: str, event_id: str):
        """One event with every visible report of it (its cluster), how many are independent (syndicated copies
        and one outlet count once) and where they disagree (figures, dates, places, actors)."""
        s = need(request)
        return _event_detail(s, doc_id, event_id)

    # ------------------------------------------------------------------ actors

    def _profile_or_404(s: Session, profile_id: int) -> dict[str, Any]:
        p = views.actor_header(db(), profile_id, sees_restricted(s))
        if p is None:
            raise Denied("no such actor", 404)
        return p

    def _profile_name(s: Session, profile_id: int | None) -> str | None:
        return None if profile_id is None else _profile_or_404(s, profile_id)["name"]

    @app.get("/actors", include_in_schema=False)
    def actors_page(request: Request, q: str = "", offset: Offset = 0):
        s = need(request)
        res = queries.actors(db(), q, sees_restricted(s), PAGE, offset)
        return page(request, "actors.html", s, res=res, q=q,
                    pager=_pager("/actors", {"q": q}, offset, PAGE, res["total"], res["more"]))

    @app.get("/api/actors", tags=["actors"], response_model=views.ActorPage)
    def api_actors(request: Request, q: str = "", limit: Limit = PAGE, offset: Offset = 0):
        """People and organisations across reports whose names contain ``q``, by name, with how many reports,
        events and quotes each appears in."""
        s = need(request)
        return {"limit": limit, "offset": offset, **queries.actors(db(), q, sees_restricted(s), limit, offset)}

    def _actor(s: Session, profile_id: int, limit: int, offset: int) -> dict[str, Any]:
        see = sees_restricted(s)
        p = _profile_or_404(s, profile_id)
        acted = queries.actor_events(db(), profile_id, "actor", see, limit, offset)
        targeted = queries.actor_events(db(), profile_id, "target", see, limit, offset)
        for res, role in ((acted, "actor"), (targeted, "target")):
            res["items"] = [{**e, "copies": copies} for e, copies in
                            fold_copies([{**e, "role": role} for e in _with_sources(s, res)["items"]])]
        return {**p, "as_actor": acted, "as_target": targeted,
                "quotes": queries.actor_quotes(db(), profile_id, see, limit, offset),
                "reports": queries.actor_mentions(db(), profile_id, see, limit, offset),
                "related": queries.related_actors(db(), profile_id, see)}

    @app.get("/actors/{profile_id}", include_in_schema=False)
    def actor_page(request: Request, profile_id: int, offset: Offset = 0):
        s = need(request)
        a = _actor(s, profile_id, PAGE, offset)
        longest = max(a[k]["total"] for k in ("as_actor", "as_target", "quotes", "reports"))
        more = any(a[k]["more"] for k in ("as_actor", "as_target", "quotes", "reports"))
        return page(request, "actor.html", s, a=a, graph=views.actor_graph(a),
                    pager=_pager(f"/actors/{profile_id}", {}, offset, PAGE, longest, more))

    @app.get("/api/actors/{profile_id}", tags=["actors"], response_model=views.Actor)
    def api_actor(request: Request, profile_id: int, limit: Limit = PAGE, offset: Offset = 0):
        """One person or organisation across visible reports: names, affiliations, related actors, and pages
        (``limit``/``offset``, each list with its ``total``) of its events as actor and as target, quotes and
        reports."""
        s = need(request)
        return _actor(s, profile_id, limit, offset)

    @app.get("/api/quotes", tags=["quotes"])
    def api_quotes(request: Request, speaker: str = "", words: str = "", limit: Limit = PAGE, offset: Offset = 0):
        s = need(request)
        return {"limit": limit, "offset": offset,
                **queries.quotes(db(), speaker or None, words or None, sees_restricted(s), limit, offset)}

    # ------------------------------------------------------------------ map and timeline

    @app.get("/map", include_in_schema=False)
    def map_page(request: Request, type: str = "", actor: str = "", place: str = "", since: str = "",
                 until: str = "", bbox: str = ""):
        s = need(request)
        view = geo.map_view(db(), _filter(type, actor, place, since, until), sees_restricted(s), geo.parse_bbox(bbox))
        args = {"type": type, "actor": actor, "place": place, "since": since, "until": until}
        kept = {k: v for k, v in args.items() if v}
        for c in view.clusters:  # one place, or zoomed in all the way: its events; several: zoom into its cell
            zoom = ",".join(f"{v:.3f}" for v in geo.cluster_bbox(c, view.box))
            c.href = ("/events?" + urlencode({**kept, **_exactly(c)}) if len(c.places) == 1 or view.closest else
                      "/map?" + urlencode({**kept, "bbox": zoom}))
        return page(request, "map.html", s, view=view, args=args, types=queries.event_types(db()), zoomed=bool(bbox),
                    reset="/map?" + urlencode(kept), map_w=geo.MAP_W, map_h=geo.MAP_H)

    @app.get("/api/map", tags=["events"])
    def api_map(request: Request, type: str = "", actor: str = "", place: str = "", since: str = "",
                until: str = ""):
        """Matching events counted by place with its coordinates (for a map), and how many have none."""
        s = need(request)
        places, unlocated = geo.map_places(db(), _filter(type, actor, place, since, until), sees_restricted(s))
        return {"places": places, "unlocated": unlocated}

    @app.get("/timeline", include_in_schema=False)
    def timeline_page(request: Request, type: str = "", actor: str = "", place: str = "", since: str = "",
                      until: str = "", offset: Offset = 0):
        s = need(request)
        res = queries.events(db(), _filter(type, actor, place, since, until), sees_restricted(s), "date", False,
                             TIMELINE_PAGE, offset)
        args = {"type": type, "actor": actor, "place": place, "since": since, "until": until}
        return page(request, "timeline.html", s, tl=geo.timeline(res["items"]), args=args,
                    types=queries.event_types(db()),
                    pager=_pager("/timeline", args, offset, TIMELINE_PAGE, res["total"], res["more"]))

    @app.get("/api/timeline", tags=["events"])
    def api_timeline(request: Request, type: str = "", actor: str = "", place: str = "", since: str = "",
                     until: str = "", limit: Limit = TIMELINE_PAGE, offset: Offset = 0):
        """Events in date order with the day range each covers (``first``/``last``, inclusive; an event
        whose text gives no date has ``dated`` false and the report's publication date)."""
        s = need(request)
        res = queries.events(db(), _filter(type, actor, place, since, until), sees_restricted(s), "date", False,
                             limit, offset)
        for e in res["items"]:
            e["dated"] = bool(e["start"])
            e["first"] = (e["start"] or e["published"] or "")[:10] or None
            e["last"] = (e["end"] or e["first"]) if e["dated"] else e["first"]
        return {"limit": limit, "offset": offset, **res}

    # ------------------------------------------------------------------ review and audit

    @app.get("/review", include_in_schema=False)
    def queue_page(request: Request, kind: str = "", offset: Offset = 0):
        s = need(request, "analyst")
        res = queries.queue(db(), kind or None, True, PAGE, offset)
        return page(request, "queue.html", s, res=res, kind=kind, kinds=list(queries.QUEUE_KINDS),
                    pager=_pager("/review", {"kind": kind}, offset, PAGE, res["total"]))

    @app.get("/api/review/queue", tags=["review"])
    def api_queue(request: Request, kind: str = "", limit: Limit = PAGE, offset: Offset = 0):
        """Items no one has reviewed yet, least confident first (analysts)."""
        need(request, "analyst")
        return {"limit": limit, "offset": offset, **queries.queue(db(), kind or None, True, limit, offset)}

    @app.post("/documents/{doc_id}/review", include_in_schema=False)
    async def review_page(request: Request, doc_id: str):
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        fields = {k.removeprefix("field_"): v for k, v in form.items() if k.startswith("field_")}
        return await run_in_threadpool(_review_form, request, doc_id, form, form.get("kind", ""),
                                       form.get("item_id", ""), form.get("action", ""), fields)

    def _review_form(request: Request, doc_id: str, form: dict[str, str], kind: str, item_id: str, action: str,
                     fields: dict[str, str]):
        s = need_post(request, form.get("csrf"), "analyst")
        if action == "correct":  # only the fields the reviewer changed are corrections
            rec = _record(s, doc_id)
            current = next((it.values for it in evidence.items(rec, queries.reviews(db(), doc_id))
                            if it.kind == kind and it.id == item_id), {})
            fields = {k: v for k, v in fields.items() if v.strip() != _text(current.get(k))}
        _review(s, doc_id, kind, item_id, action, fields, form.get("comment", ""))
        return RedirectResponse(f"/documents/{urlquote(doc_id)}#card-{urlquote(kind)}-{urlquote(item_id)}",
                                status_code=303)

    @app.post("/api/review", tags=["review"])
    def api_review(request: Request, doc_id: Annotated[str, Body()], kind: Annotated[str, Body()],
                   item_id: Annotated[str, Body()], action: Annotated[str, Body()],
                   corrections: Annotated[dict[str, Any] | None, Body()] = None,
                   comment: Annotated[str, Body()] = ""):
        """Accept, correct or reject one extracted item (analysts). The machine's version is kept;
        the change goes to the audit log. Send the session's CSRF token as ``X-CSRF-Token``."""
        s = need_post(request, request.headers.get("x-csrf-token"), "analyst")
        after = _review(s, doc_id, kind, item_id, action, corrections or {}, comment)
        return {"doc_id": doc_id, "kind": kind, "item_id": item_id, **after}

    def _record(s: Session, doc_id: str):
        doc_or_404(s, doc_id)
        return store().record(doc_id)

    def _review(s: Session, doc_id: str, kind: str, item_id: str, action: str, fields: dict[str, Any],
                comment: str) -> dict[str, Any]:
        rec = _record(s, doc_id)
        try:
            return evidence.review(db(), rec, s.user.name, kind, item_id, action, _typed(fields), comment.strip())
        except evidence.ReviewError as exc:
            raise Denied(str(exc), 400) from exc

    @app.get("/audit", include_in_schema=False)
    def audit_page(request: Request, offset: Offset = 0):
        s = need(request, "analyst")
        res = queries.audit_page(db(), PAGE, offset)
        for h in res["items"]:
            h["before_lines"], h["after_lines"] = _changes(h["before"] or {}, h["after"] or {})
        return page(request, "audit.html", s, res=res, pager=_pager("/audit", {}, offset, PAGE, res["total"]))

    @app.get("/api/audit", tags=["review"])
    def api_audit(request: Request, doc_id: str = "", limit: Limit = PAGE, offset: Offset = 0):
        """Every change made by a person, newest first (analysts)."""
        need(request, "analyst")
        return {"limit": limit, "offset": offset, **queries.audit_page(db(), limit, offset, doc_id or None)}

    @app.get("/audit.csv", include_in_schema=False)
    @app.get("/api/audit.csv", tags=["review"])
    def audit_csv(request: Request):
        need(request, "analyst")
        return StreamingResponse(_csv(queries.audit_all(db())), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="audit.csv"'})

    @app.get("/audit.jsonl", include_in_schema=False)
    @app.get("/api/audit.jsonl", tags=["review"])
    def audit_jsonl(request: Request):
        need(request, "analyst")
        lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in queries.audit_all(db()))
        return StreamingResponse(lines, media_type="application/x-ndjson; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="audit.jsonl"'})

    # ------------------------------------------------------------------ users

    @app.get("/users", include_in_schema=False)
    def users_page(request: Request, error: str = ""):
        s = need(request, "admin")
        return page(request, "users.html", s, users=auth.users(db()), roles=auth.ROLES, error=error)

    @app.post("/users", include_in_schema=False)
    def users_post(request: Request, name: Annotated[str, Form()], role: Annotated[str, Form()],
                   password: Annotated[str, Form()], csrf: Annotated[str, Form()] = ""):
        need_post(request, csrf, "admin")
        try:
            auth.add_user(db(), name, role, password)
        except auth.AuthError as exc:
            return RedirectResponse("/users?" + urlencode({"error": str(exc)}), status_code=303)
        return RedirectResponse("/users", status_code=303)

    return app


def _set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        max_age=int(auth.SESSION_MAX.total_seconds()))


def _local(target: str) -> str:
    """Only redirect within this site (an open redirect would let a link send users elsewhere)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/search"


def _filter(type: str, actor: str, place: str, since: str, until: str, outlet: str = "", at: str = "",
            bbox: str = "", profile: int | None = None, role: str | None = None) -> queries.EventFilter:
    for name, value in (("since", since), ("until", until)):
        if value and not _DATE.fullmatch(value.strip()):
            raise Denied(f"{name} must be a date like 2021-03-08, 2021-03 or 2021", 400)
    box = geo.parse_bbox(bbox) if bbox else None
    if bbox and box is None:
        raise Denied("bbox must be west,south,east,north in degrees", 400)
    return queries.EventFilter(type=type.strip() or None, actor=actor.strip() or None, place=place.strip() or None,
                               since=since.strip() or None, until=until.strip() or None,
                               outlet=outlet.strip() or None, at=at.strip() or None, bbox=box, profile=profile,
                               role=role or None)


def _exactly(c: geo.Cluster) -> dict[str, str]:
    """The events table's filter for exactly the events of a map circle: the coordinates its events were drawn at,
    and the place name when it is one place (two places may share a name, and one place's coordinates)."""
    w, s, e, n = c.bounds
    box = ",".join(f"{v:.5f}" for v in (w - 1e-4, s - 1e-4, e + 1e-4, n + 1e-4))
    return {"at": c.places[0]["place"], "bbox": box} if len(c.places) == 1 and c.places[0]["place"] else {"bbox": box}


def _kept(args: dict[str, str]) -> dict[str, str]:
    """The query arguments that are set (empty ones stay out of links)."""
    return {k: v for k, v in args.items() if v}


def _snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, is_hit) pieces, so the template escapes all of it and marks the hits."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(f"[{queries.HIT_OPEN}{queries.HIT_CLOSE}]", snippet)):
        if chunk:
            parts.append((chunk, i % 2 == 1))
    return parts


def _pager(base: str, args: dict[str, str], offset: int, size: int, total: int, more: bool = False) -> dict[str, Any]:
    """Links to the previous and next pages; ``more``: there are more than ``total`` (a capped count)."""
    def url(off: int) -> str:
        return base + "?" + urlencode({**_kept(args), "offset": off})

    return {"first": offset + 1 if total else 0, "last": min(offset + size, total) if not more else offset + size,
            "total": total, "more": more, "prev": url(max(0, offset - size)) if offset > 0 else None,
            "next": url(offset + size) if more or offset + size < total else None}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What an audit entry changed, as short lines for each side: the status, then each field that differs."""
    sides: tuple[list[str], list[str]] = ([], [])
    for side, this, other in ((0, before, after), (1, after, before)):
        sides[side].extend(f"{k}: {_text(v)}" for k, v in this.items() if k not in ("status", "values"))
        if "status" in this:
            sides[side].append(this["status"])
        theirs = other.get("values", {})
        sides[side].extend(f"{k}: {_text(v)}" for k, v in this.get("values", {}).items() if theirs.get(k) != v)
    return sides


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def _typed(fields: dict[str, Any]) -> dict[str, Any]:
    """Coordinates from a form are numbers; anything else stays text."""
    out = dict(fields)
    for k in ("lat", "lon"):
        if isinstance(out.get(k), str) and out[k].strip():
            try:
                out[k] = float(out[k])
            except ValueError as exc:
                raise Denied(f"{k} must be a number", 400) from exc
    return out


def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(queries.AUDIT_FIELDS)
    for r in rows:
        w.writerow([json.dumps(r[k], ensure_ascii=False) if k in ("before", "after") else r[k]
                    for k in queries.AUDIT_FIELDS])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()
