"""People and organisations: who is named in a report, under one canonical name each.

spaCy (with the alias ruler of ``nlp/components.py``) finds the names; this module cleans each
mention to the name's exact words, drops what the small model gets wrong (sentence fragments,
generic words, places, demonyms), and merges the forms one actor goes by in a document:
alias-table names ("Daesh" = "Islamic State"), acronyms defined or matching initials ("Free
Syrian Army (FSA)"), transliteration variants ("al-X" / "al X"), and surnames ("Smith" after
"John Smith").
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from eventledger.extract.gazetteer import looks_like_place
from eventledger.extract.util import load_data, trim
from eventledger.record import Entity, Mention, Record

_PLACE_LABELS = {"GPE", "LOC", "FAC", "NORP"}
_LOCATIVE = {"in", "near", "from", "to", "at", "outside", "into", "around", "across", "of"}
# words inside names that are not capitalised: "Ahmad al Hassani", "Army of Islam"
_CONNECTORS = {"al", "el", "ad", "ar", "as", "ash", "at", "an", "az", "bin", "ibn", "bint", "abu", "umm", "de", "da",
               "del", "van", "von", "der", "la", "le", "of", "the", "for", "and", "in", "on", "wal", "ul", "ud", "&"}
_ARTICLE = re.compile(r"(?:the|The|THE)\s+")  # used with .match: a compiled "^" fails at a pos > 0
_POSSESSIVE = re.compile(r"[’']s?$")
_APOSTROPHES = str.maketrans("", "", "'’‘`ʿʾ")
_NON_WORD = re.compile(r"[\W_]+")
_ACRONYM_DEF = re.compile(r"\s*\(\s*([A-Z][A-Za-z&]{1,9})\s*\)")
_PAREN_ACRONYM = re.compile(r"\(\s*([A-Z][A-Z&][A-Za-z&]{0,8})\s*\)")
_WORD = re.compile(r"(?<![\w'’])[^\W\d_]\w*(?![\w'’])")
_NAME_WORD = re.compile(r"[\w'’&.-]+")
_QUOTES = set("\"“”«»")
_PLACE_PREPS = {"near", "outside", "towards", "toward"}  # never before an organisation
_FINITE = {"VBZ", "VBD", "VBP", "MD"}  # a finite verb: a clause, never a name
# capitalised small words: names write them in lower case ("Observatory for Human Rights"), headlines do not
_HEADLINE_WORDS = {"Of", "As", "In", "To", "For", "And", "On", "With", "From", "By", "Over", "After", "Into", "Is",
                   "Are", "Was", "Were", "Amid", "Says", "Say"}
_PARTITIVE = {"one", "member", "some", "each", "another"}  # "one of the doctors, X"
_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|ash|at|an|az|ud|ul)[-‐]", re.IGNORECASE)


def _unprefixed(word: str) -> str:
    """'al-Hassani' -> 'Hassani': the Arabic article joined to a name."""
    return _PREFIX.sub("", word)


@dataclass(frozen=True)
class _Lexicon:
    canon: dict[str, tuple[str, str]]  # key -> (canonical name, kind)
    known_aliases: dict[str, list[str]]  # canonical name -> aliases
    phrase_kinds: list[tuple[str, str]]  # multi-word kind cues
    word_kinds: dict[str, str]
    generic: frozenset[str]
    titles: frozenset[str]
    demonyms: frozenset[str]
    reporting_verbs: frozenset[str]
    person_nouns: frozenset[str]
    place_noun_after: re.Pattern[str]  # "X district": a place's name
    place_noun_before: re.Pattern[str]  # "the town of X"


@lru_cache(maxsize=1)
def _lex() -> _Lexicon:
    aliases = load_data("aliases.json")
    kinds = load_data("org_kinds.json")
    canon: dict[str, tuple[str, str]] = {}
    known: dict[str, list[str]] = {}
    for ent in aliases["entities"]:
        known[ent["name"]] = list(ent["aliases"])
        for form in (ent["name"], *ent["aliases"]):
            canon.setdefault(key(form), (ent["name"], ent["kind"]))
    phrase_kinds, word_kinds = [], {}
    for kind, words in kinds["kind_words"].items():
        for w in words:
            if " " in w:
                phrase_kinds.append((w, kind))
            else:
                word_kinds.setdefault(w, kind)
    demonyms = {d.lower() for d in load_data("place_names.json")["demonyms"]}
    places = "|".join(map(re.escape, kinds["place_nouns"]))
    return _Lexicon(canon, known, phrase_kinds, word_kinds, frozenset(kinds["generic_words"]),
                    frozenset(kinds["titles"]), frozenset(demonyms), frozenset(kinds["reporting_verbs"]),
                    frozenset(kinds["person_nouns"]), re.compile(rf"[ \t]+(?:{places})\b", re.IGNORECASE),
                    re.compile(rf"\b(?:{places})\s+of\s+(?:the\s+)?$", re.IGNORECASE))


def key(name: str) -> str:
    """Comparison key: case, apostrophes, hyphens, a leading 'the' and a trailing 'group' do not matter."""
    s = name.strip()
    s = s[m.end():] if (m := _ARTICLE.match(s)) else s
    s = s.lower().translate(_APOSTROPHES)
    words = _NON_WORD.sub(" ", s).split()
    if len(words) > 1 and words[-1] in ("group", "organisation", "organization"):
        words = words[:-1]
    return " ".join(words)


@dataclass
class _Cand:
    start: int
    end: int
    text: str
    type: str  # PERSON or ORG
    canon: str | None = None  # alias-table name
    kind: str | None = None
    source: str = "ner"  # alias, shape, ner, initials, repeat
    typed: bool = False  # the type is settled by the text itself ("X, a nurse"), not by the model
    span: Span | None = None


@dataclass
class _Group:
    type: str
    cands: list[_Cand] = field(default_factory=list)
    canon: str | None = None
    kind: str | None = None


def extract(doc: Doc, rec: Record) -> list[Entity]:
    lex = _lex()
    text = rec.document.text  # the doc's own text (extract.run checks): doc.text rebuilds it token by token
    votes = _label_votes(doc)
    lower_words = {w for w in set(_WORD.findall(text)) if w.islower()}
    cands = [c for ent in doc.ents if ent.label_ in ("PERSON", "ORG") for c in _clean(doc, text, ent, lex)]
    cands = [c for c in cands if c.source != "ner" or _plausible(doc, text, c, votes, lower_words, lex)]
    cands = _with_defined_acronyms(text, cands, lex)
    _settle_types(cands, votes)
    groups = _group(text, cands)
    groups = _add_unlabelled_mentions(text, groups)
    return [_entity(i, g, doc, lex) for i, g in enumerate(groups)]


def _label_votes(doc: Doc) -> dict[str, Counter]:
    votes: dict[str, Counter] = {}
    for ent in doc.ents:
        votes.setdefault(key(ent.text), Counter())[ent.label_] += 1
    return votes


def _clean(doc: Doc, text: str, ent: Span, lex: _Lexicon) -> list[_Cand]:
    """The entity's own words: cut at line breaks (the model runs names across captions), trimmed of
    punctuation, a leading 'the', a possessive and, for people, titles ('President', 'Dr').
    ``text`` is the document's text, passed in because spaCy's ``doc.text`` rebuilds it on every access."""
    out: list[_Cand] = []
    pos = ent.start_char
    for line in text[ent.start_char:ent.end_char].split("\n"):
        s, e = trim(text, pos, pos + len(line))
        pos += len(line) + 1
        m = _ARTICLE.match(text, s, e)
        if m:
            s = m.end()
        while e > s and (p := _POSSESSIVE.search(text, s, e)) and p.start() > s:
            e = p.start()
        s, e = trim(text, s, e)
        if ent.label_ == "PERSON":
            while (m := re.match(r"\S+\s+", text[s:e])) and m.group().strip().lower() in lex.titles:
                s += m.end()
        if e <= s:
            continue
        source = "alias" if ent.ent_id_ and not ent.ent_id_.startswith("shape:") else "ner"
        if ent.ent_id_.startswith("shape:"):
            source = "shape"
        elif ent.label_ == "PERSON" and ent.end - ent.start == 1 and ent.text.isupper():
            source = "initials"
        c = _Cand(s, e, text[s:e], ent.label_, source=source, span=doc.char_span(s, e, alignment_mode="expand"))
        known = lex.canon.get(key(c.text))
        if known:
            c.canon, c.kind, c.type, c.source = known[0], known[1], "ORG", "alias"
        elif source == "shape":
            c.kind = {"org": None}.get(k := ent.ent_id_.split(":", 1)[1], k)  # "org": the head word tells
        out.append(c)
    return out


def _plausible(doc: Doc, text: str, c: _Cand, votes: dict[str, Counter], lower_words: set[str], lex: _Lexicon) -> bool:
    """Whether a name the statistical model found is a name at all, and a person's or organisation's."""
    t = c.text
    words = t.split()
    k = key(t)
    if not k or not any(ch.isalpha() for ch in t) or any(ch in _QUOTES for ch in t):
        return False
    first = next((w for w in map(_unprefixed, words) if w.lower() not in _CONNECTORS), "")
    if not first[:1].isupper() or not (t[:1].isupper() or _unprefixed(t) != t):
        return False
    if k in lex.generic or k in lex.titles or k in lex.demonyms:
        return False
    content = [w for w in words if w.lower() not in _CONNECTORS]
    if sum(w[:1].islower() for w in content) * 2 > len(content):
        return False  # a sentence fragment: "Daesh made us do"
    span = c.span
    if len(content) >= 3 and (any(w in _HEADLINE_WORDS for w in words[1:])
                              or span is not None and any(t.tag_ in _FINITE for t in span)):
        return False  # a title-case headline: "Aid Agencies Warn As Siege Tightens"
    if len(words) == 1:
        if t in lower_words or t.lower() in lower_words:
            return False  # an ordinary word, capitalised here: "Defectors", "Photo"
        if span is not None and len(span) == 1 and span[0].tag_ == "NNPS" and c.type == "ORG":
            return False  # a people, not an organisation: "Uzbeks"
    if lex.place_noun_after.match(text, c.end) or lex.place_noun_before.search(text, max(0, c.start - 30), c.start):
        return False  # a place's name: "the X district", "the town of X"
    v = votes.get(k, Counter())
    place_votes = sum(v[lab] for lab in _PLACE_LABELS)
    if place_votes > v["PERSON"] + v["ORG"]:
        return False
    if looks_like_place(t):
        before = text[max(0, c.start - 12):c.start].split()
        if len(words) > 1 or place_votes or (before and before[-1].lower() in _LOCATIVE):
            return False
        if len(words) == 1 and not (span is not None and _acts_as_person(span.root, lex)):
            return False  # a lone word that is a place's name and does nothing a person does
    if len(words) == 1 and span is not None and _among_places(span.root, c.type):
        return False
    if span is not None and (kind := _org_noun_beside(span, lex)):
        c.type, c.typed, c.kind = "ORG", True, c.kind or kind  # "a Kharkiv-based charity, Svitlo"
    elif c.type == "ORG" and span is not None and _appos_person(span.root, lex):
        c.type, c.typed = "PERSON", True  # "Olga, a 45-year-old nurse"
    return True


def _among_places(root: Token, label: str) -> bool:
    """A lone word set where places go: joined by 'and'/'or' to a place ('between Sinjar and X') or, for
    what the model calls an organisation, after 'near', 'outside'. Such a word is a village the gazetteer
    lacks. (People do stand after 'between': 'talks between Assad and ...'.)"""
    if label == "ORG" and root.dep_ == "pobj" and root.head.lower_ in _PLACE_PREPS:
        return True
    if root.dep_ == "conj" or any(ch.dep_ == "conj" for ch in root.children):
        other = [root.head] if root.dep_ == "conj" else [ch for ch in root.children if ch.dep_ == "conj"]
        for o in other:
            named = [o] + [ch for ch in o.children if ch.dep_ == "compound"]  # "Sinjar town and X"
            if any(t.ent_type_ in _PLACE_LABELS or looks_like_place(t.text) for t in named):
                return True
            if o.dep_ == "pobj" and o.head.lower_ in _PLACE_PREPS:
                return True
    return False


def _org_noun_beside(span: Span, lex: _Lexicon) -> str | None:
    """The kind an organisation noun right beside the name gives it: 'a local charity, X' or 'X, a local
    charity'. Checked on the words, not the parse, which often hangs the name on a farther noun."""
    doc = span.doc
    nouns = [ch for ch in span.root.children if ch.dep_ == "appos"]
    closed = span.end == len(doc) or doc[span.end].text in (",", ".", ";", ")")  # ", X said": no apposition
    if span.start >= 2 and doc[span.start - 1].text == "," and closed:
        nouns.append(doc[span.start - 2])
    for t in nouns:
        if t.pos_ == "NOUN" and (kind := lex.word_kinds.get(t.lemma_.lower())):
            return kind
    return None


