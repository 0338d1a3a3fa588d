"""Thresholds and weights for linking (``link/data/link.json``) and the phrase tables for profiles and
attribution chains (``link/data/profiles.json``)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def _load(name: str) -> dict[str, Any]:
    return json.loads(resources.files("eventledger.link").joinpath("data", name).read_text("utf-8"))


CONFIG: dict[str, Any] = _load("link.json")
PROFILES: dict[str, Any] = _load("profiles.json")
