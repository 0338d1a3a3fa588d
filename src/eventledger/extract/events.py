"""Events in the PLOVER ontology: who did what to whom, where and when, read from the parse.

Triggers (verb lemmas, verb + object phrases, event nouns) come from ``data/plover.json``;
roles come from spaCy's dependency parse (subject, passive agent, object, "against X",
"X's takeover of Y"). Each event's evidence is the clause (or noun phrase) that carries it,
not the whole sentence, so an investigator sees exactly the words the event was read from.
Semantic-role and event-extraction libraries would need models downloaded at run time, which
the project forbids; the parse rules below run on the model already loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span, Token

from eventledger.extract.numbers import numbers_in
from eventledger.extract.util import doc_text, entity_at, load_data, place_at, trim
from eventledger.record import Event, Record, Time

_SUBJ = ("nsubj", "nsubjpass", "csubj")
_EXCLUDED_CLAUSE_DEPS = {
    "advcl",
    "parataxis",
    "conj",
    "cc",
    "punct",
    "mark",
    "ccomp",
    "appos",
    "dep",
    "intj",
    "discourse",
    "meta",
    "preconj",
    "relcl",
}
_PLACE_WALK_DEPS = {
    "prep",
    "pobj",
    "dobj",
    "agent",
    "acl",
    "advmod",
    "npadvmod",
    "compound",
    "appos",
    "xcomp",
    "nmod",
    "pcomp",
    "dative",
    "attr",
    "oprd",
    "nsubj",
    "nsubjpass",
}
_RELATIVE = {"who", "that", "which", "whom"}
_MAX_SUBJECT_TOKENS = 12
_FALLBACK_ACTOR_LABELS = {"ORG", "PERSON", "GPE", "NORP"}
_FALLBACK_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_HARM_TYPES = {"ASSAULT", "COERCE", "SANCTION"}
_PERPETRATOR_KINDS = {"armed_group", "military"}
_MAIN_PLACE_FEATURES = {"city", "admin1", "landmark", None}
# "KUTUM, Sudan (Agency) -": a dateline opens a story's first paragraph with its place in capitals
_DATELINE_WINDOW = 600  # characters: the headline and first paragraph
_DATELINE = re.compile(
    r"^([A-Z][A-Z .'-]{2,40})(?:, [A-Z][\w .'-]{1,40})?(?: \([^)\n]{1,40}\))? ?[-\u2013\u2014]", re.M
)


@dataclass(frozen=True)
class _Lexicon:
    verbs: dict
    verb_objects: dict  # verb lemma -> list of phrase entries
    nouns: dict
    light_verbs: frozenset
    collective: frozenset
    quantifiers: frozenset
    person_nouns: frozenset
    person_suffixes: tuple
    actor_suffixes: tuple
    target_preps: frozenset
    nominal_target_preps: frozenset
    pronoun_orgs: frozenset
    pronoun_plural: frozenset
    modality: dict
    weapons: dict  # weapon word -> PLOVER mode: a weapon is how, never who
    casualty_verbs: frozenset
    manner_marks: frozenset
    people_readings: frozenset
    force_nouns: frozenset  # fighters, troops, aircraft: the possessor is the actor
    aid_goods: frozenset
    affiliation_words: frozenset  # "forces loyal to X": X is who acts
    affiliation_preps: frozenset  # "fighters of X", "operations by X"
    causative_verbs: frozenset  # "made the men sit": the one who made them is who acts after
    request_words: frozenset  # "demanded the release of": the demand is the event, not a release
    instrument_verbs: frozenset  # "detonated explosives against X": the object is the weapon, the target is X
    report_verbs: frozenset
    threat_words: frozenset  # what a threat promises: an attack, arrests, reprisals (not 'funding would run out')
    speculation_verbs: frozenset  # "suggested there was some kind of agreement": a guess, not a report
    eyewitness_sources: frozenset  # "residents of villages near X said": X is where it happened, not a source's seat
    place_nouns: dict  # "in the department": the place of that kind named last
    lemma_fixes: dict  # "retook" -> "retake": irregular forms the small model leaves as they are
    standing: dict  # "has fought the government for 15 years": a war's course, not one event
    tally_verbs: frozenset  # "documented 14 air strikes": a monitor's count, told in its clause


@lru_cache(maxsize=1)
def _lex() -> _Lexicon:
    d = load_data("plover.json")
    phrases: dict[str, list] = {}
    for entry in d["verb_objects"]:
        phrases.setdefault(entry["verb"], []).append(entry)
    mod = {k: frozenset(v) for k, v in d["modality"].items()}
    return _Lexicon(
        verbs=d["verbs"],
        verb_objects=phrases,
        nouns=d["nouns"],
        light_verbs=frozenset(d["light_verbs"]),
        collective=frozenset(d["collective_nouns"]),
        quantifiers=frozenset(d["quantifiers"]),
        person_nouns=frozenset(d["person_nouns"]),
        person_suffixes=tuple(d["person_suffixes"]),
        actor_suffixes=tuple(d["actor_modifier_suffixes"]),
        target_preps=frozenset(d["target_preps"]),
        nominal_target_preps=frozenset(d["nominal_target_preps"]),
        pronoun_orgs=frozenset(d["pronoun_orgs"]),
        pronoun_plural=frozenset(d["pronoun_plural"]),
        modality=mod,
        weapons=d["weapons"],
        casualty_verbs=frozenset(d["casualty_verbs"]),
        manner_marks=frozenset(d["manner_marks"]),
        people_readings=frozenset(d["people_readings"]),
        force_nouns=frozenset(d["force_nouns"]),
        aid_goods=frozenset(d["aid_goods"]),
        affiliation_words=frozenset(d["affiliation_words"]),
        affiliation_preps=frozenset(d["affiliation_preps"]),
        causative_verbs=frozenset(d["causative_verbs"]),
        request_words=frozenset(d["modality"]["request_words"]),
        instrument_verbs=frozenset(d["instrument_verbs"]),
        report_verbs=frozenset(d["modality"]["report_verbs"]),
        threat_words=frozenset(d["threat_words"])
        | {k for k, v in d["verbs"].items() if v["type"] in _HARM_TYPES}
        | {k for k, v in d["nouns"].items() if v["type"] in _HARM_TYPES},
        speculation_verbs=frozenset(d["speculation_verbs"]),
        eyewitness_sources=frozenset(d["eyewitness_sources"]),
        place_nouns={k: frozenset(v) for k, v in d["place_nouns"].items()},
        lemma_fixes=d["lemma_fixes"],
        standing={k: frozenset(v) for k, v in d["standing"].items()},
        tally_verbs=frozenset(d["tally_verbs"]),
    )


# ---------------------------------------------------------------- lookups built once per document


class _Index:
    """Token -> entity / place / time, from the record (or spaCy's own entities while those are empty)."""

    def __init__(self, doc: Doc, rec: Record) -> None:
        self.doc, self.rec = doc, rec
        self.entity: dict[int, tuple[str, str | None, bool]] = {}  # token -> (name, id, is_org)
        self.place: dict[int, tuple[str, str | None]] = {}
        self.time: dict[int, object] = {}
        if rec.entities:
            for ent in rec.entities:
                for m in ent.mentions:
                    self._mark(self.entity, m.span, (ent.name, ent.id or None, ent.type == "ORG"))
        else:
            for e in doc.ents:
                if e.label_ in _FALLBACK_ACTOR_LABELS:
                    for t in e:
                        self.entity[t.i] = (e.text, None, e.label_ in ("ORG", "GPE"))
        if rec.places:
            for pl in rec.places:
                for m in pl.mentions:
                    self._mark(self.place, m.span, (pl.name, pl.id or None))
        else:
            for e in doc.ents:
                if e.label_ in _FALLBACK_PLACE_LABELS:
                    for t in e:
                        self.place[t.i] = (e.text, None)
        if rec.times:
            for tm in rec.times:
                self._mark(self.time, tm.span, tm)
        else:
            for e in doc.ents:
                if e.label_ == "DATE":
                    for t in e:
                        self.time[t.i] = e
        self.place_tokens = sorted(self.place)
        self.kind = {ent.id: ent.kind for ent in rec.entities if ent.id}
        self.source_tokens = self._source_tokens()
        self.main_place = self._main_place()

    def _source_tokens(self) -> set[int]:
        """Words naming who reports ('the health ministry in Ramallah said'): their places are the
        source's, never the event's."""
        lex = _lex()
        out: set[int] = set()
        for t in self.doc:
            if (t.pos == VERB or t.pos == AUX) and t.lemma_.lower() in lex.report_verbs:
                for c in t.children:
                    if c.dep_ == "nsubj" and c.lemma_.lower() not in lex.eyewitness_sources:
                        out.update(range(c.left_edge.i, c.right_edge.i + 1))
            elif t.lower_ == "according" and t.dep_ == "prep":
                out.update(range(t.i, t.right_edge.i + 1))
        return out

    def _main_place(self) -> tuple[str, str | None] | None:
        """Where the story is: its dateline place, else the town or province it names most often."""
        text = self.rec.document.text
        for m in _DATELINE.finditer(text[:_DATELINE_WINDOW]):
            for p in self.place_tokens:
                if m.start(1) <= self.doc[p].idx < m.end(1):
                    return self.place_of(self.doc[p])
        if not self.rec.places:
            return None
        best = max(
            (pl for pl in self.rec.places if pl.feature in _MAIN_PLACE_FEATURES and pl.mentions),
            key=lambda pl: (len(pl.mentions), -pl.mentions[0].span[0]),
            default=None,
        )
        return (best.name, best.id or None) if best is not None and len(best.mentions) > 1 else None

    def _mark(self, table: dict, span: tuple[int, int], value) -> None:
        sp = self.doc.char_span(span[0], span[1], alignment_mode="expand")
        if sp is not None:
            for t in sp:
                table.setdefault(t.i, value)

    def is_place(self, tok: Token) -> bool:
        """'Raqqa City', 'the city of Azaz' name places even when only one word is in the gazetteer."""
        if tok.i in self.place:
            return True
        return any(
            c.i in self.place for c in tok.children if c.dep_ in ("compound", "prep", "pobj", "appos")
        ) or any(
            o.i in self.place
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for o in c.children
        )

    def is_time(self, tok: Token) -> bool:
        """'on Tuesday', 'Tuesday's shelling': a date or time is when, never who or whom."""
        return tok.i in self.time or tok.ent_type_ in ("DATE", "TIME")

    def entity_of(self, tok: Token) -> tuple[str, str | None] | None:
        """The entity named by this token; record lookups go through util.entity_at (largest overlap)."""
        if tok.i not in self.entity:
            return None
        if self.rec.entities:
            ent = entity_at(self.rec, tok.idx, tok.idx + len(tok.text))
            return (ent.name, ent.id or None) if ent else None
        return self.entity[tok.i][:2]

    def place_of(self, tok: Token) -> tuple[str, str | None] | None:
        if tok.i not in self.place:
            return None
        if self.rec.places:
            pl = place_at(self.rec, tok.idx, tok.idx + len(tok.text))
            return (pl.name, pl.id or None) if pl else None
        return self.place[tok.i]

    def last_place_before(self, i: int, not_before_char: int) -> tuple[str, str | None] | None:
        best = None
        for p in self.place_tokens:
            if p >= i:
                break
            if self.doc[p].idx >= not_before_char and p not in self.source_tokens:
                best = p
        return self.place_of(self.doc[best]) if best is not None else None

    def last_place_of_kind(self, i: int, features: frozenset) -> tuple[str, str | None] | None:
        """'in the department': the last place of that kind named before (a backward walk over place mentions)."""
        for p in reversed(self.place_tokens):
            if p >= i or not self.rec.places:
                continue
            pl = place_at(self.rec, self.doc[p].idx, self.doc[p].idx + len(self.doc[p].text))
            if pl is not None and pl.feature in features:
                return pl.name, pl.id or None
        return None

    def last_force_before(self, i: int, floor: int = 0) -> tuple[str, str | None] | None:
        """What a narrator's 'they' stands for: the nearest armed group or plural force noun before it."""
        lex = _lex()
        for j in range(i - 1, max(floor - 1, i - 120), -1):
            hit = self.entity.get(j)
            if hit and hit[2]:
                return self.entity_of(self.doc[j])
            t = self.doc[j]
            if t.tag_ == "NNS" and t.lemma_.lower() in lex.force_nouns and t.dep_ in _SUBJ:
                return _np_text(t), None
        return None

    def perpetrator_before(self, trigger: Token) -> tuple[str, str | None] | None:
        """The armed group or force a report has just named (earlier in the sentence, in the sentence
        before, or in the paragraph) for harm it then tells without an agent; never a source that speaks."""
        text = self.rec.document.text
        sent = trigger.sent
        line_start = text.rfind("\n", 0, sent.start_char) + 1
        prev_start = self.doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
        floor = min(line_start, prev_start)
        for j in range(trigger.i - 1, -1, -1):
            if self.doc[j].idx < floor:
                break
            hit = self.entity.get(j)
            if hit and hit[2] and j not in self.source_tokens and self.kind.get(hit[1] or "") in _PERPETRATOR_KINDS:
                return self.entity_of(self.doc[j])
        return None

    def last_org_before(self, i: int) -> tuple[str, str | None] | None:
        for j in range(i - 1, max(-1, i - 400), -1):
            hit = self.entity.get(j)
            if hit and hit[2]:
                return self.entity_of(self.doc[j])
        return None


# ---------------------------------------------------------------- candidates


@dataclass
class _Cand:
    trigger: Token
    type: str
    mode: str | None
    head: Token  # the clause (or noun phrase) head the evidence is read from
    nominal: bool
    actor: Token | str | None = None
    target: Token | str | None = None
    place_hint: Token | None = None
    wide: bool = False  # the evidence takes in the verb's complement clause ("warned that ... if ...")
    numbers: list = field(default_factory=list)


@lru_cache(maxsize=1)
def _trigger_words() -> frozenset[str]:
    """Every word that can start an event: verb lemmas, verb + object heads, event nouns."""
    lex = _lex()
    return frozenset(lex.verbs) | frozenset(lex.verb_objects) | frozenset(lex.nouns) | frozenset(lex.lemma_fixes)


def _key(tok: Token) -> str:
    """Lemma, reading through editorial brackets in quotes ("retreat[ed]" -> "retreat")."""
    if "[" in tok.text and tok.text.index("[") > 2:
        return tok.text.split("[")[0].lower()
    lemma = tok.lemma_.lower()
    return _lex().lemma_fixes.get(lemma, lemma)


def _is_person(tok: Token | None, idx: _Index) -> bool:
    if tok is None:
        return False
    lex = _lex()
    if tok.lower_ in _RELATIVE and tok.dep_ in _SUBJ and tok.head.dep_ == "relcl":
        tok = tok.head.head
    if tok.lemma_.lower() in lex.quantifiers or tok.lower_ in lex.quantifiers or tok.like_num:  # "62 of the"
        obj = _of_object(tok)
        if obj is not None:
            tok = obj
    if tok.pos_ == "PRON":
        return tok.lower_ in (
            "him",
            "her",
            "them",
            "us",
            "me",
            "you",
            "he",
            "she",
            "they",
            "we",
            "who",
            "whom",
        )
    return (
        tok.lemma_.lower() in lex.person_nouns
        or tok.lower_ in lex.person_nouns
        or tok.ent_type_ in ("PERSON", "NORP")
        or (tok.tag_ == "NNS" and tok.lower_.endswith(lex.person_suffixes))  # farmers, civilians, detainees
    )


def _weapon(tok: Token | None) -> str | None:
    """The PLOVER mode of a weapon noun ('shells', 'artillery fire', 'the strikes'), else None."""
    if tok is None or tok.pos_ not in ("NOUN", "PROPN", "VERB"):  # "shelling" is often parsed as a gerund
        return None
    weapons = _lex().weapons
    for word in (tok.lemma_.lower(), tok.lower_):
        if word in weapons:
            return weapons[word]
    for c in tok.children:  # "artillery fire", "mortar rounds"
        if c.dep_ in ("compound", "amod") and c.i < tok.i and c.lemma_.lower() in weapons:
            return weapons[c.lemma_.lower()]
    return None


def _weapon_user(weapon: Token) -> Token | None:
    """Who used a weapon: 'shells fired by X' -> X; "X's aircraft" -> X; 'its aircraft' -> 'its'."""
    for c in weapon.children:
        if c.dep_ == "acl" and c.tag_ == "VBN":
            by = _agent(c)
            if by is not None:
                return by
        if c.dep_ == "poss":
            return c
    return _national(weapon, weapon=True)


def _national(noun: Token, weapon: bool = False) -> Token | None:
    """'a US drone strike', 'Russian warplanes', 'government shelling of Ariha': the state or side named by a
    modifier is who did it (only a state, nationality or government: 'a tribal clash' names nobody)."""
    mods = [c for c in noun.children if c.dep_ in ("amod", "compound")]
    mods += [g for c in mods if c.dep_ == "compound" for g in c.children if g.dep_ in ("amod", "compound")]
    # "army shelling" and "a military jet" name the army; "a military campaign" only says what kind
    return next((m for m in mods if m.ent_type_ in ("NORP", "GPE")
                 or (weapon or m.dep_ == "compound") and m.lower_ in _STATE_WORDS), None)


_STATE_WORDS = frozenset({"government", "regime", "army", "military"})


def _of_object(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for o in c.children:
                if o.dep_ == "pobj":
                    return o
    return None


def _object_word(verb: Token) -> str | None:
    """The object's noun, through a count: 'shot down 42 of 57 drones' -> 'drone'."""
    obj = _patient(verb)
    if obj is not None and (obj.like_num or obj.lemma_.lower() in _lex().quantifiers):
        obj = _of_object(obj) or obj
    return obj.lemma_.lower() if obj is not None else None


def _child(tok: Token, *deps: str) -> Token | None:
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def _prep_objects(tok: Token, preps) -> list[tuple[str, Token]]:
    out = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in preps:
            for o in c.children:
                if o.dep_ == "pobj":
                    out.append((c.lower_, o))
    return out


def _patient(verb: Token) -> Token | None:
    """The undergoer: object, passive subject, or the noun a participle modifies ("camps set up by X")."""
    obj = _child(verb, "dobj", "nsubjpass")
    if obj is not None:
        return obj
    obj = _child(verb, "dative")  # "executed them the same day": the small model reads a lone object as dative
    if obj is not None:
        return obj
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        return verb.head
    if verb.dep_ == "relcl" and _child(verb, "auxpass") is not None:
        return verb.head
    return None


def _passive(verb: Token) -> bool:
    """'were kidnapped, beaten and killed': a bare participle coordinated with a passive shares its voice."""
    if _child(verb, "nsubjpass", "auxpass") is not None or (
            verb.dep_ == "acl" and verb.tag_ == "VBN" and not _reduced_active(verb)):
        return True
    return (verb.dep_ == "conj" and verb.tag_ == "VBN" and _child(verb, "nsubj", "aux") is None
            and verb.head.i < verb.i and _passive(verb.head))


def _subject(verb: Token) -> Token | None:
    """Grammatical subject, inherited through coordination and control ("forced to retreat")."""
    tok = verb
    for _ in range(4):
        subj = _child(tok, "nsubj", "nsubjpass")
        if subj is not None:
            if subj.lower_ in _RELATIVE and tok.dep_ == "relcl":
                return tok.head
            return subj
        if tok.dep_ == "conj":
            head = tok.head
            if (
                tok.tag_ in ("VBD", "VBZ", "VBP")
                and head.tag_ == "VB"
                and head.dep_ in ("ccomp", "xcomp")
                and head.head.lemma_.lower() in _lex().causative_verbs
            ):  # "made the men sit and confiscated their phones": a finite verb cannot share a bare
                head = head.head  # infinitive's subject; it goes with the one who made them
            tok = head
        elif tok.dep_ == "xcomp":
            if tok.head.lemma_ == "be":
                return None
            obj = _child(tok.head, "dobj")
            if obj is not None:
                return obj
            tok = tok.head
        elif tok.dep_ == "relcl" or _reduced_active(tok):
            return tok.head
        else:
            return None
    return None


def _reduced_active(verb: Token) -> bool:
    """'Armed youths killed at least 31 people', parsed as 'youths [who were] killed ...': a participle that
    takes a direct object is the clause's finite verb, and the noun it hangs on is its subject."""
    return (verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.i == verb.head.i + 1
            and verb.head.dep_ in (*_SUBJ, "ROOT") and _child(verb, "dobj") is not None)


def _agent(verb: Token) -> Token | None:
    """'by X', also when told once for coordinated participles: 'were beaten and shot by soldiers'."""
    for _, o in _prep_objects(verb, ("by",)):
        return o
    if not _passive(verb):
        return None
    shared = [c for c in verb.children if c.dep_ == "conj" and c.tag_ == "VBN" and _passive(c)]
    if verb.dep_ == "conj" and _passive(verb.head):
        shared.append(verb.head)
    for other in shared:
        for _, o in _prep_objects(other, ("by",)):
            return o
    return None


def _verb_entry(tok: Token, idx: _Index) -> dict | None:
    lex = _lex()
    key = _key(tok)
    if key not in lex.verbs and key not in lex.verb_objects:
        return None
    if _names_people(tok):
        return None
    for entry in lex.verb_objects.get(key, ()):
        if "particle" in entry and not any(  # "had taken back the village": "back" comes parsed as an adverb
            c.dep_ in ("prt", "advmod") and c.lower_ == entry["particle"] for c in tok.children
        ):
            continue
        if "prep" in entry and not any(
            c.dep_ in ("prep", "prt") and c.lower_ == entry["prep"] for c in tok.children
        ):
            continue
        if "prep_objects" in entry and not any(  # "set the houses on fire"
            o.lemma_.lower() in entry["prep_objects"] for _, o in _prep_objects(tok, (entry["prep"],))
        ):
            continue
        if "complement_verbs" in entry and not any(
            c.dep_ in ("ccomp", "xcomp") and c.lemma_.lower() in entry["complement_verbs"] and _is_person(
                _child(c, "nsubj") or _child(tok, "dobj"), idx
            )
            for c in tok.children
        ):
            continue
        if entry.get("needs") == "object" and _patient(tok) is None:
            continue
        if "needs_object_word" in entry and _object_word(tok) not in entry["needs_object_word"]:
            continue  # "shot down two drones", not "shot down the proposal"
        if "objects" in entry:
            obj = _patient(tok)
            if (
                obj is None
                or obj.lemma_.lower() not in entry["objects"]
                and obj.lower_ not in entry["objects"]
            ):
                continue
            mods = entry.get("object_mods")
            if mods and not any(
                c.lemma_.lower() in mods for c in obj.children if c.dep_ in ("compound", "amod")
            ):
                continue
            # "take control of your life" is not a seizure: a personal possessive marks a figure of speech
            of_objs = _prep_objects(obj, ("of",)) + _prep_objects(tok, ("of",))
            if any(c.dep_ == "poss" and c.pos_ == "PRON" for _, o in of_objs for c in o.children):
                continue
        if "support_purposes" in entry and any(  # "sent troops and drones to support the GNA": military aid
            c.dep_ in ("advcl", "xcomp") and _infinitive(c) and c.lemma_.lower() in entry["support_purposes"]
            for c in tok.children
        ):
            return {**entry, "type": "AID", "mode": "military", "with_complement": True}  # whom: in the purpose
        return entry
    entry = lex.verbs.get(key)
    if entry is None:
        return None
    if tok.dep_ in ("amod", "compound") or (tok.pos_ not in ("VERB", "AUX") and "[" not in tok.text):
        return None
    if _names_people(tok):
        return None
    if "needs_weapon" in entry:  # "the first bomb fell on ...", "shells hit the market"
        mode = _weapon(_agent(tok) or _subject(tok))
        if mode is None:
            return None
        entry = {**entry, "mode": mode}
    patient = _patient(tok)
    needs = entry.get("needs")
    if needs == "person" and not _is_person(patient, idx):
        return None
    if needs == "object" and patient is None:
        return None
    if needs == "no_object" and _child(tok, "dobj") is not None:
        return None
    if needs == "conditional" and not _conditional(tok):
        return None
    if needs == "no_person_object" and _is_person(patient, idx):
        return None
    if needs == "own_clause" and tok.dep_ in ("advcl", "relcl", "acl"):
        return None
    if "not_to" in entry and any(  # "took her to the clinic", "were taken to hospital": care, not capture
        o.lemma_.lower() in entry["not_to"] or any(c.lemma_.lower() in entry["not_to"] for c in o.children
                                                   if c.dep_ == "compound")
        for _, o in _prep_objects(tok, ("to",))
    ):
        return None
    if entry.get("not_kin_subject") and not _passive(tok):  # "my husband took our daughters to the stream" is no
        subj = _subject(tok)  # abduction ("my two brothers were taken from our farm" is)
        if subj is not None and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in subj.children):
            return None
    if "needs_subject_word" in entry:
        subj = _subject(tok)
        if subj is None or subj.lemma_.lower() not in entry["needs_subject_word"]:
            return None
    if "needs_agent_word" in entry:
        ag = _agent(tok) or _subject(tok)
        if ag is None or ag.lemma_.lower() not in entry["needs_agent_word"]:
            return None
    if "needs_object_word" in entry and _object_word(tok) not in entry["needs_object_word"]:
        return None
    if "goods" in entry and patient is not None and any(  # "demanded livestock and money": extortion
        t.lemma_.lower() in entry["goods"] for t in [patient, *patient.conjuncts]
    ):
        return {**entry, "type": entry["goods_type"], "mode": entry.get("goods_mode")}
    if _is_person(patient, idx) and "person_mode" in entry:
        return {**entry, "type": entry.get("person_type", entry["type"]), "mode": entry["person_mode"]}
    return entry


def _conditional(verb: Token) -> bool:
    """'warned that attacks would follow if ...': a harm promised on a condition is a threat; a bare
    warning ('warned of famine', 'warned the deal could collapse if ...') is not."""
    lex = _lex()
    marks = lex.modality["hypothetical_marks"]
    for c in verb.children:
        for t in [c, *(g for g in c.children if c.dep_ in ("ccomp", "xcomp", "prep"))]:
            if t.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in t.children):
                promised = t.head if t.head.i != verb.i else c
                return any(w.lemma_.lower() in lex.threat_words for w in promised.subtree if w.i != verb.i)
    return False


