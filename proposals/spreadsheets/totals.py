"""Rows that are totals, not proposals. Imported, such a row would be a proposal that counts
every figure twice, and only the balance check would hint at it; it is refused instead, naming
its row. (A preview that flags it and skips it on confirmation was the other choice; refusing
keeps "what the file says is what is imported" without a second rule for what a confirmation
means.) A row is a total when

- its title or code says so: "I alt", "Total", "Sum", "Samlet" (alone, or followed by "for ...",
  a theme or a year), or a title ending in "i alt" ("Tema 1 i alt", "Nettoændringer i alt");
- it has no code and its net amounts are, every year, the sum of at least two proposal rows
  above it (the file's, or its theme's); or
- it has a code, its net amounts are, every year, the sum of at least three proposal rows right
  above it, and it ends the file or its theme. (A proposal that merely happens to equal two
  others above it, 1.000 + 2.000 = 3.000, is not taken for a total.)"""

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from ..numbers import format_amount
from .columns import COL_CODE, COL_THEME, COL_TITLE, net_column

_WORDS = r"(?:i\s*alt|total|totalt|totaler|sum|summa|subtotal|hovedtotal|totalsum|samlet|samlet\s+sum|sum\s+i\s+alt)"
_TOTAL_TEXT = re.compile(
    rf"^{_WORDS}"
    r"(?:\s*[:.,\-\u2013]?\s*(?:(?:for|i|af)\s+.*|tema\b.*|\d{4}\b.*|(?:besparelse|besparelser|netto|nettoændring|"
    r"forslag|katalog|ramme|resultat)\b.*))?\s*[:.]?$"
    r"|\bi\s+alt\s*(?:[,(].*)?[:.]?$",
    re.IGNORECASE,
)
MIN_ROWS_WITHOUT_CODE = 2
MIN_ROWS_WITH_CODE = 3


def is_total_text(value):
    return bool(value) and bool(_TOTAL_TEXT.search(" ".join(value.split())))


def total_word_message(value):
    return _(
        "«%(value)s» er en sumrække, ikke et forslag: importeret ville den tælle som et forslag, og totalen ville "
        "blive talt dobbelt. Slet rækken; katalogets totaler regnes af forslagene."
    ) % {"value": value}


class TotalsWatch:
    """Watches the proposal rows of one file, in order, for rows that are totals. ``check`` a row
    before it is parsed; ``add`` it once it is a proposal; ``finish`` at the end of the file.
    Each returns [(row, column, message)] of the rows found to be totals."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.years = catalogue.years
        self.all = _Sum()
        self.theme = _Sum()
        self.theme_title = None
        self.pending = None  # (row number, theme, message): a coded row that is a total if its block ends here

    def check(self, row, code, title, net):
        """-> (found, this row is a total)."""
        found = self._block_ends(row.text(COL_THEME))
        for column, value in ((COL_TITLE, title), (COL_CODE, code)):
            if is_total_text(value):
                return [*found, (row.number, column, total_word_message(value))], True
        if not code:
            message = self._sum_message(row, net, MIN_ROWS_WITHOUT_CODE)
            if message:
                return [*found, (row.number, net_column(self.years[0]), message)], True
        return found, False

    def add(self, row, net):
        """A proposal row, parsed: counted in the sums; remembered when it may be a total."""
        theme = row.text(COL_THEME)
        message = self._sum_message(row, net, MIN_ROWS_WITH_CODE)
        if message:
            self.pending = (row.number, theme, message)
        if theme != self.theme_title and (theme or self.theme_title is None):
            self.theme = _Sum()
            self.theme_title = theme
        for summed in (self.all, self.theme):
            summed.add(row.number, net)

    def finish(self):
        return self._block_ends(None)

    def _block_ends(self, next_theme):
        """The pending row when the row after it starts another theme (or the file ends)."""
        if self.pending is None:
            return []
        number, theme, message = self.pending
        self.pending = None
        if next_theme is None or (next_theme and next_theme != theme):
            return [(number, net_column(self.years[0]), message)]
        return []

    def _sum_message(self, row, net, minimum):
        theme = row.text(COL_THEME)
        candidates = [self.all] if theme and theme != self.theme_title else [self.theme, self.all]
        vector = {y: net.get(y, 0) for y in self.years}
        for summed in candidates:
            if summed.rows >= minimum and any(summed.net[y] for y in self.years):
                if all(vector[y] == summed.net[y] for y in self.years):
                    return _(
                        "Rækkens nettotal (%(figures)s) er summen af forslagene i række %(first)s–%(last)s, så rækken "
                        "er en sumrække, ikke et forslag: importeret ville den tælle totalen dobbelt. Slet rækken; "
                        "katalogets totaler regnes af forslagene."
                    ) % {
                        "figures": "; ".join(format_amount(self.catalogue.to_display(vector[y])) for y in self.years),
                        "first": summed.first,
                        "last": summed.last,
                    }
        return None


class _Sum:
    def __init__(self):
        self.net = defaultdict(int)
        self.rows = 0
        self.first = None
        self.last = None

    def add(self, number, net):
        for year, amount in net.items():
            self.net[year] += amount
        self.rows += 1
        self.first = self.first or number
        self.last = number
