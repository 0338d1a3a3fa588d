"""MinHash signatures of cleaned texts and their LSH band keys.

datasketch computes the MinHash; its ``MinHashLSH`` keeps buckets in memory (or Redis/Cassandra),
so the buckets live in SQLite instead (``doc_bands``): a lookup is an indexed query and nothing
has to be rebuilt at start-up.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash

from eventledger.link.config import CONFIG

_WORD = re.compile(r"\w+")
_P = CONFIG["minhash"]


def shingles(text: str) -> set[bytes]:
    """Word n-grams of the lowercased text: wording, not layout or punctuation, makes a copy."""
    k = _P["shingle_words"]
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + k]).encode() for i in range(max(1, len(words) - k + 1))} if words else set()


def signature(text: str) -> tuple[bytes, int]:
    """The MinHash of a text as little-endian uint32 bytes, and how many shingles it has."""
    sh = shingles(text)
    m = MinHash(num_perm=_P["num_perm"])
    m.update_batch(list(sh))
    return m.hashvalues.astype("<u4").tobytes(), len(sh)


def band_keys(sig: bytes) -> list[int]:
    """One signed 64-bit key per LSH band: documents sharing a key are candidates."""
    bands, rows = _P["bands"], _P["rows"]
    width = rows * 4
    return [int.from_bytes(hashlib.blake2b(bytes([b]) + sig[b * width:(b + 1) * width], digest_size=8).digest(),
                           "little", signed=True) for b in range(bands)]


def jaccard(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values (as datasketch's ``MinHash.jaccard``)."""
    x, y = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(x == y)) / len(x)


def jaccard_many(sig: bytes, others: dict[int, bytes]) -> dict[int, float]:
    """``jaccard(sig, s)`` for every signature of ``others`` at once (one array comparison, not one per report)."""
    if not others:
        return {}
    x = np.frombuffer(sig, dtype="<u4")
    ys = np.frombuffer(b"".join(others.values()), dtype="<u4").reshape(len(others), len(x))
    shares = np.count_nonzero(ys == x, axis=1) / len(x)
    return dict(zip(others, shares.tolist(), strict=True))
