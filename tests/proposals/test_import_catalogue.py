"""Importing a spreadsheet into a catalogue: create, update by code, dry run, missing proposals."""

from decimal import Decimal

import pytest

from proposals.models import BreakdownLine, Proposal, ProposalYear, Theme
from proposals.selectors import catalogue_overview
from proposals.services import import_catalogue_rows
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def empty_catalogue(**kwargs):
    catalogue = make_catalogue(proposals=0, target=None, **kwargs)
    catalogue.themes.all().delete()  # no themes yet: the import may create them
    return catalogue


def figures(catalogue):
    return {
        r.proposal.code: (dict(r.net), {y: v for y, v in r.fte.items() if v is not None})
        for r in catalogue_overview(catalogue).rows
    }


ROWS = [
    row(code="A-1", theme="Tema 1", title="Første", net=["-1.000", "-1.100", "−1.200", "-1.300"], fte=["-2", "-2,5"]),
    row(kind="linje", code="A-1", title="Besparelse", net=["-1.500", "-1.500", "-1.500", "-1.500"]),
    row(kind="linje", code="A-1", title="Investering", net=["500", "400", "300", "200"]),
    row(kind="heraf", code="A-1", title="Heraf internt", net=["-100", "", "", ""]),
    row(code="A-2", theme="Tema 1", title="Anden", type_="BAO", net=["-300", "-300"]),
    row(code="7", title="Indfasning", type_="-", phase_in="ja", net=["800", "0", "0", "0"]),
]


@pytest.mark.parametrize("make_file", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_import_creates_proposals_years_and_lines(make_file):
    catalogue = empty_catalogue()
    fmt = "csv" if make_file is csv_bytes else "xlsx"
    outcome = import_catalogue_rows(catalogue, make_file(ROWS), fmt, dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert outcome.created == ["A-1", "A-2", "7"] and outcome.committed
    data = figures(catalogue)
    assert data["A-1"] == (
        {2024: -1000, 2025: -1100, 2026: -1200, 2027: -1300},
        {2024: Decimal("-2"), 2025: Decimal("-2.5")},
    )
    # An empty year cell means no figure that year: no ProposalYear row.
    assert data["A-2"] == ({2024: -300, 2025: -300}, {})
    assert not ProposalYear.objects.filter(proposal__code="A-2", year=2026).exists()
    a1 = Proposal.objects.get(catalogue=catalogue, code="A-1")
    lines = list(a1.lines.order_by("position"))
    assert [(ln.text, ln.counts_toward_net) for ln in lines] == [
        ("Besparelse", True),
        ("Investering", True),
        ("Heraf internt", False),
    ]
    assert {y.year: y.amount for y in lines[2].years.all()} == {2024: -100}
    assert a1.theme.title == "Tema 1"
    phase_in = Proposal.objects.get(catalogue=catalogue, code="7")
    assert phase_in.is_phase_in and phase_in.saving_type == "-"
    assert [p.code for p in catalogue.proposals.order_by("position")] == ["A-1", "A-2", "7"]
    assert outcome.balance is not None  # the balance check after import is part of the outcome


def test_amounts_follow_the_catalogues_sign_convention():
    catalogue = empty_catalogue(sign_convention="savings_positive")
    rows = [row(code="1", theme="Tema 1", net=["11.100", "-2.000", "", ""], fte=["2,8"])]
    assert import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False).ok
    # MSO writes a saving of 11.100 as positive; inside it is stored negative.
    assert figures(catalogue)["1"] == ({2024: -11100, 2025: 2000}, {2024: Decimal("-2.8")})


def test_reimport_updates_by_code_and_replaces_lines():
    catalogue = empty_catalogue()
    assert import_catalogue_rows(catalogue, csv_bytes(ROWS), "csv", dry_run=False).ok
    changed = [
        row(code="A-1", theme="Tema 1", title="Første, ny titel", net=["-2.000", "-2.000", "-2.000", "-2.000"]),
        row(kind="linje", code="A-1", title="Kun én linje", net=["-2.000", "-2.000", "-2.000", "-2.000"]),
        *ROWS[4:],
    ]
    outcome = import_catalogue_rows(catalogue, csv_bytes(changed), "csv", dry_run=False)
    assert outcome.ok
    assert (outcome.created, outcome.updated, outcome.unchanged) == ([], ["A-1"], ["A-2", "7"])
    assert catalogue.proposals.count() == 3
    a1 = catalogue.proposals.get(code="A-1")
    assert a1.title == "Første, ny titel"
    assert list(a1.lines.values_list("text", flat=True)) == ["Kun én linje"]
    assert BreakdownLine.objects.filter(proposal__catalogue=catalogue).count() == 1
    assert figures(catalogue)["A-1"] == ({y: -2000 for y in (2024, 2025, 2026, 2027)}, {})


def test_reimport_of_the_same_file_writes_nothing():
    catalogue = empty_catalogue()
    assert import_catalogue_rows(catalogue, csv_bytes(ROWS), "csv", dry_run=False).ok
    year_ids = set(ProposalYear.objects.values_list("id", flat=True))
    outcome = import_catalogue_rows(catalogue, csv_bytes(ROWS), "csv", dry_run=False)
    assert outcome.unchanged == ["A-1", "A-2", "7"] and not outcome.changed
    assert set(ProposalYear.objects.values_list("id", flat=True)) == year_ids


def test_dry_run_previews_and_keeps_nothing():
    catalogue = empty_catalogue()
    outcome = import_catalogue_rows(catalogue, csv_bytes(ROWS), "csv", dry_run=True)
    assert outcome.ok and outcome.dry_run and not outcome.committed
    assert outcome.created == ["A-1", "A-2", "7"]
    assert outcome.new_themes == ["Tema 1"]
    assert catalogue.proposals.count() == 0 and Theme.objects.filter(catalogue=catalogue).count() == 0
    assert any("Prøvekørsel" in line for line in outcome.summary_lines())


def test_dry_run_shows_the_balance_after_import():
    catalogue = make_catalogue(proposals=2, amount=-1000)  # target -2000 each year
    rows = [
        row(
            code="1",
            theme="Tema 1",
            title="Forslag 1",
            text="Beskrivelse af forslag 1",
            net=["-1.000"] * 4,
            fte=["1,5"] * 4,
        ),
        row(
            code="2",
            theme="Tema 1",
            title="Forslag 2",
            text="Beskrivelse af forslag 2",
            net=["-1.250", "-1.000", "-1.000", "-1.000"],
            fte=["1,5"] * 4,
        ),
    ]
    outcome = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=True)
    assert outcome.ok and outcome.updated == ["2"]
    (message,) = outcome.balance.messages()
    assert "2024" in message and "-2.250" in message
    assert catalogue.proposals.get(code="2").years.get(year=2024).net_amount == -1000


