"""Plain-text cleaning: normalize whitespace and lift out page furniture, keeping the article's words.

Driven by ``clean/data/boilerplate.json``. Photo captions are article content (they name places
and groups), so a caption line loses only its credit; the credit, the caption and every removed
line are returned so they can go into ``Document.metadata``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

CAPTION_MAX = 250  # longer lines ending in "(AFP)" are wire paragraphs, not captions
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\u0085\v\f]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # C0 controls except tab and line breaks
_BLANKS = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w", re.UNICODE)
_SHARE_SPLIT = re.compile(r"[\s|,·•/:!]+")
_SEP = r"(?:[,.;:|(–—-]\s*|\s+[|–—-]\s+|\s+(?=[(\[])|\s+(?=©))"


@lru_cache(maxsize=1)
def boilerplate_data() -> dict[str, Any]:
    return json.loads(
        resources.files("eventledger.clean").joinpath("data", "boilerplate.json").read_text("utf-8")
    )


@dataclass(frozen=True)
class Rules:
    credit_line: re.Pattern[str]
    line: re.Pattern[str]
    trailing: re.Pattern[str]
    inline: re.Pattern[str]
    caption_prefix: re.Pattern[str]
    credit_suffix: re.Pattern[str]
    share_words: frozenset[str]
    share_triggers: frozenset[str]


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The data table compiled once: one alternation per category."""
    d = boilerplate_data()
    agency = "|".join(re.escape(a) for a in sorted(d["agencies"], key=len, reverse=True))

    def alt(key: str) -> str:
        return "|".join(f"(?:{p.replace('{AGENCY}', agency)})" for p in d[key])

    flags = re.IGNORECASE
    return Rules(
        credit_line=re.compile(alt("credit_line_patterns"), flags),
        line=re.compile(alt("line_patterns"), flags),
        trailing=re.compile(alt("trailing_patterns"), flags),
        inline=re.compile(alt("inline_patterns"), flags),
        caption_prefix=re.compile(alt("caption_prefixes"), flags),
        credit_suffix=re.compile(rf"(?P<sep>{_SEP})(?P<credit>{alt('credit_suffix_patterns')})\s*$", flags),
        share_words=frozenset(d["share_words"]),
        share_triggers=frozenset(d["share_triggers"]),
    )


@dataclass
class Removed:
    """What cleaning took out (or, for captions, marked), in text order."""

    boilerplate: list[str] = field(default_factory=list)
    photo_credits: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)

    def as_metadata(self) -> dict[str, list[str]]:
        """Non-empty lists; a caption printed twice is listed once (the text keeps it once too)."""
        lists = (
            ("boilerplate", self.boilerplate),
            ("photo_credits", list(dict.fromkeys(self.photo_credits))),
            ("captions", list(dict.fromkeys(self.captions))),
        )
        return {k: v for k, v in lists if v}


def normalize(text: str) -> str:
    """One kind of line break, no control characters, no trailing spaces, at most one blank line in a row."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip("\n")


def is_share_bar(line: str, r: Rules) -> bool:
    """'Share on Facebook Share on Twitter', 'Facebook | Twitter | WhatsApp | Email'."""
    words = [w for w in _SHARE_SPLIT.split(line.lower()) if w and not w.isdigit()]
    return (
        bool(words) and all(w in r.share_words for w in words) and any(w in r.share_triggers for w in words)
    )


def cut_inline(line: str, r: Rules, out: Removed) -> list[str]:
    """Cut banners glued into a paragraph; text on both sides stays, as separate paragraphs."""
    parts, pos = [], 0
    for m in r.inline.finditer(line):
        parts.append(line[pos : m.start()])
        out.boilerplate.append(m.group().strip())
        pos = m.end()
    if not pos:
        return [line]
    parts.append(line[pos:])
    kept = [p.strip() for p in parts if p.strip()]
    return [x for p in kept for x in (p, "")][:-1] if kept else []


def clean_line(line: str, r: Rules, out: Removed) -> str | None:
    """The line with its credit removed, or None when the whole line is furniture."""
    stripped = line.strip()
    if not stripped:
        return line
    if r.credit_line.fullmatch(stripped):
        out.photo_credits.append(stripped)
        return None
    if r.line.fullmatch(stripped) or is_share_bar(stripped, r):
        out.boilerplate.append(stripped)
        return None
    if len(stripped) > CAPTION_MAX:
        return line
    caption = stripped
    prefix = r.caption_prefix.match(caption)
    if prefix and prefix.end() < len(caption):
        caption = caption[prefix.end() :]
    m = r.credit_suffix.search(caption)
    if m and _WORD.search(caption[: m.start()]):
        out.photo_credits.append(m.group("credit").strip())
        caption = caption[: m.start("credit")].rstrip(" ,;:|–—-(")
    if caption == stripped:
        return line
    out.captions.append(caption)
    return caption


def clean_lines(lines: list[str], r: Rules, out: Removed) -> list[str]:
    kept: list[str] = []
    for line in lines:
        for piece in cut_inline(line, r, out):
            cleaned = clean_line(piece, r, out)
            # a cleaned caption may itself be furniture ("Reuters" left of "Photo: AFP"): repeat until stable
            while cleaned is not None and cleaned != piece:
                captions = len(out.captions)
                piece, cleaned = cleaned, clean_line(cleaned, r, out)
                if len(out.captions) > captions or cleaned is None:  # only the final caption is a caption
                    del out.captions[captions - 1]
            if cleaned is not None:
                kept.append(cleaned)
    return kept


def drop_trailing(lines: list[str], r: Rules, out: Removed) -> list[str]:
    """Sign-offs that only mean something at the end: 'X and agencies', 'Reporting by ...'."""
    end = len(lines)
    while end:
        last = lines[end - 1].strip()
        if not last:
            end -= 1
        elif r.trailing.fullmatch(last):
            out.boilerplate.append(last)
            end -= 1
        else:
            break
    return lines[:end]


def drop_repeats(lines: list[str], out: Removed) -> list[str]:
    """A line printed twice in a row (captions often are) is kept once."""
    kept: list[str] = []
    previous = None
    for line in lines:
        s = line.strip()
        if s and s == previous:
            out.boilerplate.append(s)
            continue
        if s:
            previous = s
        kept.append(line)
    return kept


def clean_text(text: str) -> tuple[str, Removed]:
    """Cleaned text plus what was removed; cleaning the result again removes nothing more."""
    r = rules()
    out = Removed()
    lines = normalize(text).split("\n")
    lines = drop_repeats(drop_trailing(clean_lines(lines, r, out), r, out), out)
    return normalize("\n".join(lines)), out