def _appos_person(root: Token, lex: _Lexicon) -> bool:
    """Set beside a noun for a person, either way round: 'Olga, a nurse', 'a nurse, Olga', and through
    'one of' / 'a member of': 'one of the organisers, Olga'."""
    beside = [ch for ch in root.children if ch.dep_ == "appos"] + ([root.head] if root.dep_ == "appos" else [])
    for noun in beside:
        if noun.lemma_.lower() in lex.person_nouns:
            return True
        if noun.lemma_.lower() in _PARTITIVE:
            if any(p.pos_ == "ADP" and any(o.lemma_.lower() in lex.person_nouns for o in p.children)
                   for p in noun.children):
                return True
    return False


def _acts_as_person(root: Token, lex: _Lexicon) -> bool:
    """Says, recalls, flees ... or is described as a nurse, a fighter: what a person's name does."""
    subject = root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in lex.reporting_verbs
    return subject or _appos_person(root, lex)


def _with_defined_acronyms(text: str, cands: list[_Cand], lex: _Lexicon) -> list[_Cand]:
    """'the Coalition for Safe Roads (CSR)': the words before an acronym in brackets whose initials
    spell it are an organisation's name, even where the model missed or cut it."""
    for m in _PAREN_ACRONYM.finditer(text):
        acr = m.group(1).upper()
        before = list(_NAME_WORD.finditer(text, max(0, m.start() - 160), m.start()))
        if not before or text[before[-1].end():m.start()].strip():
            continue
        start = None
        for i in range(len(before) - 1, -1, -1):
            w = before[i].group()
            if not (w[:1].isupper() or w.lower() in _CONNECTORS):
                break
            phrase = text[before[i].start():before[-1].end()]
            if w[:1].isupper() and w.lower() not in ("the", "a", "an") and acr in _initials(phrase):
                start = before[i].start()
        if start is None:
            continue
        s, e = start, before[-1].end()
        a_s, a_e = m.span(1)
        known = [c for c in cands if c.source == "alias" and c.start < e and s < c.end]
        whole = next((c for c in known if c.start <= s and e <= c.end), None)
        if whole is not None:  # a known name, and here its acronym: "People's Defence Force (PDF)"
            acronym = _Cand(a_s, a_e, text[a_s:a_e], "ORG", whole.canon, whole.kind, "defined")
        elif any(not (s <= c.start and c.end <= e) for c in known):
            continue  # the bracket follows words that run into a known name: not this name's acronym
        else:  # a longer name around a known one: "United Nations Support Mission in Libya (UNSMIL)"
            cands = [c for c in cands if not (c.start < e and s < c.end)]
            cands.append(_Cand(s, e, text[s:e], "ORG", source="defined"))
            acronym = _Cand(a_s, a_e, text[a_s:a_e], "ORG", source="defined")
        cands = [c for c in cands if not (c.start < a_e and a_s < c.end)]
        cands.append(acronym)
    return _bracketed_acronyms(text, cands, lex)


