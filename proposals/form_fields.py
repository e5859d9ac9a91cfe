"""The one form field in which a person types a figure.

Amounts (whole 1.000 kr.) and FTE are typed as the documents write them: "1.000", "-2.500",
"−3.115", "2,8", "1000". The field reads them with proposals.numbers, the parser the importer
uses, so a typed "2.000" is two thousand everywhere, and refuses what the importer refuses
("12,000", "1.00", letters, a figure beyond its field's range) with the parser's own message
on the field. Nothing is scaled. The range is the field's one range in proposals.numbers
(``FIELD_RANGES``), checked on the figure as typed, in the catalogue's own convention."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

from .numbers import AMOUNT, NumberFormatError, danish_amount, danish_decimal, range_for


class DanishNumberField(forms.Field):
    """An amount (``decimal_places=0``) or a decimal such as FTE, in Danish format, in a text input.

    A text input, not ``<input type=number>``: a number input would refuse "2.000" in the
    browser or hand the server "2", and it cannot show "17.700" as the document does."""

    widget = forms.TextInput

    def __init__(self, *, figure_range=AMOUNT, **kwargs):
        self.figure_range = figure_range
        kwargs.setdefault("localize", False)
        super().__init__(**kwargs)

    @property
    def is_amount(self):
        return self.figure_range.decimal_places == 0

    def to_python(self, value):
        try:
            return self.figure_range.parse(value)
        except NumberFormatError as exc:  # the parser's own Danish message
            raise ValidationError(exc.args[0], code="invalid") from exc

    def prepare_value(self, value):
        # Stored values are shown as the document writes them; what the person typed is shown
        # back unchanged when the form is refused.
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return value
        # Danish whatever the page's language: the one parser reads what the input holds.
        return danish_amount(value) if self.is_amount else danish_decimal(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", "size": 10})
        return attrs


def figure_formfield(model_field, **kwargs):
    """The DanishNumberField for a model's IntegerField or DecimalField holding a figure, with
    the field's range from proposals.numbers."""
    if not isinstance(model_field, (models.IntegerField, models.DecimalField)):
        raise TypeError(f"{model_field.name} is not a figure")
    return DanishNumberField(
        figure_range=range_for(model_field.name),
        required=not model_field.blank,
        label=capfirst(model_field.verbose_name),
        help_text=model_field.help_text,
        **kwargs,
    )
