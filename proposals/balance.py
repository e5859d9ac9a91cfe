"""The balance check: a pure function over a catalogue's figures (``state.CatalogueFigures``)
that returns the exact differences. Admin, pages, the CLI and the importer all report what
this returns."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .figures import Convention
from .numbers import format_amount, format_decimal


@dataclass(frozen=True)
class Difference:
    """One figure that does not add up. ``expected`` and ``actual`` are internal amounts
    (or Decimal FTE); ``kind`` is one of TARGET, LINES, FTE. A proposal without a row for
    a year counts 0 that year (proposals may cover only some years)."""

    TARGET = "target"
    LINES = "lines"
    FTE = "fte"

    kind: str
    year: int
    expected: object
    actual: object
    proposal_code: str = ""

    @property
    def difference(self):
        return self.actual - self.expected

    def message(self, convention):
        """A Danish sentence in the catalogue's own sign convention (a ``state.Convention``)."""
        fmt = format_decimal if self.kind == self.FTE else format_amount
        # FTE follow the same sign convention as amounts (a reduction is negative inside).
        exp, act = convention.show(self.expected), convention.show(self.actual)
        diff = act - exp
        if self.kind == self.TARGET:
            return _(
                "%(year)s: forslagene summerer til %(actual)s, men måltallet er %(expected)s (forskel %(diff)s)."
            ) % {"year": self.year, "actual": fmt(act), "expected": fmt(exp), "diff": fmt(diff, signed=True)}
        if self.kind == self.LINES:
            return _(
                "%(year)s, forslag %(code)s: linjerne summerer til %(actual)s, men nettoændringen er %(expected)s "
                "(forskel %(diff)s)."
            ) % {
                "year": self.year,
                "code": self.proposal_code,
                "actual": fmt(act),
                "expected": fmt(exp),
                "diff": fmt(diff, signed=True),
            }
        if self.kind == self.FTE:
            return _(
                "%(year)s: personaleændringerne summerer til %(actual)s årsværk, men katalogets total er "
                "%(expected)s (forskel %(diff)s)."
            ) % {"year": self.year, "actual": fmt(act), "expected": fmt(exp), "diff": fmt(diff, signed=True)}
        raise ValueError(self.kind)


@dataclass(frozen=True)
class BalanceReport:
    """What the balance check found. "Balances" is said only when a target was there to
    compare with; without one, the lines and FTE checks are still reported."""

    BALANCED = "balanced"
    UNBALANCED = "unbalanced"
    NO_TARGET = "no_target"

    catalogue: object
    differences: tuple
    convention: Convention
    target_set: bool = True

    @property
    def consistent(self):
        """Nothing that should add up fails to (the CLI's exit status, the seed loader)."""
        return not self.differences

    @property
    def balanced(self):
        return self.consistent and self.target_set

    @property
    def status(self):
        if self.differences:
            return self.UNBALANCED
        return self.BALANCED if self.target_set else self.NO_TARGET

    def verdict(self):
        """The one sentence every page, report and list says about the balance."""
        if self.differences:
            n = len(self.differences)
            return ngettext(
                "Kataloget balancerer ikke: %(n)s afvigelse.", "Kataloget balancerer ikke: %(n)s afvigelser.", n
            ) % {"n": n}
        if not self.target_set:
            return _("Der er ikke sat måltal, så balancen mod måltallet kan ikke tjekkes; linjer og årsværk stemmer.")
        return _("Kataloget balancerer.")

    def messages(self):
        return [d.message(self.convention) for d in self.differences]


def check_balance(state):
    """Per year: proposals (phase-in row included) against the target, counting lines
    against each proposal's net, FTE against the stated staffing total."""
    diffs = []
    for year, difference in state.differences.items():
        if difference:
            diffs.append(Difference(Difference.TARGET, year, state.targets[year], state.totals[year]))
    for row in state.rows:
        line_sums = row.line_sums(state.years)
        if line_sums is not None:
            for year in state.years:
                if line_sums[year] != row.net_for(year):
                    diffs.append(Difference(Difference.LINES, year, row.net_for(year), line_sums[year], row.code))
    for year in state.years:
        stated, summed = state.stated_fte.get(year), state.fte_sums[year]
        # MSO's documents state only the catalogue's staffing total, no figure per
        # proposal; with nothing to add up (no sum), the stated total stands alone.
        if stated is not None and summed is not None and stated != summed:
            diffs.append(Difference(Difference.FTE, year, stated, summed))
    return BalanceReport(
        catalogue=state.catalogue, differences=tuple(diffs), convention=state.convention, target_set=state.target_set
    )
