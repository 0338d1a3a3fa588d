"""People and organisations: who is named in a report, under one canonical name each.

spaCy (with the alias ruler of ``nlp/components.py``) finds the names; this module cleans each
mention to the name's exact words, drops what the small model gets wrong (sentence fragments,
generic words, places, demonyms), and merges the forms one actor goes by in a document:
alias-table names ("Daesh" = "Islamic State"), acronyms defined or matching initials ("Free
Syrian Army (FSA)", with or without accents: "YBŞ" / "YBS"), a name given in another language in
brackets or apposition, transliteration variants ("al-X" / "al X"), and surnames ("Smith" after
"John Smith", whatever the model calls it). The words around a name settle its type where the model
cannot: an outlet is the one told or interviewed, a one-word armed group the one that fights or
controls, a people ("Yazidi") is no actor's name.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from eventledger.extract.gazetteer import looks_like_place
from eventledger.extract.util import load_data, trim
from eventledger.record import Entity, Mention, Record

_PLACE_LABELS = {"GPE", "LOC", "FAC", "NORP"}
# prepositions before which a name is a place, never an actor (narrower than _LOCATIVE: "from X", "to X", "at X"
# also take organisations)
_PLACE_PREPOSITIONS = {"in", "near", "outside", "around", "inside", "across"}
_LOCATIVE = {"in", "near", "from", "to", "at", "outside", "into", "around", "across", "of"}
# words inside names that are not capitalised: "Ahmad al Hassani", "Army of Islam"
_CONNECTORS = {"al", "el", "ad", "ar", "as", "ash", "at", "an", "az", "bin", "ibn", "bint", "abu", "umm", "de", "da",
               "del", "van", "von", "der", "la", "le", "of", "the", "for", "and", "in", "on", "wal", "ul", "ud", "&"}
_ARTICLE = re.compile(r"the\s+", re.IGNORECASE)  # used with .match: a compiled "^" fails at a pos > 0
_POSSESSIVE = re.compile(r"[’']s?$")
_APOSTROPHES = str.maketrans("", "", "'’‘`ʿʾ")
_NON_WORD = re.compile(r"[\W_]+")
_ACRONYM_DEF = re.compile(r"\s*\(\s*([^\W\d_][\w&-]{1,11})\s*\)")
_OR_ACRONYM = re.compile(r",[ \t]+or[ \t]+([^\W\d_][\w&-]{1,11})(?=[,.;:)]|\s)")  # "US Africa Command, or AFRICOM,"
_PAREN_ACRONYM = re.compile(r"\(\s*([^\W\d_][\w&-]{1,11})\s*\)")  # checked by _acronym_like: re has no \p{Lu}
# accented Latin letters to their base letter, one character for one so that spans stay put ('YBŞ' ~ 'YBS')
_FOLD = str.maketrans({c: unicodedata.normalize("NFKD", c)[0] for c in map(chr, range(0xC0, 0x250))
                       if unicodedata.normalize("NFKD", c)[0] != c} | {"ı": "i"})
_WORD = re.compile(r"(?<![\w'’])[^\W\d_]\w*(?![\w'’])")
_NAME_WORD = re.compile(r"[\w'’&.-]+")
_QUOTES = set("\"“”«»")
_PLACE_PREPS = {"near", "outside", "towards", "toward"}  # never before an organisation
_FINITE = {"VBZ", "VBD", "VBP", "MD"}  # a finite verb: a clause, never a name
# capitalised small words: names write them in lower case ("Observatory for Human Rights"), headlines do not
_HEADLINE_WORDS = {"Of", "As", "In", "To", "For", "And", "On", "With", "From", "By", "Over", "After", "Into", "Is",
                   "Are", "Was", "Were", "Amid", "Says", "Say"}
_PARTITIVE = {"one", "member", "some", "each", "another"}  # "one of the doctors, X"
_OF_TAIL = re.compile(r"[ \t]+(?:of|for)[ \t]+")
_TAIL_WORD = re.compile(r"[\w'’&-]+")
_TAIL_JOINERS = {"of", "for", "the", "and", "al", "el", "de", "del", "la", "le", "des", "du", "di", "y"}
_BRACKET = re.compile(r"[ \t]*\(([^()\n]{2,80})\)")
_APPOS_THE = re.compile(r",[ \t]+the[ \t]+([^,.;()\n]{3,60}),")
_NOT_NAMES = {"NORP", "LANGUAGE", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}
_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|ash|at|an|az|ud|ul)[-‐]", re.IGNORECASE)


def _acronym_like(s: str) -> bool:
    """Capitals, possibly with a hyphen or accents: 'SDF', 'YBŞ', 'FARC-EP', 'MONUSCO' (and 'FSyA'-style mixes)."""
    letters = [c for c in s if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return s[:1].isupper() and len(letters) >= 2 and upper >= 2 and upper * 2 >= len(letters) and s[-1:] != "-"


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
    natural_features: frozenset[str]  # "Marsh", "Valley": the last word of a natural feature's name
    peoples: frozenset[str]
    name_of_heads: frozenset[str]  # "Council": "of X" after it continues the name
    armed_nouns: frozenset[str]
    armed_verbs: frozenset[str]
    addressee_nouns: frozenset[str]
    media_words: frozenset[str]
    org_first_words: frozenset[str]  # "Hurras al-Din", "Jaysh al-Islam": an organisation, whatever the model says


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
    demonyms = {f for d in load_data("place_names.json")["demonyms"] for f in (d.lower(), key(d))}  # "burkinabe"
    places = "|".join(map(re.escape, kinds["place_nouns"]))
    return _Lexicon(canon, known, phrase_kinds, word_kinds, frozenset(kinds["generic_words"]),
                    frozenset(kinds["titles"]), frozenset(demonyms), frozenset(kinds["reporting_verbs"]),
                    frozenset(kinds["person_nouns"]), re.compile(rf"[ \t]+(?:{places})\b", re.IGNORECASE),
                    re.compile(rf"\b(?:{places})\s+of\s+(?:the\s+)?$", re.IGNORECASE),
                    frozenset(w.lower() for w in load_data("place_names.json")["natural_suffixes"]),
                    frozenset(kinds["peoples"]), frozenset(kinds["name_of_heads"]), frozenset(kinds["armed_nouns"]),
                    frozenset(kinds["armed_verbs"]), frozenset(kinds["addressee_nouns"]),
                    frozenset(w for w in kinds["kind_words"]["media"] if " " not in w),
                    frozenset(key(w) for w in kinds["org_first_words"]))


@lru_cache(maxsize=16384)  # called for every name form many times over, on a few hundred distinct strings
def key(name: str) -> str:
    """Comparison key: case, apostrophes, hyphens, a leading 'the' and a trailing 'group' do not matter."""
    s = name.strip()
    while m := _ARTICLE.match(s):  # "the THE X" in a title-case headline: every leading article
        s = s[m.end():]
    s = s.lower().translate(_APOSTROPHES).translate(_FOLD)
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
    source: str = "ner"  # alias, shape, ner, initials, repeat, appos
    typed: bool = False  # the type is settled by the text itself ("X, a nurse"), not by the model
    span: Span | None = None
    outlet: bool = False  # named where an outlet goes: "told X", "a report by X"
    same: _Cand | None = None  # another name of the same actor: "X (Y)", "Y, the x,"


@dataclass
class _Group:
    type: str
    cands: list[_Cand] = field(default_factory=list)
    canon: str | None = None
    kind: str | None = None


def extract(doc: Doc, rec: Record) -> list[Entity]:
    lex = _lex()
    text = rec.document.text  # the doc's own text (extract.run checks): doc.text rebuilds it token by token
    votes = _label_votes(doc, lex)
    lower_words = {w for w in set(_WORD.findall(text)) if w.islower()}
    cands = [c for ent in doc.ents if (label := _name_label(ent, lex)) for c in _clean(doc, text, ent, lex, label)]
    cands = [c for c in cands if c.source != "ner" or _plausible(doc, text, c, votes, lower_words, lex)]
    cands = [c for c in cands if c.source != "ner" or not (_named_as_place(text, c.text, lex)
                                                             or _only_where_places_go(text, c))]
    cands = _appositive_people(doc, text, cands, lex)
    cands = _extend_of_names(doc, text, cands, lex)
    cands = _with_defined_acronyms(text, cands, lex)
    cands = _with_other_names(doc, text, cands, lex)
    cands = _armed_names(doc, cands, lower_words, lex)
    _settle_types(cands, votes, lex.org_first_words)
    groups = _group(text, cands)
    groups = _add_unlabelled_mentions(text, groups)
    return [_entity(i, g, doc, lex) for i, g in enumerate(groups)]


def _label_votes(doc: Doc, lex: _Lexicon) -> dict[str, Counter]:
    votes: dict[str, Counter] = {}
    for ent in doc.ents:
        votes.setdefault(key(ent.text), Counter())[_name_label(ent, lex) or ent.label_] += 1
    return votes


def _name_label(ent: Span, lex: _Lexicon) -> str | None:
    """PERSON or ORG, or None for no actor's name. The small model calls "the Centre for Rural Studies" a
    facility and "Office of X" a place: an organisation's head word before "of"/"for" opens an organisation."""
    if ent.label_ in ("PERSON", "ORG"):
        return ent.label_
    words = [t.lower_ for t in ent if t.lower_ != "the"]
    if ent.label_ in ("FAC", "GPE", "LOC") and len(words) > 2 and words[0] in lex.name_of_heads and words[1] in (
            "of", "for"):
        return "ORG"
    return None