def _bracketed_acronyms(text: str, cands: list[_Cand], lex: _Lexicon) -> list[_Cand]:
    """'Sinjar Resistance Units (YBS)': capitals in brackets right after an organisation's name are its
    acronym even when they spell another language's words, unless they are another known name's."""
    taken = {(c.start, c.end) for c in cands}
    for c in [c for c in cands if c.type == "ORG"]:
        m = _PAREN_ACRONYM.match(text, c.end + 1) if text[c.end:c.end + 1] == " " else None
        if m is None or (m.start(1), m.end(1)) in taken or not m.group(1).isupper():
            continue
        known = lex.canon.get(key(m.group(1)))
        if known and known[0] != c.canon:
            continue
        cands.append(_Cand(m.start(1), m.end(1), m.group(1), "ORG", c.canon, c.kind, "defined"))
    return cands


def _settle_types(cands: list[_Cand], votes: dict[str, Counter]) -> None:
    """One type per name: the alias table, a name shape or the text decides, else the model's majority."""
    fixed = {key(c.text): c.type for c in cands if c.typed}
    fixed.update({key(c.text): "ORG" for c in cands if c.source in ("alias", "shape", "defined")})
    for c in cands:
        k = key(c.text)
        if k in fixed:
            c.type = fixed[k]
        elif c.source != "initials":
            v = votes.get(k, Counter())
            c.type = "PERSON" if v["PERSON"] > v["ORG"] else "ORG" if v["ORG"] > v["PERSON"] else c.type


