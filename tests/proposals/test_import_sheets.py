"""Issue 25, finding 2 (sheets): the sheet read is the workbook's active sheet, which must be
visible; a hidden sheet with old figures is never read, and the preview (admin) and the command
line say which sheet was read. A workbook whose active sheet is hidden, whose proposals are on
another sheet than the active one, or that has more than one visible sheet of proposals, is
refused rather than guessed at."""

import io
import re
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from proposals.services import import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue, make_user
from tests.importing import HEADERS, row

pytestmark = pytest.mark.django_db

OLD = [row(code="1", theme="Tema 1", title="Gammel", net=[-9999] * 4)]
NEW = [row(code="1", theme="Tema 1", title="Ny", net=[-1000] * 4), row(code="2", theme="Tema 1", net=[-5] * 4)]


@pytest.fixture
def catalogue():
    return make_catalogue(proposals=2)


def book(*sheets, active):
    """Sheets as (title, rows or None for a sheet without headers, state)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, state in sheets:
        sheet = workbook.create_sheet(title)
        if rows is not None:
            sheet.append(HEADERS)
            for values in rows:
                sheet.append([None if v == "" else v for v in values])
        else:
            sheet.append(["Sådan udfylder du arket"])
        sheet.sheet_state = state
    workbook.active = active
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_active_tab(data, index):
    """The file with workbook.xml naming sheet ``index`` active (openpyxl itself never saves a
    hidden sheet as the active one; a file from elsewhere may)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content, count = re.subn(rb'activeTab="\d+"', b'activeTab="%d"' % index, content)
                assert count == 1, content
            target.writestr(item, content)
    return out.getvalue()


HIDDEN_OLD_FIRST = (("Gammel", OLD, "hidden"), ("Forslag", NEW, "visible"))


def refused(catalogue, data):
    before = catalogue_snapshot(catalogue)
    outcome = import_catalogue_rows(catalogue, data, "xlsx", dry_run=False)
    assert not outcome.ok
    assert catalogue_snapshot(catalogue) == before
    return outcome.error_messages()


def test_a_hidden_first_sheet_with_old_figures_is_not_read(catalogue):
    outcome = import_catalogue_rows(catalogue, book(*HIDDEN_OLD_FIRST, active=1), "xlsx", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    proposal = catalogue.proposals.get(code="1")
    assert proposal.title == "Ny" and proposal.years.get(year=2024).net_amount == -1000
    assert "Læst: arket «Forslag», kolonneoverskrifter i række 1." in outcome.summary_lines()
    assert "Skjulte ark er ikke læst: «Gammel»." in outcome.summary_lines()


def test_the_command_line_says_which_sheet_was_read(catalogue, tmp_path):
    path = tmp_path / "katalog.xlsx"
    path.write_bytes(book(*HIDDEN_OLD_FIRST, active=1))
    out = StringIO()
    call_command("import_catalogue", catalogue.slug, str(path), "--dry-run", stdout=out)
    assert "Læst: arket «Forslag», kolonneoverskrifter i række 1." in out.getvalue()


def test_the_admin_preview_says_which_sheet_was_read(client, catalogue):
    client.force_login(make_user("chef", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:proposals_proposal_import"),
        {
            "catalogue": catalogue.pk,
            "format": 1,
            "import_file": SimpleUploadedFile("katalog.xlsx", book(*HIDDEN_OLD_FIRST, active=1)),
        },
    )
    html = response.content.decode()
    assert "Læst: arket «Forslag», kolonneoverskrifter i række 1." in html
    assert "Skjulte ark er ikke læst: «Gammel»." in html


def test_an_active_sheet_that_is_hidden_is_refused(catalogue):
    data = with_active_tab(book(("Gammel", OLD, "hidden"), ("Forslag", NEW, "visible"), active=1), 0)
    (message,) = refused(catalogue, data)
    assert message.startswith("Det aktive ark, «Gammel», er skjult, så det er uklart, hvilket ark der skal læses.")


def test_two_visible_sheets_with_proposals_are_refused(catalogue):
    (message,) = refused(catalogue, book(("2024", OLD, "visible"), ("2025", NEW, "visible"), active=1))
    assert message.startswith("Filen har flere synlige ark med forslag: «2024», «2025». Det er uklart")


def test_proposals_on_another_sheet_than_the_active_one_are_refused(catalogue):
    (message,) = refused(catalogue, book(("Vejledning", None, "visible"), ("Forslag", NEW, "visible"), active=0))
    assert message.startswith(
        "Det aktive ark, «Vejledning», har ingen kolonneoverskrifter (Kode, Titel), men det har «Forslag»."
    )


def test_a_very_hidden_sheet_is_not_read_either(catalogue):
    data = book(("Forslag", NEW, "visible"), ("Skjult", OLD, "veryHidden"), active=0)
    outcome = import_catalogue_rows(catalogue, data, "xlsx", dry_run=True)
    assert outcome.ok, outcome.error_messages()
    assert [p.values["title"] for p in outcome.proposals] == ["Ny", "Forslag"]


def test_the_command_line_refuses_an_ambiguous_workbook(catalogue, tmp_path):
    path = tmp_path / "katalog.xlsx"
    path.write_bytes(book(("2024", OLD, "visible"), ("2025", NEW, "visible"), active=1))
    out = StringIO()
    with pytest.raises(CommandError, match="1 fejl; intet er gemt"):
        call_command("import_catalogue", catalogue.slug, str(path), stdout=out)
    assert "Filen har flere synlige ark med forslag" in out.getvalue()
