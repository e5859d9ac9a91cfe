"""A catalogue as a plain, versioned snapshot (JSON-safe dict), and the comparison of two.

The approved state at sign-off and every later memo come from these two functions, so
admin edits, imports and bulk updates are all seen: we compare states, not save events."""

import hashlib
import json
from collections import defaultdict

from .figures import fte_text, fte_value, year_keys
from .models import FollowUpGoal
from .selectors import catalogue_overview

# 2: proposals carry "kind". Older snapshots compare as if it were "" (not stated).
SNAPSHOT_VERSION = 2

CATALOGUE_TEXT_FIELDS = ("title", "kind", "price_level", "unit", "sector", "sign_convention", "background", "footnotes")
PROPOSAL_TEXT_FIELDS = (
    "title",
    "description",
    "saving_type",
    "kind",
    "sector",
    "area_budget",
    "saving_percent",
    "unit_price_change",
    "affected_units",
    "risk_assessment",
    "footnote",
)
PROPOSAL_FLAG_FIELDS = ("is_phase_in", "reduces_service", "from_innovation_proposal")
GOAL_FIELDS = ("what", "measure", "responsible", "when")


def goal_entries(catalogue):
    """{proposal id: [its follow-up goals as ``catalogue_snapshot`` writes them]} in one query
    (a ``prefetch_related`` builds a queryset per proposal: most of a 1.000-proposal read)."""
    goals = defaultdict(list)
    for proposal_id, *values in (
        FollowUpGoal.objects.filter(proposal__catalogue=catalogue)
        .order_by("proposal_id", "position", "id")
        .values_list("proposal_id", *GOAL_FIELDS)
    ):
        goals[proposal_id].append(dict(zip(GOAL_FIELDS, values, strict=True)))
    return goals


def catalogue_snapshot(catalogue, *, state=None):
    """Every figure and text of a catalogue, internal sign convention, keys as strings.

    ``state``: the catalogue's ``catalogue_overview`` (with lines; goals are read here) when the
    caller has it. ``state.CatalogueFigures.from_snapshot`` reads the figures back."""
    state = state or catalogue_overview(catalogue, with_goals=False)
    goals = goal_entries(catalogue)
    cat = state.catalogue
    proposals = []
    for position, row in enumerate(state.rows):
        p = row.proposal
        proposals.append(
            {
                "code": p.code,
                "position": position,
                "theme": p.theme.title if p.theme else "",
                **{f: getattr(p, f) for f in PROPOSAL_TEXT_FIELDS},
                **{f: getattr(p, f) for f in PROPOSAL_FLAG_FIELDS},
                "net": year_keys(row.net),
                "fte": year_keys(row.fte, fte_text),
                "lines": [
                    {
                        "text": line.text,
                        "counts_toward_net": line.counts_toward_net,
                        "amounts": year_keys(line.amounts),
                    }
                    for line in row.lines
                ],
                "goals": goals.get(p.pk, []),
            }
        )
    return {
        "version": SNAPSHOT_VERSION,
        "catalogue": {
            "id": cat.pk,
            "slug": cat.slug,
            "department": cat.department.code,
            "agreement": cat.agreement.name if cat.agreement else "",
            **{f: getattr(cat, f) for f in CATALOGUE_TEXT_FIELDS},
            "first_year": cat.first_year,
            "last_year": cat.last_year,
            "targets": year_keys(state.targets),
            "stated_fte": year_keys(state.stated_fte, fte_text),
        },
        "proposals": proposals,
    }


def proposal_fingerprint(proposal):
    """A short hash of one proposal's snapshot (an entry of ``catalogue_snapshot``'s
    "proposals"): equal fingerprints, no change by ``snapshot_diff`` (positions are ordering,
    not a change). Different ones may still compare equal (e.g. a trailing space): ask
    ``snapshot_diff`` before calling it a change."""
    shown = {k: v for k, v in proposal.items() if k != "position"}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()


def with_proposals(snapshot, proposals):
    """``snapshot`` narrowed to ``proposals`` (its catalogue kept): what ``snapshot_diff`` and a
    memo's document compare when only these proposals matter."""
    return {**snapshot, "proposals": list(proposals)}


# --- Comparing two snapshots ---------------------------------------------------------


def _yearly(old, new, *, missing=None, compare=lambda a, b: a == b):
    """[(year, before, after)] for years whose value differs; keys are year strings."""
    out = []
    for year in sorted(set(old) | set(new), key=int):
        before, after = old.get(year, missing), new.get(year, missing)
        if not compare(before, after):
            out.append((year, before, after))
    return out


def _same_fte(a, b):
    return fte_value(a) == fte_value(b)


