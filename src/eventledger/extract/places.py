"""Places: every real-world place a report names, with its mentions, geocoded offline.

Candidates come from spaCy's GPE/LOC/FAC entities and from capitalized name sequences
spaCy missed or mislabelled (Arabic toponyms such as "X al-Y" are often tagged PERSON).
Names are resolved against the gazetteer (see gazetteer.py) and disambiguated by the
document's own context: countries it names (or whose demonyms it uses, or its title names),
closeness to places already resolved, then population — population alone picks the wrong
"Tripoli". A place is reported at the precision the text gives ("northern Syria" is the
country, "Idlib province" the governorate) and never finer.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from eventledger.extract.gazetteer import Entry, gazetteer, key
from eventledger.extract.util import doc_text, load_data, trim
from eventledger.record import Mention, Place, Record

_PLACE_LABELS = {"GPE", "LOC", "FAC"}
# spaCy's small model also tags place names LANGUAGE, WORK_OF_ART or NORP ("Aleppo"): only labels it
# does not confuse with names block a gazetteer match; NORP blocks demonym-shaped words only.
_NEVER_LABELS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL"}
_WORD = re.compile(r"\w+")
_DEMONYM_SHAPE = re.compile(r"(?:an|ans|ese|ish|i|is|ch|s)$")
_PRECISION = {
    "city": "city",
    "landmark": "city",
    "admin1": "admin1",
    "country": "country",
    "region": "region",
}
_COARSER = ["city", "admin1", "country", "region"]
_AT = {"in", "at", "near", "outside", "around"}
_METONYMY_POPULATION = 250_000  # cities whose name stands for a government ("Kigali says"); towns do not
_NEAR_KM = 150  # a neighbouring town across a border: the distance a report covers with "the road between X and Y"
_POSSESSIVE = re.compile(r"['’]s\s+(?:[a-z-]+ern\s+|central\s+)?")
# A wire-story dateline at the start of a line: "GOMA, Congo (Example Wire) —", "BOGOTA —",
# "KYIV, Ukraine, March 3 (Reuters) -". The all-caps city is where the story was filed (usually where
# it happened), the words after the comma its country or province; spaCy's model misses all-caps names.
_DATELINE = (
    r"^[ \t]*(?P<city>[A-Z][A-Z'’.-]+(?:[ -][A-Z][A-Z'’.-]+){0,3})"
    r"(?:,[ \t]*(?P<region>[A-Z][\w'’.-]*(?:[ \t]+(?:of[ \t]+(?:the[ \t]+)?)?[A-Z][\w'’.-]*){0,4}))?"
    r"(?:,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?"
    r"[ \t]*(?:\((?P<outlet>[^()\n]{1,60})\)[ \t]*)?(?:—|–|--?)[ \t]"
)


@dataclass(frozen=True)
class _Lex:
    """The cue-word lists of place_names.json, compiled once."""

    suffix: re.Pattern
    inner_suffix: re.Pattern
    suffix_precision: dict[str, str]
    prefix: re.Pattern
    direction: re.Pattern
    locative: frozenset[str]
    demonyms: dict[str, str]
    not_places: frozenset[str]
    name_seq: re.Pattern
    natural: re.Pattern
    tie: re.Pattern
    dateline: re.Pattern
    dateline_words: frozenset[str]
    directions_words: frozenset[str]
    small: re.Pattern


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    d = load_data("place_names.json")

    def alternation(words):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    token = r"[A-Z](?:\w|['’‘ʿ](?!s\b))*(?:-[A-Z](?:\w|['’‘ʿ](?!s\b))*)*"
    # Arabic articles and kin words, and the Romance particles of names like "Mocímboa da Praia", "Norte de Santander"
    # or "Port-au-Prince"
    article = (
        r"(?:al|el|ad|ar|as|ash|at|an|az|ez|ed|es|er|en|ul|bin|bani|abu|Al|El|Abu|da|de|do|dos|das|del|di|du|des|la"
        r"|au|aux|sur|sous|lès)"
    )
    return _Lex(
        suffix=re.compile(rf"(?:['’]s)?\s+(?:{alternation(d['admin_suffixes'] + d['settlement_suffixes'])})\b"),
        inner_suffix=re.compile(rf"\s+(?:{alternation(d['admin_suffixes'] + d['settlement_suffixes'])})$"),
        suffix_precision={k.lower(): v for k, v in d["admin_suffix_precision"].items()},
        prefix=re.compile(rf"\b(?:{alternation(d['settlement_prefixes'])})\s+(?:the\s+)?$", re.I),
        direction=re.compile(rf"\b(?:{alternation(d['directions'])})\s+(?:the\s+)?$", re.I),
        locative=frozenset(d["locative_prepositions"]),
        demonyms=d["demonyms"],
        not_places=frozenset(key(w) for w in d["not_places"]),
        name_seq=re.compile(rf"(?:\b{article}-)?{token}(?:(?:[ -]{article}[ -]|[ -]){token})*"),
        natural=re.compile(rf"\s+(?:{alternation(d['natural_suffixes'])})\b"),
        tie=re.compile(
            rf"(?P<kind>\s+(?:{alternation(d['settlement_suffixes'])}))?"
            rf"(?:,[ \t]*(?P<appos>an?\s+(?:small\s+)?(?:{alternation(d['appositive_places'])})\s+(?:in|near|of)\s+"
            rf"|(?P<dir>(?:{alternation(d['directions'])})\s+of\s+))?"
            rf"|\s+(?:in|near|of)\s+)(?:the\s+)?"
            rf"(?:(?:{alternation(d['directions'])})\s+)?",
            re.I,
        ),
        dateline=re.compile(_DATELINE, re.M),
        dateline_words=frozenset(d["dateline_words"]),
        directions_words=frozenset(d["directions"]),
        small=re.compile(rf",[ \t]+an?[ \t]+(?:small[ \t]+)?(?:{alternation(d['appositive_places'])})\b"),
    )


@dataclass
class _Cand:
    start: int
    end: int
    text: str
    from_ner: bool  # spaCy called it a place: fuzzy matching is allowed
    weak: bool = False  # spaCy called it a person or organisation, and no place cue precedes
    hint: str | None = None  # admin1 / city when the text says "province", "city of" ...
    coarse: bool = False  # "northern Syria": the place, but no finer than itself
    natural: bool = False  # "X Mountains": a natural feature, never the town or country that shares its name
    after_the: bool = False  # "the Andes", "the Sahel": a region more likely than a town of that name
    dateline: bool = False
    within: str | None = None  # a dateline's country: "DUHOK, Iraq" is the Iraqi Duhok
    area: bool = False  # a dateline's words after the city: "TAMPA, Florida" names the state, not a town
    small: bool = False  # described as a small place: "Palma, a town near ...", "Bel Air, a neighbourhood"


@dataclass
class _Group:
    """Mentions sharing one lookup key (and hint): resolved together, to one place."""

    k: str
    cands: list[_Cand] = field(default_factory=list)
    options: list[tuple[Entry, float]] = field(default_factory=list)
    best: Entry | None = None
    score: float = 0.0
    margin: float = 0.0


def extract(doc: Doc, rec: Record) -> list[Place]:
    lex = _lex()
    text = doc_text(doc)
    cands = _candidates(doc, rec, lex)
    if not cands:
        return []
    gaz = gazetteer()
    groups: dict[tuple[str, str | None], _Group] = {}
    for c in cands:
        k = key(c.text)
        if not k or k in lex.not_places:
            continue
        g = groups.setdefault((k, c.hint), _Group(k))
        g.cands.append(c)
    # A bare "Idlib" in a report that says "Idlib province" is the province: one place, not two. Not when a
    # dateline reads it: "KHERSON, Ukraine" is where the story was filed, the city.
    for (k, hint), g in list(groups.items()):
        if hint is None and not any(c.dateline for c in g.cands):
            hinted = [h for (k2, h) in groups if k2 == k and h is not None]
            if len(hinted) == 1:
                groups[(k, hinted[0])].cands.extend(g.cands)
                del groups[(k, hint)]
    for g in groups.values():
        fuzzy = any(c.from_ner for c in g.cands)
        seen: dict[tuple, tuple[Entry, float]] = {}
        for e, s in gaz.lookup(g.cands[0].text, fuzzy=fuzzy):
            ident = (e.geonameid, e.name, e.feature)
            if ident not in seen or seen[ident][1] < s:
                seen[ident] = (e, s)
        g.options = _admissible(g, list(seen.values()))
    context = _context_countries(doc, rec, groups.values(), lex)
    anchors: list[Entry] = []
    for _ in range(2):  # second round: closeness to, and countries of, the places the first round resolved
        for g in groups.values():
            _choose(g, context, anchors)
        sure = [
            g.best
            for g in groups.values()
            if g.best
            and g.margin >= 1.0
            and (g.best.population >= 100_000 or g.best.feature in ("admin1", "region", "landmark"))
        ]
        anchors = [e for e in sure if e.lat is not None and e.feature != "region"]
        for g in groups.values():  # only places the report's own context already admits
            if g.best in sure and g.best.country and g.best.feature != "country" and _acceptable(g, context):
                context[g.best.country] += 0.5
    places: dict[tuple, Place] = {}
    local = sorted(
        (c.start, g.best.country)
        for g in groups.values()
        if g.best and g.best.country and context[g.best.country] >= 1 and _acceptable(g, context)
        for c in g.cands
    )
    anchored = [g.best for g in groups.values() if g.best and g.best.feature == "city" and g.best.lat is not None
                and context[g.best.country] >= 1 and _acceptable(g, context)]
    for g in groups.values():
        if g.best is not None and _foreign_namesake(g, context):
            # Not the foreign city that shares the name: the story's town, in the country of the place named
            # just before it ("the insurgents held Mocímboa da Praia ... stormed Palma, a town near ...")
            before = [country for start, country in local if start < g.cands[0].start]
            if before:
                g.best = Entry(None, g.cands[0].text, before[-1], None, None, None, 0, "city")
                g.options, g.margin = [(g.best, 1.0)], 0.0
        if g.best is None or not _acceptable(g, context):
            if country := _local_country(g, local, context, text, lex):
                # spaCy's place name with a place cue that the gazetteer has only abroad, or not at all ("near
                # Bara", "the Tirah valley"): a local place of the report's country, whose point the text lacks
                g.best = Entry(None, g.cands[0].text, country, None, None, None, 0, "city")
                g.options, g.margin = [(g.best, 1.0)], 0.0
            elif not (g.best is not None and _near_the_story(g, anchored, text, lex)):
                continue
        e = g.best
        ident = (e.geonameid, e.name, e.feature)
        pl = places.get(ident)
        if pl is None:
            pl = places[ident] = _place(e, g)
        pl.mentions.extend(Mention(span=(c.start, c.end), text=text[c.start : c.end]) for c in g.cands)
        if any(c.coarse for c in g.cands) and e.feature == "city":
            pl.precision = _coarsest(pl.precision, "admin1")
        if e.feature == "city" and e.lat is None:
            pl.precision = "country"  # a local town placed by the report's country alone
    unlisted = _unlisted(doc, places.values(), lex)
    unlisted += _siblings(doc, [*places.values(), *unlisted], lex)
    out = sorted([*places.values(), *unlisted], key=lambda p: min(m.span for m in p.mentions))
    for i, pl in enumerate(out):
        pl.mentions.sort(key=lambda m: m.span)
        pl.id = f"P{i + 1}"
        for m in pl.mentions:  # every spelling the text used ("Deir Ezzor" beside "Deir ez-Zor")
            form = re.sub(r"['’]s$", "", m.text)
            if form != pl.name and form not in pl.aliases and not form.isupper():
                pl.aliases.append(form)
    return out


def _admissible(g: _Group, options: list[tuple[Entry, float]]) -> list[tuple[Entry, float]]:
    """What the words around a name rule out: a dateline's own country, a natural feature's town namesake."""
    within = {c.within for c in g.cands if c.within}
    if len(within) == 1:
        inside = [(e, s) for e, s in options if e.country in within]
        options = inside or options
    if any(c.dateline for c in g.cands):
        options = [(e, s) for e, s in options if s == 1.0]  # an all-caps word is read exactly or not at all
    if any(c.area for c in g.cands):
        options = [(e, s) for e, s in options if e.feature in ("country", "admin1")] or options
    if all(c.natural for c in g.cands):
        options = [(e, s) for e, s in options if e.feature in ("region", "landmark", "admin1")]
    return options


def _candidates(doc: Doc, rec: Record, lex: _Lex) -> list[_Cand]:
    """Place-name spans: spaCy's place entities, then name sequences it missed, each at most once."""
    text = doc_text(doc)
    taken = bytearray(len(text) + 1)
    out: list[_Cand] = []
    blocked = _blocked_spans(doc, rec)
    # "Tanjong said": a later mention of a person named in full ("Emmanuel Ngwa Tanjong") is that person
    surnames = {
        m.span for ent in rec.entities if ent.type == "PERSON" and " " in ent.name for m in ent.mentions
        if m.text != ent.name
    }
    gaz = gazetteer()

    def add(s: int, e: int, from_ner: bool, weak: bool = False) -> _Cand | None:
        s, e = trim(text, s, e)
        if text[s:e].endswith(("'s", "’s")):
            e -= 2
        if text[s:e].lower().startswith("the "):
            s += 4
        inner = lex.inner_suffix.search(text, s, e)
        if inner and inner.start() > s and key(text[s:e]) not in gaz.by_key:
            e = inner.start()  # "Raqqa City", "Idlib Governorate": the place is the name
        if e - s < 2 or any(taken[s:e]):
            return None
        if any(bs <= s and e <= be and (be - bs) > (e - s) for bs, be in blocked) or (s, e) in surnames:
            return None  # a word inside an organisation's or person's name: "Free Syrian Army"
        c = _Cand(s, e, text[s:e], from_ner, weak=weak)
        _read_cues(text, c, lex)
        out.append(c)
        taken[s:e] = b"\x01" * (e - s)
        return c

    for m in lex.dateline.finditer(text):
        city, region = m.span("city"), m.span("region")
        if m.group("outlet"):  # "(Sahel Wire)": the agency that filed the story, not a place it is about
            taken[m.start("outlet") : m.end("outlet")] = b"\x01" * (m.end("outlet") - m.start("outlet"))
        if m.group("city") in lex.dateline_words or key(m.group("city")) not in gaz.by_key:
            continue
        within = None
        if region[0] >= 0:
            countries = {e.country for e in gaz.exact(m.group("region")) if e.feature in ("country", "admin1")}
            within = countries.pop() if len(countries) == 1 else None
            if within and (rc := add(*region, True)):
                rc.dateline = rc.area = True
        c = add(*city, True)
        if c:
            c.dateline, c.within = True, within

    for ent in doc.ents:
        if ent.label_ in _PLACE_LABELS and not _abbreviated_modifier(ent):
            s, e = ent.start_char, ent.end_char
            nl = text.find("\n", s, e)
            add(s, _extend(text, s, nl if nl >= 0 else e, lex, gaz), True)
    named = {m.span for ent in rec.entities for m in ent.mentions}
    for ent in doc.ents:  # "in Cox's Bazar" read as an organisation the entity extractor then rejected
        s, e = ent.start_char, ent.end_char
        if ent.label_ in ("PERSON", "ORG") and (s, e) not in named and (
                _locative_before(text, s, lex) and key(ent.text) in gaz.by_key and "\n" not in ent.text
                or ent.label_ == "ORG" and _metonymy(ent.text, gaz)):
            add(s, e, False)
    never = [
        (ent.start_char, ent.end_char)
        for ent in doc.ents
        if ent.label_ in _NEVER_LABELS
        or (ent.label_ == "NORP" and (ent.text in lex.demonyms or _DEMONYM_SHAPE.search(ent.text)))
        or (ent.label_ in _PLACE_LABELS and _abbreviated_modifier(ent))
    ]
    person_org = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ in ("PERSON", "ORG")]
    for m in lex.name_seq.finditer(text):
        for s, e in _subsequences(text, m.start(), m.end()):
            if any(taken[s:e]) or any(ns < e and s < ne for ns, ne in never):
                continue
            if key(text[s:e]) not in gaz.by_key:
                continue
            suffix = lex.suffix.match(text, e)
            full_end = suffix.end() if suffix else e
            inside = [(ps, pe) for ps, pe in person_org if ps < e and s < pe]
            if inside and not all(s <= ps and pe <= full_end for ps, pe in inside):
                continue  # part of a longer name spaCy reads as a person or organisation
            locative = _locative_before(text, s, lex)
            if not _looks_like_name(doc, s, e, locative) or _name_tail(text, m.start(), s, lex):
                continue
            # spaCy read the whole name as a person or organisation: a place only with a cue or context
            add(s, e, False, weak=bool(inside) and not locative)
    return out


