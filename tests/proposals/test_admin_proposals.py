"""The Django admin for proposals: every page renders, the balance report shows, import and export work."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from proposals.models import (
    BreakdownLine,
    BudgetAgreement,
    BudgetParty,
    Catalogue,
    Department,
    Proposal,
    ProposalYear,
    Theme,
)
from proposals.numbers import format_amount
from proposals.services import export_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw-123456")
    client.force_login(user)
    return client


@pytest.fixture
def seeded():
    call_command("load_seed_catalogues", stdout=open("/dev/null", "w"))
    agreement = BudgetAgreement.objects.get()
    BudgetParty.objects.create(agreement=agreement, name="Socialdemokratiet")
    return Catalogue.objects.get(slug="mso-omprioriteringer-velfaerdspuljen-2024")


@pytest.mark.parametrize(
    "model,lookup",
    [
        (Department, {"code": "MSO"}),
        (BudgetAgreement, {"name": "Budgetforlig 2024"}),
        (Catalogue, {"slug": "msb-omprioriteringskatalog-2024-2027"}),
        (Theme, {"title": "Tema 2: Hjemløshed"}),
        (Proposal, {"code": "JUS-1"}),
        (BreakdownLine, {"text": "Internt MSB-råderum"}),
    ],
)
def test_changelist_change_and_add_pages_render(admin_client, seeded, model, lookup):
    opts = model._meta
    obj = model.objects.get(**lookup)
    for url in (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_catalogue_page_shows_the_balance_report_in_its_own_convention(admin_client, seeded):
    ProposalYear.objects.filter(proposal__catalogue=seeded, proposal__code="1", year=2025).update(net_amount=-11000)
    response = admin_client.get(reverse("admin:proposals_catalogue_change", args=[seeded.pk]))
    html = response.content.decode()
    assert "Kataloget balancerer ikke" in html
    # MSO shows savings positive: 17.600 against 17.700, difference -100.
    assert "2025: forslagene summerer til 17.600, men måltallet er 17.700 (forskel -100)." in html
    assert "<td>17.700</td>" in html
    assert "i katalogets egen fortegnskonvention, som i dokumentet" in html
    # The targets in the year inline are as the document writes them: savings positive.
    assert 'name="year_rows-0-target" value="17.700"' in html


def test_balanced_catalogue_says_so(admin_client, seeded):
    msb = Catalogue.objects.get(slug="msb-omprioriteringskatalog-2024-2027")
    html = admin_client.get(reverse("admin:proposals_catalogue_change", args=[msb.pk])).content.decode()
    assert "Kataloget balancerer." in html and "<td>-19.730</td>" in html


def test_proposal_list_shows_yearly_amounts_without_n_plus_one(admin_client, seeded, django_assert_max_num_queries):
    url = reverse("admin:proposals_proposal_changelist") + f"?catalogue__id__exact={seeded.pk}"
    with django_assert_max_num_queries(14):
        response = admin_client.get(url)
    html = response.content.decode()
    assert "11.100" in html and "-1.960" in html and "8.410" in html  # MSO's own convention
    assert '<th scope="col" class="column-net_2024">' in html
    # The same query count for a catalogue with many more proposals.
    big = make_catalogue(proposals=60)
    with django_assert_max_num_queries(14):
        admin_client.get(reverse("admin:proposals_proposal_changelist") + f"?catalogue__id__exact={big.pk}")


def test_proposal_search_and_filters(admin_client, seeded):
    url = reverse("admin:proposals_proposal_changelist")
    html = admin_client.get(url, {"q": "Natcafeen"}).content.decode()
    assert "JUS-1" in html and "BFF-1" not in html
    html = admin_client.get(url, {"is_phase_in__exact": "1"}).content.decode()
    assert "Indfasning af omprioriteringer" in html and "Velfærdsteknologi" not in html


def test_export_links_download_the_catalogue(admin_client, seeded):
    for fmt in ("csv", "xlsx"):
        response = admin_client.get(reverse("admin:proposals_catalogue_export", args=[seeded.pk, fmt]))
        assert response.status_code == 200
        assert rows_of(response.content, fmt) == rows_of(export_catalogue_rows(seeded, fmt), fmt)
        assert f'filename="{seeded.slug}.{fmt}"' in response["Content-Disposition"]


def rows_of(data, fmt):
    # An XLSX file carries its save time; compare what it holds.
    if fmt == "csv":
        return data
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_admin_import_previews_then_confirms(admin_client):
    catalogue = make_catalogue(proposals=1)
    data = csv_bytes(
        [
            row(code="1", theme="Tema 1", title="Ændret", net=["-1.000"] * 4),
            row(code="2", theme="Tema 1", net=["-5"] * 4),
        ]
    )
    url = reverse("admin:proposals_proposal_import")
    before = catalogue_snapshot(catalogue)
    response = admin_client.post(
        url,
        {"catalogue": catalogue.pk, "format": 0, "import_file": SimpleUploadedFile("k.csv", data)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Prøvekørsel: intet er gemt." in html and "Nye forslag (1): 2" in html and "Ændrede forslag (1): 1" in html
    assert catalogue_snapshot(catalogue) == before
    confirm = response.context["confirm_form"]
    response = admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial)
    assert response.status_code == 302
    assert sorted(catalogue.proposals.values_list("code", "title")) == [("1", "Ændret"), ("2", "Forslag")]


def test_admin_import_errors_name_row_and_column_and_save_nothing(admin_client):
    catalogue = make_catalogue(proposals=1)
    data = csv_bytes([row(code="1", theme="Ukendt", net=["-1.000", "abc", "", ""])])
    response = admin_client.post(
        reverse("admin:proposals_proposal_import"),
        {"catalogue": catalogue.pk, "format": 0, "import_file": SimpleUploadedFile("k.csv", data)},
    )
    html = response.content.decode()
    assert "Række 2, kolonne «Netto 2025»: «abc» er ikke et tal" in html
    assert "Ukendt tema «Ukendt»" in html
    assert "confirm_form" not in response.context or not response.context["confirm_form"]


def test_admin_import_rejects_unreadable_file_with_a_clear_message(admin_client):
    catalogue = make_catalogue(proposals=1)
    response = admin_client.post(
        reverse("admin:proposals_proposal_import"),
        {"catalogue": catalogue.pk, "format": 1, "import_file": SimpleUploadedFile("k.xlsx", b"Kode;Titel\n1;x\n")},
    )
    assert "Filen er en CSV-fil, ikke XLSX" in response.content.decode()


def test_proposal_years_are_edited_in_the_catalogues_own_convention(admin_client, seeded):
    proposal = seeded.proposals.get(code="1")  # MSO writes savings positive: 11.100
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    index = next(i for i in range(4) if data[f"years-{i}-year"] == 2024)
    assert data[f"years-{index}-net_amount"] == "11.100"  # as the document writes it
    data[f"years-{index}-net_amount"] = "11500"  # a bigger saving, as the document would write it
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    years = dict(proposal.years.values_list("year", "net_amount"))
    assert years == {2024: -11500, 2025: -11100, 2026: -11100, 2027: -11100}  # stored savings negative


def test_changing_the_convention_does_not_flip_the_figures(admin_client, seeded):
    url = reverse("admin:proposals_catalogue_change", args=[seeded.pk])
    data = change_form_data(admin_client.get(url))
    data["sign_convention"] = Catalogue.SignConvention.SAVINGS_NEGATIVE
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    seeded.refresh_from_db()
    assert seeded.sign_convention == Catalogue.SignConvention.SAVINGS_NEGATIVE
    assert set(seeded.year_rows.values_list("target", flat=True)) == {-17700}  # the same savings


def test_breakdown_line_years_in_the_catalogues_own_convention(admin_client, seeded):
    line = BreakdownLine.objects.filter(proposal__catalogue__slug="msb-omprioriteringskatalog-2024-2027").first()
    url = reverse("admin:proposals_breakdownline_change", args=[line.pk])
    data = change_form_data(admin_client.get(url))
    before = dict(line.years.values_list("year", "amount"))
    shown = {data[f"years-{i}-year"]: data[f"years-{i}-amount"] for i in range(len(before))}
    assert shown == {year: format_amount(amount) for year, amount in before.items()}  # MSB: savings negative
    assert admin_client.post(url, data).status_code == 302
    assert dict(line.years.values_list("year", "amount")) == before