def _cause(verb: Token) -> Token | None:
    """'were killed when shells fired by X hit ...': who is behind the casualties, from the clause
    that says how they came about."""
    manner = _lex().manner_marks
    for c in verb.subtree:
        if c.dep_ == "advcl" and any(m.lower_ in manner and m.i < c.i for m in c.children):
            subj = _child(c, "nsubj")
            if subj is None:
                continue
            return _weapon_user(subj) if _weapon(subj) else subj
    return None


def _names_people(tok: Token) -> bool:
    """'the wounded', 'the dead', 'those detained', 'ask who killed them': people or a question, not an event."""
    lex = _lex()
    if tok.tag_ in ("VBN", "JJ") and tok.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass", "appos"):
        if any(c.dep_ in ("det", "poss") for c in tok.children) or tok.lower_ in lex.people_readings:
            return True
    if tok.dep_ == "acl" and tok.tag_ == "VBN" and not any(c.dep_ != "punct" for c in tok.children):
        return True  # a bare participle describes the people it follows
    subj = _child(tok, "nsubj")
    return subj is not None and subj.tag_ == "WP" and tok.dep_ in ("ccomp", "xcomp", "pcomp", "advcl")


def _verb_candidate(tok: Token, idx: _Index) -> _Cand | None:
    entry = _verb_entry(tok, idx)
    if entry is None:
        return None
    if entry["type"] == "COERCE" and entry.get("needs") == "person" and any(
        c.dep_ == "xcomp" and (_verb_entry(c, idx) or {}).get("type") == "RETREAT" for c in tok.children
    ):
        return None  # "forced 60,000 people to flee": the flight is the event, the force how it came about
    lex = _lex()
    passive = _passive(tok)
    subj = None if passive else _subject(tok)
    patient = _patient(tok)
    actor = _agent(tok) if passive else subj
    if actor is not None and (_weapon(actor) or actor.lemma_.lower() in entry.get("needs_agent_word", ())):
        actor = _weapon_user(actor)  # "pounded by airstrikes", "shelling killed ...": the weapon, not who used it
    if actor is None and passive and tok.lemma_.lower() in lex.casualty_verbs:
        actor = _cause(tok)
    target: Token | None = patient
    if "objects" in entry and patient is not None:
        # the object belongs to the trigger ("took control", "set up a camp"); the target hangs on it
        preps = (
            ("from", "of", "for", "against", "over")
            if entry.get("mode") == "seize"
            else ("of", "for", "against", "on")
        )
        objs = _prep_objects(patient, preps)
        if entry.get("mode") == "seize":  # "from X" may hang anywhere under the clause
            objs += [
                ("from", o)
                for t in tok.subtree
                if t.dep_ == "prep" and t.lower_ == "from"
                for o in t.children
                if o.dep_ == "pobj"
            ]
        objs.sort(key=lambda po: preps.index(po[0]))  # who lost ground ("from X") before what was taken
        target = next((o for _, o in objs if not idx.is_place(o)), None)
    if (
        isinstance(target, Token)
        and tok.lemma_.lower() in lex.instrument_verbs
        and _weapon(target)
        and not _is_person(target, idx)
    ):  # "detonated explosive devices against a convoy": the device is how, the convoy is whom
        target = next((o for _, o in _prep_objects(target, lex.target_preps) if not idx.is_place(o)), None)
    if "complement_verbs" in entry:  # "made the men sit": whom they made
        target = next(
            (_child(c, "nsubj") for c in tok.children if c.dep_ in ("ccomp", "xcomp") and _child(c, "nsubj")),
            _child(tok, "dobj"),
        )
    mutual = entry["type"] in ("AGREE", "CONSULT", "COOPERATE") or entry.get("mutual", False)
    sides = _between(tok) or (_between(patient) if patient is not None else None) if mutual else None
    if sides is not None:  # "signed an agreement between A and B"
        actor, target = (actor if actor is not None and not _passive(tok) else sides[0]), sides[1]
    if mutual and actor is not None and (target is None or idx.is_time(target)):
        partner = _child(actor, "conj")  # "A and B agreed to ...": each is the other's counterpart
        if partner is not None:
            target = partner
    if entry.get("subject_is") == "target":
        target, actor = _subject(tok), _agent_in(tok)
    elif entry["type"] == "AID":
        target = _child(tok, "dative") or next((o for _, o in _prep_objects(tok, ("to", "for"))), None)
        purpose = next((c for c in tok.children if c.dep_ in ("advcl", "xcomp") and _infinitive(c)
                        and c.lemma_.lower() in entry.get("support_purposes", ())), None)
        if purpose is not None:  # "sent troops to support the GNA": the side helped
            target = _child(purpose, "dobj") or target
        if target is None and _is_person(patient, idx):  # "took us in", "sheltered the families"
            target = patient
    if target is None or (target is not None and idx.is_place(target) and entry.get("mode") == "seize"):
        extra = _prep_objects(
            tok,
            lex.target_preps
            | ({"from"} if entry.get("mode") == "seize" else set())
            | ({"with"} if mutual else set()),
        )
        for _, pobj in _prep_objects(tok, ("to", "on", "in")):
            extra += _prep_objects(pobj, ("with", "against") if mutual else ("against",))
        cand_target = next((o for _, o in extra if not idx.is_place(o) and not idx.is_time(o)), None)
        if cand_target is not None:
            target = cand_target
    if target is not None and entry.get("mode") == "seize" and idx.is_place(target):
        target = None
    head = tok
    if (
        tok.dep_ == "xcomp"
        and tok.head.pos_ in ("VERB", "AUX")
        and tok.head.lemma_.lower() not in lex.modality["report_verbs"]
    ):
        head = tok.head  # "was forced to retreat": the governing verb carries the subject
    if tok.dep_ == "appos":  # misparsed bracketed verb in a quote: the noun it hangs on is its subject
        actor = actor or tok.head
        head = tok.head
        return _Cand(tok, entry["type"], entry.get("mode"), head, True, actor, target)
    wide = entry.get("with_complement", False) or entry["type"] == "REQUEST"  # what was asked is the point
    return _Cand(tok, entry["type"], entry.get("mode"), head, False, actor, target, wide=wide)


