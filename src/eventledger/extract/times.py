"""Times: every dated expression in the text, resolved to an inclusive interval of days.

The grammar and resolution live in ``timenorm`` (pure text). This module adds what the parse
knows: spaCy's DATE entities license bare years and month names that no cue word precedes
("2014 was the worst year"), other entities and counts veto look-alikes ("Resolution 2254",
"2000 fighters"), and the verb's tense decides whether "on Tuesday" lies before or after
publication.
"""

from __future__ import annotations

from datetime import date

from spacy.symbols import VERB
from spacy.tokens import Doc, Span, Token

from eventledger.extract import timenorm
from eventledger.extract.util import doc_text, load_data
from eventledger.record import Record, Time

_D = load_data("times.json")
_SPEECH = frozenset(load_data("speech.json")["speech_verbs"])
_FUTURE_AUX = frozenset(_D["future_aux"])
_FUTURE_HEADS = frozenset(_D["future_heads"])
_SCHEDULED = frozenset(_D["scheduled"])
_YEAR_ADJECTIVE_AFTER = frozenset(_D["year_adjective_after"])
# Entity labels whose numbers are not dates: a law's number, a sum, a count, a named building.
_NOT_TIME = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "LAW", "PRODUCT", "FAC", "ORG", "ORDINAL"})


def _published(rec: Record) -> date | None:
    try:
        return date.fromisoformat(rec.document.published) if rec.document.published else None
    except ValueError:
        return None


def _is_future(tok: Token) -> bool:
    """Whether the verb governing ``tok`` is future: "will meet on Tuesday", "is due to vote in May",
    "is scheduled for Sunday", "the UN is to vote on Monday"."""
    scheduled = via_noun = False
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        scheduled |= tok.lower_ in _SCHEDULED
        via_noun |= tok.pos_ == "NOUN"
        tok = tok.head
    auxes = [ch for ch in tok.children if ch.dep_ in ("aux", "auxpass")]
    if any(ch.lower_ in _FUTURE_AUX for ch in auxes):
        return True
    # a plan stated in the present: "is scheduled for", "are due on" ("was scheduled" may be long past)
    present = tok.tag_ in ("VBZ", "VBP") or any(ch.tag_ in ("VBZ", "VBP") for ch in auxes)
    if present and (scheduled or tok.lower_ in _SCHEDULED):
        return True
    if tok.dep_ != "xcomp":
        return False
    head = tok.head
    # "is to vote": present "be" with a to-infinitive is a plan or an order; not when the time belongs
    # to a noun on the way ("is to blame for the attack on Monday": the attack is past)
    return head.lower_ in _FUTURE_HEADS or (not via_noun and head.lemma_ == "be" and head.tag_ in ("VBZ", "VBP")
                                            and any(ch.lower_ == "to" for ch in tok.children))


def _said_on(doc: Doc, span: Span) -> bool:
    """"The government said on Tuesday it would send food": a day right after a past reporting verb dates the
    saying, whatever future the reported clause tells (the parser often hangs the day on that clause's verb)."""
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and prev.lower_ in ("on", "in") and span[0].lower_ not in ("on", "in"):
        prev = doc[prev.i - 1] if prev.i > 0 else None
    return prev is not None and prev.pos == VERB and prev.tag_ == "VBD" and prev.lemma_.lower() in _SPEECH


def _counted(doc: Doc, span: Span) -> bool:
    """A number before a plural noun is a count ("some 2000 fighters"), unless a determiner makes
    it a year used as an adjective ("the 2011 protests")."""
    last = span[-1]
    if not (last.like_num and last.i + 1 < len(doc) and doc[last.i + 1].tag_ == "NNS"):
        return False
    return span.start == 0 or doc[span.start - 1].lower_ not in _YEAR_ADJECTIVE_AFTER


def extract(doc: Doc, rec: Record) -> list[Time]:
    """Time expressions with intervals; unresolvable ones (durations, "at night") are left out."""
    text = doc_text(doc)
    date_chars = bytearray(len(text) + 1)
    other_chars = bytearray(len(text) + 1)
    for ent in doc.ents:
        marks = date_chars if ent.label_ in ("DATE", "TIME") else other_chars
        if ent.label_ in ("DATE", "TIME") or ent.label_ in _NOT_TIME:
            marks[ent.start_char:ent.end_char] = b"\1" * (ent.end_char - ent.start_char)

    def span_of(s: int, e: int) -> Span | None:
        return doc.char_span(s, e, alignment_mode="expand")

    def dated(s: int, e: int) -> bool:
        return all(date_chars[s:e])

    def reject(s: int, e: int) -> bool:
        if not text[s:e].isdigit():
            return False  # a month or a weekday is named: "May 11 drones" is a date, not a count
        if any(other_chars[s:e]) and not any(date_chars[s:e]):
            return True  # "Resolution 2254", "2000 (fighters)": a number spaCy reads as something else
        sp = span_of(s, e)
        return sp is not None and len(sp) > 0 and _counted(doc, sp)

    def future(s: int, e: int) -> bool:
        sp = span_of(s, e)
        return sp is not None and len(sp) > 0 and not _said_on(doc, sp) and _is_future(sp.root)

    times = []
    for cand, iv in timenorm.find(text, _published(rec), dated=dated, future=future, reject=reject):
        times.append(Time(
            text=text[cand.start:cand.end], span=(cand.start, cand.end),
            start=iv.start.isoformat(), end=iv.end.isoformat(), precision=iv.precision,
            relative=iv.relative, id=f"T{len(times) + 1}",
            confidence=0.8 if dated(cand.start, cand.end) else 0.6,
        ))
    return times