def _metonymy(name: str, gaz) -> bool:
    """A large city's own name that the model reads as an organisation ("Yaoundé denied it", "Kigali says"): its
    government, by metonymy; the city is still the place the report names."""
    return " " not in name and any(e.feature == "city" and e.population >= _METONYMY_POPULATION
                                   and key(e.name) == key(name) for e in gaz.exact(name))


def _name_tail(text: str, run_start: int, s: int, lex: _Lex) -> bool:
    """"Stabilization Mission", "Support Command": a known place word closing a capitalized run whose words before
    it are no place and no direction belongs to an organisation's or building's name spaCy did not tag."""
    head = text[run_start:s].strip()
    if not head:
        return False
    return key(head) not in gazetteer().by_key and head.split()[-1].lower() not in lex.directions_words


def _abbreviated_modifier(ent) -> bool:
    """"a US drone strike", "UK officials": an abbreviated country name before a noun qualifies it, as a demonym
    would ("American"); it names no place the report is about."""
    return ent.text.replace(".", "").isupper() and len(ent) == 1 and ent.root.dep_ in ("compound", "amod", "nmod")


def _unlisted(doc: Doc, found, lex: _Lex) -> list[Place]:
    """Villages the gazetteer lacks, when the text ties them to a province or country it resolved ("the village of
    Tal Kaif in Nineveh", "Kabrousse, Burkina Faso"): placed in that area, without coordinates of their own."""
    text = doc_text(doc)
    # A city ties its neighbourhoods and villages ("Solino, a neighbourhood of Port-au-Prince", "the village of X,
    # north of Djibo"): they take its point, a few km off at most, which is all the text says.
    area = {m.span[0]: pl for pl in found if pl.feature in ("admin1", "country", "city") for m in pl.mentions}
    if not area:
        return []
    taken = [m.span for pl in found for m in pl.mentions]
    others = [(e.start_char, e.end_char) for e in doc.ents if e.label_ not in _PLACE_LABELS | {"PERSON", "ORG"}]
    person_org = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("PERSON", "ORG")]
    out: dict[str, Place] = {}
    for m in lex.name_seq.finditer(text):
        s, e = m.span()
        tie = lex.tie.match(text, e)
        pl = area.get(tie.end()) if tie else None
        if pl is not None and pl.feature == "country":  # "in Mali's Mopti region": the province is finer
            end = next(m.span[1] for m in pl.mentions if m.span[0] == tie.end())
            poss = _POSSESSIVE.match(text, end)
            finer = area.get(poss.end()) if poss else None
            pl = finer if finer is not None and finer.country == pl.country else pl
        if pl is None or any(a < e and s < b for a, b in taken + others) or key(text[s:e]) in lex.not_places:
            continue
        before = text[max(0, s - 40) : s]
        prefix_cue = bool(lex.prefix.search(before))
        cue = prefix_cue or bool(tie.group("kind") or tie.group("appos"))
        if not (cue or _locative_before(text, s, lex)) or not _looks_like_name(doc, s, e, True):
            continue
        # spaCy reads unknown village names as people: only "the village of X" or "in X, <area>" overrule it
        prep = before.split()[-1].lower() if before.split() else ""
        if prep == "and" and not cue and not any(b == len(before.rstrip()[:-3].rstrip()) + s - len(before)
                                                 for _, b in taken):
            continue  # "Support and Stabilization Mission in Somalia": "and" joins places only after a place
        if any(a < e and s < b for a, b in person_org) and not (cue or (prep in _AT and tie.group(0).startswith(","))):
            continue
        if pl.feature == "city" and not (tie.group("appos") or tie.group("dir") or prefix_cue):
            continue  # "Aleppo in Syria" ties to an area; "X in Aleppo" is more often a building or a quarter
        city = pl.feature == "city"
        place = out.setdefault(
            key(text[s:e]),
            Place(
                name=text[s:e],
                country=pl.country,
                admin1=pl.name if pl.feature == "admin1" else pl.admin1 if city else None,
                lat=pl.lat if city else None,
                lon=pl.lon if city else None,
                feature="city",
                precision=pl.precision,
                confidence=0.3,
            ),
        )
        place.mentions.append(Mention(span=(s, e), text=text[s:e]))
    return list(out.values())


