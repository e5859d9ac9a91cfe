"""Template filters for amounts and staffing changes, in the page's language (proposals.numbers).

``{{ value|amount:catalogue }}`` shows an internal amount in the catalogue's own sign
convention ("1.100", "-1.960"; "1,100" in English); without a catalogue the value is shown as
it is. ``{{ value|fte:catalogue }}`` does the same for staffing changes ("2,8"; "2.8").
``signed_amount`` / ``signed_fte`` add "+" to positive values (differences); ``{{ catalogue.unit|unit }}``
says the unit in the page's language ("DKK 1,000")."""

from django import template

from proposals.display import unit_label
from proposals.numbers import format_amount, format_decimal

register = template.Library()


def _display(value, catalogue):
    if value is None or value == "":
        return None
    return catalogue.to_display(value) if catalogue is not None else value


@register.filter
def amount(value, catalogue=None):
    return format_amount(_display(value, catalogue))


@register.filter
def signed_amount(value, catalogue=None):
    return format_amount(_display(value, catalogue), signed=True)


@register.filter
def fte(value, catalogue=None):
    return format_decimal(_display(value, catalogue))


@register.filter
def signed_fte(value, catalogue=None):
    return format_decimal(_display(value, catalogue), signed=True)


@register.filter
def unit(value):
    """A catalogue's unit in the page's language (proposals.display.unit_label)."""
    return unit_label(value)
