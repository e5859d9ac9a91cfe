"""A catalogue as a plain, versioned snapshot (JSON-safe dict), and the comparison of two.

The approved state at sign-off and every later memo come from these two functions, so
admin edits, imports and bulk updates are all seen: we compare states, not save events."""

from .selectors import catalogue_overview

SNAPSHOT_VERSION = 1

CATALOGUE_TEXT_FIELDS = ("title", "kind", "price_level", "unit", "sector", "sign_convention", "background", "footnotes")
PROPOSAL_TEXT_FIELDS = (
    "title",
    "description",
    "saving_type",
    "sector",
    "area_budget",
    "saving_percent",
    "unit_price_change",
    "affected_units",
    "risk_assessment",
    "footnote",
)
PROPOSAL_FLAG_FIELDS = ("is_phase_in", "reduces_service", "from_innovation_proposal")


def _fte(value):
    # Decimals as strings keep them exact in JSON ("2.80" and "2.8" compare by value later).
    return None if value is None else str(value.normalize())


def catalogue_snapshot(catalogue):
    """Every figure and text of a catalogue, internal sign convention, keys as strings."""
    overview = catalogue_overview(catalogue)
    cat = overview.catalogue
    proposals = []
    for position, row in enumerate(overview.rows):
        p = row.proposal
        proposals.append(
            {
                "code": p.code,
                "position": position,
                "theme": p.theme.title if p.theme else "",
                **{f: getattr(p, f) for f in PROPOSAL_TEXT_FIELDS},
                **{f: getattr(p, f) for f in PROPOSAL_FLAG_FIELDS},
                "net": {str(y): v for y, v in sorted(row.net.items())},
                "fte": {str(y): _fte(v) for y, v in sorted(row.fte.items())},
                "lines": [
                    {
                        "text": line.line.text,
                        "counts_toward_net": line.line.counts_toward_net,
                        "amounts": {str(y): v for y, v in sorted(line.amounts.items())},
                    }
                    for line in row.lines
                ],
                "goals": [
                    {"what": g.what, "measure": g.measure, "responsible": g.responsible, "when": g.when}
                    for g in p.goals.all()
                ],
            }
        )
    return {
        "version": SNAPSHOT_VERSION,
        "catalogue": {
            "id": cat.pk,
            "slug": cat.slug,
            "department": cat.department.code,
            **{f: getattr(cat, f) for f in CATALOGUE_TEXT_FIELDS},
            "first_year": cat.first_year,
            "last_year": cat.last_year,
            "targets": {str(y): v for y, v in overview.targets.items()},
            "stated_fte": {str(y): _fte(v) for y, v in overview.stated_fte.items()},
        },
        "proposals": proposals,
    }