def _group(text: str, cands: list[_Cand]) -> list[_Group]:
    """Merge candidates that name the same actor; groups in order of first mention."""
    cands.sort(key=lambda c: c.start)
    by_key: dict[tuple[str, str], _Group] = {}
    groups: list[_Group] = []

    def group_for(c: _Cand, k: str) -> _Group:
        g = by_key.get((c.type, k))
        if g is None:
            g = by_key[(c.type, k)] = _Group(c.type, canon=c.canon, kind=c.kind)
            groups.append(g)
        return g

    for c in cands:
        group_for(c, c.canon or key(c.text)).cands.append(c)
        if c.type == "ORG" and (m := _ACRONYM_DEF.match(text, c.end)):
            by_key.setdefault(("ORG", key(m.group(1))), by_key[("ORG", c.canon or key(c.text))])
    # acronyms matching a full name's initials, within the document
    initials: dict[str, _Group] = {}
    for g in groups:
        if g.type == "ORG":
            for c in g.cands:
                for ini in _initials(c.text):
                    initials.setdefault(ini, g)
    merged: dict[int, _Group] = {}
    for g in groups:
        target = None
        if g.type == "ORG" and g.canon is None and all(c.text.isupper() for c in g.cands):
            target = initials.get(g.cands[0].text)
        elif g.type == "PERSON":
            target = _full_name(g, groups)
        if target is not None and target is not g:
            merged[id(g)] = target
    for g in groups:
        target = merged.get(id(g))
        while target is not None and id(target) in merged:
            target = merged[id(target)]
        if target is not None:
            target.cands.extend(g.cands)
            target.canon = target.canon or g.canon
            target.kind = target.kind or g.kind
    return [g for g in groups if id(g) not in merged]


