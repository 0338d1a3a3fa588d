"""Direct and reported speech, each with who said it.

Direct quotes are found by pairing quotation marks ourselves: spaCy tokenizes the marks but
does not pair them, and news text mixes straight, curly and guillemet marks, mismatched
pairs and quotes that run over several paragraphs. Speakers come from the parse (the
subject of a reporting verb next to the quote, "according to X") and, for quotes with no
attribution of their own, from the quote they continue, the speaker whose reported speech closes
the paragraph before, or the latest speaker before them — never from anyone named after the quote
(a quoted headline, before anyone speaks, is the story's main voice).
Reported speech is the clausal complement of a reporting verb ("X said (that) CLAUSE") or what follows
a sentence-opening "According to X," — never a relative clause, an embedded question, what a
negated verb did not say, what a speaker denies, a headline, or a wire lead's closing "...,
residents said". Answers in a Q/A transcript are the
interviewee's words.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from spacy.symbols import VERB
from spacy.tokens import Doc, Token

from eventledger.extract.speakers import Speaker, Speakers, inside, lexicon
from eventledger.extract.util import doc_text, trim
from eventledger.record import Quote, Record

_OPEN = "“«„"
_CLOSE = "”»"
_PARA = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\w+")
_SPACE_PUNCT = " \t\r\n,.;:!?-–—()[]\"'“”‘’«»"


_FIRST_SINGULAR = re.compile(r"\b(?:I|me|my|mine|myself)\b")
_QA = re.compile(r"\s*(Q|A|Question|Answer)\s*:\s*", re.IGNORECASE)
_SENTENCE_END = ".!?\"”’»:"


@dataclass
class Marked:
    """A stretch of text between quotation marks."""

    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    para: int  # paragraph index
    continues: bool = False  # opens a paragraph that continues an unclosed quote


@dataclass
class Cue:
    """A reporting verb or 'according to X' outside quotes, with the speaker it names."""

    start: int
    end: int
    word: str
    speaker: Speaker | None
    token: Token | None = None


Reported = tuple[Quote, Cue, tuple[int, int]]

# ---------------------------------------------------------------------------- marks


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _PARA.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def find_marked(text: str) -> list[Marked]:
    """Pair quotation marks paragraph by paragraph. An unclosed quote at a paragraph's end counts only
    when the next paragraph opens with a quotation mark (the convention for a quote running on)."""
    out: list[Marked] = []
    paras = paragraphs(text)
    for pi, (ps, pe) in enumerate(paras):
        i, open_at = ps, None
        starts_continued = bool(out) and out[-1].para == pi - 1 and out[-1].end == _content_end(text, paras[pi - 1])
        while i < pe:
            c = text[i]
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + 1] if i + 1 < pe else " "
            if open_at is None:
                if c in _OPEN or (c == '"' and not (prev.isalnum() and (nxt.isspace() or nxt in ".,;:!?"))) or (
                        c == "”" and (prev.isspace() or i == ps) and nxt.isalpha()):
                    open_at = i + 1
                elif c == "‘" and (prev.isspace() or prev in "([—–:" or i == ps) and nxt.isalpha():
                    end = _single_close(text, i + 1, pe)
                    if end is not None:
                        _add(out, text, i + 1, end, pi, False)
                        i = end + 1
                        continue
            elif c in _CLOSE or c == '"' or (c == "“" and not prev.isspace() and (nxt.isspace() or i + 1 == pe)):
                _add(out, text, open_at, i, pi, starts_continued and not _has_in_para(out, pi))
                open_at = None
            i += 1
        if open_at is not None and pi + 1 < len(paras) and _opens_with_mark(text, paras[pi + 1]):
            _add(out, text, open_at, pe, pi, starts_continued and not _has_in_para(out, pi))
    return out


def _content_end(text: str, para: tuple[int, int]) -> int:
    s, e = trim(text, *para, chars=" \t\r\n")
    return e


def _opens_with_mark(text: str, para: tuple[int, int]) -> bool:
    s, _ = trim(text, *para, chars=" \t\r\n")
    return s < para[1] and text[s] in _OPEN + '"'


def _has_in_para(out: list[Marked], pi: int) -> bool:
    return bool(out) and out[-1].para == pi


def _single_close(text: str, start: int, end: int) -> int | None:
    """The ’ closing a ‘…’ quotation: not an apostrophe (followed by a letter), at least three words."""
    j = start
    while j < end:
        j = text.find("’", j, end)
        if j < 0:
            return None
        after = text[j + 1] if j + 1 < len(text) else " "
        if not after.isalnum() and not text[j - 1].isspace():
            return j if len(_WORD.findall(text[start:j])) >= 3 else None
        j += 1
    return None


def _add(out: list[Marked], text: str, start: int, end: int, para: int, continues: bool) -> None:
    s, e = trim(text, start, end, chars=" \t\r\n")
    if e > s and _WORD.search(text[s:e]):
        out.append(Marked(s, e, para, continues))


def find_answers(text: str, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The answers of a Q/A transcript ("Q: ..." then "A: ..." paragraphs), without their labels."""
    out: list[tuple[int, int]] = []
    asked = False
    for ps, pe in paras:
        m = _QA.match(text, ps, pe)
        if m is None:
            continue
        if m.group(1)[0].upper() == "Q":
            asked = True
        elif asked:
            s, e = trim(text, m.end(), pe, chars=" \t\r\n")
            if e > s:
                out.append((s, e))
    return out


