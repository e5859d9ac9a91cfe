"""Issue 25, finding 5 (limits that disagree): the admin's figure fields and the importer check a
figure against the same range per field (``proposals.numbers.FIELD_RANGES``), on the figure as
written, in the catalogue's own sign convention: whatever the admin accepts, an export of it
re-imports; whatever the importer refuses, the admin refuses with the same message."""

import pytest
from django.db import models
from django.urls import reverse

from proposals.models import BreakdownLineYear, Catalogue, CatalogueYear, ProposalYear
from proposals.services import export_catalogue_rows, import_catalogue_rows
from tests.factories import make_catalogue, make_user
from tests.importing import csv_bytes, row
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db

POSITIVE = Catalogue.SignConvention.SAVINGS_POSITIVE


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("chef", is_staff=True, is_superuser=True))
    return client


def admin_net_error(admin_client, catalogue, typed):
    proposal = catalogue.proposals.get(code="1")
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    index = next(i for i in range(10) if data[f"years-{i}-year"] == 2025)
    data[f"years-{index}-net_amount"] = typed
    response = admin_client.post(url, data)
    if response.status_code == 302:
        return None
    return response.context["inline_admin_formsets"][0].formset.forms[index].errors.get("net_amount")


def import_net_error(catalogue, typed):
    rows = [row(code="1", theme="Tema 1", net=["-1.000", typed, "-1.000", "-1.000"])]
    outcome = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=True)
    return outcome.error_messages()


@pytest.mark.parametrize("convention", [Catalogue.SignConvention.SAVINGS_NEGATIVE, POSITIVE])
@pytest.mark.parametrize("typed", ["1.000.000.000", "-2.147.483.648", "2147483647"])
def test_the_admin_and_the_importer_refuse_the_same_amount_with_the_same_message(admin_client, convention, typed):
    catalogue = make_catalogue(sign_convention=convention)
    shown = typed if "." in typed else "2.147.483.647"
    message = f"«{shown}» er for stort (højst 9 cifre)"  # as typed: the catalogue's own sign
    assert admin_net_error(admin_client, catalogue, typed) == [message]
    assert import_net_error(catalogue, typed) == [f"Række 2, kolonne «Netto 2025»: {message}"]


@pytest.mark.parametrize("typed", ["999.999.999", "-999.999.999"])
def test_the_largest_amount_typed_in_the_admin_exports_and_re_imports(admin_client, typed):
    catalogue = make_catalogue(sign_convention=POSITIVE)
    assert admin_net_error(admin_client, catalogue, typed) is None
    assert catalogue.proposals.get(code="1").years.get(year=2025).net_amount == -int(typed.replace(".", ""))
    for fmt in ("csv", "xlsx"):
        outcome = import_catalogue_rows(catalogue, export_catalogue_rows(catalogue, fmt), fmt, dry_run=True)
        assert outcome.ok and outcome.unchanged == ["1", "2", "3"], outcome.error_messages()


def test_every_figure_field_has_one_range_that_its_column_holds():
    from proposals.numbers import AMOUNT, FIELD_RANGES, FTE

    figure_fields = [
        field
        for model in (CatalogueYear, ProposalYear, BreakdownLineYear)
        for field in model._meta.fields
        if isinstance(field, (models.IntegerField, models.DecimalField)) and field.name not in ("id", "year")
    ]
    assert {f.name for f in figure_fields} == set(FIELD_RANGES)
    for field in figure_fields:
        figure_range = FIELD_RANGES[field.name]
        if isinstance(field, models.DecimalField):
            assert figure_range == FTE
            assert figure_range.whole_digits + figure_range.decimal_places == field.max_digits
            assert figure_range.decimal_places == field.decimal_places
        else:
            assert figure_range == AMOUNT
            assert 10**figure_range.whole_digits - 1 < 2**31 - 1  # inside the integer column, either sign


def test_a_target_out_of_range_is_refused_on_its_field_in_the_catalogues_sign(admin_client):
    catalogue = make_catalogue(sign_convention=POSITIVE)
    url = reverse("admin:proposals_catalogue_change", args=[catalogue.pk])
    data = change_form_data(admin_client.get(url))
    data["year_rows-0-target"] = "-3.000.000.000"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["target"] == ["«-3.000.000.000» er for stort (højst 9 cifre)"]