def _agent_in(verb: Token) -> Token | None:
    """A 'by X' anywhere under the clause ("found shelter in camps set up by X")."""
    for t in verb.subtree:
        if t.dep_ == "agent" or (t.dep_ == "prep" and t.lower_ == "by"):
            for o in t.children:
                if o.dep_ == "pobj":
                    return o
    return None


def _anchor(tok: Token) -> Token:
    """The noun phrase an event noun stands for: 'arrest' in 'arrest campaigns' -> campaigns;
    'arrests' in 'a campaign of arrests' -> campaign."""
    lex = _lex()
    a = tok
    for _ in range(3):
        if a.dep_ == "compound" and a.head.pos_ == "NOUN":
            a = a.head
        elif a.dep_ == "conj" and a.head.dep_ in ("compound", "pobj") and a.head.pos_ == "NOUN":
            a = a.head
        elif a.dep_ == "pobj" and a.head.lower_ == "of" and a.head.head.lemma_.lower() in lex.collective:
            a = a.head.head
        else:
            break
    return a


def _light_verb(anchor: Token) -> Token | None:
    lex = _lex()
    if anchor.dep_ in ("dobj", "nsubjpass") and anchor.head.lemma_.lower() in lex.light_verbs:
        return anchor.head
    if (
        anchor.dep_ == "conj"
        and anchor.head.dep_ == "dobj"
        and anchor.head.head.lemma_.lower() in lex.light_verbs
    ):
        return anchor.head.head
    for c in anchor.children:
        if c.dep_ in ("relcl", "acl") and c.lemma_.lower() in lex.light_verbs:
            return c
    return None