# ---------------------------------------------------------------------------- cues


def find_cues(doc: Doc, spk: Speakers, quoted: list[tuple[int, int]]) -> list[Cue]:
    """Reporting verbs and 'according to X' outside quotes, in document order, each resolved to a
    speaker as it is met so that pronouns resolve against what came before."""
    lex = lexicon()
    text = doc_text(doc)
    found: list[tuple[int, str, object]] = []
    for tok in doc:  # tok.pos (an int) first: the string attributes cost a lookup on every token
        if tok.pos == VERB and tok.lemma_.lower() in lex["speech"] and not inside(quoted, tok.idx):
            found.append((tok.idx, "verb", tok))
    for rx, kind in ((lex["according"], "according"), (lex["citing"], "citing")):
        for m in rx.finditer(text):
            if not inside(quoted, m.start()):
                found.append((m.start(), kind, m))
    found.sort(key=lambda f: f[0])
    cues: list[Cue] = []
    for pos, kind, obj in found:
        if kind == "verb":
            tok: Token = obj  # type: ignore[assignment]
            sp = spk.from_verb(tok)
            cues.append(Cue(tok.idx, tok.idx + len(tok), tok.text, sp, tok))
        else:
            m: re.Match[str] = obj  # type: ignore[assignment]
            obj_tok = pobj_after(doc, m.end())
            if obj_tok is None:
                continue
            sp = spk.from_np(obj_tok)
            if sp is not None and spk.is_report(obj_tok):
                spk.cite_report(m.start(), sp)
            end = obj_tok.right_edge.idx + len(obj_tok.right_edge)
            cues.append(Cue(m.start(), end, m.group(0), sp, None))
        if cues and cues[-1].speaker is not None:
            spk.note(pos, cues[-1].speaker)
    return cues


def pobj_after(doc: Doc, char: int) -> Token | None:
    """The object of the preposition or participle ending at ``char`` ("according to [X]", "citing [X]")."""
    sp = doc.char_span(char - 1, char, alignment_mode="expand")
    if sp is None:
        return None
    tok = sp[-1]
    for c in tok.children:
        if c.dep_ in ("pobj", "dobj", "obj"):
            return c
    # the parser sometimes hangs the object off the next token
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if nxt is not None and nxt.dep_ in ("pobj", "dobj", "nsubj", "appos", "npadvmod") and nxt.pos_ in ("NOUN", "PROPN"):
        return nxt
    if nxt is not None and nxt.pos_ in ("DET", "ADJ", "PROPN", "NUM") and nxt.head.i > nxt.i:
        return nxt.head
    return None


# ---------------------------------------------------------------------------- speech


