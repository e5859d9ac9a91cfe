"""Number formats: typed and read in Danish ("1.100", "-1.960", "−3.115", "2,8", "+2"), shown
in the active language.

Amounts are whole 1.000 kr.; FTE are decimals. Never floats. Every figure a person types or a
file holds is Danish (the one parser here, and ``danish_amount`` / ``danish_decimal`` for what
goes back into an input or an import file); every figure a page shows follows the page's
language (``format_amount`` / ``format_decimal``: "1.100" in Danish, "1,100" in English, the
separators of config/formats), so a figure never stands in another format than the text and
the unit ("DKK 1,000") around it. Memos are written in Danish and so show Danish figures."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .user_errors import UserError

MINUS_SIGNS = "\u2212\u2013\u2010-"  # minus sign, en dash, hyphen, hyphen-minus
_AMOUNT_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$|^[+-]?\d+$")
_ZERO_DECIMALS_RE = re.compile(r"(?<=\d),0{1,2}$")  # not ",000": that is "12,000" for 12.000
_DECIMAL_RE = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


class NumberFormatError(UserError, ValueError):
    """A cell that is not a number in Danish format, or out of its field's range; the message
    (Danish) says what was found."""


# Spaces of every width group thousands in some sources ("1 100", narrow no-break space);
# every kind of minus reads as "-". One translate per cell (imports parse many).
_NORMALISE = str.maketrans({**dict.fromkeys(" \u00a0\u202f\u2009"), **dict.fromkeys(MINUS_SIGNS, "-")})


def _normalise(text):
    return str(text).strip().translate(_NORMALISE)


def parse_amount(value):
    """Parse a whole amount in 1.000 kr. ("1.100" -> 1100). Empty -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberFormatError(_("«%(value)s» er ikke et beløb") % {"value": value})
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        # Spreadsheet cells come back as numbers; only whole values are amounts.
        number = Decimal(str(value))
        if not number.is_finite():
            raise NumberFormatError(_("«%(value)s» er ikke et tal") % {"value": value})
        if number != number.to_integral_value():
            raise NumberFormatError(_("«%(value)s» er ikke et helt beløb i 1.000 kr.") % {"value": value})
        return int(number)
    text = _normalise(value)
    if text == "":
        return None
    # "1.100,00" is a whole amount with decimals, as spreadsheets export it.
    text = _ZERO_DECIMALS_RE.sub("", text)
    if not _AMOUNT_RE.match(text):
        if re.match(r"^[+-]?\d{1,3}(,\d{3})+$", text):
            raise NumberFormatError(
                _("«%(value)s» bruger komma som tusindtalsseparator; skriv %(fixed)s")
                % {"value": value, "fixed": text.replace(",", ".")}
            )
        if "," in text:
            raise NumberFormatError(_("«%(value)s» er ikke et helt beløb i 1.000 kr.") % {"value": value})
        raise NumberFormatError(_("«%(value)s» er ikke et tal") % {"value": value})
    return int(text.replace(".", ""))


