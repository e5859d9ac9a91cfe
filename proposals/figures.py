"""One typed picture of a catalogue's figures: its years, its proposals with their yearly net
change, staffing change and breakdown lines, its targets and stated staffing totals, and the
convention its documents write them in.

A ``CatalogueFigures`` is built from the database (``selectors.catalogue_overview``, in a fixed
number of queries) or from a stored snapshot (``CatalogueFigures.from_snapshot``, no queries).
The balance check, the overview page and its exports, the CLI report, the snapshot, the memo
document and the admin all read their totals, line sums, staffing sums and the sign flip
here, so each is computed in one place.

Figures inside are in the internal convention (a saving is negative, see ``models``); a
state's ``show`` turns one into the catalogue's own. Years are ints; a snapshot's JSON keys
them by strings, which ``year_keys`` / ``from_year_keys`` translate."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from operator import itemgetter

SAVINGS_POSITIVE = "savings_positive"  # Catalogue.SignConvention's value for MSO's documents


@dataclass(frozen=True)
class Convention:
    """How a catalogue's own documents write an internal figure (amount or FTE)."""

    savings_positive: bool = False

    @classmethod
    def named(cls, sign_convention):
        """The convention stored as ``sign_convention`` (a catalogue's field, a snapshot's key)."""
        return SAVINGS_POSITIVE_CONVENTION if sign_convention == SAVINGS_POSITIVE else SAVINGS_NEGATIVE_CONVENTION

    def show(self, value):
        """Internal figure -> the catalogue's own convention; None stays None."""
        if value is None:
            return None
        return -value if self.savings_positive else value

    # The conversion is its own inverse; two names keep call sites readable.
    read = show


SAVINGS_POSITIVE_CONVENTION = Convention(savings_positive=True)
SAVINGS_NEGATIVE_CONVENTION = Convention(savings_positive=False)


# --- A snapshot's encoding of figures (JSON: years as strings, FTE as exact text) ------


def fte_value(value):
    """A stored staffing figure ("2.8", 2.8 as text, Decimal or None) -> Decimal or None."""
    return None if value in (None, "") else Decimal(str(value))


def fte_text(value):
    """Decimal -> text that keeps it exact in JSON ("2.80" and "2.8" compare by value later)."""
    return None if value is None else str(value.normalize())


def year_keys(by_year, encode=None):
    """{2024: v} -> {"2024": encode(v)}, in year order."""
    return {str(year): (encode(value) if encode else value) for year, value in sorted(by_year.items())}


def from_year_keys(by_key, decode=None):
    """{"2024": v} -> {2024: decode(v)}, in year order."""
    # Called for every proposal of a snapshot (twice per memo): kept to C-level calls.
    items = sorted(zip(map(int, by_key), by_key.values(), strict=True), key=itemgetter(0))
    if decode is None:
        return dict(items)
    return {year: decode(value) for year, value in items}


# --- The state ----------------------------------------------------------------------------


@dataclass
class LineRow:
    """A breakdown line of a proposal. Lines that count toward the net must sum to it."""

    text: str
    counts_toward_net: bool
    amounts: dict  # year -> int (internal convention)
    id: int | None = None  # the BreakdownLine's id, when read from the database

    @classmethod
    def from_snapshot(cls, data):
        return cls(
            text=data["text"],
            counts_toward_net=data.get("counts_toward_net", True),
            amounts=from_year_keys(data.get("amounts", {})),
        )


@dataclass
class ProposalRow:
    """A proposal's figures. A year without a row is missing from ``net`` and counts 0."""

    code: str
    title: str
    net: dict  # year -> int (internal convention); missing year = no row
    fte: dict  # year -> Decimal | None
    lines: list = field(default_factory=list)  # [LineRow]
    saving_type: str = ""
    proposal: object = None  # the Proposal (texts, theme, goals), when read from the database

    @classmethod
    def from_snapshot(cls, data):
        return cls(
            code=data["code"],
            title=data.get("title", ""),
            net=from_year_keys(data.get("net", {})),
            fte=from_year_keys(data.get("fte", {}), fte_value),
            lines=[LineRow.from_snapshot(line) for line in data.get("lines", [])],
            saving_type=data.get("saving_type", ""),
        )

    def net_for(self, year):
        return self.net.get(year, 0)

    @property
    def has_fte(self):
        """Whether the proposal states a staffing change in any year."""
        return any(value is not None for value in self.fte.values())

    def line_sums(self, years):
        """{year: sum of the lines that count toward the net}, or None when no line does."""
        counting = [line for line in self.lines if line.counts_toward_net]
        if not counting:
            return None
        return {year: sum(line.amounts.get(year, 0) for line in counting) for year in years}


@dataclass
class CatalogueFigures:
    """A catalogue's figures, internal convention, with the sums every reader needs."""

    years: list  # [int]
    rows: list  # [ProposalRow] in the document's order
    targets: dict  # year -> int | None, every year
    stated_fte: dict  # year -> Decimal | None, every year
    convention: Convention = SAVINGS_NEGATIVE_CONVENTION
    catalogue: object = None  # the Catalogue, when read from the database

    @classmethod
    def from_snapshot(cls, snapshot, *, years=None):
        """The state a snapshot (``snapshots.catalogue_snapshot``) froze. ``years`` reads it
        over other years than its own (a memo compares the told state over today's years)."""
        cat = snapshot.get("catalogue", {})
        if years is None:
            years = list(range(cat["first_year"], cat["last_year"] + 1))
        targets = from_year_keys(cat.get("targets", {}))
        stated_fte = from_year_keys(cat.get("stated_fte", {}), fte_value)
        return cls(
            years=list(years),
            rows=[ProposalRow.from_snapshot(p) for p in snapshot.get("proposals", [])],
            targets={year: targets.get(year) for year in years},
            stated_fte={year: stated_fte.get(year) for year in years},
            convention=Convention.named(cat.get("sign_convention")),
        )

    # In the catalogue's own convention.
    def show(self, value):
        return self.convention.show(value)

    def shown(self, by_year):
        """{year: value in the catalogue's own convention} for every year (None stays None)."""
        return {year: self.convention.show(by_year.get(year)) for year in self.years}

    # Sums, computed once.
    @cached_property
    def rows_by_code(self):
        return {row.code: row for row in self.rows}

    @cached_property
    def totals(self):
        """The proposals' net per year, the phase-in row included (a missing year counts 0)."""
        return {year: sum(row.net_for(year) for row in self.rows) for year in self.years}

    @cached_property
    def target_set(self):
        return any(self.targets.get(year) is not None for year in self.years)

    @cached_property
    def differences(self):
        """Total minus target per year; None where there is no target."""
        totals = self.totals
        return {
            year: None if self.targets.get(year) is None else totals[year] - self.targets[year] for year in self.years
        }

    @property
    def on_target(self):
        """Every year with a target meets it (vacuously true without targets)."""
        return all(difference in (None, 0) for difference in self.differences.values())

    @cached_property
    def fte_totals(self):
        """The proposals' staffing changes summed per year; a proposal without one counts 0."""
        return {year: sum((row.fte.get(year) or Decimal(0) for row in self.rows), Decimal(0)) for year in self.years}

    @cached_property
    def fte_sums(self):
        """Like ``fte_totals``, but None in a year where no proposal states a staffing change:
        MSO's documents state only the catalogue's total, so there is nothing to sum."""
        totals = self.fte_totals
        return {
            year: totals[year] if any(row.fte.get(year) is not None for row in self.rows) else None
            for year in self.years
        }