_ANALYSIS = "eventledger.quotes.analysis"


class Analysis:
    """Quotes with speakers and reported-speech clauses for one document (shared with attributions)."""

    def __init__(self, doc: Doc, rec: Record) -> None:
        self.doc, self.text = doc, doc_text(doc)
        self.paras = paragraphs(self.text)
        self._para_starts = [p[0] for p in self.paras]
        answers = find_answers(self.text, self.paras)
        marked = [m for m in find_marked(self.text) if not self._scare(m) and not inside(answers, m.start)]
        self.quoted = sorted([(m.start, m.end) for m in marked] + answers)
        self.spk = Speakers(doc, rec, self.quoted)
        self._by_para: dict[int, list[Marked]] = {}
        for m in marked:
            self._by_para.setdefault(m.para, []).append(m)
        self.cues = find_cues(doc, self.spk, self.quoted)
        self._cue_pos = [c.start for c in self.cues]
        self._cue_of_verb = {c.token.i: c for c in self.cues if c.token is not None}
        self.lead = self._lead_sentence()
        self.direct = sorted(self._direct(marked) + self._answers(answers), key=lambda q: q.span)
        direct_spans = sorted(q.span for q in self.direct)
        self.indirect, self.denied = self._indirect(direct_spans)

    @classmethod
    def of(cls, doc: Doc, rec: Record) -> Analysis:
        """The document's analysis, built once: quotes and attributions both read it."""
        cached = doc.user_data.get(_ANALYSIS)
        if cached is None or cached[0] is not rec:
            cached = (rec, cls(doc, rec))
            doc.user_data[_ANALYSIS] = cached
        return cached[1]

    def para_of(self, pos: int) -> int:
        return bisect.bisect_right(self._para_starts, pos) - 1

    def _scare(self, m: Marked) -> bool:
        """A word or two in quotes after "so-called", "self-proclaimed" ... is the writer's distance, not speech."""
        words = len(_WORD.findall(self.text[m.start:m.end]))
        before = self.text[max(0, m.start - 40):m.start].rstrip(" “\"«‘")
        return words <= 4 and bool(lexicon()["scare"].search(before))

    def sent_bounds(self, pos: int) -> tuple[int, int]:
        sp = self.doc.char_span(pos, min(pos + 1, len(self.text)), alignment_mode="expand")
        if sp is None or not len(sp):
            return pos, pos
        sent = sp[0].sent
        return sent.start_char, sent.end_char

    def _cues_in(self, start: int, end: int) -> list[Cue]:
        lo = bisect.bisect_left(self._cue_pos, start)
        hi = bisect.bisect_left(self._cue_pos, end)
        return self.cues[lo:hi]

    def _attribute(self, m: Marked, prev_end: int, next_start: int) -> Cue | None:
        """The cue naming this quote's speaker: right after it ("…,” he said), else the nearest before it in
        the same sentence ("X said: “…”", "according to X, “…”")."""
        text = self.text
        governing = self._governing(m)
        if governing is not None:
            return governing
        ps, pe = self.paras[m.para]
        close = m.end + 1 if m.end < len(text) and text[m.end] in _CLOSE + '"“’' else m.end
        r_start = close
        after = text[r_start:next_start].lstrip(" \t")
        sentence_done = text[m.start:m.end].rstrip()[-1:] in ".?!"
        r_end = min(pe, next_start)
        stop = re.search(r"[.;!?](\s|$)", text[r_start:r_end])
        if stop:
            r_end = r_start + stop.start()
        right = [c for c in self._cues_in(r_start, r_end) if c.speaker is not None or c.token is not None]
        if right and not (sentence_done and after[:1].isupper() and text[m.end - 1] == "."):
            cue = right[0]
            if not (sentence_done and len(text[r_start:cue.start].split()) > 3):
                return cue
        s_start, _ = self.sent_bounds(m.start - 1 if m.start > 0 else 0)
        l_start = max(ps, prev_end, s_start)
        if text[l_start:m.start].strip(_SPACE_PUNCT) == "" and l_start > ps:
            # "He said:" may end the sentence spaCy split off before the quote
            prev_s, _ = self.sent_bounds(max(ps, l_start - 2))
            if text[l_start - 3:l_start].rstrip(" “\"\n").endswith(":"):
                l_start = max(ps, prev_end, prev_s)
        left = [c for c in self._cues_in(l_start, m.start) if c.end <= m.start]
        for cue in reversed(left):
            if cue.speaker is not None:
                return cue
        return None

    def _governing(self, m: Marked) -> Cue | None:
        """The reporting verb a quote opening mid-sentence is the complement of ("its negotiators said the
        front "acted without orders" and ..., the government says, ..."): the sentence's grammar names the
        speaker, before any cue that merely stands nearer."""
        if self.text[:m.start].rstrip(" \t\r\n\"'“‘«")[-1:] in (".", "!", "?", ":", ""):
            return None  # a quote opening its own sentence or paragraph: the usual cues decide
        sp = self.doc.char_span(m.start, m.start + 1, alignment_mode="expand")
        if sp is None or not len(sp):
            return None
        tok = sp[0]
        for anc in tok.ancestors:
            if anc.idx >= m.start:
                continue  # a verb inside the quote or after it is not what frames it
            cue = self._cue_of_verb.get(anc.i)
            if cue is not None:
                return cue if cue.speaker is not None else None
        return None

    def _direct(self, marked: list[Marked]) -> list[Quote]:
        quotes: list[Quote] = []
        cues: list[Cue | None] = []
        text = self.text
        for k, m in enumerate(marked):
            prev_end = marked[k - 1].end if k and marked[k - 1].para == m.para else self.paras[m.para][0]
            next_start = marked[k + 1].start - 1 if k + 1 < len(marked) and marked[k + 1].para == m.para \
                else self.paras[m.para][1]
            cue = self._attribute(m, prev_end, next_start)
            cues.append(cue)
            q = Quote(text=text[m.start:m.end], span=(m.start, m.end))
            if cue is not None and cue.speaker is not None:
                self._set(q, cue.speaker, cue.speaker.confidence)
                q.cue = cue.word
            quotes.append(q)
        keep: list[Quote] = []
        for k, (m, q) in enumerate(zip(marked, quotes, strict=True)):
            if q.speaker is None:
                self._infer(k, m, q, marked, quotes)
            if q.speaker is None and m.para <= self.para_of(self.lead[0]) and self._only_quotes(m):
                self._pull_quote(q, quotes)
            if q.speaker is None and cues[k] is None and self._fragment(m):
                continue  # a term in quotes with nobody saying it
            keep.append(q)
        return keep

    def _answers(self, answers: list[tuple[int, int]]) -> list[Quote]:
        """Answers in a Q/A transcript are the interviewee's words: the person the report introduced
        (the latest named person before the first answer), never the interviewer "Q"."""
        out: list[Quote] = []
        sp = self.spk.latest(answers[0][0], plural=False) if answers else None
        for s, e in answers:
            q = Quote(text=self.text[s:e], span=(s, e))
            if sp is not None:
                self._set(q, sp, 0.6)
            out.append(q)
        return out

    def _fragment(self, m: Marked) -> bool:
        """A few quoted words inside a narrative sentence, not a quoted sentence of their own."""
        words = len(_WORD.findall(self.text[m.start:m.end]))
        return words <= 3 and not self.text[m.start:m.start + 1].isupper()

    def _infer(self, k: int, m: Marked, q: Quote, marked: list[Marked], quotes: list[Quote]) -> None:
        """A quote with no attribution of its own: the quote it continues, the speaker whose reported speech
        closes the paragraph before it, else the latest speaker before it. Never anyone named after it: the
        reader has met only what came before."""
        text = self.text
        prev = quotes[k - 1] if k else None
        if prev is not None and prev.speaker and (m.continues or marked[k - 1].para == m.para):
            self._copy(q, prev, 0.7)
            return
        only_quotes = self._only_quotes(m)
        if not (only_quotes or self._whole_sentences(m)):
            return
        first_person = bool(_FIRST_SINGULAR.search(text, m.start, m.end))
        if only_quotes and (sp := self._reported_before(m.para, first_person)) is not None:
            self._set(q, sp, 0.6)  # 'X said the helicopters landed ...' then a paragraph of X's own words
            return
        fits = [(pos, sp) for pos, sp in self.spk.history
                if pos < m.start and sp.human and not (first_person and sp.plural)]
        recent = [sp for pos, sp in fits if self.para_of(pos) >= m.para - 3]
        if prev is not None and prev.speaker and self.para_of(prev.span[0]) >= m.para - 3:
            if not any(prev.span[0] < pos for pos, _ in fits):
                self._copy(q, prev, 0.5)
                return
        if recent:
            self._set(q, recent[-1], 0.45)
        elif fits and only_quotes:
            self._set(q, fits[-1][1], 0.45 if self._dominant(quotes[:k]) == fits[-1][1].name else 0.4)

    def _only_quotes(self, m: Marked) -> bool:
        """The quote's paragraph holds nothing but quotes (and at most a label of three words)."""
        ps, pe = self.paras[m.para]
        outside = self.text[ps:pe]
        for other in self._by_para[m.para]:
            outside = outside.replace(self.text[other.start:other.end], "")
        return outside.strip(_SPACE_PUNCT + ":") == "" or len(_WORD.findall(outside)) <= 3

    def _reported_before(self, para: int, first_person: bool) -> Speaker | None:
        """The speaker of the main reporting verb in the last sentence of the paragraph before ``para``
        ("X said the helicopters landed ...", no colon): a quote paragraph opening right after it is X's."""
        if para == 0:
            return None
        ps, pe = trim(self.text, *self.paras[para - 1], chars=" \t\r\n")
        if pe <= ps or self.text[pe - 1] not in ".!?" or inside(self.quoted, pe - 1):
            return None
        ss, _ = self.sent_bounds(pe - 1)
        best: Cue | None = None
        for cue in self._cues_in(max(ss, ps), pe):
            if cue.token is None or cue.speaker is None or not cue.speaker.human or cue.speaker.plural and first_person:
                continue
            if best is None or _depth(cue.token) < _depth(best.token):  # type: ignore[arg-type]
                best = cue
        if best is None or best.token is None or best.token.lemma_.lower() not in lexicon()["indirect"]:
            return None
        return best.speaker

    def _pull_quote(self, q: Quote, quotes: list[Quote]) -> None:
        """A quoted sentence in the headline or standfirst, before anyone has spoken, is by convention the
        story's main voice: the speaker of most quotes that carry their own attribution."""
        if any(pos < q.span[0] and sp.human for pos, sp in self.spk.history):
            return
        name = self._dominant(quotes)
        src = next((x for x in quotes if x.speaker == name and x.cue), None)
        if src is not None:
            self._copy(q, src, 0.4)
            q.cue = None

    def _dominant(self, before: list[Quote]) -> str | None:
        """The speaker of most quotes so far that carry their own attribution (two at least)."""
        top = Counter(q.speaker for q in before if q.speaker and q.cue and q.confidence >= 0.6).most_common(1)
        return top[0][0] if top and top[0][1] >= 2 else None

    def _whole_sentences(self, m: Marked) -> bool:
        """The quote is a sentence of its own: it starts one and ends one."""
        text = self.text
        before = text[self.paras[m.para][0]:m.start].rstrip(" “\"«")
        starts = before == "" or before[-1] in ".!?:"
        return starts and text[m.end - 1] in ".!?" and text[m.start].isupper()

    def _set(self, q: Quote, sp: Speaker, conf: float) -> None:
        q.speaker, q.speaker_entity, q.speaker_span, q.confidence = sp.name, sp.entity, sp.span, round(conf, 2)

    def _copy(self, q: Quote, src: Quote, conf: float) -> None:
        q.speaker, q.speaker_entity, q.speaker_span = src.speaker, src.speaker_entity, src.speaker_span
        q.cue, q.confidence = src.cue, round(min(conf, src.confidence), 2)

    def _indirect(self, direct_spans: list[tuple[int, int]]) -> tuple[list[Reported], list[Reported]]:
        """Reported speech as (quote, its cue, the attribution phrase's span): what speakers assert, and apart
        from it what they deny ("X denied that P" does not report P as X's words)."""
        lex = lexicon()
        out: list[Reported] = []
        denied: list[Reported] = []
        for cue in self.cues:
            v = cue.token
            if v is None:
                if (said := self._according(cue, direct_spans)) is not None:
                    out.append(said)
                continue
            if v.lemma_.lower() not in lex["indirect"] or self._not_reported(v):
                continue
            subj = self.spk.subject_of(v)
            if subj is None:
                continue
            clause = _complement(v, lex["how"] if v.lemma_.lower() in lex["how"] else frozenset(), self.text,
                                 lex["indirect"])
            if clause is None or (clause[1] <= v.idx and self.lead[0] <= v.idx < self.lead[1]):
                continue  # "Forty people were killed ..., residents said": a wire lead is the reporter's summary
            s, e = self._cut_citations(*clause)
            if any(qs < e and s < qe for qs, qe in direct_spans) or len(_WORD.findall(self.text[s:e])) < 3:
                continue  # mixed quotes: the direct words are reported as such
            q = Quote(text=self.text[s:e], span=(s, e), kind="indirect", cue=v.text)
            if cue.speaker is not None:
                self._set(q, cue.speaker, cue.speaker.confidence * 0.85)
            (denied if v.lemma_.lower() in lex["denial"] else out).append((q, cue, _phrase(v, subj, self.text)))
        return out, denied

    def _according(self, cue: Cue, direct_spans: list[tuple[int, int]]) -> Reported | None:
        """"According to X, CLAUSE" opening a sentence reports CLAUSE as X's words. At a sentence's end
        ("..., according to X") the sentence is the reporter's summary crediting a source: an attribution
        (see attribution.py), not speech."""
        text = self.text
        if cue.speaker is None or not lexicon()["according"].match(cue.word):
            return None
        ss, se = self.sent_bounds(cue.start)
        lead_words = _WORD.findall(text[ss:cue.start])
        if len(lead_words) > 1 or (lead_words and not text[ss:cue.start].rstrip().endswith(",")):
            return None  # only "According to X," or "However, according to X,"
        comma = re.match(r"\s*,", text[cue.end:se])
        if comma is None:
            return None
        s, e = trim(text, cue.end + comma.end(), se)
        span = self.doc.char_span(s, e, alignment_mode="contract")
        if span is None or len(_WORD.findall(text[s:e])) < 3 or not any(_finite(t) for t in span):
            return None
        if any(qs < e and s < qe for qs, qe in direct_spans) or self._headline(s):
            return None
        q = Quote(text=text[s:e], span=(s, e), kind="indirect", cue=cue.word)
        self._set(q, cue.speaker, cue.speaker.confidence * 0.85)
        return q, cue, (cue.start, cue.end)

    def _headline(self, pos: int) -> bool:
        """A line without a full stop is the editor's summary (a headline, a caption), not anyone's words."""
        s, e = trim(self.text, *self.paras[self.para_of(pos)], chars=" \t\r\n")
        return "\n" not in self.text[s:e] and self.text[e - 1:e] not in _SENTENCE_END

    def _not_reported(self, v: Token) -> bool:
        """Nothing is reported by a negated verb ("did not say", "could not confirm"), nor in a headline or
        caption: a line without a full stop is the editor's summary, not anyone's words."""
        return any(c.dep_ == "neg" for c in v.children) or self._headline(v.idx)

    def _lead_sentence(self) -> tuple[int, int]:
        """The report's first sentence: the first one with a verb (past a dateline such as "KUTUM, Sudan
        (Agency) -") in the first paragraph that ends like prose (past the headline)."""
        for ps, pe in self.paras:
            s, e = trim(self.text, ps, pe, chars=" \t\r\n")
            if e > s and self.text[e - 1] in _SENTENCE_END:
                span = self.doc.char_span(s, e, alignment_mode="expand")
                sents = list(span.sents) if span is not None else []
                lead = next((st for st in sents if st.root.pos_ in ("VERB", "AUX")), None)
                return (lead.start_char, lead.end_char) if lead is not None else (0, 0)
        return 0, 0

    def _cut_citations(self, s: int, e: int) -> tuple[int, int]:
        """End a reported clause before a trailing "..., citing X" / "according to X" of its own."""
        for cue in self._cues_in(s + 1, e):
            if cue.token is None:
                return trim(self.text, s, cue.start)
        return s, e