def _clean(doc: Doc, text: str, ent: Span, lex: _Lexicon, label: str) -> list[_Cand]:
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
        titled = False
        if label == "PERSON":
            while (m := re.match(r"\S+\s+", text[s:e])) and m.group().strip().lower() in lex.titles:
                s += m.end()
                titled = True
        if e <= s:
            continue
        source = "alias" if ent.ent_id_ and not ent.ent_id_.startswith("shape:") else "ner"
        if ent.ent_id_.startswith("shape:"):
            source = "shape"
            if any(w in _HEADLINE_WORDS for w in text[s:e].split()[1:]):
                continue  # a title-case headline's words: "Rebels Seize Town As Army Retreats"
        elif label == "PERSON" and ent.end - ent.start == 1 and ent.text.isupper():
            source = "initials"
        c = _Cand(s, e, text[s:e], label, source=source, typed=titled,
                  span=doc.char_span(s, e, alignment_mode="expand"))
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
    if k in lex.generic or k in lex.titles or k in lex.demonyms or k in lex.peoples:
        return False  # a people is NORP however the model tags it: "Yazidi", "Rohingya"
    if all(w.lower() in lex.titles for w in words) or words[-1].lower() in lex.natural_features:
        return False  # a rank before a name ("Brigadier General"), a natural feature ("the Liguasan Marsh")
    content = [w for w in words if w.lower() not in _CONNECTORS]
    if sum(w[:1].islower() for w in content) * 2 > len(content):
        return False  # a sentence fragment: "Daesh made us do"
    span = c.span
    said = text[max(0, c.start - 12):c.start].split()[-1:] in (["said"], ["says"])  # "said Naw Lah Say Paw"
    if len(content) >= 3 and not said and (any(w in _HEADLINE_WORDS for w in words[1:])
                                           or span is not None and any(t.tag_ in _FINITE for t in span)):
        return False  # a title-case headline: "Aid Agencies Warn As Siege Tightens"
    if len(words) == 1:
        if t in lower_words or t.lower() in lower_words:
            return False  # an ordinary word, capitalised here: "Defectors", "Photo"
        if span is not None and len(span) == 1 and span[0].tag_ == "NNPS" and c.type == "ORG":
            return False  # a people, not an organisation: "Uzbeks"
        if span is not None and len(span) == 1 and _plural_noun_opening(span[0], lex):
            return False  # "Paramedics said ...": a common noun, capitalised as a sentence's first word
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
        if len(words) == 1 and not (span is not None and c.type == "PERSON" and _acts_as_person(span.root, lex)):
            # a lone word that is a place's name and does nothing a person does; a city that "denied" or "said"
            # is its government by metonymy ("Yaoundé denied it"), which a report names elsewhere
            return False
    if len(words) == 1 and (span is not None and _among_places(span.root, c.type)
                            or _paired_with_place(text, c.start, c.end)):
        return False
    if span is not None and (kind := _org_noun_beside(span, lex)):
        c.type, c.typed, c.kind = "ORG", True, c.kind or kind  # "a Kharkiv-based charity, Svitlo"
    elif span is not None and _appos_person(span.root, lex):
        c.type, c.typed = "PERSON", True  # "Olga, a 45-year-old nurse"
    elif span is not None:
        media_word = c.type == "PERSON" and any(w.lower() in lex.media_words for w in words)  # "Radio X"
        c.outlet = media_word or any(_addressed(t, lex) for t in span)  # any word: the parse may hang the name oddly
    return True