def _initials(name: str) -> set[str]:
    """'Syrian Observatory for Human Rights' -> SOHR (and SOfHR-style forms never occur)."""
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    if len(words) < 2:
        return set()
    content = [w for w in words if w.lower() not in _CONNECTORS]
    return {"".join(w[0] for w in content).upper(), "".join(w[0] for w in words).upper()} - {""}


def _full_name(g: _Group, groups: list[_Group]) -> _Group | None:
    """A short person mention ('Smith', 'al-Hassani') belongs to the nearest earlier full name ending so."""
    short = key(g.cands[0].text).split()
    if not short:
        return None
    first = g.cands[0].start
    best: _Group | None = None
    for other in groups:
        if other is g or other.type != "PERSON":
            continue
        for c in other.cands:
            words = key(c.text).split()
            tail = [w for w in short if w not in _CONNECTORS] or short
            if len(words) > len(short) and (words[-len(short):] == short or words[-len(tail):] == tail):
                if best is None or (c.start < first and best.cands[0].start < c.start):
                    best = other
                break
    return best


def _add_unlabelled_mentions(text: str, groups: list[_Group]) -> list[_Group]:
    """Every occurrence of a name already found counts as a mention, even where the model tagged it
    as something else (a person's name read as a place in one sentence)."""
    taken = sorted((c.start, c.end) for g in groups for c in g.cands)
    forms: dict[str, _Group] = {}
    for g in groups:
        for c in g.cands:
            if c.source != "alias" or len(c.text) > 3:
                if len(c.text) >= 3 or c.source in ("initials", "defined"):
                    forms.setdefault(c.text, g)
    for g in groups:  # a person's surname alone: "Smith" after "John Smith"
        for c in g.cands if g.type == "PERSON" else ():
            words = c.text.split()
            surname = _unprefixed(words[-1])
            if len(words) > 1 and len(surname) >= 4 and surname[:1].isupper() and surname.isalpha():
                forms.setdefault(surname, g)
                forms.setdefault(words[-1], g)
    if not forms:
        return groups
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
                         + r")(?!\w)")
    for m in pattern.finditer(text):
        s, e = m.span()
        i = bisect.bisect_right(taken, (s, len(text) + 1))
        if (i and taken[i - 1][1] > s) or (i < len(taken) and taken[i][0] < e):
            continue
        g = forms[m.group()]
        g.cands.append(_Cand(s, e, m.group(), g.type, g.canon, g.kind, "repeat"))
    return groups


