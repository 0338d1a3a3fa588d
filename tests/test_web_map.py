"""The map and timeline pages: drawn by the server as SVG over bundled country outlines, filtered like the
events table, hiding restricted reports from viewers, and showing report text only escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from eventledger.record import Document, Event, Place, Provenance, Record, Source
from eventledger.store import Store
from eventledger.web import auth, geo
from eventledger.web.app import create_app

PASSWORD = "correct horse battery"
SHELLING = "Artillery shelled Tal Hamra on 4 May, killing three farmers."
RAID = "Soldiers raided homes in Nahr Zaytun between 1 and 9 June."
SIEGE = "A witness said <b>Unit 9</b> besieged Qaryat Sirr <script>alert(1)</script> for weeks."


def _record(doc_id: str, text: str, type_: str, actor: str, place: str, lat: float, lon: float,
            start: str | None, end: str | None) -> Record:
    return Record(
        document=Document(text=text, source=Source(path=f"/in/{doc_id[:4]}.txt"), id=doc_id, title=f"{actor} report",
                          outlet="Example Wire", published="2023-07-01"),
        provenance=Provenance(pipeline="test", model="test"),
        places=[Place(name=place, id="P1", country="SY", lat=lat, lon=lon, confidence=0.8)],
        events=[Event(type=type_, evidence=text, span=(0, len(text)), actor=actor, place=place, place_id="P1",
                      start=start, end=end, id="V1", confidence=0.7)],
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "map.db"
    with Store(path) as st_:
        st_.add(_record("a" * 64, SHELLING, "ASSAULT", "Artillery", "Tal Hamra", 36.2, 37.1, "2023-05-04",
                        "2023-05-04"), b"a", "text/plain")
        st_.add(_record("b" * 64, RAID, "COERCE", "Soldiers", "Nahr Zaytun", 33.5, 36.3, "2023-06-01", "2023-06-09"),
                b"b", "text/plain")
        st_.add(_record("c" * 64, SIEGE, "ASSAULT", "<b>Unit 9</b>", "Qaryat <i>Sirr</i>", 35.0, 40.1, None, None),
                b"c", "text/plain")
        st_.db.execute("INSERT INTO restricted_documents VALUES (?)", ("c" * 64,))
        for name, role in (("vera", "viewer"), ("ana", "analyst")):
            auth.add_user(st_.db, name, role, PASSWORD)
    return create_app(path)


def _client(app, name: str) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    assert c.post("/api/login", json={"name": name, "password": PASSWORD}).status_code == 200
    return c


def _circles(html: str) -> int:
    return len(re.findall(r"<circle ", html))


def test_map_draws_countries_and_a_circle_per_place(app):
    html = _client(app, "ana").get("/map").text
    assert '<svg class="map"' in html and html.count('class="country"') > 3
    assert "<title>Syria</title>" in html
    assert _circles(html) == 3
    assert "/events?at=Tal+Hamra&amp;bbox=" in html  # a circle over one place lists exactly its events


def test_a_circle_links_to_exactly_the_events_it_stands_for(tmp_path):
    path = tmp_path / "twins.db"
    with Store(path) as st_:  # two towns share a name; a third place's name contains it
        st_.add(_record("d" * 64, SHELLING, "ASSAULT", "Artillery", "Tal Hamra", 36.2, 37.1, "2023-05-04", None),
                b"d", "text/plain")
        st_.add(_record("e" * 64, RAID, "COERCE", "Soldiers", "Tal Hamra", 30.1, 45.3, "2023-06-01", None),
                b"e", "text/plain")
        st_.add(_record("f" * 64, SIEGE, "ASSAULT", "Unit 9", "Tal Hamra al-Gharbi", 36.21, 37.12, None, None),
                b"f", "text/plain")
        auth.add_user(st_.db, "ana", "analyst", PASSWORD)
    c = _client(create_app(path), "ana")
    listed = []
    for bbox in ("36,29,47,37", "37.0,36.1,37.2,36.3"):  # the region, then as close as the map zooms
        html = c.get("/map", params={"bbox": bbox}).text
        for href in re.findall(r'<a class="cluster" href="(/events\?[^"]+)"', html):
            got = c.get("/api" + href.replace("&amp;", "&")).json()["items"]
            listed.append(sorted((e["doc_id"][0], e["place"]) for e in got))
    assert sorted(listed) == [[("d", "Tal Hamra"), ("f", "Tal Hamra al-Gharbi")], [("e", "Tal Hamra")]]


def test_map_filters_by_type_and_date_like_the_events_page(app):
    c = _client(app, "ana")
    assert _circles(c.get("/map", params={"type": "coerce"}).text) == 1
    html = c.get("/map", params={"since": "2023-06-05", "type": "COERCE"}).text
    assert _circles(html) == 1 and "type=COERCE" in html  # the links keep the filters
    assert _circles(c.get("/map", params={"until": "2023-01-01"}).text) == 0
    assert c.get("/map", params={"since": "last week"}).status_code == 400


def test_nearby_places_cluster_at_world_scale_and_zoom_in_on_click(app):
    html = _client(app, "ana").get("/map", params={"bbox": "-180,-60,180,85"}).text
    assert _circles(html) == 1 and ">3</text>" in html
    zoom = re.search(r'href="(/map\?bbox=[^"]+)"', html)
    assert zoom
    assert _circles(_client(app, "ana").get(zoom.group(1).replace("&amp;", "&")).text) == 3


def test_viewer_sees_no_restricted_events_on_map_or_timeline(app):
    c = _client(app, "vera")
    for url in ("/map", "/timeline"):
        html = c.get(url).text
        assert "Qaryat" not in html and "Unit 9" not in html, url
    assert _circles(c.get("/map").text) == 2
    assert [p["place"] for p in c.get("/api/map").json()["places"]] == ["Nahr Zaytun", "Tal Hamra"]
    assert c.get("/api/timeline").json()["total"] == 2


def test_timeline_draws_ranges_as_bars_and_undated_events_as_dots(app):
    html = _client(app, "ana").get("/timeline").text
    bars = {m.group(1): float(m.group(2)) for m in re.finditer(
        r'#card-event-V1">.*?<text x="4" y="\d+">(\w+).*?class="span" (?:x="[\d.]+" y="\d+" width="([\d.]+)")?',
        html, re.S) if m.group(2)}
    assert bars["COERCE"] > bars["ASSAULT"] * 3  # nine days is drawn longer than one
    assert 'class="bar undated"' in html  # the siege report gives no date
    assert "2023-05" in html  # a months axis for a span of weeks
    assert html.count('href="/documents/') == 3


def test_report_text_in_svg_titles_is_escaped(app):
    c = _client(app, "ana")
    for url in ("/map", "/timeline"):
        html = c.get(url).text
        assert "<script>alert" not in html and "<b>Unit 9</b>" not in html and "<i>Sirr</i>" not in html, url
    assert "&lt;b&gt;Unit 9&lt;/b&gt;" in c.get("/timeline").text
    assert "Qaryat &lt;i&gt;Sirr&lt;/i&gt;" in c.get("/map").text


def test_timeline_api_gives_each_event_its_day_range(app):
    items = {e["type"] + (e["first"] or ""): e for e in _client(app, "ana").get("/api/timeline").json()["items"]}
    assert items["COERCE2023-06-01"]["last"] == "2023-06-09"
    assert items["ASSAULT2023-07-01"]["dated"] is False


def test_pages_need_a_login(app):
    c = TestClient(app, follow_redirects=False)
    assert c.get("/map").status_code == 303 and c.get("/api/timeline").status_code == 401


@given(st.floats(-179, 179), st.floats(-85, 85), st.floats(0.001, 300))
def test_any_bbox_gives_a_viewbox_inside_the_world_at_two_to_one(lon, lat, span):
    box = geo.view_box([], (lon, lat, min(lon + span, 180), min(lat + span / 2, 90)))
    x, y, w, h = box
    assert w == pytest.approx(2 * h) and w >= geo.MIN_SPAN * geo.UNIT - 1e-6
    assert -1e-6 <= x and x + w <= 360 * geo.UNIT + 1e-6 and -1e-6 <= y and y + h <= 180 * geo.UNIT + 1e-6


@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90), st.integers(1, 50)), max_size=40))
def test_clustering_keeps_every_event_in_view(points):
    places = [{"place": f"P{i}", "country": None, "lon": lo, "lat": la, "count": n}
              for i, (lo, la, n) in enumerate(points)]
    box = geo.view_box([], (-180, -90, 180, 90))
    assert sum(c.count for c in geo.cluster(places, box)) == sum(n for *_, n in points)


@given(st.text(max_size=20))
def test_a_malformed_bbox_is_ignored(value):
    got = geo.parse_bbox(value)
    assert got is None or (got[0] < got[2] and got[1] < got[3])
