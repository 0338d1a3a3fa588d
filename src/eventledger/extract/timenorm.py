"""Time expressions: find them in text and turn each into an inclusive interval of days.

Pure text in, intervals out (no spaCy), so that it can be tested exhaustively. Neither
dateparser nor spaCy's DATE entities do this job: dateparser fires on ordinary words ("we" ->
Wednesday, "may" -> May) and returns one instant rather than the interval an expression covers
("early 2014", "last month", "the past three years"); spaCy finds spans but does not resolve
them. The grammar below is small and its words come from ``data/times.json``.

Relative expressions are resolved against the publication date, following news convention:
"on Tuesday" is the most recent Tuesday on or before publication unless the verb is future.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from eventledger.extract.util import load_data

_D = load_data("times.json")
MONTHS: dict[str, int] = {**_D["months"], **_D["month_abbreviations"]}
WEEKDAYS: dict[str, int] = _D["weekdays"]
SEASONS: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in _D["seasons"].items()}
YEAR_PARTS: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in _D["year_parts"].items()}
MONTH_PARTS: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in _D["month_parts"].items()}
DECADE_PARTS: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in _D["decade_parts"].items()}
DAY_WORDS: dict[str, int] = _D["day_words"]
NUMBERS: dict[str, int] = _D["numbers"]
UNITS: dict[str, str] = _D["units"]
CUES: frozenset[str] = frozenset(_D["year_cues"])
HABITUAL: frozenset[str] = frozenset(_D["habitual_before"])
SINCE_TO_PUBLICATION: bool = _D["since_runs_to_publication"]


def _words(words: Collection[str]) -> str:
    """Case-insensitive alternation, longest first, any run of spaces between words."""
    alts = sorted(words, key=len, reverse=True)
    return "(?i:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in alts) + ")"


def _names(words: Collection[str], abbrev: bool = False) -> str:
    """Capitalised or upper-case names only, so that "may" and "march" stay verbs."""
    alts = sorted(words, key=len, reverse=True)
    forms = [f for w in alts for f in (w.title(), w.upper())]
    return "(?:" + "|".join(forms) + r")\b" + (r"\.?" if abbrev else "")


_MONTH = _names(_D["months"])
_MONTH_ANY = f"(?:{_MONTH}|{_names(_D['month_abbreviations'], abbrev=True)})"
_WD = _names(WEEKDAYS)
_YEAR = r"(?<![\d,.$£€#])(?<!\d-)(?:1[89]\d\d|20\d\d)(?![\w%]|[.,]\d)"
_NUM = r"(?:\d{1,3}|" + _words(NUMBERS) + ")"
_ORD = r"(?:st|nd|rd|th)?"
_THE = r"(?:(?i:the)\s+)?"
_SEASON = _words(SEASONS)
_SEASON_PLAIN = _words(set(SEASONS) - set(_D["ambiguous_seasons"]))
_NOT_OF = r"(?!\s+(?i:of)\b)"
_DAY = r"(?<![\d.,:])(?P<d>\d{1,2})" + _ORD
_DAY2 = r"(?:\s*(?:-|–|(?i:to|and))\s*(?P<d2>\d{1,2})" + _ORD + ")?"
_ON_WD = rf"(?:{_WD},?\s+)?"
# A written year, or "this/last/next year" after a month or season ("in March last year").
_YEARX = rf"(?:(?P<y>{_YEAR})|(?P<yrel>{_words(['this', 'last', 'next'])})\s+(?i:year)\b)"
_OPT_YEAR = rf"(?:,?\s+(?:(?i:of)\s+)?{_YEARX})?"
_DATE_DMY = rf"{_ON_WD}{_THE}{_DAY}{_DAY2}(?:\s+(?i:of))?\s+(?P<mon>{_MONTH_ANY}){_OPT_YEAR}"
_MDY_DAY2 = r"(?:\s*[-–]\s*(?P<d2>\d{1,2})" + _ORD + ")?"
_DATE_MDY = rf"{_ON_WD}(?P<mon>{_MONTH_ANY})\s+{_DAY}{_MDY_DAY2}(?![\d:]){_OPT_YEAR}"
_DATE_NUMERIC = (r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)"
                 r"(?P<y>(?:1[89]|20)\d\d)(?![\d/-]|\.\d)")
_MPART = rf"(?:{_THE}(?P<part>{_words(MONTH_PARTS)})[\s-]+)?"
_YPART = rf"{_THE}(?P<part>{_words(YEAR_PARTS)})"
_DPART = rf"(?:(?P<part>{_words(DECADE_PARTS)})[\s-]+)?"
_LAST = _words(["last", "this", "next", "this past"])
_CAL_WHICH = _words(["last", "this", "next", "coming", "this past"])
_CALENDAR = (rf"(?:{_YPART}[\s-]+)?(?<!the )(?<!The )"
             rf"(?P<which>{_CAL_WHICH})\s+(?P<cu>{_words(_D['calendar_units'])})\b{_NOT_OF}")
# "over the weekend": which weekend only a preposition says ("the weekend fighters" is none).
_THE_WEEKEND = r"(?:(?<=over )|(?<=during )|(?<=at )|(?<=on ))(?P<which>(?i:the))\s+(?P<cu>(?i:weekend))\b"
_SO_FAR = (rf"(?P<el>{_words(['earlier', 'later'])})\s+(?i:this)\s+"
           rf"(?P<cu>{_words(['week', 'month', 'year'])})\b")
_ROLLING = (rf"(?P<the>(?i:the)\s+)?(?P<which>{_words(['past', 'last'])})\s+"
            rf"(?:(?P<n>{_NUM})(?:\s*(?:-|–|(?i:or|to))\s*(?P<n2>{_NUM}))?\s+)?"
            rf"(?P<unit>{_words([*UNITS, 'hours'])})\b{_NOT_OF}")
_WEEKDAY = (rf"(?:(?P<which>{_words(['last', 'this past', 'this', 'next', 'this coming', 'on'])})\s+)?"
            rf"(?P<wd>{_WD})(?:\s+{_words(_D['day_periods'])}\b)?")

# (kind, pattern). Overlapping matches are settled by length, then by this order.
# (kind, trigger, pattern): every match holds a word of its trigger class (see ``_TRIGGERS``).
_RULES: list[tuple[str, str, str]] = [
    ("date", "digit", r"(?<![\d-])(?P<y>\d{4})-(?P<mn>\d{2})-(?P<d>\d{2})(?![\d-])"),
    ("date", "digit", _DATE_DMY),
    ("date", "digit", _DATE_MDY),
    ("date", "digit", _DATE_NUMERIC),
    ("month", "month", rf"{_MPART}(?P<mon>{_MONTH_ANY})(?:,|\s+(?i:of))?\s+{_YEARX}"),
    ("season", "season", rf"{_THE}(?P<season>{_SEASON})(?:\s+(?i:of))?\s+{_YEARX}"),
    ("year", "digit", rf"{_YPART}(?:\s*[-–]\s*|\s+)(?P<y>{_YEAR})"),
    ("years", "digit", rf"(?P<y>{_YEAR})\s*[-–/]\s*(?P<y2>(?:1[89]|20)\d\d|\d\d)(?![\w/-])"),
    ("year", "digit", rf"(?P<y>{_YEAR})"),
    ("decade", "digit", rf"{_THE}{_DPART}(?:(?P<dec>1[89]\d0|20\d0)s|['’](?P<dec2>\d0)s)\b"),
    ("decade", "digit", rf"(?i:the)\s+{_DPART}(?P<dec2>[3-9]0)s\b"),
    ("calendar", "relative", _CALENDAR),
    ("calendar", "unit", rf"{_YPART}\s+(?P<which>(?i:the))\s+(?P<cu>{_words(['month', 'year'])})\b"),
    ("calendar", "weekend", _THE_WEEKEND),
    ("so_far", "relative", _SO_FAR),
    ("rolling", "relative", _ROLLING),
    ("ago", "ago", rf"(?P<n>{_NUM})\s+(?P<unit>{_words(UNITS)})\s+(?i:ago)\b"),
    ("day", "day", rf"(?<![\w-])(?P<dw>{_words(DAY_WORDS)})\b"),
    ("weekday", "weekday", _WEEKDAY),
    ("month_rel", "month", rf"(?P<which>{_LAST})\s+(?P<mon>{_MONTH})"),
    ("month", "month", rf"{_MPART}(?P<mon>{_MONTH})"),
    ("season_rel", "season", rf"{_THE}(?P<which>{_LAST}|(?i:past))\s+(?P<season>{_SEASON})\b"),
    ("season", "season", rf"{_THE}(?P<season>{_SEASON_PLAIN})\b{_NOT_OF}"),
]
_COMPILED = [(kind, trigger, re.compile(p)) for kind, trigger, p in _RULES]
# What every match of a rule must contain. Plain alternations, as in the rules (no word boundary before
# them), so that running a rule only around its triggers finds exactly what running it everywhere finds.
_TRIGGERS = {
    "digit": r"\d",
    "month": _MONTH_ANY,
    "weekday": _WD,
    "season": _SEASON,
    "relative": _words(["last", "this", "next", "past", "coming"]),
    "unit": _words(["month", "year"]),
    "weekend": "(?i:weekend)",
    "ago": r"(?i:ago)\b",
    "day": _words({w.split()[-1] for w in DAY_WORDS}),
}
_TRIGGER = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _TRIGGERS.items()))
# Longest stretch of a match before / after its trigger ("the second quarter of | 2014"), with room
# for the rules' look-arounds; expressions are short, so these are generous.
_BEFORE, _AFTER = 64, 96
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|(?i:to|until|till|through|and))\s*")
_LIST_GAP = re.compile(r"\s*(?:,|,?\s*(?i:and|or))\s*")
_PREFIX = re.compile(r"(?i:(between|from|since))\s+$")
_YEAR_LIST = re.compile(rf"{_YEAR},\s*")
_LAST_WORD = re.compile(r"([\w'’]+)\W*$")
# The end of a sentence or paragraph, roughly: how far a story's year carries (see ``_in_narrative``).
_SENT_BREAK = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])|\n")
_ANCHORS = frozenset({"date", "month", "season", "year"})
_OPEN_ENDED = frozenset(_D["open_ended_before"])


@dataclass
class Cand:
    """One matched expression before resolution: its span, its kind and the parts read from it."""

    start: int
    end: int
    kind: str
    f: dict[str, Any] = field(default_factory=dict)
    parts: tuple[Cand, ...] = ()  # the two ends of a range, or the point a "since" starts at

    @property
    def needs_cue(self) -> bool:
        """A bare year, month or season is a date only after a cue word or inside a DATE entity."""
        return (self.kind in ("year", "month", "season") and not self.f.get("part")
                and not (("y" in self.f or "yrel" in self.f) and self.kind != "year"))


@dataclass(frozen=True)
class Interval:
    start: date
    end: date
    precision: str  # day, week, month, season, year, decade, range
    relative: bool  # resolved against the publication date


def _fields(m: re.Match[str]) -> dict[str, Any]:
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    f: dict[str, Any] = {}
    for k in ("y", "d", "d2"):
        if k in g:
            f[k] = int(g[k])
    if "y2" in g:
        f["y2"] = int(g["y2"]) if len(g["y2"]) == 4 else f["y"] // 100 * 100 + int(g["y2"])
    if "mn" in g:
        f["m"] = int(g["mn"])
    if "a" in g:  # a numeric date: day first unless that is impossible (or data say otherwise)
        a, b = int(g["a"]), int(g["b"])
        day_first = a > 12 or (b <= 12 and _D["numeric_day_first"])
        f["d"], f["m"] = (a, b) if day_first else (b, a)
    if "yrel" in g:
        f["yrel"] = {"this": 0, "last": -1, "next": 1}[g["yrel"].lower()]
    if "mon" in g:
        f["m"] = MONTHS[g["mon"].rstrip(".").lower()]
    if "dec" in g:
        f["dec"] = int(g["dec"])
    if "dec2" in g:
        f["dec"] = (1900 if int(g["dec2"]) >= 30 else 2000) + int(g["dec2"])
    for k in ("part", "which", "season", "cu", "el", "unit", "dw"):
        if k in g:
            f[k] = " ".join(g[k].lower().split())
    if "wd" in g:
        f["wd"] = WEEKDAYS[g["wd"].lower()]
    for k in ("n", "n2"):
        if k in g:
            f[k] = int(g[k]) if g[k].isdigit() else NUMBERS[" ".join(g[k].lower().split())]
    if "the" in g:
        f["the"] = True
    return f


def windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """For each trigger class, the stretches of ``text`` around its words, merged: where its rules can match.

    Every match holds a trigger with at most ``_BEFORE`` characters before it and ``_AFTER`` after,
    so running each rule on its stretches finds what running it on the whole text finds, at a fraction
    of the cost: most sentences of a long report name no time, and a rule that needs "ago" or a
    weekday runs on a few short stretches only.
    """
    out: dict[str, list[tuple[int, int]]] = {k: [] for k in _TRIGGERS}
    for m in _TRIGGER.finditer(text):
        spans = out[m.lastgroup or ""]
        lo, hi = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return out


def scan(text: str) -> list[Cand]:
    """Every match of every rule, overlapping; ``select`` picks among them."""
    out = []
    where = windows(text)
    for kind, trigger, rx in _COMPILED:
        for lo, hi in where[trigger]:
            for m in rx.finditer(text, lo, hi):
                f = _fields(m)
                if kind == "rolling" and f["which"] == "last" and "the" not in f and "n" not in f:
                    continue  # "last week" is the calendar week: the "calendar" rule reads it
                out.append(Cand(m.start(), m.end(), kind, f))
    return out


def cued(text: str, c: Cand) -> bool:
    """Whether the word before a bare year/month/season makes it a date ("in 2014", "since March").

    A year in a list of years ("in 2013, 2014 and 2015") is cued by the one before it.
    """
    m = _LAST_WORD.search(text, max(0, c.start - 30), c.start)
    if not m:
        return False
    if m.group(1).lower() in CUES:
        return True
    return c.kind == "year" and _YEAR_LIST.fullmatch(text, m.start(), c.start) is not None


def _habitual(text: str, c: Cand) -> bool:
    """ "every Friday", "each summer": a habit, not a time one can date."""
    m = _LAST_WORD.search(text, max(0, c.start - 30), c.start)
    return bool(m) and m.end() == c.start and m.group(1).lower() in HABITUAL


def select(cands: list[Cand]) -> list[Cand]:
    """One candidate per stretch of text: the longest wins, then the earlier rule."""
    order = sorted(range(len(cands)), key=lambda i: (-(cands[i].end - cands[i].start), i))
    taken: list[Cand] = []
    for i in order:
        c = cands[i]
        if all(c.end <= t.start or c.start >= t.end for t in taken):
            taken.append(c)
    return sorted(taken, key=lambda c: c.start)


def combine(text: str, cands: list[Cand]) -> list[Cand]:
    """Join "from May to July 2015", "between 2012 and 2014", "2013-2014".

    "since 2011" is the year itself, or 2011 to publication if the data say so (``since_runs_to_publication``).
    """
    out: list[Cand] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        pre = _PREFIX.search(text, max(0, a.start - 12), a.start)
        word = pre.group(1).lower() if pre else None
        if i + 1 < len(cands) and word != "since":
            b = cands[i + 1]
            gap = _RANGE_GAP.fullmatch(text, a.end, b.start)
            if gap and _points(a, b):
                conn = gap.group().strip().lower()
                if conn in ("-", "–", "—") or (conn == "and" and word == "between") or (
                        conn != "and" and word == "from"):
                    start = pre.start() if pre else a.start
                    out.append(Cand(start, b.end, "range", parts=(a, b)))
                    i += 2
                    continue
        if i + 1 < len(cands) and _LIST_GAP.fullmatch(text, a.end, cands[i + 1].start):
            a = _lend_year(a, cands[i + 1])  # "in January and February 2015": January 2015
        if word == "since" and SINCE_TO_PUBLICATION and a.kind not in ("rolling", "so_far", "ago"):
            out.append(Cand(pre.start(), a.end, "since", parts=(a,)))
        else:
            out.append(a)
        i += 1
    return out


def _points(a: Cand, b: Cand) -> bool:
    """Both ends of a range must be points in time of the same sort, not durations."""
    absolute = {"date", "month", "season", "year", "decade"}
    return a.kind in absolute and b.kind in absolute


def find(text: str, published: date | None, *, dated: Callable[[int, int], bool] = lambda s, e: False,
         future: Callable[[int, int], bool] = lambda s, e: False,
         reject: Callable[[int, int], bool] = lambda s, e: False) -> list[tuple[Cand, Interval]]:
    """Time expressions in ``text`` with their intervals; those that cannot be resolved are left out.

    ``dated(start, end)``: the span lies in a date entity (licenses bare years and months);
    ``future(start, end)``: its verb is future; ``reject(start, end)``: not a time (an age, a count).
    """
    cands = [c for c in scan(text) if not reject(c.start, c.end) and not _habitual(text, c)
             and (not c.needs_cue or cued(text, c) or dated(c.start, c.end))]
    out = []
    anchor: tuple[int, Interval] | None = None  # the last written year: (where it ends, what it names)
    for c in combine(text, select(cands)):
        fut = future(c.start, c.end)
        if anchor and not fut and published and _SENT_BREAK.subn("", text[anchor[0]:c.start])[1] <= 1:
            c = _in_narrative(c, anchor[1], published)
        iv = resolve(c, published, fut)
        if iv is None:
            continue
        out.append((c, iv))
        if c.kind in _ANCHORS and ({"y", "yrel"} & c.f.keys()) and iv.start.year == iv.end.year and not (
                (w := _LAST_WORD.search(text, max(0, c.start - 30), c.start)) and w.group(1).lower() in _OPEN_ENDED):
            anchor = (c.end, iv)  # "since 2011" is background: it does not set the story's year
    return out


def _in_narrative(c: Cand, anchor: Interval, pub: date) -> Cand:
    """A month or day without a year, told right after a past year: "He was detained in October 2019.
    In December, he was moved" is December 2019, not the December before publication.

    The story's year holds only for the next sentence or so, and only when it lies before the
    publication year (news otherwise speaks of the current year); a month earlier than the anchor's
    moves into the following year, as a narrative runs forward.
    """
    if c.kind == "range":
        a, b = c.parts
        if {a.kind, b.kind} <= {"date", "month"} and not {"y", "yrel"} & (a.f.keys() | b.f.keys()):
            return Cand(c.start, c.end, c.kind, c.f, (_in_narrative(a, anchor, pub), _in_narrative(b, anchor, pub)))
        return c
    if c.kind not in ("date", "month") or {"y", "yrel"} & c.f.keys():
        return c
    y = anchor.start.year
    if anchor.start.month == anchor.end.month and c.f["m"] < anchor.start.month:
        y += 1
    if y >= pub.year or (y, c.f["m"]) > (pub.year, pub.month):
        return c
    return Cand(c.start, c.end, c.kind, {**c.f, "y": y}, c.parts)


# --- resolution --------------------------------------------------------------------------


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _shift_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _minus(d: date, n: int, unit: str) -> date:
    """``d`` moved back ``n`` units, clipping the day to the target month (Mar 31 - 1 month = Feb 28/29)."""
    if unit in ("day", "hour"):
        return d - timedelta(days=n if unit == "day" else -(-n // 24))
    if unit == "week":
        return d - timedelta(weeks=n)
    months = n * {"month": 1, "year": 12, "decade": 120}[unit]
    y, m = _shift_months(d.year, d.month, -months)
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _year_or_guess(f: dict[str, Any], pub: date | None, m: int, d: int, fut: bool) -> tuple[int, bool] | None:
    """The year written, or the one that puts (m, d) on the right side of publication."""
    if "y" in f:
        return f["y"], False
    if pub is None:
        return None
    y = pub.year
    step = 1 if fut else -1
    if (not fut and (m, d) > (pub.month, pub.day)) or (fut and (m, d) < (pub.month, pub.day)):
        y += step
    while m == 2 and d == 29 and not calendar.isleap(y):  # "29 February": the nearest leap year that way
        y += step
    return y, True


def _season(name: str, y: int) -> tuple[date, date]:
    a, b = SEASONS[name]
    return date(y, a, 1), _month_end(y + (b < a), b)


def _season_near(name: str, pub: date, which: str | None, fut: bool) -> tuple[date, date]:
    """Occurrence of a season relative to publication: last (ended before), this, next, or plain."""
    spans = [_season(name, y) for y in range(pub.year - 2, pub.year + 2)]
    if which in ("last", "this past", "past"):
        return [s for s in spans if s[1] < pub][-1]
    if which == "next" or (which is None and fut):
        return next(s for s in spans if s[0] > pub)
    if which == "this":
        return next(s for s in spans if s[1] >= pub)
    return [s for s in spans if s[0] <= pub][-1]


def _parted(lo: date, hi: date, part: str | None, unit: str) -> tuple[date, date]:
    """Narrow a whole month or year to its early/mid/late part."""
    if not part:
        return lo, hi
    if unit == "year":
        a, b = YEAR_PARTS[part]
        return date(lo.year, a, 1), _month_end(lo.year, b)
    a, b = MONTH_PARTS[part]
    if a < 0:  # counted from the month's end: "the last week of February"
        return hi + timedelta(days=a + 1), hi + timedelta(days=b + 1)
    return lo.replace(day=a), lo.replace(day=min(b, hi.day))


def _calendar(cu: str, which: str, pub: date) -> tuple[date, date, str]:
    k = {"last": -1, "this": 0, "next": 1, "coming": 1, "this past": -1, "the": 0}[which]
    if which == "the" and cu == "weekend" and pub.weekday() < 5:
        k = -1  # "over the weekend" in a weekday's paper: the one just gone
    if cu in ("week", "weekend"):
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=k)
        if cu == "weekend":
            return monday + timedelta(days=5), monday + timedelta(days=6), "range"
        return monday, monday + timedelta(days=6), "week"
    if cu == "month":
        y, m = _shift_months(pub.year, pub.month, k)
        return date(y, m, 1), _month_end(y, m), "month"
    return date(pub.year + k, 1, 1), date(pub.year + k, 12, 31), "year"


def resolve(c: Cand, pub: date | None, fut: bool = False) -> Interval | None:
    """The inclusive interval ``c`` names, or None when it cannot be resolved (no date, no anchor)."""
    if "yrel" in c.f:
        if pub is None:
            return None
        f = {k: v for k, v in c.f.items() if k != "yrel"}
        iv = resolve(Cand(c.start, c.end, c.kind, {**f, "y": pub.year + c.f["yrel"]}), pub, fut)
        return Interval(iv.start, iv.end, iv.precision, True) if iv else None
    try:
        return _resolve(c, pub, fut)
    except (ValueError, OverflowError, StopIteration, IndexError, KeyError):
        return None  # an impossible date ("31 February", year 0) is no date


def _resolve(c: Cand, pub: date | None, fut: bool) -> Interval | None:
    f, k = c.f, c.kind
    if k == "date":
        m, d = f["m"], f["d"]
        yr = _year_or_guess(f, pub, m, d, fut)
        if yr is None:
            return None
        lo = date(yr[0], m, d)
        hi = date(yr[0], m, f["d2"]) if "d2" in f else lo
        return Interval(lo, hi, "day" if lo == hi else "range", yr[1]) if lo <= hi else None
    if k == "month":
        m = f["m"]
        if "y" in f:
            y, rel = f["y"], False
        elif pub is None:
            return None
        else:
            y, rel = pub.year, True
            if not fut and m > pub.month:
                y -= 1
            elif fut and m < pub.month:
                y += 1
        lo, hi = _parted(date(y, m, 1), _month_end(y, m), f.get("part"), "month")
        return Interval(lo, hi, "range" if f.get("part") else "month", rel)
    if k == "month_rel":
        if pub is None:
            return None
        m, which = f["m"], f["which"]
        y = pub.year
        if which in ("last", "this past") and m >= pub.month:
            y -= 1
        elif which == "next" and m <= pub.month:
            y += 1
        return Interval(date(y, m, 1), _month_end(y, m), "month", True)
    if k == "season":
        if "y" in f:
            lo, hi = _season(f["season"], f["y"])
            return Interval(lo, hi, "season", False)
        if pub is None:
            return None
        lo, hi = _season_near(f["season"], pub, None, fut)
        return Interval(lo, hi, "season", True)
    if k == "season_rel":
        if pub is None:
            return None
        lo, hi = _season_near(f["season"], pub, f["which"], fut)
        return Interval(lo, hi, "season", True)
    if k == "year":
        lo, hi = _parted(date(f["y"], 1, 1), date(f["y"], 12, 31), f.get("part"), "year")
        return Interval(lo, hi, "range" if f.get("part") else "year", False)
    if k == "years":
        if f["y2"] <= f["y"]:
            return None
        return Interval(date(f["y"], 1, 1), date(f["y2"], 12, 31), "range", False)
    if k == "decade":
        a, b = DECADE_PARTS[f["part"]] if f.get("part") else (0, 9)
        return Interval(date(f["dec"] + a, 1, 1), date(f["dec"] + b, 12, 31),
                        "range" if f.get("part") else "decade", False)
    if k in ("range", "since"):
        return _resolve_range(c, pub, fut)
    if pub is None:
        return None
    return _resolve_relative(c, pub, fut)


def _resolve_relative(c: Cand, pub: date, fut: bool) -> Interval | None:
    f, k = c.f, c.kind
    if k == "calendar":
        lo, hi, prec = _calendar(f["cu"], f["which"], pub)
        if f["which"] == "this past" and f["cu"] != "weekend":
            return Interval(_minus(pub, 1, f["cu"]), pub, "range", True)
        if f.get("part") and f["cu"] in ("month", "year"):
            lo, hi = _parted(lo, hi, f["part"], f["cu"])
            prec = "range"
        return Interval(lo, hi, prec, True)
    if k == "so_far":
        lo, hi, _ = _calendar(f["cu"], "this", pub)
        return Interval(lo, pub, "range", True) if f["el"] == "earlier" else Interval(pub, hi, "range", True)
    if k == "rolling":
        unit = UNITS.get(f["unit"], "hour")
        if "n" not in f and f["unit"].endswith("s"):
            return None  # "the past years": how many?
        n = max(f.get("n", 1), f.get("n2", 0))
        return Interval(_minus(pub, n, unit), pub, "range", True)
    if k == "ago":
        unit, n = UNITS[f["unit"]], f["n"]
        if unit in ("day", "week"):
            d = _minus(pub, n, unit)
            return Interval(d, d, "day", True)
        if unit == "month":
            y, m = _shift_months(pub.year, pub.month, -n)
            return Interval(date(y, m, 1), _month_end(y, m), "month", True)
        y = pub.year - n * (10 if unit == "decade" else 1)
        return Interval(date(y, 1, 1), date(y, 12, 31), "year", True)
    if k == "day":
        d = pub + timedelta(days=DAY_WORDS[f["dw"]])
        return Interval(d, d, "day", True)
    if k == "weekday":
        which = f.get("which", "on")
        back = (pub.weekday() - f["wd"]) % 7
        if which == "next" or which == "this coming" or (fut and which in ("on", "this")):
            ahead = (f["wd"] - pub.weekday()) % 7
            d = pub + timedelta(days=ahead or (7 if which != "on" else 0))
        else:
            d = pub - timedelta(days=back or (7 if which in ("last", "this past") else 0))
        return Interval(d, d, "day", True)
    return None


def _resolve_range(c: Cand, pub: date | None, fut: bool) -> Interval | None:
    if c.kind == "since":
        inner = resolve(c.parts[0], pub, False)
        if inner is None or pub is None or inner.start > pub:
            return None
        return Interval(inner.start, pub, "range", True)
    a, b = c.parts
    if b.kind in ("date", "month") and not ({"y", "yrel"} & (a.f.keys() | b.f.keys())):
        # "from November to February": the end is placed against publication, the start before it
        ib = resolve(b, pub, fut)
        if ib is None:
            return None
        b = Cand(b.start, b.end, b.kind, {**b.f, "y": ib.end.year})
    ia, ib = resolve(_lend_year(a, b), pub, fut), resolve(_lend_year(b, a), pub, fut)
    if ia is None or ib is None or ia.start > ib.end:
        return None
    return Interval(ia.start, ib.end, "range", ia.relative or ib.relative or "y" not in c.parts[1].f)


def _lend_year(a: Cand, b: Cand) -> Cand:
    """``a`` with ``b``'s year when only ``b`` has one: "from May to July 2015", "May to July this year"."""
    has = ("y", "yrel")
    if a.kind not in ("date", "month", "season") or any(k in a.f for k in has):
        return a
    if not any(k in b.f for k in has):
        return a
    key = "y" if "y" in b.f else "yrel"
    y = b.f[key]
    if "m" in a.f and "m" in b.f:
        first, second = (a, b) if a.start < b.start else (b, a)
        if first.f["m"] > second.f["m"]:  # "from November to February 2015": November 2014
            y = y - 1 if a is first else y + 1
    return Cand(a.start, a.end, a.kind, {**a.f, key: y})
