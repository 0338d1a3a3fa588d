"""PDF text layer via pypdf, without running page headers, footers and page numbers."""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

_PAGE_NUMBER = re.compile(
    r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]", re.IGNORECASE
)
_CREATION = re.compile(r"D:(\d{4})(\d{2})(\d{2})")


def _unwrap(page: str) -> str:
    """Join lines that a PDF broke mid-sentence; a line ending in punctuation or a hyphen stays a line."""
    out: list[str] = []
    for line in page.split("\n"):
        s = line.strip()
        if (
            out
            and out[-1]
            and s
            and not out[-1].endswith((".", "!", "?", ":", '"', "”", "'", "’", "-", "—"))
            and (s[0].islower() or s[0].isdigit())
        ):
            out[-1] = f"{out[-1]} {s}"
        else:
            out.append(s)
    return "\n".join(out)


def pdf_text(data: bytes) -> tuple[str, dict[str, Any]]:
    """(text with pages as paragraphs, {title, created}); empty text means no text layer."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    pages = [(p.extract_text() or "").strip() for p in reader.pages]
    # a line on most pages of a long document is a running header or footer
    counts = Counter(line.strip() for page in pages for line in set(page.split("\n")) if line.strip())
    running = {line for line, n in counts.items() if len(pages) >= 3 and n >= max(3, len(pages) // 2)}
    kept = []
    for page in pages:
        lines = [
            ln
            for ln in page.split("\n")
            if ln.strip() not in running and not _PAGE_NUMBER.fullmatch(ln.strip())
        ]
        kept.append(_unwrap("\n".join(lines)))
    meta: dict[str, Any] = {}
    info = reader.metadata or {}
    title = info.get("/Title")
    if isinstance(title, str) and title.strip():
        meta["title"] = title.strip()
    created = _CREATION.match(str(info.get("/CreationDate") or ""))
    if created:
        meta["created"] = "-".join(created.groups())
    return "\n\n".join(p for p in kept if p.strip()), meta