def _backer(noun: Token) -> str | None:
    """'a Turkish-backed offensive' -> 'Turkish-backed'; 'Russian airstrikes' -> 'Russian'."""
    lex = _lex()
    doc = noun.doc
    for c in noun.children:
        if c.i >= noun.i:
            continue
        if (
            c.dep_ == "amod"
            and c.i >= 2
            and doc[c.i - 1].text == "-"
            and any(("-" + c.lower_).startswith(s) for s in lex.actor_suffixes)
        ):
            start = doc[c.i - 2].left_edge.i
            return doc[start : c.i + 1].text
        if c.dep_ in ("amod", "compound") and c.ent_type_ == "NORP" and c.i + 1 == noun.i:
            return c.text
    return None


def _anti_target(noun: Token) -> Token | None:
    doc = noun.doc
    for c in noun.children:
        if c.i < noun.i and c.lower_ == "anti" and c.i + 2 < noun.i and doc[c.i + 1].text == "-":
            return doc[c.i + 2]
    return None


def _carries_aid(noun: Token) -> bool:
    """'an aid convoy', 'a convoy of trucks carrying flour': the vehicle is humanitarian by its cargo."""
    goods = _lex().aid_goods
    for t in noun.subtree:
        if t.lemma_.lower() in goods and (t.dep_ in ("compound", "amod", "dobj", "conj") or t.head.i == noun.i):
            return True
    return False


def _bare_gerund(tok: Token) -> bool:
    """'Fighting between the two groups intensified in March', 'since fighting between ... intensified': the
    small model reads an '-ing' noun opening a sentence or following a preposition as a verb; with no subject,
    auxiliary or object of its own it names the event."""
    return tok.tag_ == "VBG" and (tok.dep_ in ("ROOT", "nsubj", "csubj") and tok.i == tok.sent.start
                                  or tok.dep_ == "pcomp") \
        and not any(c.dep_ in ("nsubj", "aux", "dobj") for c in tok.children)


_NAME_LABELS = frozenset({"ORG", "FAC", "LAW", "WORK_OF_ART"})


def _noun_candidate(tok: Token, idx: _Index) -> _Cand | None:
    lex = _lex()
    if tok.pos_ != "NOUN" and not (tok.pos_ in ("ADJ", "PROPN") and tok.dep_ in ("pobj", "dobj", "nsubj")) \
            and not _bare_gerund(tok):
        return None
    key = tok.lemma_.lower()
    entry = lex.nouns.get(key) or lex.nouns.get(tok.lower_)
    if entry is None:
        return None
    if tok.ent_type_ in _NAME_LABELS and tok.is_title and tok.i > tok.sent.start:
        return None  # "the Government of National Accord", "the Attack Brigade": a word of a name, not an act
    if tok.dep_ == "compound" and tok.head.pos_ == "NOUN" and tok.head.lemma_.lower() not in lex.nouns:
        return None  # "arrest warrants", "attack helicopters": the event word only qualifies another thing
    if entry.get("plural_only") and tok.tag_ != "NNS":
        return None
    if "needs_mod" in entry:
        mods = {c.lemma_.lower() for c in tok.children if c.dep_ in ("amod", "compound", "npadvmod", "nmod")}
        if not mods & set(entry["needs_mod"]) and _anti_target(tok) is None:
            return None
    if entry.get("needs_aid_cargo") and not _carries_aid(tok):
        return None
    anchor = _anchor(tok)
    if _guessed(anchor):
        return None
    light = _light_verb(anchor)
    if entry.get("needs_light_verb") and light is None and not _prep_objects(anchor, lex.target_preps):
        return None
    if entry.get("needs_of_person") and not any(_is_person(o, idx) for _, o in _prep_objects(tok, ("of",))):
        return None
    actor: Token | str | None = None
    for n in (tok, anchor):
        poss = _child(n, "poss")
        if poss is not None and idx.is_time(poss):
            continue
        if poss is not None and poss.pos_ != "PRON" or poss is not None and light is None:
            actor = poss
            break
    if actor is None:
        actor = _backer(tok) or _backer(anchor)
    if actor is None:
        for n in (tok, anchor):
            for c in n.children:
                if c.dep_ == "compound" and c.i in idx.entity:
                    actor = c
    if actor is None:
        actor = next((o for _, o in _prep_objects(anchor, ("by",))), None)
    if light is not None and actor is None:
        actor = _subject(light) if not _passive(light) else _agent(light)
        if isinstance(actor, Token) and actor.i == anchor.i:
            actor = _agent(light)
    if actor is None:
        actor = _national(tok)
    target = _anti_target(tok) or _anti_target(anchor)
    mutual = entry["type"] in ("AGREE", "CONSULT", "COOPERATE") or entry.get("mutual", False)
    sides = None
    if mutual:  # "fighting broke out between A and B", "an agreement between A and B"
        hosts = (tok, anchor) + ((anchor.head,) if anchor.dep_ in _SUBJ else ())
        sides = next((b for b in map(_between, hosts) if b is not None), None)
    if entry.get("needs_between") and sides is None:
        return None
    if sides is not None:
        actor, target = actor or sides[0], sides[1]
    proposal = entry.get("needs_to") and _proposal(tok)
    if entry.get("needs_to") and not proposal:
        return None
    place_hint = None
    if target is None:
        for n in (tok, anchor) + ((light,) if light is not None else ()):
            for prep, o in _prep_objects(n, lex.nominal_target_preps):
                if prep == "with" and not mutual:
                    continue
                if idx.is_place(o):
                    place_hint = place_hint or o
                    continue
                if (prep == "of" and o.lemma_.lower() in lex.collective) or idx.is_time(o):
                    continue
                target = o
                break
            if target is not None:
                break
    if actor is None and target is None and place_hint is None and not (
        entry.get("standalone") or entry.get("needs_aid_cargo") or proposal
        or (mutual and _prep_objects(tok, ("between",)))  # "fighting between the two groups": sides unnamed
    ):
        return None
    if (
        anchor.dep_ in _SUBJ
        and anchor.head.pos_ in ("VERB", "AUX")
        and light is None
        and anchor.head.lemma_.lower() not in lex.modality["report_verbs"]
    ):
        head, nominal = anchor.head, False  # "X's attack on Y ended with ...": the clause is the event
    elif light is not None and light.dep_ not in ("relcl", "acl"):
        head, nominal = light, False
    else:
        head, nominal = anchor, True
    return _Cand(tok, entry["type"], entry.get("mode"), head, nominal, actor, target, place_hint)


