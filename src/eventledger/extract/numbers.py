"""Counts in events: "around 300 detainees", "dozens of civilians", "at least 12 people killed".

spaCy marks number tokens (``like_num``) but does not turn "two dozen" into 24 or "hundreds"
into a range, nor say what is being counted; that is done here, with the word lists in
``data/numbers.json``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Token

from eventledger.extract.util import load_data
from eventledger.record import Number

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")
_NOT_COUNTS = {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"}


@lru_cache(maxsize=1)
def _lex() -> dict:
    data = load_data("numbers.json")
    kinds = {lemma: kind for kind, lemmas in data["kinds"].items() for lemma in lemmas}
    # words that can open a vague count; "a" ("a few", "a dozen") is picked up in numbers_in instead
    vague_first = {v.split()[0] for v in data["vague"]} - {"a", "an"}
    return {**data, "kind_of": kinds, "vague_first": vague_first}


def parse_value(words: list[str]) -> tuple[int | None, int | None, int | None]:
    """(value, low, high) for number words: '300', '1,200', 'three hundred', 'two dozen', 'dozens'."""
    lex = _lex()
    text = " ".join(w.lower() for w in words)
    if text in lex["vague"]:
        low, high = lex["vague"][text]
        return None, low, high
    total, current, seen = 0, 0, False
    for w in (w.lower().replace(",", "") for w in words):
        if _DIGITS.match(w):
            current += float(w)
        elif w in lex["units"]:
            current += lex["units"][w]
        elif w in lex["scales"]:
            current = max(current, 1) * lex["scales"][w]
            if lex["scales"][w] >= 1000:
                total, current = total + current, 0
        elif w in ("and", "-"):
            continue
        else:
            return None, None, None
        seen = True
    if not seen:
        return None, None, None
    value = int(total + current)
    return value, value, value


def _is_number_word(tok: Token) -> bool:
    lex = _lex()
    low = tok.lower_
    return (
        (tok.like_num and tok.ent_type_ not in _NOT_COUNTS)
        or low in lex["scales"]
        or low in lex["vague_first"]
    )


def _head_noun(tok: Token) -> Token | None:
    """The counted noun: '300 detainees' -> detainees; 'dozens of defectors' -> defectors."""
    if tok.dep_ in ("nummod", "quantmod", "amod", "compound") and tok.head.pos_ in ("NOUN", "PROPN"):
        head = tok.head
        while head.dep_ in ("nummod", "quantmod", "compound") and head.head.pos_ in ("NOUN", "PROPN", "NUM"):
            head = head.head
        return head
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
    if tok.pos_ == "NOUN" and tok.lower_ in _lex()["vague_first"]:
        return tok
    return None


def _kind(noun: Token, default: str | None) -> str | None:
    """What is counted: the verb or noun governing the count ('released 12 prisoners' -> released),
    else the counted noun itself ('300 detainees' -> detained), else the event's default."""
    kinds = _lex()["kind_of"]
    tok = noun
    for _ in range(3):
        if tok.head.i == tok.i:
            break
        tok = tok.head
        if tok.lemma_.lower() in kinds:
            return kinds[tok.lemma_.lower()]
    for word in (noun.lemma_.lower(), noun.lower_):
        if word in kinds:
            return kinds[word]
    return default


def numbers_in(
    doc: Doc, start: int, end: int, default_kind: str | None, person_nouns: frozenset[str]
) -> list[Number]:
    """Counts of people (or units) among tokens [start, end) of ``doc``.

    ``default_kind`` is what the event implies ('killed' for an execution) when the words
    around the number do not say; ``person_nouns`` are lemmas that make a noun countable
    as people ('detainee', 'activist').
    """
    lex = _lex()
    found: list[Number] = []
    used: set[int] = set()
    i = start
    while i < end:
        tok = doc[i]
        if i in used or not _is_number_word(tok):
            i += 1
            continue
        j = i
        while j + 1 < end and (
            _is_number_word(doc[j + 1])
            or doc[j + 1].lower_ in ("-", "and")
            and j + 2 < end
            and _is_number_word(doc[j + 2])
        ):
            j += 1
        if i > start and doc[i - 1].lower_ in ("a", "an") and f"a {tok.lower_}" in lex["vague"]:
            i -= 1
        words = [t.text for t in doc[i : j + 1]]
        value, low, high = parse_value(words)
        if low is None and high is None and value is None and " ".join(words).lower() not in lex["vague"]:
            i = j + 1
            continue
        noun = _head_noun(doc[j]) or _head_noun(doc[i])
        if noun is None or not (
            noun.lemma_.lower() in person_nouns
            or noun.lemma_.lower() in lex["kind_of"]
            or noun.ent_type_ == "NORP"
            or noun.i == j
            or _kind(noun, None) is not None  # "killing four bakers": the verb says what is counted
        ):
            i = j + 1
            continue
        kind = _kind(noun, default_kind) or "size"
        # approximation cue: up to three words right before the figure ("at least", "as many as")
        s = i
        approx = value is None
        for n in (3, 2, 1):
            if i - n >= start:
                cue = " ".join(t.lower_ for t in doc[i - n : i])
                if cue in lex["approximate"]:
                    s, approx = i - n, True
                    if cue in lex["lower_bound"]:
                        high = None
                    elif cue in lex["upper_bound"]:
                        low = None
                    break
        if " ".join(words).lower() in lex["approximate"]:
            approx = True
        e = max(noun.i, j) + 1
        char_s, char_e = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
        found.append(
            Number(
                text=doc[s:e].text,
                span=(char_s, char_e),
                kind=kind,
                value=value,
                low=low,
                high=high,
                approximate=approx,
            )
        )
        used.update(range(s, e))
        i = e
    return found
