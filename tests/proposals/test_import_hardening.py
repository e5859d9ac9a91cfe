"""Files that used to be accepted while losing or inventing data are refused, naming row and
column, and the catalogue stays as it was: formula cells without a stored result, a wrong
XLSX <dimension>, broken CSV quoting, over-long cells, control characters, huge FTE."""

import io
import re
import zipfile

import pytest

from proposals.services import import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from proposals.spreadsheets.csv_file import CSV_FIELD_LIMIT
from tests.factories import make_catalogue
from tests.importing import HEADERS, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue(proposals=2)  # proposals "1" and "2", theme "Tema 1", years 2024-2027


def refused(catalogue, data, fmt="csv", **kwargs):
    before = catalogue_snapshot(catalogue)
    outcome = import_catalogue_rows(catalogue, data, fmt, dry_run=False, **kwargs)
    assert not outcome.ok and not outcome.committed
    assert catalogue_snapshot(catalogue) == before  # nothing saved, the report is unchanged
    return outcome.error_messages()


def good(code="1", **kwargs):
    kwargs.setdefault("theme", "Tema 1")
    kwargs.setdefault("net", ["-1.000"] * 4)
    return row(code=code, **kwargs)


def column_letter(header):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[HEADERS.index(header)]


def patch_sheet(data, patch):
    """The XLSX ``data`` with its first sheet's XML passed through ``patch`` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = patch(content)
            target.writestr(item, content)
    return out.getvalue()


def set_cached_value(data, cell, value, string=False):
    """Give formula cell ``cell`` (e.g. "H2") a stored result, as Excel saves it."""

    def patch(xml):
        pattern = rb'<c r="' + cell.encode() + rb'"([^>]*)>(<f>.*?</f>)<v\s*/>'
        kind = b' t="str"' if string else b""
        new, count = re.subn(pattern, b'<c r="' + cell.encode() + b'"' + kind + rb"\1>\2<v>" + value + b"</v>", xml)
        assert count == 1, xml
        return new

    return patch_sheet(data, patch)


# --------------------------------------------------------------------------- formula cells


def test_formula_without_a_stored_result_is_refused_not_read_as_empty(catalogue):
    # Re-importing proposal 1 with a formula in "Netto 2025" used to delete that year's figure.
    data = xlsx_bytes([good("1", net=[-1000, "=2*1000", -1000, -1000]), good("2", net=[-1000] * 4)])
    assert "<f>2*1000</f>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    (message,) = refused(catalogue, data, "xlsx")
    assert message.startswith(
        "Række 2, kolonne «Netto 2025»: Cellen indeholder formlen «=2*1000» uden et gemt resultat"
    )


def test_formula_in_the_title_names_the_formula_not_a_missing_title(catalogue):
    data = xlsx_bytes([good("1", title='=CONCATENATE("Fors";"lag")', net=[-1000] * 4)])
    (message,) = refused(catalogue, data, "xlsx")
    assert message.startswith('Række 2, kolonne «Titel»: Cellen indeholder formlen «=CONCATENATE("Fors";"lag")»')
    assert "Titlen mangler" not in message


def test_formula_in_a_header_cell_is_refused(catalogue):
    headers = ['="Kode"' if h == "Kode" else h for h in HEADERS]
    (message,) = refused(catalogue, xlsx_bytes([good(net=[-1000] * 4)], headers=headers), "xlsx")
    assert message.startswith('Række 1, kolonne «(kolonne 2)»: Cellen indeholder formlen «="Kode"»')


def test_formula_with_a_stored_result_uses_the_result(catalogue):
    data = xlsx_bytes([good("1", title='="Ny "&"titel"', net=[-1000, "=-2*1000", -1000, -1000])])
    data = set_cached_value(data, f"{column_letter('Netto 2025')}2", b"-2000")
    data = set_cached_value(data, f"{column_letter('Titel')}2", b"Ny titel", string=True)
    outcome = import_catalogue_rows(catalogue, data, "xlsx", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    proposal = catalogue.proposals.get(code="1")
    assert proposal.title == "Ny titel"
    assert proposal.years.get(year=2025).net_amount == -2000


def test_a_text_cell_that_starts_with_equals_is_text(catalogue):
    data = xlsx_bytes([good("1", title="=ikke en formel", net=[-1000] * 4)])
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    workbook.active["D2"].data_type = "s"  # a text cell, as Excel writes '=ikke en formel
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = import_catalogue_rows(catalogue, buffer.getvalue(), "xlsx", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert catalogue.proposals.get(code="1").title == "=ikke en formel"


# --------------------------------------------------------------------------- XLSX dimension


def wrong_dimension(data, ref=b"A1:X3"):
    def patch(xml):
        new, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="' + ref + b'"/>', xml)
        assert count == 1
        return new

    return patch_sheet(data, patch)


def test_every_row_is_read_whatever_the_dimension_element_claims(catalogue):
    rows = [good(str(code), net=[-1000] * 4) for code in range(1, 9)]  # the header and 8 rows: 9 rows
    data = wrong_dimension(xlsx_bytes(rows))
    outcome = import_catalogue_rows(catalogue, data, "xlsx", dry_run=True, delete_missing=True)
    assert outcome.ok, outcome.error_messages()
    assert outcome.created == ["3", "4", "5", "6", "7", "8"]
    assert outcome.deleted == [] and outcome.missing == []
    outcome = import_catalogue_rows(catalogue, data, "xlsx", dry_run=False, delete_missing=True)
    assert outcome.ok and catalogue.proposals.count() == 8


def test_a_dimension_narrower_than_the_columns_loses_no_column(catalogue):
    data = wrong_dimension(xlsx_bytes([good("1", net=[-1000, -1000, -1000, -7000])]), ref=b"A1:C2")
    outcome = import_catalogue_rows(catalogue, data, "xlsx", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert catalogue.proposals.get(code="1").years.get(year=2027).net_amount == -7000


def test_a_bad_cell_beyond_the_claimed_dimension_is_found(catalogue):
    rows = [good(str(code), net=[-1000] * 4) for code in range(1, 9)] + [good("9", net=["x"])]
    (message,) = refused(catalogue, wrong_dimension(xlsx_bytes(rows)), "xlsx")
    assert message == "Række 10, kolonne «Netto 2024»: «x» er ikke et tal"


# --------------------------------------------------------------------------- CSV quoting


def csv_text(*lines):
    return ("\r\n".join([";".join(HEADERS), *lines]) + "\r\n").encode("utf-8")


UNCLOSED = 'forslag;99;;"Uafsluttet citat;Eff;nej;1;1;1;1'


def test_a_quote_never_closed_in_the_last_row(catalogue):
    (message,) = refused(catalogue, csv_text("forslag;1;Tema 1;Forslag;Eff;nej;1;1;1;1", UNCLOSED))
    assert message.startswith('Række 3, kolonne «Titel»: Cellen begynder med et citationstegn ("), som aldrig lukkes')
    assert not catalogue.proposals.filter(code="99").exists()


def test_a_quote_never_closed_swallows_no_rows(catalogue):
    following = [f"forslag;{code};Tema 1;Forslag {code};Eff;nej;1;1;1;1" for code in range(3, 9)]
    (message,) = refused(catalogue, csv_text("forslag;1;Tema 1;Forslag;Eff;nej;1;1;1;1", UNCLOSED, *following))
    assert message.startswith("Række 3, kolonne «Titel»: Cellen begynder med et citationstegn")


def test_a_quote_closed_only_rows_later_is_refused_at_the_row_where_it_opened(catalogue):
    rows = [
        "forslag;1;Tema 1;Forslag;Eff;nej;1;1;1;1",
        'forslag;2;Tema 1;"Åbent citat;Eff;nej;1;1;1;1',
        "forslag;3;Tema 1;Forslag 3;Eff;nej;1;1;1;1",
        'forslag;4;Tema 1;Slut på citatet";Eff;nej;1;1;1;1',
    ]
    (message,) = refused(catalogue, csv_text(*rows))
    assert message.startswith("Række 3, kolonne «Titel»: Cellen begynder med et citationstegn")
    assert "lukkes i en senere række" in message


def test_text_after_a_closing_quote(catalogue):
    (message,) = refused(catalogue, csv_text('forslag;1;Tema 1;"Forslag" med mere;Eff;nej;1;1;1;1'))
    assert message.startswith('Række 2, kolonne «Titel»: Der står tekst efter det citationstegn (")')


def test_a_quoted_cell_with_line_breaks_is_still_fine(catalogue):
    data = csv_text('forslag;1;Tema 1;Forslag;Eff;nej;1;1;1;1;;;;;"Første linje\r\nAnden; linje\r\n""citat"""')
    outcome = import_catalogue_rows(catalogue, data, "csv", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert catalogue.proposals.get(code="1").description == 'Første linje\r\nAnden; linje\r\n"citat"'


# --------------------------------------------------------------------------- limits


def test_a_cell_over_the_csv_field_limit(catalogue):
    long_text = "x" * (CSV_FIELD_LIMIT + 1)
    (message,) = refused(catalogue, csv_bytes([good(net=["-1.000"] * 4, text=long_text)]))
    assert message == (
        "Række 2, kolonne «Beskrivelse»: Cellen er for lang: en celle i en CSV-fil må højst have 131.072 tegn."
    )


def test_an_unclosed_quote_in_a_large_file_is_not_called_a_long_cell(catalogue):
    following = [f"forslag;{code};Tema 1;Forslag {code};Eff;nej;1;1;1;1" for code in range(3, 6000)]
    (message,) = refused(catalogue, csv_text("forslag;1;Tema 1;Forslag;Eff;nej;1;1;1;1", UNCLOSED, *following))
    assert message.startswith("Række 3, kolonne «Titel»: Cellen begynder med et citationstegn")


@pytest.mark.parametrize("padding", [0, 2000], ids=["near-the-top", "after-the-first-kilobyte"])
def test_a_nul_byte_names_row_and_column(catalogue, padding):
    rows = [good("1", text="x" * padding), good("2", title="Forslag\x00 2")]
    (message,) = refused(catalogue, csv_bytes(rows))
    assert message.startswith("Række 3, kolonne «Titel»: Cellen indeholder et ugyldigt kontroltegn (tegnkode 0")


@pytest.mark.parametrize(
    "fmt, value, shown",
    [
        ("csv", "1.234.567", "1.234.567"),
        ("csv", "1000000", "1.000.000"),
        ("xlsx", 10**7, "10.000.000"),
        ("xlsx", 1e20, "100.000.000.000.000.000.000"),
    ],
)
def test_a_very_large_fte_number_is_too_large_not_too_many_decimals(catalogue, fmt, value, shown):
    make = csv_bytes if fmt == "csv" else xlsx_bytes
    net = ["-1.000"] * 4 if fmt == "csv" else [-1000] * 4
    (message,) = refused(catalogue, make([good("1", net=net, fte=["", value])]), fmt)
    assert message == f"Række 2, kolonne «Årsværk 2025»: «{shown}» er for stort (højst 6 cifre før kommaet)"


def test_the_largest_fte_the_field_holds_is_accepted(catalogue):
    outcome = import_catalogue_rows(
        catalogue, csv_bytes([good("1", fte=["999.999,99", "-999.999,99"])]), "csv", dry_run=False
    )
    assert outcome.ok, outcome.error_messages()
    assert str(catalogue.proposals.get(code="1").years.get(year=2025).fte) == "-999999.99"


def test_a_missing_code_column_gets_no_year_column_hint(catalogue):
    headers = [h for h in HEADERS if h != "Kode"]
    rows = [[v for h, v in zip(HEADERS, good(), strict=True) if h != "Kode"]]
    (message,) = refused(catalogue, csv_bytes(rows, headers=headers))
    assert message == "Kolonner mangler: Kode."


# --------------------------------------------------------------------------- the export's apostrophe


def test_the_importer_removes_the_exports_apostrophe_and_nothing_else(catalogue):
    titles = {"1": "'=SUM(A1)", "3": "'-2+3", "4": "'@navn", "5": "'Tis", "6": "''=x", "7": "'+45"}
    rows = [good(code, title=title) for code, title in titles.items()]
    outcome = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    stored = dict(catalogue.proposals.values_list("code", "title"))
    assert {code: stored[code] for code in titles} == {
        "1": "=SUM(A1)",
        "3": "-2+3",
        "4": "@navn",
        "5": "'Tis",
        "6": "'=x",
        "7": "+45",
    }