# ---------------------------------------------------------------- evidence


_Triggers = dict[int, tuple[str, str | None]]  # token index -> (type, mode) of every event trigger


def _same_event(a: tuple[str, str | None], b: tuple[str, str | None] | None) -> bool:
    return b is not None and a[0] == b[0] and (a[1] is None or b[1] is None or a[1] == b[1])


def _part_of_clause(head: Token, c: Token, triggers: _Triggers) -> bool:
    """Clauses under ``head`` that tell the same event, so belong in its evidence.

    'were killed and 60 wounded' (a coordinated casualty), 'were beaten and kept in a school'
    (a coordinated verb sharing the subject, not itself another event), 'were killed when shells
    hit the market' (how the casualties came about), '..., killing three workers' (a participle
    giving the result). 'seized the depot and detained men' are two events and stay apart."""
    lex = _lex()
    own = triggers.get(head.i)
    if own is None:
        return False
    if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"):
        other = triggers.get(c.i)
        if other is not None:
            return _same_event(own, other)
        return _child(c, *_SUBJ) is None
    if c.dep_ == "conj":  # a gapped clause: "the first bomb fell on X and the second on Y"
        return c.i not in triggers
    if c.dep_ != "advcl" or own[0] != "ASSAULT" or _names_people(c):
        return False
    casualty = head.lemma_.lower() in lex.casualty_verbs
    if c.tag_ == "VBG" and c.i > head.i and _child(c, *_SUBJ) is None:
        return c.lemma_.lower() in lex.casualty_verbs or c.lemma_.lower() not in lex.modality["report_verbs"]
    # "were shot as they ran towards the river": the circumstances of the attack, when no event of their own
    return (casualty or c.i not in triggers) and any(
        m.dep_ in ("mark", "advmod") and m.lower_ in lex.manner_marks and m.i < c.i for m in c.children
    )


def _core_length(np: Token) -> int:
    """Words of a noun phrase without its asides: 'X and Y, the movement known as Z,' counts as 'X and Y'."""
    n = np.right_edge.i - np.left_edge.i + 1
    for t in np.subtree:
        if t.dep_ in ("appos", "relcl", "acl") and t.head.i != t.i:
            n -= t.right_edge.i - t.left_edge.i + 1
    return n


def _long_aside(subj: Token) -> bool:
    """'The M23, which Congo, the UN and Western governments say is backed by Rwanda, seized ...': a subject
    whose relative clause or apposition runs longer than the clause's own subject limit would bury the event
    in its evidence; the clause is quoted from its verb (the actor field still names who)."""
    return any(t.dep_ in ("relcl", "appos", "acl") and t.head.i == subj.i
               and t.right_edge.i - t.left_edge.i + 1 > _MAX_SUBJECT_TOKENS for t in subj.children)


def _clause_range(head: Token, triggers: _Triggers, wide: bool = False) -> tuple[int, int]:
    """Tokens of the clause headed by ``head``: its own arguments, not other clauses or asides.

    Adjuncts before the subject ("In mid 2014, after ...,") are left out: the clause an analyst
    quotes starts at who did it."""
    lo = hi = head.i
    subj = _child(head, *_SUBJ)
    first = subj.left_edge.i if subj is not None else -1
    if _reduced_active(head):
        lo = first = head.head.left_edge.i
    for c in head.children:
        conditional = c.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ in _lex().modality["hypothetical_marks"] for m in c.children
        )
        own = wide and (c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "advcl" and _infinitive(c)))
        own = own or (c.dep_ in ("advcl", "appos") and _partitive(head.doc[c.left_edge.i : c.right_edge.i + 1]))
        if (
            c.dep_ in _EXCLUDED_CLAUSE_DEPS
            and not (conditional or own)
            and not _part_of_clause(head, c, triggers)
        ) or (
            c.dep_ == "prep" and c.lower_ == "according"
        ):
            continue
        if c.dep_ in _SUBJ and (_core_length(c) > _MAX_SUBJECT_TOKENS or _long_aside(c)):
            continue
        if c.right_edge.i < first and not conditional:
            continue
        lo, hi = min(lo, c.left_edge.i), max(hi, c.right_edge.i)
    if (
        head.dep_ == "conj"
        and _child(head, "nsubj", "nsubjpass") is None
        and head.head.i not in triggers  # "seized the depot and detained men": the first verb is its own event
    ):
        subj = _subject(head)
        if subj is not None and subj.i < lo and subj.right_edge.i - subj.left_edge.i < _MAX_SUBJECT_TOKENS:
            lo = subj.left_edge.i
    return lo, hi + 1


def _np_range(anchor: Token) -> tuple[int, int]:
    lo = hi = anchor.i
    for c in anchor.children:
        if c.dep_ in ("cc", "conj", "punct", "parataxis", "advcl"):
            continue
        lo, hi = min(lo, c.left_edge.i), max(hi, c.right_edge.i)
    return lo, hi + 1


def _without_trailing_aside(doc: Doc, lo: int, hi: int, trigger: int) -> int:
    """', the paramilitary group that ...', ', a claim that ...': an apposition closing the clause
    describes a participant; the event is told before it."""
    for _ in range(3):
        last = doc[hi - 1]
        aside = next((a for a in last.ancestors if a.dep_ == "appos" and a.i > trigger), None)
        if last.dep_ == "appos" and last.i > trigger:
            aside = last
        if aside is None or aside.right_edge.i != hi - 1 or aside.left_edge.i <= lo:
            return hi
        cut = aside.left_edge.i
        if doc[cut - 1].text not in (",", "(", "-", "–", "—") or _partitive(doc[cut : hi]):
            return hi
        hi = cut - 1
    return hi


def _before_object_aside(trigger: Token, lo: int, hi: int) -> int:
    """'killed 11 "khawarij", the term the state uses for the TTP, in an operation': a long apposition glossing
    the object tells who they are, not what happened; the event is told before it (a place's gloss, 'stormed
    Palma, a town near ...', says where, and stays)."""
    obj = _child(trigger, "dobj")
    aside = _child(obj, "appos") if obj is not None and obj.ent_type_ not in _FALLBACK_PLACE_LABELS else None
    if aside is None or aside.right_edge.i >= hi - 1 or aside.right_edge.i - aside.left_edge.i < 3 \
            or aside.lemma_.lower() in _lex().place_nouns \
            or any(c.dep_ in ("advcl", "conj") and c.i > aside.i for c in trigger.children):
        return hi
    cut = aside.left_edge.i
    while cut > lo and trigger.doc[cut - 1].is_punct:
        cut -= 1
    if cut <= trigger.i or _partitive(trigger.doc[aside.left_edge.i : aside.right_edge.i + 1]):
        return hi
    return cut


def _partitive(aside: Span) -> bool:
    """', one of them a 16-year-old', ', most of them women': who among the victims, part of what happened."""
    words = [t.lower_ for t in aside[:4]]
    return any(w == "of" and nxt in ("them", "whom") for w, nxt in zip(words, words[1:], strict=False))


def _told_by(cand: _Cand, triggers: _Triggers) -> Token | None:
    """What a casualty verb gives the toll of, when that is not an event of its own: the clause a result
    participle hangs on ("A drone dropped explosives on a bus, killing two") or the attack noun it
    describes ("A second strike, on a minibus outside X, killed eight", parsed as a noun's modifier)."""
    trig = cand.trigger
    if cand.nominal or trig.lemma_.lower() not in _lex().casualty_verbs or trig.head.i == trig.i:
        return None
    head = trig.head
    if trig.dep_ == "advcl" and trig.tag_ == "VBG" and head.pos == VERB and head.i not in triggers \
            and head.i < trig.i:
        return head
    if trig.dep_ in ("acl", "relcl") and head.lemma_.lower() in _lex().nouns:
        return head
    return None


def _tallied(cand: _Cand) -> Token | None:
    """'recorded 58 attacks ..., in which 327 people were killed', 'documented two incidents in which soldiers
    killed civilians': a toll in a relative clause on a monitor's count is the count's own figure, told by the
    tally's whole clause (the attacks the count is made of are the event, not a killing of its own)."""
    trig = cand.trigger
    relative = trig.dep_ == "relcl" or any(  # "in which" clauses also come parsed as adverbial
        c.dep_ == "prep" and any(o.lower_ in ("which", "whom") for o in c.children) for c in trig.children)
    if cand.nominal or not relative or trig.lemma_.lower() not in _lex().casualty_verbs:
        return None
    t = trig.head
    for _ in range(8):  # "recorded 58 attacks on civilians in the X region of Y, in which ...": up noun chains
        if t.pos == VERB and t.lemma_.lower() in _lex().tally_verbs:
            return t
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def _infinitive(tok: Token) -> bool:
    return tok.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _purpose(tok: Token) -> bool:
    """'it was done to blame the fighters', 'a licence to kill children': an aim or an entitlement, not something
    that happened (a plan or a call to act is told by its own verb: 'plans to attack', 'a call to release')."""
    if not _infinitive(tok) or _child(tok, *_SUBJ) is not None:
        return False
    if tok.dep_ == "advcl":
        return True
    return tok.dep_ in ("acl", "relcl") and tok.head.pos_ == "NOUN" and tok.head.lemma_.lower() not in _lex().nouns \
        and tok.head.lemma_.lower() not in _lex().request_words and tok.head.lemma_.lower() not in _PLAN_NOUNS


