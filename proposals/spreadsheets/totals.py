"""Rows that are totals, not proposals: "I alt", "Total", "Sum" (with or without a code), or a
row whose net amounts are the sum of the proposals above it (the whole file's, or its theme's).
Imported, such a row would be a proposal that counts every figure twice, and only the balance
check would hint at it; it is refused instead, naming its row. (A preview that flags it and
skips it on confirmation was the other choice; refusing keeps "what the file says is what is
imported" without a second rule for what a confirmation means.)"""

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from ..numbers import format_amount
from .columns import COL_CODE, COL_THEME, COL_TITLE, net_column

_TOTAL_WORDS = (
    r"(?:i\s*alt|total|totalt|totaler|sum|summa|subtotal|hovedtotal|totalsum|samlet|samlet\s+sum|sum\s+i\s+alt)"
)
_TOTAL_TEXT = re.compile(
    rf"^{_TOTAL_WORDS}"
    r"(?:\s*[:.,\-\u2013]?\s*(?:(?:for|i|af)\s+.*|tema\b.*|\d{4}\b.*|(?:besparelse|besparelser|netto|nettoændring|"
    r"forslag|katalog|ramme|resultat)\b.*))?\s*[:.]?$",
    re.IGNORECASE,
)
MIN_ROWS_SUMMED = 2


def is_total_text(value):
    return bool(value) and bool(_TOTAL_TEXT.match(" ".join(value.split())))


def total_word_message(value):
    return _(
        "«%(value)s» er en sumrække, ikke et forslag: importeret ville den tælle som et forslag, og totalen ville "
        "blive talt dobbelt. Slet rækken; katalogets totaler regnes af forslagene."
    ) % {"value": value}


class TotalsWatch:
    """Watches the proposal rows of one file as they are parsed, for rows that are totals."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.years = catalogue.years
        self.all = _Sum()
        self.theme = _Sum()
        self.theme_title = None

    def word_problem(self, row, code, title):
        """(column, message) when the row's title or code says it is a total."""
        for column, value in ((COL_TITLE, title), (COL_CODE, code)):
            if is_total_text(value):
                return column, total_word_message(value)
        return None

    def sum_problem(self, row, net):
        """(column, message) when the row's net amounts are those of the rows above summed."""
        theme = row.text(COL_THEME)
        if theme and theme != self.theme_title:
            candidates = [self.all]  # a new theme starts here: its own sum is empty
        else:
            candidates = [self.theme, self.all]
        vector = {y: net.get(y, 0) for y in self.years}
        for summed in candidates:
            if summed.rows >= MIN_ROWS_SUMMED and any(summed.net[y] for y in self.years):
                if all(vector[y] == summed.net[y] for y in self.years):
                    return net_column(self.years[0]), _(
                        "Rækkens nettotal (%(figures)s) er summen af forslagene i række %(first)s–%(last)s, så rækken "
                        "er "
                        "en sumrække, ikke et forslag: importeret ville den tælle totalen dobbelt. Slet rækken; "
                        "katalogets totaler regnes af forslagene."
                    ) % {
                        "figures": "; ".join(format_amount(self.catalogue.to_display(vector[y])) for y in self.years),
                        "first": summed.first,
                        "last": summed.last,
                    }
        return None

    def add(self, row, net):
        theme = row.text(COL_THEME)
        if theme != self.theme_title and (theme or self.theme_title is None):
            self.theme = _Sum()
            self.theme_title = theme
        for summed in (self.all, self.theme):
            summed.add(row.number, net)


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
