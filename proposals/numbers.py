"""Number formats: typed and read in Danish ("1.100", "-1.960", "−3.115", "2,8", "+2"), shown
in the active language.

Amounts are whole 1.000 kr.; FTE are decimals. Never floats. Every figure a person types or a
file holds is Danish (the one parser here, and ``danish_amount`` / ``danish_decimal`` for what
goes back into an input or an import file); every figure a page shows follows the page's
language (``format_amount`` / ``format_decimal``: "1.100" in Danish, "1,100" in English, the
separators of config/formats), so a figure never stands in another format than the text and
the unit ("DKK 1,000") around it. Memos are written in Danish and so show Danish figures."""

import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language

MINUS_SIGNS = "\u2212\u2013\u2010-"  # minus sign, en dash, hyphen, hyphen-minus
_AMOUNT_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$|^[+-]?\d+$")
_ZERO_DECIMALS_RE = re.compile(r"(?<=\d),0{1,2}$")  # not ",000": that is "12,000" for 12.000
_DECIMAL_RE = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


class NumberFormatError(ValueError):
    """A cell that is not a number in Danish format; the message says what was found."""


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
        raise NumberFormatError(f"«{value}» er ikke et beløb")
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        # Spreadsheet cells come back as numbers; only whole values are amounts.
        number = Decimal(str(value))
        if not number.is_finite():
            raise NumberFormatError(f"«{value}» er ikke et tal")
        if number != number.to_integral_value():
            raise NumberFormatError(f"«{value}» er ikke et helt beløb i 1.000 kr.")
        return int(number)
    text = _normalise(value)
    if text == "":
        return None
    # "1.100,00" is a whole amount with decimals, as spreadsheets export it.
    text = _ZERO_DECIMALS_RE.sub("", text)
    if not _AMOUNT_RE.match(text):
        if re.match(r"^[+-]?\d{1,3}(,\d{3})+$", text):
            raise NumberFormatError(f"«{value}» bruger komma som tusindtalsseparator; skriv {text.replace(',', '.')}")
        if "," in text:
            raise NumberFormatError(f"«{value}» er ikke et helt beløb i 1.000 kr.")
        raise NumberFormatError(f"«{value}» er ikke et tal")
    return int(text.replace(".", ""))


def parse_decimal(value):
    """Parse a Danish decimal ("2,8", "-10,5", "+2") for staffing changes. Empty -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberFormatError(f"«{value}» er ikke et tal")
    if isinstance(value, (int, Decimal, float)):
        # str() keeps a spreadsheet's 2.8 as 2.8 instead of its binary expansion.
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise NumberFormatError(f"«{value}» er ikke et tal")
        return number
    text = _normalise(value)
    if text == "":
        return None
    if not _DECIMAL_RE.match(text):
        raise NumberFormatError(f"«{value}» er ikke et tal (brug komma som decimaltegn, fx 2,8)")
    try:
        return Decimal(text.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise NumberFormatError(f"«{value}» er ikke et tal") from exc


def check_decimal_limits(number, *, max_digits, decimal_places):
    """Refuse a decimal that a DecimalField(max_digits, decimal_places) cannot hold, saying why."""
    sign, digits, exponent = number.normalize().as_tuple() if number else (0, (0,), 0)
    decimals = max(0, -exponent)
    whole_digits = max(0, len(digits) + exponent)
    if decimals > decimal_places:
        raise NumberFormatError(f"«{danish_decimal(number)}» har mere end {decimal_places} decimaler")
    if whole_digits > max_digits - decimal_places:
        raise NumberFormatError(
            f"«{danish_decimal(number)}» er for stort (højst {max_digits - decimal_places} cifre før kommaet)"
        )
    return number


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
        # One call per cell of the overview: Python's own grouping (in C) rather than
        # numberformat's digit loop, 6x slower per call (+26 ms on a 1.000-proposal page);
        # tests/test_numbers.py holds both to the same output.
        sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
        return sign + f"{abs(int(value)):,}".replace(",", self.thousands)

    def decimal(self, value, signed=False):
        """Decimal("2.80") -> "2,8" (Danish) / "2.8" (English), Decimal("-15") -> "-15"."""
        if value is None:
            return ""
        value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1)) if value else Decimal(0)  # not "-0"
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