def _named_as_place(text: str, name: str, lex: _Lexicon) -> bool:
    """'the town of Sarmada' (or 'in Sarmada and Aleppo') in one sentence makes 'an activist in Sarmada' a place
    too: the model tags an unfamiliar village as a person or organisation wherever no place word stands beside it."""
    for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
        if lex.place_noun_after.match(text, m.end()) or lex.place_noun_before.search(text, max(0, m.start() - 30),
                                                                                       m.start()):
            return True
        if " " not in name and _paired_with_place(text, m.start(), m.end()):
            return True
    return False


def _only_where_places_go(text: str, c: _Cand) -> bool:
    """An organisation's name the text only ever uses after "in", "near", "outside" ("signed in Pieri", "officials
    in Pibor", "fighting in Maguindanao"): a place the gazetteer lacks, which the model tags an organisation.
    A real organisation also acts, speaks or owns ("Pibor said", "Pibor's fighters") somewhere in a report."""
    if c.type != "ORG" or _acronym_like(c.text) or c.kind:
        return False
    seen = False
    for m in re.finditer(rf"(?<![\w-]){re.escape(c.text)}(?![\w-])", text):
        before = text[max(0, m.start() - 40):m.start()].split()
        if text[m.end():m.end() + 1] in ("'", "’"):
            return False
        if before and before[-1][:1].isupper() and before[-1] not in ("In", "Near", "Outside"):
            continue  # inside a longer name ("the Greater X Area"): says nothing either way
        if not (before and (before[-1].lower() in _PLACE_PREPOSITIONS
                            or before[-1] == "and" and "between" in (w.lower() for w in before[-3:-1]))):
            return False
        seen = True
    return seen