_PLAN_NOUNS = frozenset({"plan", "plot", "attempt", "bid", "threat", "order", "decision", "effort", "campaign"})


def _heading(text: str, tok: Token) -> bool:
    """A section heading ("Attacks by JNIM", "Drone strikes"): a short line of its own with no finite verb
    and no closing punctuation names a topic, not an event."""
    start = text.rfind("\n", 0, tok.idx) + 1
    end = text.find("\n", tok.idx)
    end = len(text) if end < 0 else end
    line = text[start:end].strip()
    if not line or line[-1] in ".!?:;,\"'”’)" or len(line.split()) > 10 or start == 0:
        return False
    return not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in tok.doc[tok.sent.start:tok.sent.end]
                   if start <= t.idx < end and t.i != tok.i)  # "Drone strikes" tags its noun as a verb


def _evidence(
    doc: Doc, text: str, cand: _Cand, triggers: _Triggers
) -> tuple[str, tuple[int, int], tuple[int, int]]:
    if cand.nominal and cand.head.dep_ == "dobj" and cand.head.head.lemma_.lower() in _lex().tally_verbs:
        # "a monitor documented 14 air strikes by the army on villages ... that killed 62": the parse hangs
        # the strikes' places and toll on the verb, so the count is told by the whole clause
        lo, hi = _clause_range(cand.head.head, triggers)
    elif (tally := _tallied(cand)) is not None:
        lo, hi = _clause_range(tally, triggers)
    else:
        lo, hi = _np_range(cand.head) if cand.nominal else _clause_range(cand.head, triggers, cand.wide)
    lo, hi = min(lo, cand.trigger.i), max(hi, cand.trigger.i + 1)
    told = _told_by(cand, triggers)
    if told is not None:  # the clause or phrase that tells the attack whose toll this verb gives
        tlo, thi = _np_range(told) if told.pos_ in ("NOUN", "PROPN") else _clause_range(told, triggers)
        lo, hi = min(lo, tlo), max(hi, thi)
    # a clause never runs across a line break (headlines and captions are parsed with the next line)
    t0 = cand.trigger.idx
    line_start = text.rfind("\n", 0, t0) + 1
    line_end = text.find("\n", t0)
    line_end = len(text) if line_end < 0 else line_end
    while doc[lo].idx < line_start:
        lo += 1
    while doc[hi - 1].idx >= line_end:
        hi -= 1
    dateline = _DATELINE.match(text, line_start) if line_start < _DATELINE_WINDOW else None
    while dateline is not None and lo < hi - 1 and doc[lo].idx < dateline.end():
        lo += 1  # "KASSALA, Sudan (Wire) -" says where the story was filed, not what happened
    hi = _without_trailing_aside(doc, lo, hi, cand.trigger.i)
    hi = _before_object_aside(cand.trigger, lo, hi)
    s, e = trim(text, doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1].text))
    # a dangling quotation or bracket at either edge is trimmed; keep the span exact
    return text[s:e], (s, e), (lo, hi)


# ---------------------------------------------------------------- roles to names


def _np_text(tok: Token, without: frozenset[int] = frozenset()) -> str:
    """The noun with its left modifiers, without articles or counts: 'local political and media activists'."""
    doc = tok.doc
    lo = tok.i
    for c in tok.children:
        if c.i < tok.i and c.dep_ not in ("det", "nummod", "quantmod", "punct", "predet"):
            lo = min(lo, c.left_edge.i)
    while lo < tok.i and (
        doc[lo].dep_ in ("det", "nummod", "quantmod", "punct", "predet", "advmod") or doc[lo].like_num
    ):
        lo += 1
    hi = tok.i
    for c in tok.children:  # "media and political activists": the whole coordination
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") and c.i - hi <= 4 and c.i not in without:
            hi = c.i
    return doc[lo : hi + 1].text


# third-person pronouns only: "we"/"us" in testimony stand for the speakers, and analysts code them so
_BARE_PRONOUNS = frozenset("he him she her it they them who whom which that these those someone somebody".split())


def _name(
    role: Token | str | None,
    idx: _Index,
    prev_actor: tuple[str, str | None] | None,
    is_actor: bool = True,
    without: frozenset[int] = frozenset(),
) -> tuple[str | None, str | None]:
    """(name, entity id) for a role filler: canonical entity name, else the noun phrase.

    Only actors are read through their modifiers ("FSA fighters" -> the FSA): a target
    "Daesh defectors" is the defectors, not the group."""
    if role is None:
        return None, None
    if isinstance(role, str):
        return role, None
    if idx.is_time(role):
        return None, None
    lex = _lex()
    tok = _antecedent(role)
    if tok.lemma_.lower() in lex.quantifiers or tok.lower_ in lex.quantifiers or tok.like_num:
        obj = _of_object(tok)
        if obj is not None:
            tok = obj
    low = tok.lower_
    has_def = any(
        c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "its") for c in tok.children
    )
    if (tok.pos_ == "PRON" and low in ("it", "its")) or (
        has_def and low in lex.pronoun_orgs and tok.i not in idx.entity
    ):
        hit = idx.last_org_before(tok.i)
        if hit:
            return hit
    if is_actor and tok.pos_ == "PRON" and low in lex.pronoun_plural:
        # "The next morning the soldiers came. They fired mortars": a force that is the subject of the sentence
        # before is nearer than the last event's actor
        sent = tok.sent
        prev_start = tok.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        near = idx.last_force_before(tok.i, prev_start)
        hit = near or prev_actor or idx.last_force_before(tok.i)
        if hit:
            return hit
    poss = _child(tok, "poss")
    if is_actor and poss is not None and (_weapon(tok) or tok.lemma_.lower() in lex.force_nouns):
        # "its aircraft", "the group's fighters", "their troops": whoever the possessor stands for
        if poss.i in idx.entity or poss.pos_ == "PRON" or poss.lemma_.lower() in lex.pronoun_orgs:
            name = _name(poss, idx, prev_actor)
            if name[0] is not None and name[0].lower() not in ("its", "their"):
                return name
    hit = idx.entity_of(tok)
    if hit:
        return hit
    if is_actor and tok.lemma_.lower() in lex.force_nouns:
        org = _affiliation(tok, idx)
        if org is not None:
            return org
    for c in tok.children:
        if (
            is_actor
            and c.dep_ in ("compound", "poss", "amod")
            and c.i < tok.i
            and c.i in idx.entity
            and c.i + 1 == tok.i
            and idx.entity[c.i][2]
        ):
            return idx.entity_of(c)  # "Daesh fighters", "FSA fighters" -> the group
    return _np_text(tok, without), None


def _guessed(noun: Token) -> bool:
    """'suggested there was some kind of agreement': an existence guessed at is no reported event."""
    while noun.dep_ == "pobj" and noun.head.head.dep_ in ("attr", "nsubj"):  # "some kind of an agreement"
        noun = noun.head.head
    be = noun.head
    if noun.dep_ != "attr" or not any(c.dep_ == "expl" for c in be.children):
        return False
    return be.dep_ in ("ccomp", "xcomp") and be.head.lemma_.lower() in _lex().speculation_verbs


def _proposal(noun: Token) -> bool:
    """'a demand to release', 'calls for a ceasefire': the noun asks for something, it is not a phone call."""
    return any(
        (c.dep_ in ("acl", "relcl") and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children))
        or (c.dep_ == "prep" and c.lower_ == "for")
        for c in noun.children
    )


def _between(tok: Token) -> tuple[Token, Token] | None:
    """'fighting between A and B', 'an agreement between A and B': A is the first party, B the other."""
    for _, a in _prep_objects(tok, ("between",)):
        b = _child(a, "conj")
        if b is not None:
            return a, b
    return None