def _depth(tok: Token) -> int:
    """How many heads lie between a token and its sentence's root (the main verb is shallowest)."""
    n = 0
    while tok.head is not tok:
        tok, n = tok.head, n + 1
    return n


def _complement(v: Token, how: frozenset[str], text: str,
                reporting: frozenset[str] = frozenset()) -> tuple[int, int] | None:
    """The finite clause a reporting verb reports, without "that" (or "how" after "told them how"), ending before
    a second reporting verb (lemmas ``reporting``) joined to it."""
    for c in _complements(v):
        if not any(g.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for g in c.children) or not _finite(c):
            continue
        toks = [t for t in c.subtree]
        while toks and (toks[0].dep_ == "mark" and toks[0].lower_ == "that" or toks[0].is_punct or toks[0].is_space):
            toks = toks[1:]
        if toks and (toks[0].lower_ in ("if", "whether") or toks[0].tag_ in _WH):
            return None  # an embedded question ("did not say who fired"), not a statement
        if toks and toks[0].tag_ == "WRB":
            if toks[0].lower_ != "how" or not how:
                return None
            toks = toks[1:]
        # "that it had lost no fighters and claimed that its men ...": a second reporting verb joined to the
        # clause reports a second statement (its own quote), which the parser hangs on the first clause
        second = next((g for g in c.children if g.dep_ == "conj" and g.lemma_.lower() in reporting
                       and any(x.dep_ == "ccomp" for x in g.children)), None)
        if second is not None:
            stop = min((x.i for x in c.children if x.dep_ == "cc" and x.i < second.i), default=second.i)
            toks = [t for t in toks if t.i < stop]
        if not toks:
            return None
        s, e = toks[0].idx, toks[-1].idx + len(toks[-1])
        s, e = trim(text, s, e)
        return (s, e) if e > s else None
    return None