_AND_BEFORE = re.compile(r"(\w+)[ \t]+(\w+)[ \t]+and[ \t]+$")
_AND_AFTER = re.compile(r"[ \t]+and[ \t]+(\w+)")


def _paired_with_place(text: str, start: int, end: int) -> bool:
    """'residents of Buthidaung and X', 'in X and Sittwe': a lone word joined by 'and' to a place after a
    place preposition is a village the gazetteer lacks (the parse often misses the coordination)."""
    if (m := _AND_BEFORE.search(text, max(0, start - 60), start)) and m.end() == start:
        return m.group(1).lower() in _LOCATIVE and looks_like_place(m.group(2))
    before = text[max(0, start - 12):start].split()
    m = _AND_AFTER.match(text, end)
    return bool(m and before and before[-1].lower() in _LOCATIVE and looks_like_place(m.group(1)))


def _plural_noun_opening(t: Token, lex: _Lexicon) -> bool:
    """A plural common noun opening a sentence ('Residents', 'Witnesses'): the model reads the capital as a name's."""
    if not (t.is_sent_start or t.i > 0 and t.nbor(-1).text in _QUOTES) or not t.text.endswith("s"):
        return False
    return t.tag_ == "NNS" or t.lemma_.lower() in lex.person_nouns


def _addressed(root: Token, lex: _Lexicon) -> bool:
    """Named where reports name an outlet, not a person: the one told or spoken to ('told X', 'spoke to X',
    'in an interview with X'), a report's author ('a report by X') or the subject of 'reported'. An order
    ('told X to leave') is given to a person."""
    head = root.head
    if root.dep_ in ("dative", "dobj") and head.lemma_ == "tell":
        return not any(ch.dep_ == "xcomp" for ch in head.children)
    if root.dep_ == "pobj":
        verb = head.head
        return (head.lower_ == "to" and verb.lemma_ in ("speak", "talk") or head.lower_ == "with" and verb.lemma_
                == "interview" or head.lower_ == "by" and verb.lower_ in lex.addressee_nouns)
    return root.dep_ == "nsubj" and head.lemma_ == "report"


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