def parse_decimal(value):
    """Parse a Danish decimal ("2,8", "-10,5", "+2") for staffing changes. Empty -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberFormatError(_("«%(value)s» er ikke et tal") % {"value": value})
    if isinstance(value, (int, Decimal, float)):
        # str() keeps a spreadsheet's 2.8 as 2.8 instead of its binary expansion.
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise NumberFormatError(_("«%(value)s» er ikke et tal") % {"value": value})
        return number
    text = _normalise(value)
    if text == "":
        return None
    if not _DECIMAL_RE.match(text):
        raise NumberFormatError(_("«%(value)s» er ikke et tal (brug komma som decimaltegn, fx 2,8)") % {"value": value})
    try:
        return Decimal(text.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise NumberFormatError(_("«%(value)s» er ikke et tal") % {"value": value}) from exc


def check_decimal_limits(number, *, max_digits, decimal_places):
    """Refuse a decimal that a DecimalField(max_digits, decimal_places) cannot hold, saying why."""
    return FigureRange(max_digits - decimal_places, decimal_places).check(number)


@dataclass(frozen=True)
class FigureRange:
    """The range of one kind of figure: at most ``whole_digits`` digits before the comma and
    ``decimal_places`` after it, either sign. The admin's fields and the importer both check
    a figure against its field's range (``FIELD_RANGES``), on the figure as typed or written in
    the file (the catalogue's own convention; the ranges are symmetric, so the sign flip to
    the internal convention never takes a figure out of range)."""

    whole_digits: int
    decimal_places: int = 0

    def check(self, number):
        """``number`` (int or Decimal) if it is in range; otherwise NumberFormatError."""
        if number is None:
            return None
        value = Decimal(number)
        normal = value.normalize() if value else Decimal(0)
        _sign, digits, exponent = normal.as_tuple()
        decimals = max(0, -exponent)
        whole_digits = max(0, len(digits) + exponent) if normal else 0
        if decimals > self.decimal_places:
            raise NumberFormatError(
                _("«%(value)s» har mere end %(n)s decimaler")
                % {"value": danish_decimal(value), "n": self.decimal_places}
            )
        if whole_digits > self.whole_digits:
            if self.decimal_places:
                message = _("«%(value)s» er for stort (højst %(n)s cifre før kommaet)")
            else:
                message = _("«%(value)s» er for stort (højst %(n)s cifre)")
            # As typed: Danish, in the catalogue's own convention (the caller's figure).
            shown = danish_decimal(value) if self.decimal_places else danish_amount(value)
            raise NumberFormatError(message % {"value": shown, "n": self.whole_digits})
        return number

    def parse(self, value):
        """A typed or spreadsheet figure of this range: parsed (Danish format) and checked."""
        number = parse_decimal(value) if self.decimal_places else parse_amount(value)
        return self.check(number)


# The one range per kind of figure, and which field holds which. An amount is whole 1.000 kr.
# (999.999.999 is a trillion kroner, far beyond any municipality's budget, and well inside the
# integer column); FTE have two decimals and six digits before the comma (DecimalField(8, 2)).
AMOUNT = FigureRange(whole_digits=9)
FTE = FigureRange(whole_digits=6, decimal_places=2)
FIELD_RANGES = {
    "net_amount": AMOUNT,  # ProposalYear
    "amount": AMOUNT,  # BreakdownLineYear
    "target": AMOUNT,  # CatalogueYear
    "fte": FTE,  # ProposalYear
    "stated_fte_total": FTE,  # CatalogueYear
}


def range_for(field_name):
    """The FigureRange of a model field holding a figure (by its name)."""
    try:
        return FIELD_RANGES[field_name]
    except KeyError:
        raise TypeError(f"{field_name} is not a figure with a range in proposals.numbers.FIELD_RANGES") from None


# Beyond this many digits a figure is shown as a spreadsheet shows it ("1E+300"): only
# refused figures are that large, and they are named in a message, never stored.
_SCIENTIFIC_FROM_DIGITS = 31


def _scientific(value, decimal_mark=","):
    """Decimal("1E+300") -> "1E+300", Decimal("-1.5E+40") -> "-1,5E+40" (as Danish Excel shows it),
    every digit kept (no rounding to the decimal context's 28 digits)."""
    sign, digits, exponent = Decimal(value).as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    power = len(digits) - 1 + exponent
    mantissa = str(digits[0]) + (decimal_mark + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    return ("-" if sign else "") + f"{mantissa}E+{power}"


class NumberFormat:
    """Amounts and decimals with one language's separators. Taken once per table by the
    loops that format many cells (asking for the active language costs more than a cell)."""

    def __init__(self, thousands, decimal_mark):
        self.thousands, self.decimal_mark = thousands, decimal_mark

    def amount(self, value, signed=False):
        """1100 -> "1.100" (Danish) / "1,100" (English), -1960 -> "-1.960"; None -> "".
        ``signed`` adds "+" to positives."""
        if value is None:
            return ""
        if abs(value) >= 10**_SCIENTIFIC_FROM_DIGITS:
            return ("+" if signed and value > 0 else "") + _scientific(value, self.decimal_mark)
        # One call per cell of the overview: Python's own grouping (in C) rather than
        # numberformat's digit loop, which is several times slower per call (bench/RESULTS.md);
        # tests/proposals/test_numbers.py holds both to the same output.
        sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
        return sign + f"{abs(int(value)):,}".replace(",", self.thousands)

    def decimal(self, value, signed=False):
        """Decimal("2.80") -> "2,8" (Danish) / "2.8" (English), Decimal("-15") -> "-15"."""
        if value is None:
            return ""
        value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if value.is_finite() and value and value.adjusted() >= _SCIENTIFIC_FROM_DIGITS:
            return ("+" if signed and value > 0 else "") + _scientific(value, self.decimal_mark)
        value = value.normalize()
        if value == value.to_integral_value():
            # int(), not quantize(): a whole number of more than 28 digits is still exact.
            value = Decimal(int(value))  # and never "-0"
        if value.is_finite() and value.adjusted() > -30:
            # One call per staffing cell of a page: Python's own formatting (in C), as amount()
            # does; tests/proposals/test_numbers.py holds it to numberformat's output.
            whole, _dot, fraction = f"{abs(value):,f}".partition(".")
            sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
            return sign + whole.replace(",", self.thousands) + (self.decimal_mark + fraction if fraction else "")
        return ("+" if signed and value > 0 else "") + self.number(value)

    def number(self, number):
        """Django's number formatting with these separators."""
        return numberformat.format(
            number, self.decimal_mark, grouping=3, thousand_sep=self.thousands, force_grouping=True
        )


DANISH = NumberFormat(".", ",")
_FORMATS = {}


def number_format():
    """The NumberFormat of the active language (its THOUSAND_SEPARATOR and DECIMAL_SEPARATOR)."""
    language = get_language() or settings.LANGUAGE_CODE  # None: translations deactivated
    found = _FORMATS.get(language)
    if found is None:
        found = _FORMATS[language] = NumberFormat(
            get_format("THOUSAND_SEPARATOR", language), get_format("DECIMAL_SEPARATOR", language)
        )
    return found


def format_amount(value, signed=False):
    """An amount as the active language writes it: 1100 -> "1.100" / "1,100"; None -> ""."""
    return number_format().amount(value, signed)


def format_decimal(value, signed=False):
    """A decimal as the active language writes it: Decimal("2.80") -> "2,8" / "2.8"."""
    return number_format().decimal(value, signed)


def danish_amount(value, signed=False):
    """An amount in Danish whatever the language: for an input's value and an import file."""
    return DANISH.amount(value, signed)


def danish_decimal(value, signed=False):
    """A decimal in Danish whatever the language: for an input's value and an import file."""
    return DANISH.decimal(value, signed)


def danish_number(number):
    """Django's number formatting with Danish separators, whatever the active language
    (what the parser's own messages quote back)."""
    return DANISH.number(number)
