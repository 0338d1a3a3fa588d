"""Across reports: syndicated copies, one event told by several outlets, stories."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventledger import ingest as ing
from eventledger import link
from eventledger.link import events as ev_match
from eventledger.link import minhash, profiles
from eventledger.link.chains import describe
from eventledger.link.report import summarize
from eventledger.pipeline import ingest
from eventledger.record import Document, Entity, Mention, Provenance, Record, Source
from eventledger.store import Store, links

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("militia shelled village market killed civilians residents said army convoy aid hospital town "
         "district officials fighters drone strike wounded displaced families checkpoint night morning").split()


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """The project's sample reports ingested, then linked one by one as ingest will."""
    store = Store(tmp_path_factory.mktemp("link") / "ex.db")
    ingest(store, (d for item in ing.discover([str(ROOT / "examples/reports")]) for d in ing.read(item)))
    for doc_id in links.unlinked(store.db):
        assert link.on_ingest(store, store.record(doc_id)).error is None
    yield store
    store.close()


def _doc(store: Store, title: str) -> str:
    return store.db.execute("SELECT id FROM documents WHERE title LIKE ? || '%'", (title,)).fetchone()[0]


def _event(store: Store, doc_id: str, words: str) -> str:
    return store.db.execute("SELECT id FROM events WHERE doc_id = ? AND instr(evidence, ?) > 0",
                            (doc_id, words)).fetchone()[0]


def test_wire_copy_is_a_duplicate_of_the_earliest_report(examples):
    original = _doc(examples, "Shelling of market in North Darfur")
    copy = _doc(examples, "Dozens dead in Darfur market shelling - wire")
    dup = links.duplicate_of(examples.db, copy)
    assert dup is not None and dup[0] == original and dup[1] >= 0.7
    assert links.duplicate_of(examples.db, original) is None
    assert links.duplicate_of(examples.db, _doc(examples, "Dozens dead as shells hit")) is None  # own account


def test_market_shelling_is_one_event_with_two_independent_sources_and_differing_tolls(examples):
    ids = [(d, _event(examples, d, w)) for d, w in (
        (_doc(examples, "Shelling of market in North Darfur"), "Around 40 civilians were killed"),
        (_doc(examples, "Dozens dead in Darfur market shelling - wire"), "Around 40 civilians were killed"),
        (_doc(examples, "Dozens dead as shells hit"), "Dozens of civilians were killed"))]
    clusters = {links.cluster_of(examples.db, d, e) for d, e in ids}
    assert len(clusters) == 1 and None not in clusters
    summary = summarize(examples, cluster_id=clusters.pop())
    assert summary.independent == 2  # the wire copy is not a third witness
    assert "killed" in summary.disagree
    words = {c.text.lower() for c in summary.numbers["killed"]}
    assert any("40" in w for w in words) and any("dozens" in w for w in words)


def test_the_two_tripolis_never_merge(examples):
    libya, lebanon = _doc(examples, "Tripoli armed groups"), _doc(examples, "Protesters block roads")
    assert not set(links.clusters_of_doc(examples.db, libya)) & set(links.clusters_of_doc(examples.db, lebanon))
    assert links.story_of(examples.db, libya) != links.story_of(examples.db, lebanon)


def test_event_merging_precision_and_recall_on_gold(examples):
    gold = json.loads((ROOT / "tests/gold_link.json").read_text())
    gold_pairs = set()
    for cluster in gold["clusters"]:
        members = [(_doc(examples, m["title"]), _event(examples, _doc(examples, m["title"]), m["evidence"]))
                   for m in cluster]
        gold_pairs |= {frozenset(p) for p in combinations(members, 2) if p[0][0] != p[1][0]}
    rows = examples.db.execute("SELECT cluster_id, doc_id, event_id FROM event_clusters").fetchall()
    by_cluster: dict[int, list[tuple[str, str]]] = {}
    for r in rows:
        by_cluster.setdefault(r[0], []).append((r[1], r[2]))
    predicted = {frozenset(p) for ms in by_cluster.values() for p in combinations(ms, 2) if p[0][0] != p[1][0]}
    precision = len(predicted & gold_pairs) / len(predicted)
    recall = len(predicted & gold_pairs) / len(gold_pairs)
    print(f"event merging: precision {precision:.2f} recall {recall:.2f} ({len(gold_pairs)} gold pairs)")
    assert precision >= 0.85 and recall >= 0.85