_APPOS_NAME = re.compile(r"(?<![\w'’-])([A-Z][a-z'’-]+(?:[ \t][A-Z][a-z'’-]+){1,3}),[ \t]+(?:a|an|the)[ \t]+"
                         r"((?:[\w'’-]+[ \t]+){0,3}?[\w-]+)\b")


def _appositive_people(doc: Doc, text: str, cands: list[_Cand], lex: _Lexicon) -> list[_Cand]:
    """'Usman Tijani Garba, a spokesman for ...': the small model misses unfamiliar names, most often
    where they open a paragraph. Two to four capitalised words set beside a noun for a person are a person."""
    taken = [(c.start, c.end) for c in cands]
    out = list(cands)
    for m in _APPOS_NAME.finditer(text):
        s, e = m.span(1)
        noun = m.group(2).split()[-1].lower()
        if noun not in lex.person_nouns or any(a < e and s < b for a, b in taken):
            continue
        words = m.group(1).split()
        if any(w in _HEADLINE_WORDS or w.lower() in lex.titles or w.lower() in _CONNECTORS for w in words):
            continue
        span = doc.char_span(s, e)
        if span is None or looks_like_place(m.group(1)) or any(t.ent_type_ in _NOT_NAMES | _PLACE_LABELS
                                                                for t in span):
            continue
        out.append(_Cand(s, e, m.group(1), "PERSON", source="appos", typed=True, span=span))
    return out


def _extend_of_names(doc: Doc, text: str, cands: list[_Cand], lex: _Lexicon) -> list[_Cand]:
    """'Regional Council of Nineveh Province': the model often stops a name at 'of'. After an organisation's
    head word, 'of'/'for' and capitalised words (with 'the', 'and' between) continue the name."""
    out = []
    for c in sorted(cands, key=lambda c: c.start):
        if out and c.start < out[-1].end:
            continue  # inside a name just extended
        if c.type == "ORG" and c.source != "alias" and c.text.split()[-1].lower() in lex.name_of_heads:
            end = _name_tail(text, c.end)
            if end > c.end:
                c.end, c.text, c.span = end, text[c.start:end], doc.char_span(c.start, end, alignment_mode="expand")
        out.append(c)
    return out


def _name_tail(text: str, pos: int) -> int:
    """Where ' of the X Y' after ``pos`` ends, or ``pos``: capitalised words, joined by small words only."""
    m = _OF_TAIL.match(text, pos)
    if m is None:
        return pos
    end, i = pos, m.end()
    for w in _TAIL_WORD.finditer(text, i, min(len(text), i + 150)):
        if text[i:w.start()].strip(" \t"):
            break  # punctuation or a line break ends a name
        word = w.group()
        if word[:1].isupper() and word not in _HEADLINE_WORDS:
            if p := _POSSESSIVE.search(word):
                return w.start() + p.start() if p.start() else end  # "of Europe's report"
            end = w.end()
        elif word not in _TAIL_JOINERS:
            break
        i = w.end()
    return end


