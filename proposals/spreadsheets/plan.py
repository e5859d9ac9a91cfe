"""The import plan: what a parsed file says, proposal by proposal, before anything is written;
and the comparable state of a proposal, from the file or from the database, so an import
can tell new, changed and unchanged proposals apart."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from ..selectors import catalogue_overview
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


def existing_states(catalogue):
    """code -> state of every proposal in the catalogue now (fixed number of queries)."""
    overview = catalogue_overview(catalogue)
    states = {}
    for row in overview.rows:
        p = row.proposal
        values = {attr: getattr(p, attr) for attr in PROPOSAL_VALUE_ATTRS}
        states[p.code] = proposal_state(
            p.position,
            p.theme.title if p.theme else "",
            values,
            {y: (row.net[y], row.fte.get(y)) for y in row.net},
            [(ln.line.text, ln.line.counts_toward_net, ln.amounts) for ln in row.lines],
        )
    return states
