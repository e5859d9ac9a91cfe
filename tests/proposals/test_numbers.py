"""Danish number parsing and formatting (proposals.numbers)."""

from decimal import Decimal

import pytest

from proposals.numbers import (
    NumberFormatError,
    danish_number,
    format_amount,
    format_decimal,
    parse_amount,
    parse_decimal,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.100", 1100),
        ("-1.960", -1960),
        ("\u22123.115", -3115),  # minus sign, as in the PDFs
        ("\u20133.115", -3115),  # en dash
        ("+2", 2),
        ("0", 0),
        ("17.700", 17700),
        ("-19.730", -19730),
        ("1.234.567", 1234567),
        (" 8.410 ", 8410),
        ("1 100", 1100),
        ("1\u00a0100", 1100),
        ("1\u202f100", 1100),
        ("450", 450),
        ("1.100,00", 1100),
        ("12,0", 12),
    ],
)
def test_parse_amount_accepts_danish_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_amount_empty_is_none(value):
    assert parse_amount(value) is None


def test_parse_amount_rejects_comma_thousands_with_a_hint():
    with pytest.raises(NumberFormatError) as exc:
        parse_amount("12,000")
    message = str(exc.value)
    assert "12,000" in message
    assert "komma som tusindtalsseparator" in message
    assert "12.000" in message  # the hint names the right way to write it


def test_parse_amount_rejects_decimals():
    with pytest.raises(NumberFormatError, match="ikke et helt beløb"):
        parse_amount("2,8")
    with pytest.raises(NumberFormatError, match="ikke et helt beløb"):
        parse_amount("-10,5")


@pytest.mark.parametrize("text", ["abc", "1.10", "12.3456", "--5", "1.100kr", "-", "1,2,3"])
def test_parse_amount_rejects_non_numbers(text):
    with pytest.raises(NumberFormatError) as exc:
        parse_amount(text)
    assert f"«{text}»" in str(exc.value)


@pytest.mark.parametrize(
    "value, expected",
    [
        (1100, 1100),
        (-1960, -1960),
        (1100.0, 1100),
        (-3115.0, -3115),
        (Decimal("17700"), 17700),
        (Decimal("-550.00"), -550),
    ],
)
def test_parse_amount_numbers_from_spreadsheets(value, expected):
    result = parse_amount(value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("value", [1100.5, Decimal("2.8")])
def test_parse_amount_rejects_fractional_cells(value):
    with pytest.raises(NumberFormatError, match="ikke et helt beløb"):
        parse_amount(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), True, False])
def test_parse_amount_rejects_nan_infinity_and_booleans(value):
    with pytest.raises(NumberFormatError):
        parse_amount(value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2,8", Decimal("2.8")),
        ("-10,5", Decimal("-10.5")),
        ("\u22120,5", Decimal("-0.5")),
        ("+2", Decimal("2")),
        ("-15", Decimal("-15")),
        ("0", Decimal("0")),
        ("1.234,5", Decimal("1234.5")),
        ("12,000", Decimal("12")),  # a Danish decimal: twelve
    ],
)
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize(
    "value, expected",
    [(2.8, Decimal("2.8")), (-0.5, Decimal("-0.5")), (3, Decimal(3)), (Decimal("2.80"), Decimal("2.8"))],
)
def test_parse_decimal_numbers_from_spreadsheets(value, expected):
    result = parse_decimal(value)
    assert result == expected
    assert isinstance(result, Decimal)
    # A float cell keeps its written value, not its binary expansion.
    assert str(parse_decimal(2.8)) == "2.8"


@pytest.mark.parametrize("text", ["abc", "2.8", "2,", ",5", "1,2,3"])
def test_parse_decimal_rejects_with_hint(text):
    with pytest.raises(NumberFormatError) as exc:
        parse_decimal(text)
    assert "komma som decimaltegn" in str(exc.value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True])
def test_parse_decimal_rejects_nan_infinity_and_booleans(value):
    with pytest.raises(NumberFormatError):
        parse_decimal(value)