def _complements(v: Token):
    """ccomp children, and "said in a statement that ..." where the parser hangs the clause on the noun."""
    for c in v.children:
        if c.dep_ == "ccomp":
            yield c
        elif c.dep_ == "prep" and c.i > v.i:
            for obj in c.children:
                for g in obj.children:
                    if g.dep_ in ("acl", "ccomp") and any(m.dep_ == "mark" and m.lower_ == "that" for m in g.children):
                        yield g


_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_WH = frozenset({"WP", "WDT", "WP$"})


def _finite(verb: Token) -> bool:
    """A tensed clause ("he arrived", "it was growing"), not a participle the parser took for one."""
    return verb.tag_ in _FINITE or any(c.dep_ in ("aux", "auxpass") and c.tag_ in _FINITE for c in verb.children)


def _phrase(v: Token, subj: Token, text: str) -> tuple[int, int]:
    """'Nouri said', 'sources told AFP', 'the BBC report stated': subject through verb (and addressee)."""
    toks = [v, subj.left_edge, subj.right_edge] if subj.head.i == v.i else [v]
    for c in v.children:
        if c.dep_ in ("dative", "dobj") and c.i > v.i:
            toks.append(c.right_edge)
    start = min(t.idx for t in toks)
    end = max(t.idx + len(t) for t in toks)
    return trim(text, start, end)


def extract(doc: Doc, rec: Record) -> list[Quote]:
    """Direct quotes and reported speech, in text order, each with its speaker where one can be found."""
    a = Analysis.of(doc, rec)
    quotes = a.direct + [q for q, _, _ in a.indirect]
    quotes.sort(key=lambda q: q.span)
    for i, q in enumerate(quotes):
        q.id = f"q{i}"
    return quotes