def _antecedent(tok: Token) -> Token:
    """'a boy, Ali, who was shot': a relative pronoun stands for the noun it follows (and that noun's
    name in apposition, when it has one); it is never itself who acts or suffers."""
    if tok.lower_ not in _RELATIVE or tok.head.dep_ not in ("relcl", "acl") or tok.i > tok.head.i:
        return tok
    noun = tok.head.head
    named = next((c for c in noun.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    return named or noun


def _affiliation(tok: Token, idx: _Index) -> tuple[str, str | None] | None:
    """'fighters of X', 'fighters from X', 'forces loyal to X': the organisation is who acts."""
    lex = _lex()
    objs = _prep_objects(tok, lex.affiliation_preps)
    for c in tok.children:
        if c.dep_ in ("amod", "acl") and c.lemma_.lower() in lex.affiliation_words:
            objs += _prep_objects(c, ("to", "with"))
    for _, o in objs:
        if o.i in idx.entity:
            return idx.entity_of(o)
    return None


def _place(cand: _Cand, idx: _Index, sent_start: int) -> tuple[str, str | None] | None:
    """A place in the trigger's own phrases first, then in its sentence, then in the sentence before."""
    starts = [cand.trigger, cand.head] + ([cand.place_hint] if cand.place_hint is not None else [])
    # a trigger inside a source's own words ("a teacher arrested in Bahir Dar said") keeps that phrase's places
    hidden = idx.source_tokens if cand.trigger.i not in idx.source_tokens else set()
    seen: set[int] = set()
    found: list[Token] = []  # places in the trigger's phrases, nearest first
    frontier = [t for t in starts if t is not None]
    for _ in range(6):
        nxt = []
        for t in frontier:
            if t.i in seen:
                continue
            seen.add(t.i)
            if t.i in idx.place and t.i not in hidden:
                found.append(t)
                continue
            hit = None if found else _place_word(t, idx, sent_start)  # once a place is named, only a finer one counts
            if hit:
                return hit
            nxt.extend(
                c
                for c in t.children
                if (c.dep_ in _PLACE_WALK_DEPS or (c.dep_ == "conj" and t.dep_ == "pobj"))
                and not (c.dep_ == "pobj" and c.lower_ in ("that", "those"))
            )
        frontier = nxt
    if found:
        return _finest(found, idx)
    sent = cand.trigger.sent
    for t in sent:
        if t.i in idx.place and t.i not in idx.source_tokens:
            return idx.place_of(t)
    # else the place the report was last at: earlier in the paragraph, or in the sentence before;
    # else where the story is (its dateline, its main town)
    line_start = idx.rec.document.text.rfind("\n", 0, sent.start_char) + 1
    prev_start = idx.doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
    return idx.last_place_before(sent.start, min(line_start, prev_start)) or idx.main_place


def _place_word(t: Token, idx: _Index, sent_start: int) -> tuple[str, str | None] | None:
    """'in the department', 'there': words that stand for a place the report named before."""
    place_nouns = _lex().place_nouns
    if t.dep_ == "pobj" and t.lemma_.lower() in place_nouns and _definite(t):
        return idx.last_place_of_kind(t.i, place_nouns[t.lemma_.lower()])
    if t.lower_ == "there" and t.dep_ == "advmod":
        return idx.last_place_before(t.i, max(0, idx.doc[sent_start].idx - 1000))
    return None


def _finest(found: list[Token], idx: _Index) -> tuple[str, str | None] | None:
    """The nearest place, unless it is a province or country and the same phrases name a town in it
    ('a raid on the Tulkarm camp in the West Bank', 'Amhara residents of Addis Ababa'): the town is where."""
    places = [place_at(idx.rec, t.idx, t.idx + len(t.text)) if idx.rec.places else None for t in found]
    first = places[0]
    if first is not None and first.feature in ("admin1", "country", "region"):
        town = next((p for p in places[1:] if p is not None and p.feature == "city" and p.country == first.country),
                    None)
        if town is not None:
            return town.name, town.id or None
    return idx.place_of(found[0])


def _definite(noun: Token) -> bool:
    """'the department', 'this town' with nothing naming it: it stands for a place already named."""
    kids = list(noun.children)
    return any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in kids) and not any(
        c.dep_ in ("compound", "prep", "amod", "appos", "relcl", "acl") for c in kids
    )


def _time(cand: _Cand, idx: _Index, rng: tuple[int, int]):
    sent = cand.trigger.sent
    inside = [i for i in range(rng[0], rng[1]) if i in idx.time]
    pool = inside or [i for i in range(sent.start, sent.end) if i in idx.time]
    if not pool:
        return None
    return idx.time[min(pool, key=lambda i: abs(i - cand.trigger.i))]


# ---------------------------------------------------------------- modality


def _modality(cand: _Cand, idx: _Index) -> tuple[str, str | None]:
    lex = _lex()
    mod = lex.modality
    trig, head = cand.trigger, cand.head
    chain = [trig, head]
    if trig.dep_ == "conj":
        chain.append(trig.head)
    light = _light_verb(_anchor(trig)) if cand.nominal or head.i != trig.i else None
    if light is not None:
        chain.append(light)
    negated = any(
        c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") or c.lower_ == "never"
        for t in chain
        for c in t.children
    )
    hypothetical = any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in mod["hypothetical_aux"]
        for t in chain
        for c in t.children
    )
    hypothetical |= any(
        c.dep_ == "mark" and c.lower_ in mod["hypothetical_marks"] for t in chain for c in t.children
    )
    hypothetical |= any(
        c.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in mod["hypothetical_marks"] for m in c.children)
        for t in chain
        for c in t.children
    )
    t = trig
    for _ in range(3):  # "plan to attack", "threatened to kill", "a call to liquidate"
        if (
            t.dep_ in ("xcomp", "acl", "advcl", "ccomp")
            and t.head.lemma_.lower() in mod["hypothetical_governors"]
        ):
            hypothetical = True
            break
        if t.dep_ not in ("xcomp", "conj", "acl"):
            break
        t = t.head
    source = None
    s, e = trig.idx, trig.idx + len(trig.text)
    for att in idx.rec.attributions:
        cs = att.claim_span or att.span
        if cs[0] <= s and e <= cs[1]:
            source = att.source
            break
    if source is None:
        for q in idx.rec.quotes:
            if q.span[0] <= s and e <= q.span[1]:
                source = q.speaker or "unnamed speaker"
                break
    reported = source is not None
    if not reported:
        reported = any(c.lower_ in mod["report_adverbs"] for tk in chain for c in tk.children)
        anc = trig
        while anc.head.i != anc.i and not reported:
            child, anc = anc, anc.head
            if anc.lemma_.lower() in mod["report_verbs"] and child.dep_ not in _SUBJ:
                subj = _child(anc, "nsubj")
                reported = True
                source = _name(subj, idx, None)[0] if subj is not None and subj.pos_ != "PRON" else source
        for tk in trig.sent:
            if (
                tk.lower_ == "according"
                and tk.dep_ == "prep"
                and not (s > tk.idx and tk.head.i < trig.i < tk.i)
            ):
                pobj = next(
                    (
                        o
                        for c in tk.children
                        for o in ([c] if c.dep_ == "pobj" else c.children)
                        if o.dep_ == "pobj"
                    ),
                    None,
                )
                reported = True
                source = source or (_name(pobj, idx, None)[0] if pobj is not None else None)
    if negated:
        return "negated", source
    if hypothetical:
        return "hypothetical", source
    return ("reported" if reported else "asserted"), source


# ---------------------------------------------------------------- driver


def _default_kind(cand: _Cand) -> str | None:
    kinds = load_data("numbers.json")
    for kind, lemmas in kinds["kinds"].items():
        if cand.trigger.lemma_.lower() in lemmas:
            return kind
    return kinds["mode_kinds"].get(cand.mode or "")


def _coordinated_verb(tok: Token) -> bool:
    """'seized the depot and detained men': a second verb tells a second event ('arrests and
    assassinations' in one campaign do not)."""
    return tok.dep_ == "conj" and tok.pos_ in ("VERB", "AUX")


_OWN_HARMS = frozenset({"abduct", "arrest"})  # modes an analyst counts apart from the act they came with


def _second_harm(cand: _Cand, host: _Cand) -> bool:
    """'killed 23 people and abducted 40 others', 'were wounded and that 12 children were abducted', 'dispersed
    the protesters and detained 20 people': a coordinated abduction or arrest is a second event with its own
    victims, not part of the first act's toll ('detained men and forced them to carry supplies' is one)."""
    return _coordinated_verb(cand.trigger) and cand.mode in _OWN_HARMS and cand.mode != host.mode


def _tense_shift(tok: Token, host: Token) -> bool:
    """'seized Rutshuru in late 2022 and has since taken control of the province': a coordinated verb in the
    perfect after a simple past tells a later, second event."""
    perfect = {c.i for c in tok.children if c.dep_ == "aux" and c.lemma_ == "have"}
    return tok.dep_ == "conj" and tok.head.i == host.i and bool(perfect) and not any(
        c.dep_ == "aux" and c.lemma_ == "have" for c in host.children)


# "fled since fighting intensified", "retreated after the attack": a time phrase tells a second event
_TIME_PREPS = frozenset({"since", "after", "before", "until", "following"})


def _in_question(tok: Token) -> bool:
    """'How many people were taken?': a question asks whether or how, it does not report an event."""
    sent = tok.sent
    after = next((t for t in tok.doc[tok.i : sent.end] if t.text in ("?", ".", "!")), None)
    if after is None or after.text != "?":
        return False
    opening = next((t for t in reversed(tok.doc[sent.start : tok.i]) if t.is_quote), sent[0])
    return any(t.tag_ in ("WP", "WRB", "WDT") for t in tok.doc[opening.i : tok.i])


def _requested(tok: Token) -> bool:
    """'called on the militia to release the hostages', 'a demand to withdraw': what someone asks for
    has not happened; the request is the event."""
    words = _lex().request_words
    t = tok
    for _ in range(6):
        if t.head.i == t.i:
            return False
        if t.dep_ == "acl" and t.head.lemma_.lower() in words:
            return True
        if t.dep_ not in ("xcomp", "ccomp", "dobj", "pobj", "prep", "conj", "acl") \
                and not (t.dep_ == "advcl" and _infinitive(t)):  # "calls on X to stop ... and on Y to release"
            return False
        via = t.dep_
        t = t.head
        if t.lemma_.lower() in words:
            return via != "conj"  # "demanded the release and police arrested 20": a second act, not asked for
    return False


def _lasting(verb: Token) -> bool:
    """'since 2017', 'for more than 15 years': the verb tells a stretch of time, not a moment."""
    units = _lex().standing["duration_units"]
    return any(
        c.dep_ == "prep" and (c.lower_ == "since" or (c.lower_ == "for" and o.lemma_.lower() in units))
        for c in verb.children
        for o in c.children
        if o.dep_ == "pobj"
    )


def _standing(cand: _Cand) -> bool:
    """'the group that has fought the government for 15 years', 'the town has faced an offensive since 2021',
    'since 2017 the fighting has killed 6,000', 'a war fought on two fronts': the course of a whole conflict,
    told as background, is no event an analyst can date or place (a perfect with 'since' that tells a toll
    of particular attackers, 'drones have killed 50 since July', stays)."""
    lex = _lex()
    st = lex.standing
    trig = cand.trigger
    if cand.nominal:
        if trig.dep_ != "dobj":
            return False
        verb = trig.head
    else:
        verb = trig
    lemma = verb.lemma_.lower()
    if not cand.nominal and trig.dep_ == "acl" and lemma in st["verbs"]:
        return trig.head.lemma_.lower() in st["conflict_nouns"]
    subj = _child(verb, "nsubj")
    toll = lemma in lex.casualty_verbs and subj is not None and (
        subj.lemma_.lower() in st["conflict_nouns"] or subj.lower_ in st["conflict_nouns"])  # "fighting" -> "fight"
    if lemma not in st["verbs"] and not toll:
        return False
    return any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children) and _lasting(verb)


