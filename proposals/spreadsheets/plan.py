"""The import plan: what a parsed file says, proposal by proposal, before anything is written;
and the comparable state of a proposal, from the file or from the database, so an import
can tell new, changed and unchanged proposals apart."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from ..figures import CatalogueFigures, LineRow, ProposalRow
from .columns import PROPOSAL_VALUE_ATTRS


@dataclass
class ParsedLine:
    row: int
    text: str
    counts_toward_net: bool
    amounts: dict  # year -> int (internal)


@dataclass
class ParsedProposal:
    row: int
    position: int
    code: str
    theme_title: str
    values: dict  # Proposal attribute -> value
    net: dict  # year -> int (internal)
    fte: dict  # year -> Decimal | None (internal)
    lines: list = field(default_factory=list)

    def state(self):
        """Comparable with ``existing_states``: what the file says about this proposal."""
        return proposal_state(
            self.position,
            self.theme_title,
            self.values,
            {y: (self.net[y], self.fte.get(y)) for y in self.net},
            [(ln.text, ln.counts_toward_net, ln.amounts) for ln in self.lines],
        )


@dataclass
class ParsedFile:
    headers: list  # canonical column names, in file order
    errors: list  # RowError, in the order found
    proposals: "OrderedDict[str, ParsedProposal]"  # code -> proposal, in file order
    new_themes: list  # theme titles the import will create, in order of first use
    notes: list = field(default_factory=list)  # Danish: worth telling the importer (no "Art" column)


def proposal_state(position, theme_title, values, years, lines):
    def fte(v):
        return None if v is None else Decimal(v).normalize()

    return (
        position,
        theme_title,
        tuple(sorted((k, v) for k, v in values.items())),
        tuple(sorted((y, n, fte(f)) for y, (n, f) in years.items())),
        tuple((t, c, tuple(sorted(a.items()))) for t, c, a in lines),
    )


def existing_states(overview):
    """code -> state of every proposal of a catalogue's ``CatalogueFigures`` (from
    ``catalogue_overview``, read in a fixed number of queries)."""
    states = {}
    for row in overview.rows:
        p = row.proposal
        values = {attr: getattr(p, attr) for attr in PROPOSAL_VALUE_ATTRS}
        states[p.code] = proposal_state(
            p.position,
            p.theme.title if p.theme else "",
            values,
            {y: (row.net[y], row.fte.get(y)) for y in row.net},
            [(ln.text, ln.counts_toward_net, ln.amounts) for ln in row.lines],
        )
    return states


def planned_state(before, proposals, *, deleted=()):
    """The catalogue's ``CatalogueFigures`` as it will be after writing ``proposals``
    (ParsedProposal) over ``before`` and deleting the codes ``deleted``, without writing:
    what a dry run checks the balance of. Rows in the catalogue's order (position, then
    stored before new)."""
    planned = {p.code: p for p in proposals}
    rows = []
    for index, row in enumerate(before.rows):
        if row.code in deleted or row.code in planned:
            continue
        rows.append(((row.proposal.position, 0, row.proposal.pk or 0, index), row))
    stored_ids = {row.code: row.proposal.pk for row in before.rows}
    for index, p in enumerate(proposals):
        order = (p.position, 0, stored_ids[p.code], index) if p.code in stored_ids else (p.position, 1, 0, index)
        rows.append((order, _planned_row(p)))
    rows.sort(key=lambda item: item[0])
    return CatalogueFigures(
        years=before.years,
        rows=[row for _order, row in rows],
        targets=before.targets,
        stated_fte=before.stated_fte,
        convention=before.convention,
        catalogue=before.catalogue,
    )


def _planned_row(parsed):
    return ProposalRow(
        code=parsed.code,
        title=parsed.values.get("title", ""),
        net=dict(parsed.net),
        fte={y: parsed.fte.get(y) for y in parsed.net},
        lines=[
            LineRow(text=ln.text, counts_toward_net=ln.counts_toward_net, amounts=ln.amounts) for ln in parsed.lines
        ],
        saving_type=parsed.values.get("saving_type", ""),
    )
