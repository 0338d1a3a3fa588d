"""Thresholds and weights for linking, from ``link/data/link.json``."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

CONFIG: dict[str, Any] = json.loads(
    resources.files("eventledger.link").joinpath("data", "link.json").read_text("utf-8"))