def test_stories_group_the_three_darfur_reports(examples):
    story = {links.story_of(examples.db, _doc(examples, t)) for t in (
        "Shelling of market in North Darfur", "Dozens dead in Darfur market shelling - wire",
        "Dozens dead as shells hit")}
    assert len(story) == 1
    assert links.story_of(examples.db, _doc(examples, "Tripoli armed groups")) not in story


def test_linking_again_changes_nothing(examples):
    doc = _doc(examples, "Dozens dead in Darfur market shelling - wire")
    before = examples.db.execute("SELECT count(*) FROM event_clusters").fetchone()[0]
    first = link.on_ingest(examples, examples.record(doc))
    again = link.on_ingest(examples, examples.record(doc))
    assert first == again and first.duplicate_of == _doc(examples, "Shelling of market in North Darfur")
    assert examples.db.execute("SELECT count(*) FROM event_clusters").fetchone()[0] == before


# ---------------------------------------------------------------------- without spaCy

def _rec(text: str, published: str | None, title: str, outlet: str) -> Record:
    return Record(document=Document(text=text, source=Source(path=f"{title}.txt"), id=f"{title:0<64}"[:64],
                                    title=title, outlet=outlet, published=published),
                  provenance=Provenance(pipeline="test", model="test"))


def _story(seed: int, n: int = 120) -> str:
    import random

    rnd = random.Random(seed)
    return " ".join(rnd.choice(WORDS) + str(rnd.randrange(50)) for _ in range(n))


def test_a_later_arriving_earlier_report_becomes_the_original(tmp_path):
    body = _story(1)
    with Store(tmp_path / "s.db") as store:
        late = _rec("Syndicated headline\n\n" + body + "\n\nReporting by an agency", "2024-03-02", "late", "B")
        early = _rec("Original headline\n\n" + body, "2024-03-01", "early", "A")
        other = _rec(_story(2), "2024-03-01", "other", "C")
        for rec in (late, other, early):
            store.add(rec, rec.document.text.encode(), "text/plain")
            link.on_ingest(store, rec)
        assert links.duplicate_of(store.db, late.document.id)[0] == early.document.id
        assert links.duplicate_of(store.db, early.document.id) is None
        assert links.duplicate_of(store.db, other.document.id) is None
        assert link.on_ingest(store, early).copies == []  # already linked: the stored answer


