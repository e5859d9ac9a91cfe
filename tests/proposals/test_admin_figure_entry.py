"""Figures typed in the admin go through the importer's parser: "2.000" is two thousand.

Every amount and FTE field of every admin form is the one DanishNumberField; a refused figure
is reported on its field and nothing of the form is saved."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from proposals.form_fields import DanishNumberField
from proposals.models import BreakdownLine, Catalogue, CatalogueYear, ProposalYear
from tests.factories import make_catalogue
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db

# Integer and decimal columns that are not figures: years, ordering, counters.
NOT_FIGURES = {"year", "first_year", "last_year", "position", "number", "attempts"}


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw-123456")
    client.force_login(user)
    return client


def _proposal_page(admin_client, catalogue, code="1"):
    proposal = catalogue.proposals.get(code=code)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    index = next(i for i in range(10) if data[f"years-{i}-year"] == 2025)
    return proposal, url, data, f"years-{index}-"


@pytest.mark.parametrize(
    "typed,stored",
    [("2.000", -2000), ("-2.500", 2500), ("\u22123.115", 3115), ("1000", -1000), ("1.300", -1300), ("0", 0)],
)
def test_an_amount_is_stored_as_typed_in_the_catalogues_convention(admin_client, typed, stored):
    catalogue = make_catalogue(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE)
    proposal, url, data, prefix = _proposal_page(admin_client, catalogue)
    data[prefix + "net_amount"] = typed
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert proposal.years.get(year=2025).net_amount == stored  # savings positive on the page, negative stored


@pytest.mark.parametrize(
    "typed,message",
    [
        ("12,000", "«12,000» bruger komma som tusindtalsseparator; skriv 12.000"),
        ("1.00", "«1.00» er ikke et tal"),
        ("to tusind", "«to tusind» er ikke et tal"),
        ("2,5", "«2,5» er ikke et helt beløb i 1.000 kr."),
    ],
)
def test_a_refused_amount_is_reported_on_its_field_and_nothing_is_saved(admin_client, typed, message):
    catalogue = make_catalogue()
    proposal, url, data, prefix = _proposal_page(admin_client, catalogue)
    data["title"] = "Ny titel, som ikke må gemmes"
    data[prefix + "net_amount"] = typed
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = next(f for f in response.context["inline_admin_formsets"][0].formset.forms if f.prefix + "-" == prefix)
    assert form.errors["net_amount"] == [message]
    assert f'value="{typed}"' in response.content.decode()  # what was typed is shown back
    proposal.refresh_from_db()
    assert proposal.title == "Forslag 1"
    assert proposal.years.get(year=2025).net_amount == -1000


@pytest.mark.parametrize(
    "typed,stored",
    [("2,8", Decimal("2.8")), ("-10,5", Decimal("-10.5")), ("1.250,25", Decimal("1250.25")), ("", None)],
)
def test_fte_is_typed_with_a_decimal_comma(admin_client, typed, stored):
    catalogue = make_catalogue()
    proposal, url, data, prefix = _proposal_page(admin_client, catalogue)
    data[prefix + "fte"] = typed
    assert admin_client.post(url, data).status_code == 302
    assert proposal.years.get(year=2025).fte == stored


@pytest.mark.parametrize(
    "typed,message",
    [
        ("2.8", "«2.8» er ikke et tal (brug komma som decimaltegn, fx 2,8)"),
        ("1,255", "«1,255» har mere end 2 decimaler"),
        ("1.000.000", "«1.000.000» er for stort (højst 6 cifre før kommaet)"),
    ],
)
def test_a_refused_fte_is_reported_on_its_field(admin_client, typed, message):
    catalogue = make_catalogue()
    proposal, url, data, prefix = _proposal_page(admin_client, catalogue)
    data[prefix + "fte"] = typed
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = next(f for f in response.context["inline_admin_formsets"][0].formset.forms if f.prefix + "-" == prefix)
    assert form.errors["fte"] == [message]
    assert proposal.years.get(year=2025).fte == Decimal("1.5")


def test_catalogue_targets_and_stated_fte_are_typed_in_danish(admin_client):
    catalogue = make_catalogue(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, proposals=2)
    url = reverse("admin:proposals_catalogue_change", args=[catalogue.pk])
    data = change_form_data(admin_client.get(url))
    # Savings positive on the page: a saving of 2.000 and 3 FTE more (stored 1,5 each) shows as -3.
    assert data["year_rows-0-target"] == "2.000" and data["year_rows-0-stated_fte_total"] == "-3"
    data["year_rows-0-target"] = "17.700"
    data["year_rows-0-stated_fte_total"] = "-2,75"
    assert admin_client.post(url, data).status_code == 302
    row = CatalogueYear.objects.get(catalogue=catalogue, year=2024)
    assert (row.target, row.stated_fte_total) == (-17700, Decimal("2.75"))


def test_line_amounts_are_typed_in_danish(admin_client):
    catalogue = make_catalogue(lines=True, proposals=1)
    line = BreakdownLine.objects.get(proposal__catalogue=catalogue)
    url = reverse("admin:proposals_breakdownline_change", args=[line.pk])
    data = change_form_data(admin_client.get(url))
    data["years-0-amount"] = "-2.000"
    assert admin_client.post(url, data).status_code == 302
    assert line.years.get(year=2024).amount == -2000


def test_posting_the_page_back_unchanged_changes_nothing(admin_client):
    catalogue = make_catalogue(amount=-11100, sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE)
    proposal, url, data, prefix = _proposal_page(admin_client, catalogue)
    assert data[prefix + "net_amount"] == "11.100" and data[prefix + "fte"] == "-1,5"
    before = list(ProposalYear.objects.filter(proposal=proposal).values_list("year", "net_amount", "fte"))
    response = admin_client.post(url, data, follow=True)
    assert list(ProposalYear.objects.filter(proposal=proposal).values_list("year", "net_amount", "fte")) == before
    # The admin's log entry says nothing about the year rows: none of them changed.
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.latest("action_time").change_message == "[]"
    assert response.status_code == 200


def _admin_forms():
    """Every form the admin shows: each ModelAdmin's own form and each inline's."""
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True)
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            yield inline.model, inline.get_formset(request).form


def test_every_figure_in_the_admin_is_typed_through_the_danish_number_field():
    checked = set()
    for model, form_class in _admin_forms():
        for name, field in form_class.base_fields.items():
            try:
                model_field = model._meta.get_field(name)
            except Exception:
                continue
            if isinstance(model_field, (models.IntegerField, models.DecimalField)) and name not in NOT_FIGURES:
                if isinstance(model_field, models.AutoField):
                    continue
                assert isinstance(field, DanishNumberField), f"{model.__name__}.{name} is a {type(field).__name__}"
                assert field.widget.input_type == "text" and field.widget.attrs["inputmode"] == "decimal"
                checked.add(f"{model.__name__}.{name}")
    assert {
        "CatalogueYear.target",
        "CatalogueYear.stated_fte_total",
        "ProposalYear.net_amount",
        "ProposalYear.fte",
        "BreakdownLineYear.amount",
    } <= checked
