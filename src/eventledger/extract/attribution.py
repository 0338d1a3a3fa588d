"""Claims credited to a source: "according to X", "citing X", "X said that ...", "reportedly".

Events read these to mark a claim as reported and by whom, so ``claim_span`` is kept to the
clause the source stands behind: the reported clause for speech verbs, the sentence minus
the attribution phrase for "according to X" at either end of a sentence, and the whole
sentence otherwise. Claims inside direct quotes are credited through ``rec.quotes``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from eventledger.extract.quotes import Analysis, inside
from eventledger.extract.speakers import lexicon
from eventledger.extract.util import doc_text, trim
from eventledger.record import Attribution, Record, Span

_CLAIM_TRIM = " \t\r\n,;:—–-"
_LEAD_POS = frozenset({"ADV", "CCONJ", "SCONJ", "INTJ", "PUNCT", "SPACE"})


def extract(doc: Doc, rec: Record) -> list[Attribution]:
    """Every attribution phrase with its source and the claim it covers, in text order."""
    a = Analysis.of(doc, rec)
    text = doc_text(doc)
    out: list[Attribution] = []
    for cue in a.cues:
        if cue.token is not None:
            continue  # speech verbs come through the reported clauses below
        sp = cue.speaker
        claim_span = _claim(a, cue.start, cue.end)
        if sp is None or claim_span[0] == claim_span[1]:
            continue
        out.append(Attribution(text=text[cue.start:cue.end], span=(cue.start, cue.end), source=sp.name,
                               source_entity=sp.entity, claim_span=claim_span, confidence=round(sp.confidence, 2)))
    denied = {id(x) for x in a.denied}
    for item in a.indirect + a.denied:  # a denial still names who spoke about the claim
        q, cue, (ps, pe) = item
        if not q.speaker or cue.token is None:
            continue  # "According to X, ...": already credited above
        out.append(Attribution(text=text[ps:pe], span=(ps, pe), source=q.speaker, source_entity=q.speaker_entity,
                               claim_span=q.span, confidence=q.confidence,
                               stance="denies" if id(item) in denied else "asserts"))
    out += _hedges(a, out)
    out.sort(key=lambda x: x.span)
    for i, att in enumerate(out):
        att.id = f"a{i}"
    return out


def _claim(a: Analysis, start: int, end: int) -> Span:
    """The sentence the phrase sits in, without the phrase when it opens or closes the sentence."""
    text = a.text
    ss, se = a.sent_bounds(start)
    se = max(se, end)
    lead = a.doc.char_span(ss, start, alignment_mode="contract")
    if lead is None or all(t.pos_ in _LEAD_POS for t in lead):  # "However, according to X, ..."
        return trim(text, end, se, chars=_CLAIM_TRIM + ".")
    if text[end:se].strip(_CLAIM_TRIM + ".!?\"”'’") == "":
        return trim(text, ss, start, chars=_CLAIM_TRIM)
    return trim(text, ss, se, chars=_CLAIM_TRIM)


def _hedges(a: Analysis, found: list[Attribution]) -> list[Attribution]:
    """"The camp reportedly holds ..." right after a cited report: credited to that report's source."""
    hedges = lexicon()["hedges"]
    out: list[Attribution] = []
    for tok in a.doc:
        if tok.lower_ not in hedges or inside(a.quoted, tok.idx):
            continue
        para = a.para_of(tok.idx)
        prior = [f for f in found if f.span[0] < tok.idx and a.para_of(f.span[0]) >= para - 2]
        if not prior:
            continue
        src = prior[-1]
        s, e = tok.idx, tok.idx + len(tok)
        out.append(Attribution(text=tok.text, span=(s, e), source=src.source, source_entity=src.source_entity,
                               claim_span=trim(a.text, *a.sent_bounds(s), chars=_CLAIM_TRIM + "."),
                               confidence=0.5))
    return out