def test_a_bad_record_is_skipped_not_raised(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert link.on_ingest(store, _rec("never stored", None, "ghost", "X")).error == "not stored"
        assert link.on_ingest(store, None).error  # type: ignore[arg-type]


def test_reports_of_one_attack_in_different_words_merge(tmp_path, record):
    a = record("Militiamen shelled the market in Aleppo on Monday, killing 12 civilians, residents said.",
               published="2021-03-02")
    b = record("Around 20 people were killed when shells hit a market in Aleppo on Monday, a doctor said.",
               published="2021-03-03")
    c = record("Gunmen attacked a checkpoint in Tripoli, Libya on Monday, killing 12 people.",
               published="2021-03-02")
    with Store(tmp_path / "s.db") as store:
        for i, (rec, outlet) in enumerate(((a, "North Wire"), (b, "South Daily"), (c, "West Post"))):
            rec.document.id, rec.document.outlet = f"{i:064d}", outlet
            store.add(rec, rec.document.text.encode(), "text/plain")
            link.on_ingest(store, rec)
        ca, cb = links.clusters_of_doc(store.db, a.document.id), links.clusters_of_doc(store.db, b.document.id)
        assert ca and ca == cb
        assert links.clusters_of_doc(store.db, c.document.id) == []
        summary = summarize(store, cluster_id=ca[0])
        assert summary.independent == 2 and "killed" in summary.disagree


@given(st.text(max_size=300))
def test_a_text_is_its_own_perfect_duplicate(text):
    sig, n = minhash.signature(text)
    assert minhash.jaccard(sig, minhash.signature(text)[0]) == 1.0
    assert len(minhash.band_keys(sig)) == 32 and n == len(minhash.shingles(text))


@given(st.lists(st.sampled_from(WORDS), min_size=5, max_size=60), st.lists(st.sampled_from(WORDS), max_size=60))
def test_similarity_estimate_is_a_share(a, b):
    s = minhash.jaccard(minhash.signature(" ".join(a))[0], minhash.signature(" ".join(b))[0])
    assert 0.0 <= s <= 1.0


@given(st.text(max_size=40), st.text(max_size=40))
def test_name_matching_is_symmetric(a, b):
    assert ev_match.names_match(a, b) == ev_match.names_match(b, a)
    assert ev_match.names_match("Jaysh al-Fajr", "Jaysh Al Fajr")


def test_cli_shows_sources_and_disagreement_side_by_side(examples):
    from click.testing import CliRunner

    from eventledger.cli import main as group  # registers the link commands (importing link.cli first is circular)
    doc = _doc(examples, "Dozens dead as shells hit")
    out = CliRunner().invoke(group, ["event", f"{doc[:8]}:{_event(examples, doc, 'Dozens of civilians')}",
                                     "--db", str(examples.path)])
    assert out.exit_code == 0, out.output
    assert "2 independent sources" in out.output and "Dozens of civilians" in out.output
    out = CliRunner().invoke(group, ["duplicates", "--db", str(examples.path)])
    assert "1 near-duplicates of 1 originals" in out.output
    assert CliRunner().invoke(group, ["stories", "--db", str(examples.path)]).exit_code == 0


# ---------------------------------------------------------------------- people and groups across reports

def _named(store: Store, i: int, *entities: tuple[str, str], text: str = "", outlet: str = "Desk") -> dict[str, int]:
    """Store an invented report naming these (name, type) entities; entity id -> profile id."""
    body = text or " ".join(n for n, _ in entities)
    rec = _rec(body, f"2024-01-0{i % 9 + 1}", f"named{i}", outlet)
    for j, (name, type_) in enumerate(entities, 1):
        at = body.find(name)
        rec.entities.append(Entity(name=name, type=type_, id=f"E{j}",
                                   mentions=[Mention(span=(at, at + len(name)), text=name)] if at >= 0 else []))
    store.add(rec, body.encode(), "text/plain")
    return link.on_ingest(store, rec).profiles


def test_one_group_spelled_three_ways_is_one_profile_and_a_namesake_is_not(tmp_path):
    with Store(tmp_path / "s.db") as store:
        a = _named(store, 1, ("Jaysh al-Fajr", "ORG"))["E1"]
        assert _named(store, 2, ("Jaysh al Fajr", "ORG"))["E1"] == a
        assert _named(store, 3, ("Jaish al-Fajr", "ORG"))["E1"] == a  # transliteration variant
        assert _named(store, 4, ("Jaysh al-Islam", "ORG"))["E1"] != a
        assert _named(store, 5, ("Jaysh al-Fajr", "PERSON"))["E1"] != a  # a person is never a group


def test_a_surname_joins_a_full_name_only_when_the_store_holds_exactly_one(tmp_path):
    with Store(tmp_path / "s.db") as store:
        early = _named(store, 1, ("Haddad", "PERSON"))["E1"]  # surname only, full name not yet known
        full = _named(store, 2, ("Samir Elias Haddad", "PERSON"))["E1"]
        assert _named(store, 3, ("Haddad", "PERSON"))["E1"] == full
        assert links.profile(store.db, early) is None  # merged into the full name once it arrived
        assert links.profile_mentions(store.db, full)[0]["name"] == "Haddad"
        _named(store, 4, ("Rania Haddad", "PERSON"))
        assert _named(store, 5, ("Haddad", "PERSON"))["E1"] not in (full,)  # now ambiguous: left on its own


def test_profiles_of_reports_linked_before_profiles_existed_are_filled_in(tmp_path):
    with Store(tmp_path / "s.db") as store:
        pid = _named(store, 1, ("Sinjar Resistance Units", "ORG"))["E1"]
        store.db.execute("DELETE FROM doc_profiled")
        store.db.execute("DELETE FROM entity_profiles")
        assert link.backfill(store) == 1
        assert _named(store, 2, ("Sinjar Resistance Units", "ORG"))["E1"] == pid


@given(st.text(max_size=40))
def test_name_keys_ignore_case_articles_and_hyphens(name):
    k = profiles.key(name)
    assert profiles.key(k) == k
    assert profiles.key("Jaysh al-Fajr") == profiles.key("JAYSH AL FAJR") == profiles.key("Jaysh Al-Fajr")


SYRIA_A = ("Liwa al-Fursan, which operates as part of the Free Syrian Army, said on Monday that its commander "
           "Abu Hamza al-Qudsi had been arrested by Hayat Tahrir al-Sham in Idlib. Abu Hamza al-Qudsi joined "
           "Liwa al-Fursan in 2016 after he defected from the Syrian Arab Army.")
SYRIA_B = ("Khalid Omar Farouk, a commander of the Hamza Division, was detained by Turkish-backed forces in Afrin on "
           "3 May. Farouk later joined the Sultan Murad Division, a faction of the Syrian National Army. The "
           "Sham Legion denied involvement, according to a report by the BBC. Khalid al Nouri, a local activist, "
           "told the BBC that fighters beat him.")


@pytest.fixture(scope="module")
def syria(tmp_path_factory, record):
    store = Store(tmp_path_factory.mktemp("profiles") / "p.db")
    recs = []
    for i, (text, outlet) in enumerate(((SYRIA_A, "Idlib Observer"), (SYRIA_B, "TRT World"))):
        rec = record(text, published="2021-05-10")
        rec.document.id, rec.document.outlet = f"{i + 7:064d}", outlet
        store.add(rec, text.encode(), "text/plain")
        link.on_ingest(store, rec)
        recs.append(rec)
    yield store, recs
    store.close()


def _pid(store: Store, name: str) -> int:
    return links.find_profiles(store.db, profiles.key(name), name)[0]


def test_a_group_is_linked_to_the_parent_the_report_names(syria):
    store, _ = syria
    rel = links.profile_parents(store.db, _pid(store, "Liwa al-Fursan"))
    assert [(r["relation"], r["name"]) for r in rel] == [("parent", "Free Syrian Army")]
    assert "operates as part of" in rel[0]["evidence"]
    sub = links.profile_parents(store.db, _pid(store, "Syrian National Army"))
    assert [(r["relation"], r["name"]) for r in sub] == [("child", "Sultan Murad Division")]


def test_a_persons_affiliations_over_time_carry_dates_and_evidence(syria):
    store, _ = syria
    qudsi = _pid(store, "Abu Hamza al-Qudsi")
    aff = {(a["change"], a["org_name"]): a for a in links.profile_affiliations(store.db, qudsi)}
    assert {"joined", "defected", "detained"} <= {c for c, _ in aff}
    assert aff[("joined", "Liwa al-Fursan")]["date"].startswith("2016")
    assert aff[("defected", "Syrian Arab Army")]["evidence"].endswith("defected from the Syrian Arab Army")
    assert "arrested by Hayat Tahrir al-Sham" in aff[("detained", "Hayat Tahrir al-Sham")]["evidence"]
    rows = links.profile_affiliations(store.db, _pid(store, "Farouk"))
    farouk = {(a["change"], a["org_name"] or a["org"]) for a in rows}
    assert {("member", "Hamza Division"), ("joined", "Sultan Murad Division")} <= farouk
    assert any(c == "detained" for c, _ in farouk)
    for a in rows:
        text = store.db.execute("SELECT text FROM documents WHERE id = ?", (a["doc_id"],)).fetchone()[0]
        assert text[a["start"]:a["end"]] == a["evidence"]


def test_attribution_chain_runs_from_outlet_through_cited_report_to_speaker(syria):
    _, recs = syria
    lines = [describe(c) for c in link.attribution_chains(recs[1].to_dict())]
    assert "TRT World, citing BBC, quoting Khalid al Nouri" in lines
    assert "TRT World, citing BBC" in lines  # the BBC's own claim, nobody quoted


def test_export_gains_story_profile_and_cluster_ids(examples):
    wire = _doc(examples, "Dozens dead in Darfur market shelling - wire")
    rec = link.export_ids(examples, examples.record(wire).to_dict())
    assert rec["document"]["duplicate_of"] == _doc(examples, "Shelling of market in North Darfur")
    assert rec["document"]["story_id"] == links.story_of(examples.db, wire)
    other = link.export_ids(examples, examples.record(_doc(examples, "Dozens dead as shells hit")).to_dict())
    rsf = {e["profile_id"] for r in (rec, other) for e in r["entities"] if e["name"] == "Rapid Support Forces"}
    assert len(rsf) == 1 and None not in rsf  # one group across the two outlets
    killed = next(e for e in rec["events"] if "Around 40 civilians were killed" in e["evidence"])
    assert killed["cluster_id"] and killed["independent_sources"] == 2


def test_actor_command_shows_profile_timeline_quotes_and_reports(examples):
    from click.testing import CliRunner

    from eventledger.cli import main

    out = CliRunner().invoke(main, ["actor", "RSF", "--db", str(examples.path)])
    assert out.exit_code == 0, out.output
    assert "Rapid Support Forces" in out.output and "Janjaweed" in out.output
    assert "timeline" in out.output and "a cheap fabrication" in out.output  # a quote by the group
    assert "Horn & Sahel Daily" in out.output  # the wire copy, in the reports list
    timeline = out.output[out.output.index("timeline"):out.output.index("quotes")]
    assert "+1 copy" in timeline and "Horn & Sahel Daily" not in timeline  # folded into the original's events
    out = CliRunner().invoke(main, ["actor", "Nobody Atall", "--db", str(examples.path)])
    assert out.exit_code != 0 and "no person or organisation" in out.output
    out = CliRunner().invoke(main, ["event", "1", "--db", str(examples.path)])
    assert "according to" in out.output and "quoting Ibrahim Adam Tijani" in out.output


def test_a_source_citing_another_report_puts_that_report_behind_it():
    text = "Raids rose in the east, according to a monitoring group, citing a Reuters report."
    claim = [0, len(text) - 1]

    def att(words: str, source: str) -> dict:
        at = text.index(words)
        return {"id": source, "text": words, "span": [at, at + len(words)], "source": source, "claim_span": claim}

    rec = {"document": {"text": text, "outlet": "Gulf Wire"}, "entities": [], "quotes": [],
           "attributions": [att("according to a monitoring group", "a monitoring group"),
                            att("citing a Reuters report", "Reuters")]}
    assert [describe(c) for c in link.attribution_chains(rec)] == [
        "Gulf Wire, quoting a monitoring group, citing Reuters"]


# ---------------------------------------------------------------------- stories

def _gold_stories() -> dict:
    return json.loads((ROOT / "tests/gold_link.json").read_text())["stories"]


@pytest.fixture(scope="module")
def invented(tmp_path_factory, record):
    """The invented reports of the story gold, ingested in order: (store, story label per doc id)."""
    store = Store(tmp_path_factory.mktemp("stories") / "s.db")
    labels = {}
    for i, g in enumerate(_gold_stories()["invented"]):
        rec = record(g["text"], published=g["published"])
        rec.document.id, rec.document.outlet, rec.document.title = f"{i + 100:064d}", g["outlet"], g["story"]
        store.add(rec, g["text"].encode(), "text/plain")
        assert link.on_ingest(store, rec).error is None
        labels[rec.document.id] = g["story"]
    yield store, labels
    store.close()


def _docs_of(store: Store, labels: dict[str, str], story: str) -> list[str]:
    return [d for d, s in labels.items() if s == story]


def _pairs(groups: dict[object, list[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for ms in groups.values() for p in combinations(sorted(ms), 2)}


def test_one_story_told_in_different_words_joins_one_story(invented):
    store, labels = invented
    for story in ("saraqib", "nyala", "sumy_strike"):
        a, b = _docs_of(store, labels, story)
        assert links.duplicate_of(store.db, b) is None
        assert not set(links.clusters_of_doc(store.db, a)) & set(links.clusters_of_doc(store.db, b))
        assert links.story_of(store.db, a) == links.story_of(store.db, b), story


def test_reports_sharing_only_a_ubiquitous_body_stay_apart(invented):
    store, labels = invented
    un = [d for s in ("hodeidah_aid", "fasher_famine", "damascus_envoy", "bab_alhawa")
          for d in _docs_of(store, labels, s)]
    assert len({links.story_of(store.db, d) for d in un}) == 4  # same UN, same week, even the same country
    kharkiv = _docs_of(store, labels, "kharkiv_power")[0]  # a drone strike the next day, 150 km away
    assert links.story_of(store.db, kharkiv) not in {links.story_of(store.db, d)
                                                     for d in _docs_of(store, labels, "sumy_strike")}


def test_sample_reports_keep_their_stories_apart(examples):
    yemen, syria = _doc(examples, "Yemen's warring parties"), _doc(examples, "Kurdish-led forces")
    assert links.story_of(examples.db, yemen) != links.story_of(examples.db, syria)


def test_story_precision_and_recall_on_gold(examples, invented):
    gold_pairs, predicted = set(), set()
    store, labels = invented
    gold_pairs |= _pairs({s: _docs_of(store, labels, s) for s in set(labels.values())})
    by_story: dict[object, list[str]] = {}
    for d in labels:
        by_story.setdefault(links.story_of(store.db, d), []).append(d)
    predicted |= _pairs(by_story)
    gold_pairs |= _pairs({i: [_doc(examples, t) for t in titles]
                          for i, titles in enumerate(_gold_stories()["examples"])})
    examples_stories: dict[object, list[str]] = {}
    for r in links.stories(examples.db):
        examples_stories.setdefault(("ex", r["story_id"]), []).append(r["id"])
    predicted |= _pairs(examples_stories)
    hits = len(predicted & gold_pairs)
    precision, recall = hits / len(predicted), hits / len(gold_pairs)
    print(f"stories: precision {precision:.2f} recall {recall:.2f} ({len(gold_pairs)} gold pairs)")
    assert precision >= 0.85 and recall >= 0.85


@given(st.floats(-80, 80), st.floats(-170, 170), st.floats(0, 2))
def test_a_town_shared_or_near_is_a_place_in_common(lat, lon, shift):
    from eventledger.link.stories import _place_score
    from eventledger.record import Place

    here = Place(name="A", country="XX", lat=lat, lon=lon, precision="city")
    row = {"country": "XX", "admin1": None, "lat": lat + shift / 1000, "lon": lon, "precision": "city",
           "geonameid": None}
    far = {**row, "country": "YY", "lat": -lat, "lon": lon + 90 if lon < 0 else lon - 90}
    assert _place_score([here], [row]) > 0
    assert _place_score([here], [far]) < 0  # only in another country