def _siblings(doc: Doc, found: list[Place], lex: _Lex) -> list[Place]:
    """Names the gazetteer lacks, paired by "and" with a town the report placed, after a place preposition:
    "in Buthidaung and X", "into X and Chiúre districts". X is a town of the same country; its point is unknown."""
    text = doc_text(doc)
    taken = [m.span for pl in found for m in pl.mentions]
    others = [(e.start_char, e.end_char) for e in doc.ents if e.label_ not in _PLACE_LABELS | {"PERSON", "ORG"}]
    gaz = gazetteer()
    out: dict[str, Place] = {}
    for pl in found:
        if pl.feature != "city" or not pl.country:
            continue
        for m in pl.mentions:
            a, b = m.span
            after = lex.name_seq.match(text, b + 5) if text[b : b + 5] == " and " else None
            before = [x for x in lex.name_seq.finditer(text, max(0, a - 45), a) if x.end() == a - 5]
            pairs = [(after.span(), a)] if after else []
            pairs += [(x.span(), x.start()) for x in before if text[x.end() : a] == " and "]
            for (s, e), first in pairs:
                k = key(text[s:e])
                if k in gaz.by_key or k in lex.not_places or any(x < e and s < y for x, y in taken + others):
                    continue
                if not _locative_before(text, first, lex) or len(text[s:e].split()) > 3:
                    continue
                place = out.setdefault(
                    k, Place(name=text[s:e], country=pl.country, feature="city", precision="country", confidence=0.3)
                )
                if all(mm.span != (s, e) for mm in place.mentions):
                    place.mentions.append(Mention(span=(s, e), text=text[s:e]))
    return list(out.values())