def _as_typed(value):
    """Text as a reader sees it: a browser's CRLF line breaks and trailing spaces are no change."""
    if isinstance(value, str):
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.rstrip() for line in lines).strip()
    if isinstance(value, list):
        return [_as_typed(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_typed(v) for k, v in value.items()}
    return value


def _same(a, b):
    return _as_typed(a) == _as_typed(b)


def _pair_lines(old_lines, new_lines):
    """Match breakdown lines by text, then the leftovers by order: [(old|None, new|None)]."""
    free = list(range(len(new_lines)))
    pairs, leftover = [], []
    for old in old_lines:
        match = next((i for i in free if _same(new_lines[i]["text"], old["text"])), None)
        if match is None:
            leftover.append(old)
        else:
            free.remove(match)
            pairs.append((old, new_lines[match]))
    # A renamed line keeps its place among the unmatched ones.
    for index, old in enumerate(leftover):
        pairs.append((old, new_lines[free[index]] if index < len(free) else None))
    pairs.extend((None, new_lines[i]) for i in free[len(leftover) :])
    return pairs


def _proposal_changes(old, new):
    head = {"code": new["code"], "title": new["title"]}
    changes = []
    for field in PROPOSAL_TEXT_FIELDS + PROPOSAL_FLAG_FIELDS:
        missing = "" if field in PROPOSAL_TEXT_FIELDS else None  # a field an older snapshot lacks
        before, after = old.get(field, missing), new.get(field, missing)
        if not _same(before, after):
            changes.append({"kind": "field", **head, "field": field, "before": before, "after": after})
    if not _same(old.get("theme", ""), new.get("theme", "")):
        changes.append({"kind": "theme", **head, "before": old.get("theme", ""), "after": new.get("theme", "")})
    for year, before, after in _yearly(old.get("net", {}), new.get("net", {}), missing=0):
        changes.append({"kind": "net", **head, "year": year, "before": before, "after": after})
    for year, before, after in _yearly(old.get("fte", {}), new.get("fte", {}), compare=_same_fte):
        changes.append({"kind": "fte", **head, "year": year, "before": before, "after": after})
    for old_line, new_line in _pair_lines(old.get("lines", []), new.get("lines", [])):
        if old_line is None:
            changes.append({"kind": "line_added", **head, "line": new_line})
            continue
        if new_line is None:
            changes.append({"kind": "line_removed", **head, "line": old_line})
            continue
        for field in ("text", "counts_toward_net"):
            if not _same(old_line.get(field), new_line.get(field)):
                changes.append(
                    {
                        "kind": "line_field",
                        **head,
                        "line": new_line["text"],
                        "field": field,
                        "before": old_line.get(field),
                        "after": new_line.get(field),
                    }
                )
        for year, before, after in _yearly(old_line.get("amounts", {}), new_line.get("amounts", {})):
            changes.append(
                {
                    "kind": "line_amount",
                    **head,
                    "line": new_line["text"],
                    "year": year,
                    "before": before,
                    "after": after,
                }
            )
    if not _same(old.get("goals", []), new.get("goals", [])):
        changes.append({"kind": "goals", **head, "before": old.get("goals", []), "after": new.get("goals", [])})
    return changes


def snapshot_diff(old, new):
    """The changes from snapshot ``old`` to ``new`` as a list of plain, JSON-safe dicts.

    Amounts stay in the internal convention (saving negative); a memo converts them with the
    snapshot's ``sign_convention`` when it renders. Every dict has a ``kind``:

    - catalogue level: ``catalogue_field`` (field, before, after), ``target`` and
      ``stated_fte`` (year, before, after);
    - proposal level (with ``code`` and ``title``): ``proposal_added`` / ``proposal_removed``
      (with the whole ``proposal``), ``field`` (field, before, after; texts and flags),
      ``theme``, ``net`` and ``fte`` (year, before, after), ``line_added`` / ``line_removed``
      (line), ``line_field`` and ``line_amount`` (line text, field or year, before, after),
      ``goals`` (before, after lists).

    Order: catalogue changes, then proposals in the new order, then withdrawn proposals.
    A proposal is identified by its code; positions (ordering) are not changes."""
    old_cat, new_cat = old.get("catalogue", {}), new.get("catalogue", {})
    changes = []
    for field in CATALOGUE_TEXT_FIELDS + ("department", "agreement", "first_year", "last_year"):
        if field in old_cat or field in new_cat:
            if not _same(old_cat.get(field), new_cat.get(field)):
                changes.append(
                    {
                        "kind": "catalogue_field",
                        "field": field,
                        "before": old_cat.get(field),
                        "after": new_cat.get(field),
                    }
                )
    for year, before, after in _yearly(old_cat.get("targets", {}), new_cat.get("targets", {})):
        changes.append({"kind": "target", "year": year, "before": before, "after": after})
    for year, before, after in _yearly(old_cat.get("stated_fte", {}), new_cat.get("stated_fte", {}), compare=_same_fte):
        changes.append({"kind": "stated_fte", "year": year, "before": before, "after": after})

    old_props = {p["code"]: p for p in old.get("proposals", [])}
    new_codes = {p["code"] for p in new.get("proposals", [])}
    for proposal in new.get("proposals", []):
        previous = old_props.get(proposal["code"])
        if previous is None:
            changes.append(
                {"kind": "proposal_added", "code": proposal["code"], "title": proposal["title"], "proposal": proposal}
            )
        else:
            changes.extend(_proposal_changes(previous, proposal))
    for proposal in old.get("proposals", []):
        if proposal["code"] not in new_codes:
            changes.append(
                {"kind": "proposal_removed", "code": proposal["code"], "title": proposal["title"], "proposal": proposal}
            )
    return changes