def test_parse_decimal_empty_is_none():
    assert parse_decimal("") is None
    assert parse_decimal(None) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        (1100, "1.100"),
        (-1960, "-1.960"),
        (0, "0"),
        (17700, "17.700"),
        (-19730, "-19.730"),
        (999, "999"),
        (1234567, "1.234.567"),
        (None, ""),
    ],
)
def test_format_amount(value, expected):
    assert format_amount(value) == expected


def test_format_amount_signed():
    assert format_amount(100, signed=True) == "+100"
    assert format_amount(-1100, signed=True) == "-1.100"
    assert format_amount(0, signed=True) == "0"


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("2.80"), "2,8"),
        (Decimal("-10.50"), "-10,5"),
        (Decimal("-15"), "-15"),
        (Decimal("-15.00"), "-15"),
        (Decimal("100"), "100"),  # normalize() would make this 1E+2
        (Decimal("1234.5"), "1.234,5"),
        (Decimal("0.25"), "0,25"),
        (Decimal("0"), "0"),
        (Decimal("-0.0"), "0"),
        (3, "3"),
        (2.8, "2,8"),  # a float is shown as written, not as 2,7999…
        (None, ""),
    ],
)
def test_format_decimal(value, expected):
    assert format_decimal(value) == expected


def test_format_decimal_signed():
    assert format_decimal(Decimal("2.8"), signed=True) == "+2,8"
    assert format_decimal(Decimal("-0.5"), signed=True) == "-0,5"
    assert format_decimal(Decimal("0"), signed=True) == "0"


@pytest.mark.parametrize("value", [0, 7, -7, 999, -1000, 1100, -1960, 17700, 123456, -1234567, 10**12])
def test_amounts_read_as_djangos_number_formatting_says(value):
    # format_amount keeps Python's fast grouping for the overview's many cells; it must say
    # exactly what django.utils.numberformat says (the rule format_decimal goes through).
    assert format_amount(value) == danish_number(value)
    assert format_amount(Decimal(value)) == danish_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "2.8",
        "-2.80",
        "0.5",
        "-0.25",
        "12.125",
        "1234.5",
        "-1234567.75",
        "1E+3",
        "1E-20",
        "-7E-29",
        "123456789.123",
    ],
)
def test_decimals_read_as_djangos_number_formatting_says(value):
    # format_decimal formats a page's staffing cells with Python's own formatting; it must say
    # exactly what django.utils.numberformat says of the normalized value.
    normalized = Decimal(value).normalize()
    if normalized == normalized.to_integral_value():
        normalized = Decimal(int(normalized))
    assert format_decimal(Decimal(value)) == danish_number(normalized)
    signed = format_decimal(Decimal(value), signed=True)
    assert signed == ("+" if normalized > 0 else "") + danish_number(normalized)


@pytest.mark.parametrize("value", [1100, -1960, 0, 17700, -1234567])
def test_amount_round_trip(value):
    assert parse_amount(format_amount(value)) == value


@pytest.mark.parametrize("value", ["2.8", "-10.5", "-15", "1234.25", "0"])
def test_decimal_round_trip(value):
    assert parse_decimal(format_decimal(Decimal(value))) == Decimal(value)


@pytest.mark.django_db
def test_budget_template_filters_use_the_catalogues_convention():
    from django.template import Context, Template

    from tests.factories import make_catalogue

    positive = make_catalogue(proposals=0, sign_convention="savings_positive")
    negative = make_catalogue(proposals=0)
    template = Template(
        "{% load budget %}{{ v|amount:c }}|{{ v|signed_amount:c }}|{{ f|fte:c }}|{{ f|signed_fte:c }}|"
        "{{ v|amount }}|{{ none|amount:c }}|{{ none|fte:c }}"
    )
    # Internal: a saving of 1.100 is -1100, a staffing reduction of 2,8 is -2.8.
    context = {"v": -1100, "f": Decimal("-2.80"), "none": None}
    assert template.render(Context({**context, "c": positive})) == "1.100|+1.100|2,8|+2,8|-1.100||"
    assert template.render(Context({**context, "c": negative})) == "-1.100|-1.100|-2,8|-2,8|-1.100||"
    assert Template("{% load budget %}{{ v|amount:c }}").render(Context({"v": 1960, "c": positive})) == "-1.960"
