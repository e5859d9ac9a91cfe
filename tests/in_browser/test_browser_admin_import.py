"""Real Chromium takes two spreadsheets through the admin's import, as an administrator would:
a hostile one (a totals row, and a net amount merged across the years) is refused with messages
naming row and column, nothing saved; a good one whose first sheet is hidden with old figures is
previewed from the visible sheet (the preview says which) and, once confirmed, imported."""

import io

import pytest
from openpyxl import Workbook

from proposals.snapshots import catalogue_snapshot
from tests.browser import expect, shot
from tests.factories import make_catalogue
from tests.importing import HEADERS, csv_bytes, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, live_server, catalogue, path, fmt):
    page.goto(f"{live_server.url}/admin/proposals/proposal/import/?catalogue={catalogue.pk}")
    page.locator("#id_import_file").set_input_files(str(path))
    page.locator("#id_format").select_option(label=fmt)
    with page.expect_navigation():
        page.locator("input[type=submit][value='Prøvekør importen']").click()


def good_workbook():
    workbook = Workbook()
    old = workbook.active
    old.title = "Gammel"
    old.append(HEADERS)
    old.append(row(code="1", theme="Tema 1", title="Gammel titel", net=[-9999] * 4))
    old.sheet_state = "hidden"
    sheet = workbook.create_sheet("Forslag")
    sheet.append(HEADERS)
    sheet.append(row(code="1", theme="Tema 1", title="Færre vikarer", net=[-1500] * 4, fte=[-2] * 4))
    sheet.append(row(code="4", theme="", title="Ny indkøbsaftale", net=[-500] * 4))
    sheet.merge_cells("C2:C3")  # the theme merged down over both proposals
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_hostile_file_is_refused_and_a_good_one_previewed_and_imported(admin_page, live_server, tmp_path):
    catalogue = make_catalogue(proposals=3)
    page = admin_page
    before = catalogue_snapshot(catalogue)

    hostile = tmp_path / "med-sumrække.csv"
    hostile.write_bytes(
        csv_bytes(
            [
                row(code="1", theme="Tema 1", net=["-1.000"] * 4),
                row(code="2", theme="Tema 1", net=["-1.000"] * 4),
                row(code="99", theme="", title="I alt", net=["-2.000"] * 4),
            ]
        )
    )
    upload(page, live_server, catalogue, hostile, "csv")
    errors = page.locator(".import-outcome .errorlist li")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("Række 4, kolonne «Titel»: «I alt» er en sumrække, ikke et forslag")
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    shot(page, "admin-import-refused-totals-row")
    assert catalogue_snapshot(catalogue) == before

    good = tmp_path / "katalog.xlsx"
    good.write_bytes(good_workbook())
    upload(page, live_server, catalogue, good, "xlsx")
    outcome = page.locator(".import-outcome")
    expect(outcome).to_contain_text("Læst: arket «Forslag», kolonneoverskrifter i række 1.")
    expect(outcome).to_contain_text("Skjulte ark er ikke læst: «Gammel».")
    expect(outcome).to_contain_text("Nye forslag (1): 4")
    expect(page.locator("table.app-import-preview")).to_contain_text("Færre vikarer")
    shot(page, "admin-import-preview-visible-sheet")
    assert catalogue_snapshot(catalogue) == before  # the preview wrote nothing

    with page.expect_navigation():
        page.locator("input[name=confirm]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Importeret i «")
    shot(page, "admin-import-confirmed")
    first = catalogue.proposals.get(code="1")
    assert (first.title, first.years.get(year=2024).net_amount) == ("Færre vikarer", -1500)
    assert catalogue.proposals.get(code="4").theme.title == "Tema 1"  # the merged theme, both rows


def test_a_new_catalogue_from_a_file_with_its_header_block(admin_page, live_server, tmp_path):
    from proposals.models import Catalogue
    from tests.factories import make_department

    make_department("MSB", name="Sociale Forhold og Beskæftigelse")
    block = [
        ["Magistratsafdeling", "MSB"],
        ["År", "2024-2027"],
        ["Fortegn", "Besparelser negative"],
        ["Måltal 2024", "-2.000"],
    ]
    lines = [";".join(cells) for cells in block] + ["", ";".join(HEADERS)]
    lines += [";".join(row(code=str(i), theme="Tema 1", net=["-1.000"] * 4)) for i in (1, 2)]
    path = tmp_path / "nyt-katalog.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    page = admin_page
    page.goto(f"{live_server.url}/admin/proposals/catalogue/")
    with page.expect_navigation():
        page.get_by_role("link", name="Opret katalog fra fil").click()
    page.locator("#id_import_file").set_input_files(str(path))
    page.locator("#id_slug").fill("msb-fra-fil")
    page.locator("#id_title").fill("Katalog fra en fil")
    shot(page, "admin-create-from-file-form")
    with page.expect_navigation():
        page.locator("input[type=submit][value='Prøvekør']").click()
    expect(page.locator("#content-main")).to_contain_text(
        "Nyt katalog «Katalog fra en fil» (msb-fra-fil): MSB, 2024–2027, besparelser negative"
    )
    expect(page.locator("#content-main")).to_contain_text("Katalogoplysninger i række 1–4.")
    shot(page, "admin-create-from-file-preview")
    assert not Catalogue.objects.filter(slug="msb-fra-fil").exists()
    with page.expect_navigation():
        page.locator("input[name=confirm]").click()
    expect(page.locator("#content-main")).to_contain_text("Importen er gemt.")
    shot(page, "admin-create-from-file-done")
    catalogue = Catalogue.objects.get(slug="msb-fra-fil")
    assert catalogue.proposals.count() == 2 and catalogue.year_rows.get(year=2024).target == -2000