def _victims_named(cand: _Cand) -> bool:
    """'the men killed in operations were "terrorists"', 'the civilians wounded in the strike were buried': a
    participle that says which people a sentence is about refers back to their deaths, it tells no new one."""
    trig = cand.trigger
    noun = trig.head
    return (not cand.nominal and trig.dep_ == "acl" and trig.tag_ == "VBN"
            and trig.lemma_.lower() in _lex().casualty_verbs and noun.dep_ in _SUBJ
            and any(c.dep_ == "det" and c.lower_ in ("the", "these", "those") for c in noun.children))


def _undone(cand: _Cand) -> bool:
    """'Twelve civilians were killed', 'they had been beaten', 'the shelling killed nine', 'a drone strike
    on the camp': harm told without who did it (the caller has found no actor)."""
    if cand.type not in ("ASSAULT", "COERCE"):
        return False
    if cand.nominal or _passive(cand.trigger):
        return True
    subj = _subject(cand.trigger)
    return subj is not None and (_weapon(subj) is not None or subj.lemma_.lower() in _lex().nouns)


def _plural(role: Token | str | None) -> bool:
    return isinstance(role, str) or (role is not None and role.tag_ in ("NNS", "NNPS"))


def _pretexts_dropped(cands: list[_Cand]) -> list[_Cand]:
    """'gathered the men, accused them of feeding the jihadists, and shot 28 of them': an accusation made in
    the same breath as the harm done (coordinated verbs, one subject) is its pretext, told with it."""
    harm = {c.trigger.i for c in cands if not c.nominal and c.type in ("ASSAULT", "COERCE")}

    def pretext(c: _Cand) -> bool:
        t = c.trigger
        linked = ([t.head] if t.dep_ == "conj" else []) + [ch for ch in t.children if ch.dep_ == "conj"]
        return c.type == "ACCUSE" and not c.nominal and any(x.i in harm for x in linked)

    return [c for c in cands if not pretext(c)]


def _protest_aim(cand: _Cand, protests: set[int]) -> bool:
    """'protested outside the base, demanding the release of the men': what a protest asks for is the protest
    itself, told by its participle, not a demand of its own."""
    trig = cand.trigger
    return (cand.type in ("DEMAND", "REQUEST") and not cand.nominal and trig.dep_ == "advcl"
            and trig.tag_ == "VBG" and trig.head.i in protests)


def _wounded_only(cand: _Cand) -> bool:
    """'At least 17 people were wounded', '40 people were injured and taken to hospital': a passive wounding
    with no agent, which in a report is the toll of an attack already told, not an attack of its own (one
    coordinated with a killing, 'were killed and wounded', tells the attack's own toll)."""
    trig = cand.trigger
    deadly = _lex().casualty_verbs - _WOUND_VERBS
    return (not cand.nominal and cand.type == "ASSAULT" and trig.lemma_.lower() in _WOUND_VERBS
            and _passive(trig) and _agent(trig) is None
            and not any(c.dep_ == "conj" and c.lemma_.lower() in deadly for c in trig.children))


_WOUND_VERBS = frozenset({"wound", "injure"})


def _tolls_joined(keep: list) -> list:
    """Each agentless count of wounded joins the latest attack told before it (its numbers), rather than
    standing as a second attack."""
    out: list = []
    for item in keep:
        prior = next((k for k in reversed(out) if k[0].type == "ASSAULT"), None)
        if prior is not None and _wounded_only(item[0]):
            prior[0].numbers.append(item[3])
            continue
        out.append(item)
    return out


def _headline_end(rec: Record) -> int | None:
    """Where the headline ends, when the text opens with the report's title on a line of its own."""
    text, title = rec.document.text, (rec.document.title or "").strip()
    first = text.split("\n", 1)[0]
    if title and "\n" in text and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return len(first)
    return None


def _mentioned_before(cand: _Cand, place: tuple[str, str | None] | None, events: list[Event]) -> bool:
    """'the capture of the city' after 'X's takeover of the city', 'the deal, reached after talks' after
    'A and B agreed': the same event named again (a participle's place is where that event was
    reached, told only now)."""
    noun = cand.trigger if cand.nominal else cand.trigger.head
    definite = any(
        (c.dep_ == "det" and c.lower_ in ("the", "this", "that"))
        or (c.dep_ == "poss" and c.ent_type_ in ("DATE", "TIME"))
        for c in noun.children
    )  # "the capture", "Tuesday's shelling"
    return definite and any(
        _same_event((ev.type, ev.mode), (cand.type, cand.mode))
        and (place is None or not cand.nominal or ev.place in (None, place[0]))
        for ev in events
    )


def extract(doc: Doc, rec: Record) -> list[Event]:
    """PLOVER events with actor, target, place, time, counts and modality, one per trigger."""
    idx = _Index(doc, rec)
    lex = _lex()
    cands: list[_Cand] = []
    triggers_words = _trigger_words()
    full_text = doc_text(doc)
    for tok in doc:
        if tok.is_punct or tok.is_space:
            continue
        text = tok.text
        if tok.lemma_.lower() not in triggers_words and tok.lower_ not in triggers_words and "[" not in text:
            continue  # most words trigger nothing: skip the lexicon checks (they were a third of the cost)
        cand = _verb_candidate(tok, idx) or _noun_candidate(tok, idx)
        if cand is not None and not _in_question(tok) and not _requested(tok) and not _purpose(cand.trigger) \
                and not _heading(full_text, tok) and not _standing(cand) and not _victims_named(cand):
            cands.append(cand)
    cands = _pretexts_dropped(cands)
    protests = {c.trigger.i for c in cands if c.type == "PROTEST" and not c.nominal}
    cands = [c for c in cands if not _protest_aim(c, protests)]
    triggers: _Triggers = {}
    for cand in cands:
        # a clause is keyed by its own verb's event: in "forced them to carry supplies" the 'carry' reading
        # hangs on 'forced' too, and must not stand in for it
        if not cand.nominal and (cand.head.i == cand.trigger.i or cand.head.i not in triggers):
            triggers[cand.head.i] = (cand.type, cand.mode)
    built: list[tuple[_Cand, str, tuple[int, int], tuple[int, int]]] = []
    for cand in cands:
        text, span, rng = _evidence(doc, rec.document.text, cand, triggers)
        built.append((cand, text, span, rng))
    # one event per clause: an event word inside a bigger event's clause of the same type (or the
    # object of that event's verb: "agreed to a ceasefire") is the same event, not a second one
    keep: list[tuple[_Cand, str, tuple[int, int], tuple[int, int]]] = []
    for item in sorted(built, key=lambda b: b[3][0] - b[3][1]):
        cand, _, _, rng = item
        host = next(
            (
                k
                for k in keep
                if k[3][0] <= cand.trigger.i < k[3][1]
                and not _tense_shift(cand.trigger, k[0].trigger)
                and (
                    (_same_event((k[0].type, k[0].mode), (cand.type, cand.mode))
                     and not _second_harm(cand, k[0]))
                    or (k[0].type == cand.type and not _coordinated_verb(cand.trigger))
                    or (cand.trigger.head.i == k[0].trigger.i and not _coordinated_verb(cand.trigger))
                    or (cand.trigger.head.head.i == k[0].trigger.i and not _coordinated_verb(cand.trigger)
                        and cand.trigger.head.lower_ not in _TIME_PREPS)
                )
            ),
            None,
        )
        if host is not None:
            host[0].numbers.append(rng)
            continue
        keep.append(item)
    keep.sort(key=lambda b: b[0].trigger.i)
    keep = _tolls_joined(keep)
    # a headline retells the lead: its event counts once, from the body where the report tells it in full
    headline = _headline_end(rec)
    if headline:
        told = {k[0].type for k in keep if k[2][0] > headline}
        keep = [k for k in keep if k[2][0] > headline or k[0].type not in told]

    events: list[Event] = []
    prev_actor: tuple[str, str | None] | None = None
    for cand, text, span, rng in keep:
        partner = frozenset([cand.target.i]) if isinstance(cand.target, Token) else frozenset()
        actor, actor_id = _name(cand.actor, idx, prev_actor, without=partner)
        target, target_id = _name(cand.target, idx, prev_actor, is_actor=False)
        if target is not None and actor is not None and target == actor:
            target, target_id = None, None
        # a third-person pronoun that found no antecedent names nobody: a blank, not "They"
        if actor is not None and actor.lower() in _BARE_PRONOUNS:
            actor, actor_id = None, None
        if target is not None and target.lower() in _BARE_PRONOUNS:
            target, target_id = None, None
        place = _place(cand, idx, cand.trigger.sent.start)
        described = cand.nominal or cand.trigger.dep_ == "acl"
        if described and actor is None and target is None and _mentioned_before(cand, place, events):
            continue
        carried = actor is None and _undone(cand)
        if carried:
            actor, actor_id = idx.perpetrator_before(cand.trigger) or (None, None)
        tm = _time(cand, idx, rng)
        modality, source = _modality(cand, idx)
        nums = []
        for lo, hi in [rng] + cand.numbers:
            nums += numbers_in(doc, lo, hi, _default_kind(cand), lex.person_nouns)
        seen_spans: set = set()
        nums = [n for n in nums if not (n.span in seen_spans or seen_spans.add(n.span))]
        ev = Event(
            type=cand.type,
            evidence=text,
            span=span,
            mode=cand.mode,
            trigger=cand.trigger.text,
            trigger_span=(cand.trigger.idx, cand.trigger.idx + len(cand.trigger.text)),
            actor=actor,
            actor_entity=actor_id,
            target=target,
            target_entity=target_id,
            place=place[0] if place else None,
            place_id=place[1] if place else None,
            numbers=nums,
            modality=modality,
            attributed_to=source if modality != "asserted" else None,
            id=f"ev{len(events) + 1}",
            confidence=0.4 if carried and actor else 0.7 if actor and not cand.nominal else 0.5,
        )
        if isinstance(tm, Time):
            ev.time, ev.time_id, ev.start, ev.end = tm.text, tm.id or None, tm.start, tm.end
        elif tm is not None:  # spaCy's DATE entity while the times extractor has nothing
            ev.time = tm.text
        events.append(ev)
        if actor is not None and (actor_id or _plural(cand.actor)):
            prev_actor = (actor, actor_id)  # what a later "they" can stand for
    return events