def _with_other_names(doc: Doc, text: str, cands: list[_Cand], lex: _Lexicon) -> list[_Cand]:
    """One organisation under two names: the other (often its own language's) name in brackets after it
    ('the Ombudsman's Office (Defensoría del Pueblo)'), or an English description that is elsewhere a name
    ('Defensoría del Pueblo, the ombudsman's office,' beside 'the Ombudsman's Office')."""
    at = {(c.start, c.end): c for c in cands}
    named = {key(c.text): c for c in cands if c.type == "ORG"}
    for c in [c for c in cands if c.type == "ORG"]:
        if m := _BRACKET.match(text, c.end):
            s, e = trim(text, *m.span(1))
            other = at.get((s, e))
            if other is None and _other_name(doc, text[s:e], s, e, lex):
                other = _Cand(s, e, text[s:e], "ORG", c.canon, c.kind, "defined", span=doc.char_span(s, e))
                cands = [x for x in cands if not (x.start < e and s < x.end)] + [other]
        elif m := _APPOS_THE.match(text, c.end):
            other = named.get(key(m.group(1)))
        else:
            continue
        if other is not None and other is not c and other.type == "ORG" and (
                not (c.canon and other.canon) or c.canon == other.canon):
            other.same = c
    return cands


def _other_name(doc: Doc, name: str, s: int, e: int, lex: _Lexicon) -> bool:
    """Bracketed words that are a name: capitalised content words, not a place, a people, a language or a date."""
    words = name.split()
    content = [w for w in words if w.lower() not in _CONNECTORS]
    if not 0 < len(words) <= 8 or not content or not all(w[:1].isupper() for w in content) or ":" in name:
        return False
    k = key(name)
    if k in lex.generic or k in lex.demonyms or k in lex.peoples or looks_like_place(name):
        return False
    span = doc.char_span(s, e, alignment_mode="expand")
    return span is not None and not any(t.ent_type_ in _NOT_NAMES for t in span)


def _armed_names(doc: Doc, cands: list[_Cand], lower_words: set[str], lex: _Lexicon) -> list[_Cand]:
    """One-word armed groups the model misses or calls a person ('Fano'): a proper name (capitalised
    mid-sentence, never in lower case) that modifies 'militia' / 'fighters', is the subject of an armed
    verb ('X controls the district') or the one fought or clashed with. A person's surname is not one."""
    surnames = {key(c.text.split()[-1]) for c in cands if c.type == "PERSON" and len(c.text.split()) > 1}
    single = {key(c.text): c for c in cands if " " not in c.text}
    titled = [doc[int(i)] for i in doc.to_array("IS_TITLE").nonzero()[0]]  # C-side filter: few tokens are
    proper, located = set(), set()  # capitalised where not every word is; after 'in', 'near' ...
    slots: dict[str, list[Token]] = {}
    for t in titled:
        if not t.is_sent_start:
            proper.add(t.text)
        if t.i and (before := doc[t.i - 1].lower_) in _LOCATIVE and before != "of":
            located.add(t.text)
        if t.is_alpha and len(t) > 2 and _armed_slot(t, lex):
            slots.setdefault(t.lower_, []).append(t)
    found: dict[str, Token] = {}
    for k, toks in slots.items():
        if toks[0].text not in proper or k in lower_words or k in surnames or k in lex.canon or any(
                k in words for words in (lex.generic, lex.demonyms, lex.peoples, lex.titles)):
            continue
        toks = [t for t in toks if t.ent_type_ not in _PLACE_LABELS and not (
            t.ent_iob_ == "I" or t.i + 1 < len(doc) and doc[t.i + 1].ent_iob_ == "I")]  # not one word of a name
        if toks and (not looks_like_place(toks[0].text) or len(toks) > 1 and toks[0].text not in located):
            found[k] = toks[0]  # a word also a place's name needs two such uses and none as a place
    for k, t in found.items():
        c = single.get(k)
        if c is None:
            cands.append(_Cand(t.idx, t.idx + len(t), t.text, "ORG", kind="armed_group", source="shape", typed=True,
                               span=doc[t.i:t.i + 1]))
        elif not (c.type == "PERSON" and c.typed):
            for x in cands:
                if key(x.text) == k:
                    x.type, x.kind, x.typed, x.outlet = "ORG", x.kind or "armed_group", True, False
    return cands