def _extend(text: str, s: int, e: int, lex: _Lex, gaz) -> int:
    """spaCy often cuts "Deir ez-Zor" to "Deir": take the longest known name running on from its start."""
    m = lex.name_seq.match(text, s)
    if m is None or m.end() <= e:
        return e
    for _, end in _subsequences(text, s, m.end()):
        if end > e and key(text[s:end]) in gaz.by_key and text[s:end].startswith(text[s:e]):
            return end
    return e


def _blocked_spans(doc: Doc, rec: Record) -> list[tuple[int, int]]:
    spans = [m.span for ent in rec.entities for m in ent.mentions]
    text = doc_text(doc)
    for e in doc.ents:
        if e.label_ in ("ORG", "PERSON"):  # spaCy's entities run across paragraph breaks: cut there
            nl = text.find("\n", e.start_char, e.end_char)
            spans.append((e.start_char, nl if nl >= 0 else e.end_char))
    return spans


def _subsequences(text: str, start: int, end: int):
    """Token sub-sequences of a capitalized run, longest first (a run is short: this is O(n) per run)."""
    bounds = [(m.start() + start, m.end() + start) for m in re.finditer(r"[^\s]+", text[start:end])]
    n = len(bounds)
    for size in range(min(n, 5), 0, -1):
        for i in range(n - size + 1):
            yield bounds[i][0], bounds[i + size - 1][1]