def test_missing_proposals_are_reported_and_kept_unless_asked():
    catalogue = make_catalogue(proposals=3)
    rows = [row(code="1", theme="Tema 1", net=["-1.000"] * 4, fte=["1,5"] * 4)]
    outcome = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False)
    assert outcome.ok and outcome.missing == ["2", "3"] and outcome.deleted == []
    assert catalogue.proposals.count() == 3
    assert any("bevares" in line and "2, 3" in line for line in outcome.summary_lines())
    outcome = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False, delete_missing=True)
    assert outcome.deleted == ["2", "3"]
    assert list(catalogue.proposals.values_list("code", flat=True)) == ["1"]


def test_unknown_theme_is_created_only_when_allowed():
    catalogue = make_catalogue(proposals=0, target=None)  # has "Tema 1"
    rows = [row(code="9", theme="Tema 9", net=["-1"] * 4)]
    refused = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False)
    assert not refused.ok
    allowed = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False, create_themes=True)
    assert allowed.ok and allowed.new_themes == ["Tema 9"]
    assert catalogue.proposals.get(code="9").theme.title == "Tema 9"


@pytest.mark.parametrize(
    "encoding,delimiter",
    [("utf-8", ";"), ("utf-8-sig", ";"), ("utf-8-sig", ","), ("cp1252", ";")],
)
def test_csv_encodings_and_separators(encoding, delimiter):
    catalogue = empty_catalogue()
    rows = [row(code="Æ-1", theme="Børn og ældre", title="Færre biler", net=["-1.100", "", "", ""], fte=["-2,8"])]
    outcome = import_catalogue_rows(
        catalogue, csv_bytes(rows, delimiter=delimiter, encoding=encoding), "csv", dry_run=False
    )
    assert outcome.ok, outcome.error_messages()
    proposal = catalogue.proposals.get()
    assert (proposal.code, proposal.title, proposal.theme.title) == ("Æ-1", "Færre biler", "Børn og ældre")
    assert figures(catalogue)["Æ-1"] == ({2024: -1100}, {2024: Decimal("-2.8")})
    assert bool(outcome.warnings) == (encoding == "cp1252")


def test_xlsx_numeric_cells_are_accepted():
    catalogue = empty_catalogue()
    rows = [row(code=12, theme="T", net=[-1100, -1960.0, "", ""], fte=[2.8, -0.5])]
    outcome = import_catalogue_rows(catalogue, xlsx_bytes(rows), "xlsx", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert figures(catalogue)["12"] == ({2024: -1100, 2025: -1960}, {2024: Decimal("2.8"), 2025: Decimal("-0.5")})


def test_the_documented_example_imports():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    catalogue = empty_catalogue()
    outcome = import_catalogue_rows(catalogue, example.encode("utf-8"), "csv", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert outcome.created == ["JUS-1", "BFF-3A"]
    assert figures(catalogue)["JUS-1"][0] == {2024: -550, 2025: -350, 2026: -550, 2027: -650}
