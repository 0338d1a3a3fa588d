"""Attribution chains: who a report heard a claim from, and from whom they heard it.

"TRT World, citing a BBC report, quoting Khalid al Nouri" is the chain outlet -> cited source ->
speaker. It is read from a record's attributions and quotes alone (no parsing): a speaker is behind
a cited source when the source's claim covers the speaker's words, or when the speaker "told" a
named outlet; "citing a Reuters report" after "according to a monitoring group" puts Reuters behind
the monitoring group. Works on record dicts (the export format), so it needs no store.
"""

from __future__ import annotations

import re
from typing import Any

from eventledger.link.config import PROFILES
from eventledger.link.events import name_key

_P = PROFILES["chains"]
_CITED = re.compile(_P["cited_cue"], re.I)
_CITING = re.compile(_P["citing_cue"], re.I)
_TOLD = re.compile(_P["told_cue"], re.I)
_CITED_KINDS = set(_P["cited_kinds"])

Chain = dict[str, Any]


def _inside(inner: list[int] | None, outer: list[int] | None) -> bool:
    return bool(inner and outer) and outer[0] <= inner[0] and inner[1] <= outer[1]


def _overlap(a: list[int] | None, b: list[int] | None) -> bool:
    return bool(a and b) and a[0] < b[1] and b[0] < a[1]


def attribution_chains(rec: dict[str, Any]) -> list[Chain]:
    """Every chain in a record: ``{"outlet", "hops": [{"source", "entity", "span", "cited"}], "claim_span",
    "attributions", "quotes"}``, hops ordered from the outlet outwards. Chains another chain extends are left out."""
    doc = rec["document"]
    ents = {e["id"]: e for e in rec.get("entities", [])}
    atts = rec.get("attributions", [])

    def cited(a: dict[str, Any]) -> bool:
        kind = ents.get(a.get("source_entity") or "", {}).get("kind")
        return kind in _CITED_KINDS or bool(_CITED.search(a["text"]))

    def hop(a: dict[str, Any]) -> dict[str, Any]:
        return {"source": a["source"], "entity": a.get("source_entity"), "span": list(a["span"]), "cited": cited(a)}

    outlets = [(m["span"], e) for e in ents.values() if e.get("kind") in _CITED_KINDS for m in e.get("mentions", [])]
    chains: list[Chain] = []
    for a in atts:
        hops = [hop(a)]
        if _CITING.search(a["text"]):  # "..., citing a Reuters report": behind the attribution it follows
            before = [b for b in atts if b is not a and not _CITING.search(b["text"]) and b["span"][0] <= a["span"][0]
                      and _overlap(b.get("claim_span") or b["span"], a.get("claim_span") or a["span"])]
            hops = [hop(before[-1])] + hops if before else hops
        else:
            behind = next((c for c in atts if c is not a and cited(c) and c.get("claim_span")
                           and not _CITING.search(c["text"])  # a "citing" source is behind, never in front
                           and name_key(c["source"]) != name_key(a["source"])
                           and _inside(a["span"], c["claim_span"])), None)
            told = next((e for span, e in outlets if _TOLD.search(a["text"]) and _inside(span, a["span"])
                         and e["id"] != a.get("source_entity")), None) if behind is None else None
            if behind:
                hops = [hop(behind)] + hops
            elif told:
                hops = [{"source": told["name"], "entity": told["id"], "span": None, "cited": True}] + hops
        chains.append({"outlet": doc.get("outlet"), "hops": hops, "claim_span": list(a.get("claim_span") or a["span"]),
                       "attributions": [a.get("id")], "quotes": []})
    for q in rec.get("quotes", []):
        if not q.get("speaker"):
            continue
        mine = [c for c in chains if _overlap(q["span"], c["claim_span"])
                and name_key(c["hops"][-1]["source"]) == name_key(q["speaker"])]
        if mine:
            for c in mine:
                c["quotes"].append(q.get("id"))
            continue
        behind = next((a for a in atts if cited(a) and _inside(q["span"], a.get("claim_span"))
                       and name_key(a["source"]) != name_key(q["speaker"])), None)
        speaker = {"source": q["speaker"], "entity": q.get("speaker_entity"),
                   "span": list(q["speaker_span"]) if q.get("speaker_span") else None, "cited": False}
        chains.append({"outlet": doc.get("outlet"), "hops": ([hop(behind)] if behind else []) + [speaker],
                       "claim_span": list(q["span"]), "attributions": [], "quotes": [q.get("id")]})
    return [c for c in chains if not any(_extends(o, c) for o in chains if o is not c)]


def _extends(longer: Chain, shorter: Chain) -> bool:
    """``longer`` tells the same claim through the same sources and more."""
    n = len(shorter["hops"])
    return (len(longer["hops"]) > n and _overlap(longer["claim_span"], shorter["claim_span"])
            and [name_key(h["source"]) for h in longer["hops"][:n]] == [name_key(h["source"]) for h in shorter["hops"]])


def describe(chain: Chain | None, outlet: str | None = None) -> str:
    """'TRT World, citing BBC, quoting Khalid al Nouri'; the outlet alone when it tells the claim itself."""
    out = (chain["outlet"] if chain else outlet) or "(unknown outlet)"
    for h in chain["hops"] if chain else []:
        out += f", {'citing' if h['cited'] else 'quoting'} {h['source']}"
    return out


def chain_for(chains: list[Chain], span: list[int] | tuple[int, int], attributed_to: str | None = None) -> Chain | None:
    """The longest chain whose claim covers these words (an event's evidence), else one naming its source."""
    span = list(span)
    over = [c for c in chains if _overlap(span, c["claim_span"])]
    if attributed_to:
        named = [c for c in over if name_key(c["hops"][-1]["source"]) == name_key(attributed_to)]
        over = named or over
    return max(over, key=lambda c: (len(c["hops"]), -c["claim_span"][0]), default=None)