def _armed_slot(t: Token, lex: _Lexicon) -> bool:
    if t.dep_ in ("compound", "amod", "nmod") and t.head.lower_ in lex.armed_nouns:
        return True
    head = t.head
    if t.dep_ == "nsubj":
        return head.lemma_ in lex.armed_verbs
    if t.dep_ == "dobj":
        return head.lemma_ in ("fight", "battle", "ambush", "repel")
    return t.dep_ == "pobj" and head.lower_ in ("with", "against") and head.head.lemma_ in ("fight", "clash", "battle")


def _with_defined_acronyms(text: str, cands: list[_Cand], lex: _Lexicon) -> list[_Cand]:
    """'the Coalition for Safe Roads (CSR)': the words before an acronym in brackets whose initials
    spell it are an organisation's name, even where the model missed or cut it."""
    for m in _PAREN_ACRONYM.finditer(text):
        if not _acronym_like(m.group(1)):
            continue
        acr = m.group(1).upper().translate(_FOLD).replace("-", "")
        before = list(_NAME_WORD.finditer(text, max(0, m.start() - 160), m.start()))
        if not before or text[before[-1].end():m.start()].strip():
            continue
        start = None
        for i in range(len(before) - 1, -1, -1):
            w = before[i].group()
            if not (w[:1].isupper() or w.lower() in _CONNECTORS):
                break
            phrase = text[before[i].start():before[-1].end()]
            if w[:1].isupper() and w.lower() not in ("the", "a", "an") and acr in _initials(phrase.translate(_FOLD)):
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
        m = _PAREN_ACRONYM.match(text, c.end + 1) if text[c.end:c.end + 1] == " " else _OR_ACRONYM.match(text, c.end)
        if m is None or (m.start(1), m.end(1)) in taken or not (m.group(1).isupper() and _acronym_like(m.group(1))):
            continue
        known = lex.canon.get(key(m.group(1)))
        if known and known[0] != c.canon:
            continue
        cands.append(_Cand(m.start(1), m.end(1), m.group(1), "ORG", c.canon, c.kind, "defined"))
    return cands


def _settle_types(cands: list[_Cand], votes: dict[str, Counter], org_first_words: frozenset[str]) -> None:
    """One type per name: the alias table, a name shape or the text decides, else the model's majority.
    A name found where outlets are named ('told X') is an outlet unless the text makes it a person; a
    person's surname alone is that person, whatever the model calls it ('Smith said' after 'John Smith')."""
    fixed = {key(c.text): c.type for c in cands if c.typed}
    fixed.update({key(c.text): "ORG" for c in cands if c.source in ("alias", "shape", "defined")
                  or (len(c.text.split()) > 1 and key(c.text).split()[0] in org_first_words)})
    surnames = {key(_unprefixed(c.text.split()[-1])) for c in cands
                if len(c.text.split()) > 1 and fixed.get(key(c.text), c.type) == "PERSON"}
    outlets = {key(c.text) for c in cands if c.outlet} - set(fixed) - surnames
    for c in cands:
        k = key(c.text)
        if k in fixed:
            c.type = fixed[k]
        elif k in outlets:
            c.type, c.kind = "ORG", c.kind or "media"
        elif " " not in c.text and key(_unprefixed(c.text)) in surnames:
            c.type = "PERSON"
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
        m = _ACRONYM_DEF.match(text, c.end) or _OR_ACRONYM.match(text, c.end)
        if c.type == "ORG" and m and _acronym_like(m.group(1)):
            by_key.setdefault(("ORG", key(m.group(1))), by_key[("ORG", c.canon or key(c.text))])
    # acronyms matching a full name's initials, within the document
    initials: dict[str, _Group] = {}
    for g in groups:
        if g.type == "ORG":
            for c in g.cands:
                for ini in _initials(c.text.translate(_FOLD)):
                    initials.setdefault(ini, g)
    order = {id(g): i for i, g in enumerate(groups)}
    parent: dict[int, _Group] = {}

    def root(g: _Group) -> _Group:
        while id(g) in parent:
            g = parent[id(g)]
        return g

    def join(a: _Group, b: _Group) -> None:
        a, b = root(a), root(b)
        if a is not b and a.type == b.type and not (a.canon and b.canon and a.canon != b.canon):
            first, second = (a, b) if order[id(a)] < order[id(b)] else (b, a)
            parent[id(second)] = first
            first.canon, first.kind = first.canon or second.canon, first.kind or second.kind

    group_of = {id(c): g for g in groups for c in g.cands}
    for g in groups:
        if g.type == "ORG" and g.canon is None and all(_acronym_like(c.text) for c in g.cands):
            target = initials.get(g.cands[0].text.translate(_FOLD).upper())
        elif g.type == "PERSON":
            target = _full_name(g, groups)
        elif g.canon is None:
            target = _longer_org(g, groups)
        else:
            target = None
        if target is not None:
            join(target, g)
        for c in g.cands:
            if c.same is not None and id(c.same) in group_of:
                join(group_of[id(c.same)], g)
    for g in groups:
        if (r := root(g)) is not g:
            r.cands.extend(g.cands)
    return [g for g in groups if id(g) not in parent]


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