def _looks_like_name(doc: Doc, s: int, e: int, locative: bool) -> bool:
    """Not a capitalized ordinary word: a lone word is not sentence-initial, and is a proper noun or follows
    a place cue ("shelled Bakhmut": the small model tags unfamiliar names as anything)."""
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return False
    return len(span) > 1 or (not span[0].is_sent_start and (span[0].pos_ == "PROPN" or locative))


def _locative_before(text: str, s: int, lex: _Lex) -> bool:
    words = text[max(0, s - 30) : s].split()
    return bool(words) and words[-1].lower() in lex.locative | {"of"}


def _read_cues(text: str, c: _Cand, lex: _Lex) -> None:
    """'Idlib province', 'the city of Raqqa', 'northern Syria': hint and precision from the words around."""
    after = lex.suffix.match(text, c.end)
    if after:
        word = after.group(0).split()[-1].lower()
        c.hint = "admin1" if lex.suffix_precision.get(word) == "admin1" else "city"
        c.coarse = word in ("countryside", "outskirts", "suburbs")
    c.natural = bool(lex.natural.match(text, c.end))
    c.small = bool(lex.small.match(text, c.end))
    before = text[max(0, c.start - 40) : c.start]
    c.after_the = before.endswith(("the ", "The "))
    pre = lex.prefix.search(before)
    if pre and c.hint is None:
        word = pre.group(0).split()[0].lower()
        c.hint = "admin1" if word in ("province", "governorate", "region") else None
        c.coarse = c.coarse or word in ("countryside", "outskirts", "suburbs")
    if lex.direction.search(before):
        c.coarse = True


