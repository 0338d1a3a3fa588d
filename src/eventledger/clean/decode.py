"""Bytes to text: BOM, then a declared charset, then UTF-8, then charset-normalizer's best guess."""

from __future__ import annotations

import codecs
import re

from eventledger.ingest.files import utf16_without_bom

_BOMS = (  # UTF-32 before UTF-16: FF FE 00 00 starts both
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
# Pages labelled Latin-1 are routinely UTF-8 (and browsers read Latin-1 as Windows-1252 anyway).
_WEAK_LABELS = {"iso8859-1", "ascii", "cp1252"}


def declared_in_markup(data: bytes) -> str | None:
    """The charset an HTML <meta> or an XML declaration names in the first few KB."""
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii", "ignore") if m else None


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_CP1252_FALLBACK = "eventledger-cp1252"


def _cp1252_bytes(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode each byte UTF-8 rejected as Windows-1252 (the usual culprit when UTF-8 text is mixed)."""
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_bytes)


def _mostly_utf8(data: bytes) -> bool:
    """A three-byte UTF-8 character, or valid multi-byte sequences at least as often as invalid bytes:
    UTF-8 with a few strays.
    charset-normalizer alone calls such text mac_latin2 and garbles every real UTF-8 character;
    pure single-byte text (cp1256 Arabic) has no valid multi-byte runs and still goes to detection."""
    runs = _UTF8_MULTIBYTE.findall(data)
    if not runs:
        return False
    if any(len(r) >= 3 and r[0] >= 0xE0 for r in runs):
        return True  # a three-byte UTF-8 character (dash, curly quote, €): no single-byte text makes these
    text = data.decode("utf-8", errors="replace")
    return len(runs) >= text.count("\ufffd")


def decode(data: bytes, declared: str | None = None, markup: bool = False) -> tuple[str, str]:
    """(text, encoding used). Never fails: the last resort is UTF-8 with replacement characters."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    if utf16_without_bom(data[:4096]):
        enc = "utf-16-le" if data[1:4096:2].count(0) > data[0:4096:2].count(0) else "utf-16-be"
        return data.decode(enc, errors="replace"), enc
    for name in (declared, declared_in_markup(data) if markup else None):
        enc = _codec(name)
        if enc is None:
            continue
        if enc in _WEAK_LABELS:
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                enc = "cp1252"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue  # a wrong label: fall through to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):  # a UTF-8 text with a few stray Windows-1252 bytes (pasted quotes, dashes)
        return data.decode("utf-8", errors=_CP1252_FALLBACK), "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8"
