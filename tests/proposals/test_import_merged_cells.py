"""Issue 25, findings 1 and 2 (XLSX merged cells): a merged cell holds its value in its top-left
cell only. A theme (or another text) merged down over several proposals gives every one of them
the theme; a figure merged across the years or down over rows, a merge across columns, a merge
into the header row, and a merge whose covered cells hold values of their own are refused,
naming the merged range. Never half read."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from proposals.services import import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue
from tests.importing import HEADERS, row

pytestmark = pytest.mark.django_db

# HEADERS: A Række, B Kode, C Tema, D Titel, E Type, F Indfasning, G-J Netto 2024-2027,
# K-N Årsværk 2024-2027, O Beskrivelse.


@pytest.fixture
def catalogue():
    return make_catalogue(proposals=0)  # theme "Tema 1", years 2024-2027


def workbook(rows, merges=()):
    """An XLSX file as Excel saves merged cells: the value top left, the other cells empty."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for values in rows:
        sheet.append([None if v == "" else v for v in values])
    for ref in merges:
        sheet.merge_cells(ref)  # openpyxl empties the covered cells, as Excel does
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def merged_over_values(rows, ref):
    """A crafted file: the cells keep their own values, and the sheet says they are merged."""
    source = zipfile.ZipFile(io.BytesIO(workbook(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                merge = f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'
                content = content.replace(b"</sheetData>", merge.encode())
            target.writestr(item, content)
    return out.getvalue()


def refused(catalogue, data):
    before = catalogue_snapshot(catalogue)
    outcome = import_catalogue_rows(catalogue, data, "xlsx", dry_run=False)
    assert not outcome.ok
    assert catalogue_snapshot(catalogue) == before
    return outcome.error_messages()


def test_a_theme_merged_over_two_proposals_gives_both_the_theme(catalogue):
    rows = [
        row(code="1", theme="Tema 2: Voksne", title="Første", net=[-1000] * 4),
        row(code="2", theme="", title="Anden", net=[-2000] * 4),
        row(code="3", theme="Tema 1", title="Tredje", net=[-3000] * 4),
    ]
    outcome = import_catalogue_rows(
        catalogue, workbook(rows, merges=["C2:C3"]), "xlsx", dry_run=False, create_themes=True
    )
    assert outcome.ok, outcome.error_messages()
    themes = dict(catalogue.proposals.values_list("code", "theme__title"))
    assert themes == {"1": "Tema 2: Voksne", "2": "Tema 2: Voksne", "3": "Tema 1"}


def test_a_code_merged_over_a_proposal_and_its_lines_gives_the_lines_their_proposal(catalogue):
    rows = [
        row(code="BFF-3A", theme="Tema 1", title="Færre anbringelser", net=[-3115] * 4),
        row(kind="heraf", code="", theme="", title="Brutto", type_="", phase_in="", net=[-3500] * 4),
        row(kind="heraf", code="", theme="", title="Råderum", type_="", phase_in="", net=[-385] * 4),
    ]
    outcome = import_catalogue_rows(catalogue, workbook(rows, merges=["B2:B4"]), "xlsx", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    proposal = catalogue.proposals.get(code="BFF-3A")
    assert list(proposal.lines.values_list("text", flat=True)) == ["Brutto", "Råderum"]


def test_a_net_amount_merged_across_the_years_is_refused_naming_the_range(catalogue):
    rows = [row(code="1", theme="Tema 1", net=[-1000, "", "", ""]), row(code="2", theme="Tema 1", net=[-5] * 4)]
    (message,) = refused(catalogue, workbook(rows, merges=["G2:J2"]))
    assert message == (
        "Række 2, kolonne «Netto 2024»: Cellerne G2:J2 er flettet hen over kolonnerne «Netto 2024» til «Netto 2027». "
        "Et flettet tal står kun i den første celle, så de andre kolonner (fx de andre år) ville stå tomme. Ophæv "
        "fletningen, og skriv tallet i hver celle."
    )


def test_an_fte_merged_down_over_two_rows_is_refused_naming_the_range(catalogue):
    rows = [row(code="1", theme="Tema 1", net=[-1000] * 4, fte=[2]), row(code="2", theme="Tema 1", net=[-5] * 4)]
    (message,) = refused(catalogue, workbook(rows, merges=["K2:K3"]))
    assert message.startswith("Række 2, kolonne «Årsværk 2024»: Cellerne K2:K3 er flettet over række 2 til 3.")


def test_text_merged_across_columns_is_refused(catalogue):
    rows = [row(code="1", theme="Tema 1", title="En lang titel", type_="", net=[-1000] * 4)]
    (message,) = refused(catalogue, workbook(rows, merges=["D2:E2"]))
    assert message.startswith(
        "Række 2, kolonne «Titel»: Cellerne D2:E2 er flettet hen over kolonnerne «Titel» til «Type». En værdi hører "
        "til én kolonne"
    )


def test_a_merge_into_the_header_row_is_refused(catalogue):
    rows = [row(code="1", theme="Tema 1", net=[-1000] * 4)]
    (message,) = refused(catalogue, workbook(rows, merges=["O1:O2"]))
    assert message.startswith("Række 1, kolonne «Beskrivelse»: Cellerne O1:O2 er flettet ind i kolonneoverskrifterne.")


def test_covered_cells_with_values_of_their_own_are_refused_not_overwritten(catalogue):
    rows = [row(code="1", theme="Tema 1", net=[-1000] * 4), row(code="2", theme="Tema 2", net=[-5] * 4)]
    (message,) = refused(catalogue, merged_over_values(rows, "C2:C3"))
    assert message.startswith("Række 2, kolonne «Tema»: Cellerne C2:C3 er flettet, men de skjulte celler")


def test_every_refused_range_is_named_and_nothing_is_half_read(catalogue):
    rows = [
        row(code="1", theme="Tema 1", net=[-1000, "", "", ""]),
        row(code="2", theme="", net=[-5] * 4),
        row(code="3", theme="Tema 1", net=[-5] * 4, fte=[1]),
        row(code="4", theme="Tema 1", net=[-5] * 4),
    ]
    messages = refused(catalogue, workbook(rows, merges=["G2:J2", "C2:C3", "K4:K5"]))
    assert [m.split(":")[0] for m in messages] == ["Række 2, kolonne «Netto 2024»", "Række 4, kolonne «Årsværk 2024»"]