def _context_countries(doc: Doc, rec: Record, groups, lex: _Lex) -> Counter:
    """How strongly the report is about each country: names, demonyms, the title."""
    ctx: Counter = Counter()
    for g in groups:
        countries = {e.country for e, s in g.options if s == 1.0 and e.feature == "country"}
        if len(countries) == 1:
            ctx[countries.pop()] += len(g.cands)
    for w in _WORD.findall(doc_text(doc)):  # words, not tokens: a token walk costs more than this whole scan
        if w in lex.demonyms:
            ctx[lex.demonyms[w]] += 0.5
    title = rec.document.title or ""
    for word, iso in lex.demonyms.items():
        if word in title:
            ctx[iso] += 1
    gaz = gazetteer()
    for m in lex.name_seq.finditer(title):
        for e in gaz.exact(m.group(0)):
            if e.feature == "country":
                ctx[e.country] += 1
    return ctx


def _choose(g: _Group, context: Counter, anchors: list[Entry]) -> None:
    """Best entry for a group by match, context country, closeness, feature and population."""
    total = sum(context.values()) or 1
    top = context.most_common(1)[0][0] if context else None
    hint = next((c.hint for c in g.cands if c.hint), None)
    scored = []
    for e, match in g.options:
        s = 2.0 * match
        if e.country and e.country in context:
            s += 1.0 + 0.5 * (e.country == top) + 0.5 * context[e.country] / total
        s += 0.5 * math.log10(e.population + 1) / 7
        s += {"country": 0.8, "region": 0.4, "admin1": 0.1, "landmark": 0.3}.get(e.feature, 0.0)
        if hint and e.feature == hint:
            s += 1.5
        if e.feature in ("region", "landmark") and any(c.after_the for c in g.cands):
            s += 1.0  # towns rarely take the article: "the Andes" is the range, not the Colombian town
        if e.lat is not None and anchors:
            d = min(_km(e, a) for a in anchors if a is not e) if len(anchors) > 1 or anchors[0] is not e else None
            if d is not None:
                s += 0.8 if d < 150 else 0.4 if d < 400 else 0.0
        scored.append((s, e))
    scored.sort(key=lambda x: -x[0])
    if not scored:
        g.best = None
        return
    g.best, g.score = scored[0][1], scored[0][0]
    g.margin = scored[0][0] - scored[1][0] if len(scored) > 1 else 2.0