def _longer_org(g: _Group, groups: list[_Group]) -> _Group | None:
    """'the Courier' after 'the Mogadishu Courier': an organisation's later short form is the one earlier name it
    closes, when only one does (two 'X Forces' leave 'Forces' alone)."""
    short = key(g.cands[0].text).split()
    if len(short) != 1 or len(short[0]) < 4 or any(_acronym_like(c.text) for c in g.cands):
        return None
    first = g.cands[0].start
    found = [other for other in groups if other is not g and other.type == "ORG" and any(
        c.start < first and len(w := key(c.text).split()) > 1 and w[-1] == short[0] for c in other.cands)]
    return found[0] if len(found) == 1 else None


def _add_unlabelled_mentions(text: str, groups: list[_Group]) -> list[_Group]:
    """Every occurrence of a name already found counts as a mention, even where the model tagged it
    as something else (a person's name read as a place in one sentence), and with or without its accents
    ('YBŞ' / 'YBS'): names and text are compared folded, which keeps every character in place."""
    taken = sorted((c.start, c.end) for g in groups for c in g.cands)
    forms: dict[str, _Group] = {}
    for g in groups:
        for c in g.cands:
            if c.source != "alias" or len(c.text) > 3:
                if len(c.text) >= 3 or c.source in ("initials", "defined"):
                    forms.setdefault(c.text.translate(_FOLD), g)
    for g in groups:  # a person's surname alone: "Smith" after "John Smith"
        for c in g.cands if g.type == "PERSON" else ():
            words = c.text.split()
            surname = _unprefixed(words[-1])
            if len(words) > 1 and len(surname) >= 4 and surname[:1].isupper() and surname.isalpha():
                forms.setdefault(surname.translate(_FOLD), g)
                forms.setdefault(words[-1].translate(_FOLD), g)
    if not forms:
        return groups
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
                         + r")(?!\w)")
    for m in pattern.finditer(text.translate(_FOLD)):
        s, e = m.span()
        i = bisect.bisect_right(taken, (s, len(text) + 1))
        if (i and taken[i - 1][1] > s) or (i < len(taken) and taken[i][0] < e):
            continue
        g = forms[m.group()]
        g.cands.append(_Cand(s, e, text[s:e], g.type, g.canon, g.kind, "repeat"))
    return groups


def _entity(i: int, g: _Group, doc: Doc, lex: _Lexicon) -> Entity:
    g.cands.sort(key=lambda c: c.start)
    seen = list(dict.fromkeys(c.text for c in g.cands))
    name = g.canon or max(seen, key=lambda f: (len(f.split()), len(f)))
    aliases = [f for f in seen if f != name] + [a for a in lex.known_aliases.get(name, []) if a not in seen]
    kind = None if g.type == "PERSON" else g.kind or _kind_of(name, lex)
    if kind == "other" and any(c.outlet for c in g.cands):
        kind = "media"  # "told X", "in an interview with X": an outlet whose name has no telling word
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
