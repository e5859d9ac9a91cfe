"""Bad input gets a clear Danish message naming row and column, and nothing is saved."""

import pytest

from proposals.services import import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue
from tests.importing import HEADERS, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue(proposals=2)  # theme "Tema 1", years 2024-2027


def run(catalogue, data, fmt="csv", **kwargs):
    before = catalogue_snapshot(catalogue)
    outcome = import_catalogue_rows(catalogue, data, fmt, dry_run=False, **kwargs)
    assert not outcome.ok and not outcome.committed
    assert catalogue_snapshot(catalogue) == before  # nothing saved
    return outcome.error_messages()


def good(code="1", **kwargs):
    kwargs.setdefault("theme", "Tema 1")
    kwargs.setdefault("net", ["-1.000"] * 4)
    return row(code=code, **kwargs)


def test_unknown_theme_names_it(catalogue):
    (message,) = run(catalogue, csv_bytes([good(theme="Tema 7")]))
    assert message.startswith("Række 2, kolonne «Tema»: Ukendt tema «Tema 7»")
    assert "«Tema 1»" in message


def test_duplicate_codes_in_the_file(catalogue):
    (message,) = run(catalogue, csv_bytes([good("1"), good("2"), good("1")]))
    assert message == ("Række 4, kolonne «Kode»: Koden «1» står allerede i række 2. Hver kode må kun stå én gang.")


def test_missing_year_columns(catalogue):
    headers = [h for h in HEADERS if h not in ("Netto 2026", "Netto 2027")]
    data = csv_bytes([good()[: len(headers)]], headers=headers)
    (message,) = run(catalogue, data)
    assert "Kolonner mangler: Netto 2026, Netto 2027" in message and "2024–2027" in message


def test_year_column_outside_the_catalogue(catalogue):
    headers = [*HEADERS, "Netto 2028"]
    (message,) = run(catalogue, csv_bytes([[*good(), "-1"]], headers=headers))
    assert "«Netto 2028» ligger uden for katalogets år 2024–2027" in message


def test_unknown_column(catalogue):
    (message,) = run(catalogue, csv_bytes([[*good(), "x"]], headers=[*HEADERS, "Beskrivlse"]))
    assert "Ukendt kolonne «Beskrivlse»" in message


def test_text_in_number_cells_names_row_and_column(catalogue):
    rows = [good("1"), good("2", net=["-1.000", "tusind", "-1.000", "12,000"], fte=["to"])]
    messages = run(catalogue, csv_bytes(rows))
    assert messages == [
        "Række 3, kolonne «Netto 2025»: «tusind» er ikke et tal",
        "Række 3, kolonne «Netto 2027»: «12,000» bruger komma som tusindtalsseparator; skriv 12.000",
        "Række 3, kolonne «Årsværk 2024»: «to» er ikke et tal (brug komma som decimaltegn, fx 2,8)",
    ]


def test_unreadable_net_amount_is_reported_once_not_again_as_empty(catalogue):
    messages = run(catalogue, csv_bytes([good(net=["-1.000", "tusind", "-1.000", "-1.000"], fte=["", "2"])]))
    assert messages == ["Række 2, kolonne «Netto 2025»: «tusind» er ikke et tal"]


def test_text_in_number_cells_of_xlsx(catalogue):
    (message,) = run(catalogue, xlsx_bytes([good(net=[-1000, "abc", -1000, -1000])]), "xlsx")
    assert message == "Række 2, kolonne «Netto 2025»: «abc» er ikke et tal"


def test_empty_file(catalogue):
    assert run(catalogue, b"") == ["Filen er tom."]
    assert run(catalogue, b"\xef\xbb\xbf\r\n\r\n") == ["Filen er tom."]


def test_header_only_file(catalogue):
    (message,) = run(catalogue, csv_bytes([]))
    assert "kun overskrifter" in message


def test_wrong_file_type(catalogue):
    (message,) = run(catalogue, xlsx_bytes([good()]), "csv")
    assert "Excel-fil (XLSX), ikke CSV" in message
    (message,) = run(catalogue, csv_bytes([good()]), "xlsx")
    assert "CSV-fil, ikke XLSX" in message
    (message,) = run(catalogue, b"%PDF-1.4 binary", "xlsx")
    assert "ikke en XLSX-fil" in message
    (message,) = run(catalogue, b"data", "pdf")
    assert "Ukendt filformat «pdf»" in message


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Filen er en PDF-fil, ikke en CSV-fil."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Filen er en PNG-fil, ikke en CSV-fil."),
        (
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00",
            "Filen er ikke en CSV-fil (den indeholder binære data).",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Filen er i det gamle Excel-format (.xls)."),
    ],
)
def test_a_file_that_is_not_text_under_a_csv_name(catalogue, data, expected):
    (message,) = run(catalogue, data, "csv")
    assert message.startswith(expected)


def test_excels_sep_hint_line_names_the_delimiter(catalogue):
    data = b"sep=;\r\n" + csv_bytes([good("1"), good("2")])
    outcome = import_catalogue_rows(catalogue, data, "csv", dry_run=True)
    assert outcome.ok, outcome.error_messages()


def test_wrong_encoding(catalogue):
    (message,) = run(catalogue, csv_bytes([good(title="Færre biler")], encoding="utf-16"))
    assert "ikke UTF-8" in message and "CSV UTF-8" in message


def test_line_row_before_its_proposal(catalogue):
    rows = [row(kind="linje", code="1", title="Linje", net=["-1.000"] * 4), good("1")]
    (message,) = run(catalogue, csv_bytes(rows))
    assert message == (
        "Række 2, kolonne «Kode»: Linjen hører til forslag «1», men det forslag står ikke før linjen i filen."
    )


def test_unknown_row_kind(catalogue):
    (message,) = run(catalogue, csv_bytes([good("1"), row(kind="total", code="1", title="I alt")]))
    assert message.startswith("Række 3, kolonne «Række»: Ukendt rækketype «total». Brug «forslag», «linje», «heraf»")


def test_unknown_type_and_yes_no(catalogue):
    messages = run(catalogue, csv_bytes([good(type_="Spar", phase_in="måske")]))
    assert messages == [
        "Række 2, kolonne «Type»: Ukendt type «Spar». Brug en af: Eff, BAO, AM, Eff./BAO, Eff./AM, -.",
        "Række 2, kolonne «Indfasning»: «måske» er hverken «ja» eller «nej».",
    ]


def test_missing_code_and_title(catalogue):
    messages = run(catalogue, csv_bytes([good(code="", title="")]))
    assert messages == ["Række 2, kolonne «Kode»: Koden mangler.", "Række 2, kolonne «Titel»: Titlen mangler."]


def test_fte_without_net_amount(catalogue):
    (message,) = run(catalogue, csv_bytes([good(net=["-1.000", ""], fte=["", "2"])]))
    assert message == "Række 2, kolonne «Årsværk 2025»: Årsværk for 2025 er udfyldt, men «Netto 2025» er tom."
