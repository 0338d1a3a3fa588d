"""Who is speaking: speaker noun phrases, canonical names and pronoun antecedents.

Shared by quotes and attributions. spaCy's small model has no coreference component and
the coreference libraries that exist (coreferee, fastcoref) either do not support spaCy 3.8
or download neural weights at run time, so pronoun resolution here is a deliberately small
recency model: "he/she" goes to the latest singular speaker or named person, "they" and
"one of them" to the latest plural speaker description, and nothing ever resolves to a bare
pronoun. "He" never resolves to someone the text shows to be a woman, nor "she" to a man: each person's
grammatical gender is read from the text itself (titles, kinship and role nouns in apposition, Abu/Umm
name prefixes, and he/she in the clause the person is the subject of).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from eventledger.extract.util import doc_text, load_data
from eventledger.record import Entity, Mention, Record

_SUBJ = ("nsubj", "nsubjpass")


@dataclass
class Speaker:
    name: str  # canonical name or description, never a pronoun
    span: tuple[int, int] | None = None  # where it is named
    entity: str | None = None  # Entity.id
    plural: bool = False
    named: bool = False  # a proper name, not a description
    confidence: float = 0.9
    human: bool = True  # a person or group of people, not an outlet or a report: "he" may refer to it
    gender: str | None = None  # "female" / "male" where the text shows it, else unknown


def compatible(sp: Speaker, gender: str | None) -> bool:
    """Whether a pronoun of ``gender`` may refer to ``sp`` (unknown on either side agrees with anything)."""
    return gender is None or sp.gender is None or sp.gender == gender


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """speech.json with its lists turned into sets (and cue phrases into one regex each)."""
    data = load_data("speech.json")
    pro = data["pronouns"]
    return {
        "speech": frozenset(data["speech_verbs"]),
        "indirect": frozenset(data["indirect_verbs"]),
        "how": frozenset(data["how_verbs"]),
        "denial": frozenset(data["denial_verbs"]),
        "report_nouns": frozenset(data["report_nouns"]),
        "source_nouns": frozenset(data["source_nouns"]),
        "hedges": frozenset(data["hedge_adverbs"]),
        "singular": frozenset(pro["singular"]),
        "plural": frozenset(pro["plural"]),
        "first": frozenset(pro["first"]),
        "neuter": frozenset(pro["neuter"]),
        "partitive_heads": frozenset(data["partitive_heads"]),
        "group_nouns": frozenset(data["group_nouns"]),
        "institution_nouns": frozenset(data["institution_nouns"]),
        "outlet_nouns": frozenset(data["outlet_nouns"]),
        "according": _phrase_re(data["according_cues"]),
        "citing": _phrase_re(data["citing_cues"]),
        "scare": _phrase_re(data["scare_quote_cues"], tail=True),
        **{f"gender_{kind}": {w: g for g, cues in data["gender"].items() for w in cues[kind]}
           for kind in ("pronouns", "titles", "name_prefixes", "nouns")},
    }


def _phrase_re(phrases: list[str], tail: bool = False) -> re.Pattern[str]:
    alts = "|".join(sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\s*$" if tail else rf"\b(?:{alts})\b", re.IGNORECASE)


def is_pronoun(text: str) -> bool:
    lex = lexicon()
    t = text.lower().strip()
    return t in lex["singular"] or t in lex["plural"] or t in lex["first"] or t in lex["neuter"] \
        or t in ("one", "who", "that")


class Speakers:
    """Per-document speaker resolution: names, descriptions, reports and a recency history."""

    def __init__(self, doc: Doc, rec: Record, quoted: Sequence[tuple[int, int]] = ()) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.history: list[tuple[int, Speaker]] = []  # (char offset, speaker) in document order
        self._own = bool(rec.entities)  # fallback entities have no ids in the record
        self._entities = rec.entities or _fallback_entities(doc)
        subjects = sorted((m.span[0], m.span[1], e) for e in self._entities for m in e.mentions
                          if _is_subject(doc, m.span))
        # someone named inside a quote is not who "he said" after it means: the speaker named them
        self._persons = [(s, e, ent) for s, e, ent in subjects if ent.type == "PERSON" and not inside(quoted, s)]
        # any mention of a person, subject or not ("For Amina, ... the promises sound familiar"): the
        # paragraph's own person is who a "she said" closing it means, before anyone earlier in the story
        self._mentioned = sorted((m.span[0], m.span[1], e) for e in self._entities if e.type == "PERSON"
                                 for m in e.mentions if not inside(quoted, m.span[0]))
        self._orgs = [(s, e, ent) for s, e, ent in subjects if ent.type == "ORG"]
        self._reports: list[tuple[int, Speaker]] = []  # cited reports, resolved to their source
        self._places = sorted(m.span for p in rec.places for m in p.mentions)
        self._gender = _genders(doc, [e for e in self._entities if e.type == "PERSON"], quoted)
        self._learned: dict[str, str] = {}  # name -> gender of a "he"/"she" that resolved to it

    # ---------------------------------------------------------------- names

    def entity_in(self, start: int, end: int) -> tuple[Entity, tuple[int, int]] | None:
        """The first entity mentioned inside [start, end)."""
        best = None
        for ent in self._entities:
            for m in ent.mentions:
                if start <= m.span[0] and m.span[1] <= end and (best is None or m.span[0] < best[1][0]):
                    best = (ent, m.span)
        return best

    def named(self, ent: Entity, span: tuple[int, int], conf: float = 0.9) -> Speaker:
        return Speaker(name=ent.name, span=span, entity=(ent.id or None) if self._own else None, named=True,
                       confidence=conf, human=ent.type == "PERSON", gender=self._gender.get(id(ent)))

    # ---------------------------------------------------------------- noun phrases

    def from_np(self, head: Token, conf: float = 0.9) -> Speaker | None:
        """The speaker a noun phrase denotes: a known name inside it, a resolved pronoun, a cited report's
        source, or the phrase itself as a description ("a Dutch detainee", "one of the two women")."""
        lex = self.lexicon
        low = head.lower_
        if low in ("who", "that") and head.head.dep_ == "relcl":  # "X, a trader who said ...": X
            ante = head.head.head
            return self.from_np(ante.head if ante.dep_ == "appos" else ante, conf)
        if head.pos_ == "PRON" or low in lex["singular"] or low in lex["plural"] or low in lex["first"]:
            return self.resolve_pronoun(head, conf)
        if low in lex["partitive_heads"] and head.pos_ in ("NUM", "PRON", "DET", "ADJ", "NOUN"):
            appos = next((c for c in head.children if c.dep_ == "appos" and c.pos_ in ("NOUN", "PROPN")), None)
            if appos is not None:  # "one of them, a farmer from the village, said": the description is better
                return self.from_np(appos, conf)
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if obj is not None and obj.pos_ == "PRON":  # "one of them" -> "one of the two women"
                group = self.latest(obj.idx, plural=True)
                if group is None:
                    return None
                return Speaker(name=f"{head.text.lower()} of {_definite(group.name)}", span=group.span,
                               entity=None, plural=False, confidence=conf * 0.7)
            if of is None and head.dep_ in _SUBJ and head.pos_ in ("NUM", "PRON"):  # bare "one said"
                group = self.latest(head.idx, plural=True)
                if group is None:
                    return None
                return Speaker(name=f"{head.text.lower()} of {_definite(group.name)}", span=group.span,
                               confidence=conf * 0.6)
        found = self._name_of(head)
        if found is not None and (found[0].type == "PERSON" or not self.is_report(head)):
            return self.named(found[0], found[1], conf)
        if self.is_report(head):
            return self.report_source(head, conf)
        s, e = _description_extent(head)
        name = self.text[s:e].strip()
        if not name or is_pronoun(name):
            return None
        gender = lex["gender_nouns"].get(head.lemma_.lower()) or lex["gender_nouns"].get(low)
        if _anaphoric(head):  # "the former fighter said" after "Abu X said": the same person
            prior = self.latest(head.idx, plural=False, gender=gender)
            if prior is not None and prior.named and prior.human:
                return Speaker(name=prior.name, span=prior.span, entity=prior.entity, named=True,
                               confidence=conf * 0.7, gender=prior.gender or gender)
        plural = head.tag_ in ("NNS", "NNPS") or low in lex["group_nouns"]
        # a place or organisation standing for its government ("Yaoundé denied ...") is what a later "it"
        # means, never "he"
        human = (head.lemma_.lower() not in lex["source_nouns"] or head.lemma_.lower() in _HUMAN_SOURCES) \
            and not _institution(head) and head.ent_type_ not in _NOT_PERSON_LABELS \
            and not inside(self._places, head.idx)
        return Speaker(name=name, span=(s, e), plural=plural, named=head.pos_ == "PROPN", confidence=conf,
                       human=human, gender=None if plural else gender)

    def _name_of(self, head: Token) -> tuple[Entity, tuple[int, int]] | None:
        """The entity a subject names: the head itself, an apposition ("X, a former fighter" / "a fighter,
        X") or a name introduced by "named/called/by the name of" — never a modifier ("the Daesh fighter")."""
        start, end = _np_extent(head)
        for ent in self._entities:
            for m in ent.mentions:
                if start <= m.span[0] and m.span[1] <= end and self._names_head(head, m.span):
                    return ent, m.span
        return None

    def _names_head(self, head: Token, span: tuple[int, int]) -> bool:
        sp = self.doc.char_span(span[0], span[1], alignment_mode="expand")
        if sp is None:
            return False
        root = sp.root
        if root.i == head.i or head in sp:
            return True
        if root.dep_ == "appos" and (root.head.i == head.i or root.head.head.i == head.i):
            return True
        if root.dep_ == "appos" and root.head.lemma_.lower() == "name":
            return True  # "a local activist, who gave only his first name, Mahmoud,": the activist is Mahmoud
        if root.head.i == head.i and root.i < head.i and head.lemma_.lower() in self.lexicon["outlet_nouns"]:
            return True  # "the official SANA news agency": a name before "agency" is the agency's name
        return bool(_INTRODUCED.search(self.text[max(head.idx, span[0] - 30):span[0]]))

    @property
    def lexicon(self) -> dict:
        return lexicon()

    def is_report(self, head: Token) -> bool:
        return head.lemma_.lower() in self.lexicon["report_nouns"]

    def report_source(self, head: Token, conf: float) -> Speaker | None:
        """"the BBC report", "a report published on the BBC website" -> BBC; a bare "the report" -> the
        source of the latest report cited before."""
        start, end = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
        found = self.entity_in(start, end)
        if found is not None:
            sp = self.named(found[0], found[1], conf)
            sp.human = False
            self._reports.append((start, sp))
            return sp
        by = next((t for t in head.subtree if t.dep_ == "pobj" and t.head.lower_ == "by" and t.head.head.i >= head.i),
                  None)
        if by is not None:  # "a tally kept by a local monitoring group": whoever kept it
            sp = self.from_np(by, conf)
            if sp is not None:
                sp.human = False
                self._reports.append((start, sp))
            return sp
        made = self._statement_maker(head, conf)
        if made is not None:
            return made
        earlier = [sp for pos, sp in self._reports if pos < head.idx]
        if earlier:
            last = earlier[-1]
            return Speaker(name=last.name, span=last.span, entity=last.entity, named=last.named,
                           confidence=conf * 0.7, human=False)
        return None

    def _statement_maker(self, head: Token, conf: float) -> Speaker | None:
        """"In a statement on Monday, the ISPR said ... 'No area was targeted,' the statement said": a bare "the
        statement" is the one its paragraph said someone made, not a report cited earlier in the story."""
        para = self.text.rfind("\n", 0, head.idx) + 1
        for t in reversed(self.doc[head.sent.start:head.i] if head.sent.start_char <= para else
                          self.doc.char_span(para, head.idx, alignment_mode="contract") or []):
            verb = t.head.head
            if t.lemma_ == head.lemma_ and t.dep_ == "pobj" and t.head.dep_ == "prep" and verb.pos_ in ("VERB", "AUX") \
                    and verb.lemma_.lower() in self.lexicon["speech"] and (subj := self.subject_of(verb)) is not None \
                    and subj.lemma_ != head.lemma_ and (sp := self.from_np(subj, conf * 0.8)) is not None:
                sp.human = False
                return sp
        return None

    # ---------------------------------------------------------------- verbs

    def subject_of(self, verb: Token) -> Token | None:
        """The subject of a reporting verb; participles ("..., adding that") borrow their head's."""
        for _ in range(3):
            # "the brigades, who it said had been ...": the relative pronoun is the reported clause's subject
            subjs = sorted((c for c in verb.children if c.dep_ in _SUBJ), key=lambda c: c.lower_ in _RELATIVE)
            if subjs:
                return subjs[0]
            if verb.dep_ in ("advcl", "conj", "xcomp", "pcomp") and verb.head is not verb:
                verb = verb.head if verb.dep_ != "pcomp" else verb.head.head
                continue
            return None
        return None

    def from_verb(self, verb: Token, conf: float = 0.9) -> Speaker | None:
        subj = self.subject_of(verb)
        return self.from_np(subj, conf) if subj is not None else None

    # ---------------------------------------------------------------- history

    def note(self, pos: int, speaker: Speaker) -> None:
        self.history.append((pos, speaker))

    def latest(self, pos: int, plural: bool, gender: str | None = None) -> Speaker | None:
        """The latest speaker (or, for singular, named person) before ``pos`` of the given number whom a pronoun
        of ``gender`` may refer to."""
        best_pos, best = -1, None
        for p, sp in self.history:
            if p < pos and sp.plural == plural and sp.human and p > best_pos and self._agrees(sp, gender):
                best_pos, best = p, sp
        if not plural:
            for s, e, ent in self._persons:
                if s >= pos:
                    break
                if s > best_pos and (sp := self.named(ent, (s, e))) and self._agrees(sp, gender):
                    best_pos, best = s, sp
            para = self.text.rfind("\n", 0, pos) + 1
            if best_pos < para:
                for s, e, ent in self._mentioned:
                    if s >= pos:
                        break
                    if s >= para and (sp := self.named(ent, (s, e))) and self._agrees(sp, gender):
                        best = sp
        return best

    def _agrees(self, sp: Speaker, gender: str | None) -> bool:
        """Gender agreement, also with what an earlier "he"/"she" resolving to the same name showed."""
        return compatible(sp, gender) and (gender is None or self._learned.get(sp.name, gender) == gender)

    def latest_org(self, pos: int) -> Speaker | None:
        """The latest organisation before ``pos`` that spoke or was a clause's subject: what "it said" means."""
        best_pos, best = -1, None
        for p, sp in self.history:
            if p < pos and not sp.human and not sp.plural:
                best_pos, best = p, sp
        for s, e, ent in self._orgs:
            if s >= pos:
                break
            if s > best_pos:
                best_pos, best = s, self.named(ent, (s, e))
        return best

    def resolve_pronoun(self, tok: Token, conf: float) -> Speaker | None:
        low = tok.lower_
        lex = self.lexicon
        if low in lex["neuter"]:
            # "X said ... Y, who it said had been ...": an "it" that speaks is the organisation already speaking
            # in this paragraph, not one merely named since
            start = self.text.rfind("\n", 0, tok.idx) + 1 if tok.head.lemma_.lower() in lex["speech"] \
                else tok.sent.start_char
            sp = next((s for p, s in reversed(self.history) if start <= p < tok.idx and not s.human
                       and not s.plural), None) or self.latest_org(tok.idx)
        elif low in lex["singular"]:
            sp = self.latest(tok.idx, plural=False, gender=lex["gender_pronouns"].get(low))
        elif low in lex["plural"]:
            sp = self.latest(tok.idx, plural=True)
        else:
            return None
        if sp is None:
            return None
        gender = sp.gender or lex["gender_pronouns"].get(low)
        if sp.named and not sp.plural and gender:
            self._learned.setdefault(sp.name, gender)  # "Y said ..." then "she added": Y is a woman
        return Speaker(name=sp.name, span=sp.span, entity=sp.entity, plural=sp.plural, named=sp.named,
                       confidence=conf * 0.75, human=sp.human, gender=gender)

    def cite_report(self, pos: int, speaker: Speaker) -> None:
        """Remember a cited report's source so that a later "the report says" resolves to it."""
        self._reports.append((pos, speaker))


_RELATIVE = frozenset({"who", "that", "which", "whom"})
_NOT_PERSON_LABELS = frozenset({"GPE", "LOC", "FAC"})
_HUMAN_SOURCES = frozenset({"official", "spokesman", "spokeswoman", "spokesperson", "witness", "activist",
                            "resident"})


def _is_subject(doc: Doc, span: tuple[int, int]) -> bool:
    """A person named as a clause's subject (or in apposition to one) is a likely antecedent of "he"."""
    sp = doc.char_span(span[0], span[1], alignment_mode="expand")
    if sp is None:
        return False
    root = sp.root
    return root.dep_ in _SUBJ or (root.dep_ in ("appos", "pobj") and _in_subject(root))


def _in_subject(tok: Token) -> bool:
    for _ in range(4):
        if tok.dep_ in _SUBJ:
            return True
        if tok.head is tok or tok.dep_ not in ("appos", "pobj", "prep", "acl", "dobj", "compound"):
            return False
        tok = tok.head
    return False


def _definite(name: str) -> str:
    """'two such defectors' -> 'the two such defectors' for 'one of ...'."""
    words = name.split()
    if words and words[0].lower() in ("a", "an", "the", "these", "those", "such"):
        words = words[1:]
    if words and words[0].lower() in lexicon()["partitive_heads"]:  # "Two nurses" opened a sentence
        words[0] = words[0].lower()
    return "the " + " ".join(words)


def _institution(head: Token) -> bool:
    return head.lemma_.lower() in lexicon()["institution_nouns"]


def _anaphoric(head: Token) -> bool:
    """A definite singular description with nothing new in it ("the former fighter", "the 34-year-old"),
    which in news style points back to someone already named."""
    if head.pos_ != "NOUN" or head.tag_ != "NN" or head.lemma_.lower() in lexicon()["source_nouns"]:
        return False
    lex = lexicon()
    if head.lemma_.lower() in lex["report_nouns"] or head.lower_ in lex["group_nouns"] or _institution(head):
        return False
    det = [c for c in head.lefts if c.dep_ == "det"]
    return bool(det) and det[0].lower_ == "the" and not any(c.dep_ in ("prep", "relcl", "acl", "appos")
                                                               for c in head.rights)


def _np_extent(head: Token) -> tuple[int, int]:
    """Characters of the subject's whole phrase, appositions included."""
    left, right = head.left_edge, head.right_edge
    return left.idx, right.idx + len(right)


def _description_extent(head: Token) -> tuple[int, int]:
    """The core noun phrase: left modifiers, the head and an "of"-phrase after a partitive head, but no
    appositions, relative clauses or trailing punctuation ("a Dutch detainee, who ..." -> "a Dutch detainee")."""
    toks = [t for t in head.lefts if t.dep_ not in ("punct", "cc", "appos", "prep")]
    start = min([head] + [t.left_edge for t in toks], key=lambda t: t.i)
    end_tok = head
    for c in head.rights:
        if c.dep_ == "prep" and c.lower_ == "of" and head.lower_ in lexicon()["partitive_heads"]:
            end_tok = c.right_edge
        elif c.dep_ in ("compound", "nummod", "flat"):
            end_tok = c
        else:
            break
    return start.idx, end_tok.idx + len(end_tok)


def _fallback_entities(doc: Doc) -> list[Entity]:
    """spaCy's PERSON/ORG spans as entities while the entity extractor has nothing: a later short form
    ("Nouri") joins the earlier full name it ends ("Khalid al Nouri")."""
    by_name: dict[str, Entity] = {}
    order: list[Entity] = []
    persons = {e.text for e in doc.ents if e.label_ == "PERSON"}  # the small model labels a name unevenly
    for ent in doc.ents:
        label = "PERSON" if ent.text in persons else ent.label_
        if label not in ("PERSON", "ORG") or "\n" in ent.text:
            continue
        text = _strip_det(ent)
        if not text:
            continue
        key = text.lower()
        target = by_name.get(key)
        if target is None:
            target = next((e for e in reversed(order) if e.type == label and e.name.lower().endswith(" " + key)),
                          None)
        if target is None:
            target = Entity(name=text, type=label, id=f"spacy:{len(order)}")
            order.append(target)
        by_name[key] = target
        target.mentions.append(_mention(ent))
    return order


def _strip_det(ent: Span) -> str:
    words = ent.text.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return _POSSESSIVE.sub("", " ".join(words)).strip()


_POSSESSIVE = re.compile(r"['’]s?$")
_INTRODUCED = re.compile(r"\b(?:named|called|name\s+of|known\s+as|identified\s+as|only\s+as)\s+$", re.IGNORECASE)


def _mention(ent: Span) -> Mention:
    return Mention(span=(ent.start_char, ent.end_char), text=ent.text)


# ---------------------------------------------------------------------------- gender


def _genders(doc: Doc, persons: list[Entity], quoted: Sequence[tuple[int, int]]) -> dict[int, str]:
    """Each person's grammatical gender as the text shows it, by ``id(entity)``; a person with conflicting or
    no evidence is left out (unknown agrees with every pronoun)."""
    lex = lexicon()
    votes: dict[int, Counter[str]] = {}
    for ent in persons:
        for m in ent.mentions:
            sp = doc.char_span(m.span[0], m.span[1], alignment_mode="expand")
            if sp is None or not len(sp):
                continue
            for g in _mention_genders(sp, lex, quoted):
                votes.setdefault(id(ent), Counter())[g] += 1
    out: dict[int, str] = {}
    for key, c in votes.items():
        (g, n), *rest = c.most_common()
        if not rest or n > 2 * rest[0][1]:
            out[key] = g
    return out


def _mention_genders(sp: Span, lex: dict, quoted: Sequence[tuple[int, int]]):
    """Gender cues of one mention: a title before it ("Mrs", "Mr"), an Abu/Umm name, a kinship or role noun in
    apposition ("X's wife, Y", "Y, a mother of three") or as predicate ("Y is his widow"), and he/she in
    the clause the mention is the subject of ("Y said she hid", "Y was tending his sheep")."""
    doc = sp.doc
    first = sp[0]
    before = doc[first.i - 1] if first.i > 0 else None
    for tok in (before, first):
        if tok is not None and (g := lex["gender_titles"].get(tok.lower_.rstrip("."))):
            yield g
    if len(sp) > 1 and (g := lex["gender_name_prefixes"].get(first.lower_)):
        yield g
    root = sp.root
    nouns = lex["gender_nouns"]
    related = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        related.append(root.head)
    if root.dep_ in _SUBJ and root.head.lemma_ == "be":
        related += [c for c in root.head.children if c.dep_ == "attr"]
    for noun in related:
        if (g := nouns.get(noun.lemma_.lower()) or nouns.get(noun.lower_)):
            yield g
    verb = _clause_of(root)
    if verb is None:
        return
    pronouns = lex["gender_pronouns"]
    subject = root if root.dep_ in _SUBJ else root.head
    after = subject.right_edge.i  # "Y, his wife, said": a pronoun inside the subject is someone else
    for tok in verb.subtree:
        g = pronouns.get(tok.lower_)
        if g and tok.i > after and not inside(quoted, tok.idx) and _same_speaker_clause(tok, verb):
            yield g


def _clause_of(root: Token) -> Token | None:
    """The verb a mention is the subject of, directly or through an apposition ("X's wife, Y, said")."""
    if root.dep_ in _SUBJ:
        return root.head
    if root.dep_ == "appos" and root.head.dep_ in _SUBJ:
        return root.head.head
    return None


def _same_speaker_clause(tok: Token, verb: Token) -> bool:
    """The pronoun hangs under ``verb`` through no clause with a subject of its own other than a pronoun or the
    pronoun's own phrase: "X said she hid" and "X was tending his sheep", not "the soldiers took his son"."""
    path = set()
    t = tok
    while t.i != verb.i and t.head is not t:
        path.add(t.i)
        if t.pos_ in ("VERB", "AUX"):
            subj = next((c for c in t.children if c.dep_ in _SUBJ), None)
            if subj is not None and subj.i not in path and subj.pos_ != "PRON":
                return False
        t = t.head
    return t.i == verb.i


def inside(spans: Sequence[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` lies inside one of the sorted, disjoint ``spans`` (quotes)."""
    k = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]
