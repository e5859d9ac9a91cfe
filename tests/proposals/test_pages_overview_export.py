"""XLSX and CSV export of the overview (django-tables2 TableExport, ?_export=…):
figures in the catalogue's own convention, summary rows included."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_user
from tests.overview_examples import make_msb_like, make_mso_000

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client(client):
    # A reader who may see every catalogue (who sees what: test_access_matrix.py).
    client.force_login(make_user(is_superuser=True))
    return client


def export(client, catalogue, fmt, query=""):
    response = client.get(reverse("proposals:catalogue_detail", args=[catalogue.slug]) + f"?_export={fmt}{query}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{catalogue.slug}.{fmt}"'
    return response


def xlsx_rows(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")  # with a byte order mark for Excel
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_xlsx_has_numbers_in_the_catalogues_convention(user_client):
    rows = xlsx_rows(export(user_client, make_mso_000(), "xlsx"))
    assert rows[0] == ["Nr.", "Forslag", "Tema", "2024", "2025", "2026", "2027", "Type"]
    by_code = {r[0]: r for r in rows[1:8]}
    assert by_code["3."][3:7] == [-1960, 1400, 1400, 1400]
    assert by_code["1."][3:7] == [11100, 11100, 11100, 11100]
    assert by_code["7."][1] == "Indfasning af omprioriteringer"
    summary = {r[1]: r[3:7] for r in rows[8:]}
    assert summary["Nettoændringer i driftsudgifter i alt"] == [17700] * 4
    assert summary["Måltal"] == [17700] * 4
    assert summary["Difference"] == [0] * 4
    assert [Decimal(str(v)) for v in summary["Personaleændringer i alt, oplyst (årsværk)"]] == [
        Decimal("0"),
        Decimal("2.8"),
        Decimal("2.8"),
        Decimal("2.8"),
    ]
    assert isinstance(by_code["3."][3], int)


def test_csv_has_danish_numbers_in_the_catalogues_convention(user_client):
    rows = csv_rows(export(user_client, make_mso_000(change=("3.", 2025, 1500)), "csv"))
    assert rows[0] == ["Nr.", "Forslag", "Tema", "2024", "2025", "2026", "2027", "Type"]
    by_code = {r[0]: r for r in rows[1:8]}
    assert by_code["3."] == ["3.", "Digitaliseringsindsatser", "", "-1.960", "1.500", "1.400", "1.400", "Eff"]
    summary = {r[1]: r[3:7] for r in rows[8:]}
    assert summary["Nettoændringer i driftsudgifter i alt"] == ["17.700", "17.800", "17.700", "17.700"]
    assert summary["Difference"] == ["0", "+100", "0", "0"]
    assert summary["Personaleændringer i alt, oplyst (årsværk)"] == ["0", "2,8", "2,8", "2,8"]


def test_export_follows_the_requested_sorting_and_keeps_themes(user_client):
    catalogue = make_msb_like()
    rows = csv_rows(export(user_client, catalogue, "csv", "&sort=-y2024"))
    assert [r[0] for r in rows[1:3]] == ["Tema 2, V-1", "Tema 1, BFF-1"]
    assert rows[1][2] == "Tema 2: Voksne"
    rows = xlsx_rows(export(user_client, catalogue, "xlsx"))
    assert [r[0] for r in rows[1:3]] == ["Tema 1, BFF-1", "Tema 2, V-1"]  # document order
    assert rows[1][3:7] == [-3115] * 4
    summary = {r[1]: r[3:7] for r in rows[3:]}
    assert summary["Nettoændringer i driftsudgifter i alt"] == [-3665] * 4
    assert [Decimal(str(v)) for v in summary["Personaleændringer (årsværk)"]] == [Decimal("-3.5")] * 4


def test_unknown_export_format_renders_the_page(user_client):
    catalogue = make_mso_000()
    response = user_client.get(reverse("proposals:catalogue_detail", args=[catalogue.slug]) + "?_export=yaml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