def _foreign_namesake(g: _Group, context: Counter) -> bool:
    """"Palma, a town near the gas project" in a report on Mozambique: a town the text introduces as small is
    local to the story, never the Spanish city of that name the gazetteer offers (nor a town elsewhere)."""
    e = g.best
    return e.feature == "city" and context[e.country] < 1 and any(c.small for c in g.cands)


def _local_country(g: _Group, local: list[tuple[int, str]], context: Counter, text: str, lex: _Lex) -> str | None:
    """The country of a place the gazetteer lacks at home: spaCy must read it as a place and the text give a cue
    ("the X valley", "X district", "near X"); it lies in the country of the place named before it, else the
    country the report is about. None when the report names no country to put it in."""
    if not context or context.most_common(1)[0][1] < 1 or not any(c.from_ner and not c.weak for c in g.cands):
        return None
    if any(c.small for c in g.cands):
        return None  # "X, a neighbourhood of Y": tied to the place it lies in (see _unlisted)
    if not any(c.hint or c.natural or text[max(0, c.start - 12):c.start].split()[-1:] in ([w] for w in _AT)
               for c in g.cands):
        return None
    before = [country for start, country in local if start < g.cands[0].start]
    return before[-1] if before else context.most_common(1)[0][0]


def _near_the_story(g: _Group, anchored: list[Entry], text: str, lex: _Lex) -> bool:
    """A town across a border from the story's places ("the road between Téra and Dori"): its own main name, after
    a place preposition, within a short drive of a town the report placed in its own countries."""
    e = g.best
    if e.feature != "city" or e.lat is None or key(e.name) != g.k:
        return False
    return any(_locative_before(text, c.start, lex) for c in g.cands) and any(
        _km(e, a) < _NEAR_KM for a in anchored if a is not e and a.lat is not None)


