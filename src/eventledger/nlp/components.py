"""eventledger's own spaCy components, added after the model's pipes.

* ``eventledger_names`` (an ``entity_ruler`` before "ner"): names from the alias table and
  armed-group name shapes are tagged ORG before the statistical NER runs, which then keeps
  them and predicts around them. The small model otherwise reads "Daesh" as a place and
  "Jaysh al-X" as a person, and every later extractor (places, events) inherits that.
* ``eventledger_names_post`` (after "ner"): acronyms that are also English words ("IS") are
  dropped inside all-capitals headlines ("WHY IS IT"), where capitals say nothing; anonymised
  witnesses named by initials ("AB recounts ...") are PERSON, not the place or organisation
  the model guesses (but capitals hyphenated to others, "FARC-EP", are one name, no initials);
  the role labels that open an interview transcript's turns ("Q:", "Interviewer:") are no
  one's name.
* ``eventledger_lines`` (before "parser"): a line break always ends a sentence. Reports are
  laid out in lines (headline, caption, paragraphs); without this the parser glues a headline
  onto the first sentence and its subject becomes the headline's words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from eventledger.extract.util import load_data

RULER = "eventledger_names"
POST = "eventledger_names_post"
LINES = "eventledger_lines"


@Language.component(LINES)
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every token that holds or ends with a line break."""
    for tok in doc[:-1]:
        if "\n" in tok.text or "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
    return doc

_ARTICLE = re.compile(r"^(?:the|The)\s+")
_INITIALS = re.compile(r"^[A-Z]{1,3}$")
_HYPHENS = {"-", "‐"}


def alias_patterns() -> list[dict]:
    """Entity-ruler patterns: every alias-table form, with and without its hyphens, matched on lower
    case by spaCy's PhraseMatcher (a token pattern per alias made the ruler cost a third of the
    parse); ``fix_names`` then drops the matches whose case shows they are prose ('is', 'who')."""
    data = load_data("aliases.json")
    patterns: list[dict] = []
    for ent in data["entities"]:
        forms = {_ARTICLE.sub("", f) for f in (ent["name"], *ent["aliases"])}
        for form in sorted(forms | {f.replace("-", " ") for f in forms}):
            patterns.append({"label": "ORG", "pattern": form, "id": ent["name"]})
    for shape in data["shapes"]:
        patterns.append({"label": "ORG", "pattern": shape["pattern"], "id": shape["id"]})
    return patterns


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """Reporting verbs, never-initials, word-like acronyms, and acronyms only ever written in capitals."""
    kinds = load_data("org_kinds.json")
    aliases = load_data("aliases.json")
    forms = {a for e in aliases["entities"] for a in [e["name"], *e["aliases"]]}
    acronyms = {a for a in forms if a.isupper()}
    caps_only = {a.lower() for a in acronyms} - {a.lower() for a in forms - acronyms}
    return (frozenset(kinds["reporting_verbs"]), frozenset(set(kinds["not_initials"]) | acronyms),
            frozenset(aliases["guard_pos"]), frozenset(caps_only))


@lru_cache(maxsize=1)
def _speaker_labels() -> frozenset[str]:
    return frozenset(w.lower() for w in load_data("org_kinds.json")["speaker_labels"])


def _speaker_label(doc: Doc, ent: Span) -> bool:
    """A transcript turn's role label: a single letter or a role word opening a line, before a colon ("Q: ...")."""
    if ent.end >= len(doc) or not doc[ent.end].text.startswith(":"):
        return False
    if ent.start > 0 and "\n" not in doc[ent.start - 1].text + doc[ent.start - 1].whitespace_:
        return False
    t = ent.text.strip()
    return len(t.rstrip(".")) == 1 or t.lower() in _speaker_labels()


def _prose(doc: Doc, ent: Span, guarded: frozenset[str], caps_only: frozenset[str]) -> bool:
    """An alias match that is ordinary prose: all lower case, an acronym not in capitals, or a
    word-like acronym in an all-capitals headline."""
    t = ent.text
    return t.islower() or (t.lower() in caps_only and not t.isupper()) or (
        t in guarded and _in_capitals(doc, ent.start, ent.end))


def _in_capitals(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens [start, end) sit in an all-capitals run, next to another all-capitals word."""
    near = [doc[i] for i in (start - 1, end) if 0 <= i < len(doc) and doc[i].is_alpha]
    return any(t.is_upper and len(t) > 1 for t in near)


@Language.component(POST)
def fix_names(doc: Doc) -> Doc:
    """Drop alias matches that are prose; tag initials that are the subject of a reporting or
    experience verb as a person everywhere they occur, unless the text defines them as an
    organisation's acronym. The model's own ORG guesses for bare initials are noise."""
    verbs, never, guarded, caps_only = _lexicon()
    ents = doc.ents
    kept = [e for e in ents if not (e.ent_id_ and not e.ent_id_.startswith("shape:")
                                    and _prose(doc, e, guarded, caps_only))]
    if len(kept) < len(ents):
        doc.ents = kept
    names = {
        t.text for t in doc
        if _INITIALS.match(t.text) and t.text not in never and t.dep_ in ("nsubj", "nsubjpass")
        and t.head.lemma_.lower() in verbs and not (t.i + 1 < len(doc) and doc[t.i + 1].is_upper)
        and not _hyphen_joined(doc, t.i)
    }
    if not names:
        return _without_speaker_labels(doc)
    text = doc.text
    names = {n for n in names if f"({n})" not in text}  # an organisation's acronym, defined in the text
    spans = [Span(doc, t.i, t.i + 1, label="PERSON") for t in doc if t.text in names]
    if spans:
        taken = {t.i for s in spans for t in s}
        doc.ents = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))] + spans
    return _without_speaker_labels(doc)


def _hyphen_joined(doc: Doc, i: int) -> bool:
    """Capitals joined by a hyphen to another word are part of a longer name ('FARC-EP'), not someone's initials."""
    before = i > 1 and doc[i - 1].text in _HYPHENS and not doc[i - 2].whitespace_ and not doc[i - 1].whitespace_
    after = i + 2 < len(doc) and doc[i + 1].text in _HYPHENS and not doc[i].whitespace_ and not doc[i + 1].whitespace_
    return bool(before or after)


def _without_speaker_labels(doc: Doc) -> Doc:
    ents = doc.ents
    kept = [e for e in ents if not _speaker_label(doc, e)]
    if len(kept) < len(ents):
        doc.ents = kept
    return doc


def add_components(nlp: Language) -> None:
    """Add project components to a loaded pipeline (idempotent: a second call changes nothing)."""
    if LINES not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(LINES, before="parser")
    if RULER not in nlp.pipe_names:
        before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
        config = {"validate": False, "phrase_matcher_attr": "LOWER"}
        ruler = nlp.add_pipe("entity_ruler", name=RULER, config=config, **before)
        ruler.add_patterns(alias_patterns())
    if POST not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(POST, after="ner" if "ner" in nlp.pipe_names else None)
