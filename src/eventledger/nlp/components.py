"""eventledger's own spaCy components, added after the model's pipes."""

from __future__ import annotations

from spacy.language import Language


def add_components(nlp: Language) -> None:
    """Add project components to a loaded pipeline (idempotent)."""
    return None