def _acceptable(g: _Group, context: Counter) -> bool:
    """Spurious matches are cheap to make: demand more evidence from weaker candidates."""
    e = g.best
    match = max(s for x, s in g.options if x is e)
    in_context = e.country in context if e.country else False
    if any(c.dateline for c in g.cands):
        return True  # a dateline names a place by its position; _admissible kept exact readings only
    if e.feature == "admin1":
        # Many provinces share their name with a common word or a company ("Meta", "Plateau"): a province
        # needs its country in the report, a "province"/"state" cue, or spaCy's own place reading.
        hinted = any(c.hint == "admin1" or (c.from_ner and not c.weak) for c in g.cands)
        return match >= 0.9 and (in_context or hinted)
    if e.feature in ("country", "region", "landmark"):
        return match >= 0.9
    if any(c.weak for c in g.cands) and not any(not c.weak for c in g.cands):
        return in_context and len(g.k.split()) > 1  # a one-word "person" needs a place cue (see _candidates)
    if in_context or (not context and e.population >= 100_000):
        return True
    # Outside the report's countries, only a city's own main name counts ("Part" is an alternate name
    # of Perth; a report about Syria that says "Part 2" is not about Australia).
    return key(e.name) == g.k and e.population >= (15_000 if any(c.from_ner for c in g.cands) else 200_000)


def _place(e: Entry, g: _Group) -> Place:
    precision = _PRECISION.get(e.feature, "country")
    confidence = min(0.95, 0.45 + 0.1 * g.margin + 0.1 * len(g.cands))
    name = _name_for(e, g)
    return Place(
        name=name,
        aliases=[e.name] if e.name != name else [],  # the gazetteer's main name for a text spelling
        country=e.country,
        admin1=e.admin1,
        lat=e.lat,
        lon=e.lon,
        feature=e.feature,
        precision=precision,
        geonameid=e.geonameid,
        confidence=round(confidence, 2),
    )


def _name_for(e: Entry, g: _Group) -> str:
    """The gazetteer's spelling the text used when it lists it ('Azaz', not 'I‘zāz'; 'Mopti' for 'the Mopti
    region'), else its main name."""
    if e.feature not in ("city", "admin1"):
        return e.name
    exact = [c.text for c in g.cands if key(c.text) == g.k and (e, 1.0) in g.options and not c.text.isupper()]
    if exact:
        name = Counter(exact).most_common(1)[0][0]
        return re.sub(r"['’]s$", "", name)
    return e.name


def _coarsest(a: str | None, b: str) -> str:
    return max(a or "city", b, key=_COARSER.index)


def _km(a: Entry, b: Entry) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))