def _entity(i: int, g: _Group, doc: Doc, lex: _Lexicon) -> Entity:
    g.cands.sort(key=lambda c: c.start)
    seen = list(dict.fromkeys(c.text for c in g.cands))
    name = g.canon or max(seen, key=lambda f: (len(f.split()), len(f)))
    aliases = [f for f in seen if f != name] + [a for a in lex.known_aliases.get(name, []) if a not in seen]
    kind = None if g.type == "PERSON" else g.kind or _kind_of(name, lex)
    sources = {c.source for c in g.cands}
    if "alias" in sources:
        conf = 0.95
    elif sources & {"shape", "defined"}:
        conf = 0.8
    else:
        conf = min(0.85, 0.6 + 0.05 * (len(g.cands) - 1) + (0.1 if "initials" in sources else 0.0))
    return Entity(
        name=name,
        type=g.type,  # type: ignore[arg-type]
        kind=kind,
        aliases=list(dict.fromkeys(aliases)),
        mentions=[Mention(span=(c.start, c.end), text=c.text) for c in g.cands],
        nationality=_nationality(doc, g, lex) if g.type == "PERSON" else None,
        id=f"E{i + 1}",
        confidence=round(conf, 2),
    )


def _kind_of(name: str, lex: _Lexicon) -> str:
    """An unknown organisation's kind from its head word ('... Brigade', '... News Agency')."""
    low = " ".join(_NON_WORD.sub(" ", name.lower()).split())
    for phrase, kind in lex.phrase_kinds:
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            return kind
    for w in reversed(low.split()):
        if w in lex.word_kinds:
            return lex.word_kinds[w]
    return "other"


def _nationality(doc: Doc, g: _Group, lex: _Lexicon) -> str | None:
    """A nationality the text gives the person: 'a Dutch citizen, X', 'X, a Dutch national',
    'Dutch fighter X' (a demonym before a person noun right next to the name)."""
    for c in g.cands:
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        near = list(doc[max(span.sent.start, span.start - 5):span.start])
        for ap in [ch for ch in root.children if ch.dep_ == "appos"] + ([root.head] if root.dep_ == "appos" else []):
            near.extend(ap.subtree)
        for t in near:
            if _is_demonym(t, lex) and t.i + 1 < len(doc) and doc[t.i + 1].lemma_.lower() in lex.person_nouns:
                return t.text
    return None


def _is_demonym(t: Token, lex: _Lexicon) -> bool:
    return t.ent_type_ == "NORP" and t.text[:1].isupper() or t.text.lower() in lex.demonyms
