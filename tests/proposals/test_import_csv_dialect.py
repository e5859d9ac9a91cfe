"""Issue 25, finding 1 (CSV): a comma-separated file whose decimal commas are not quoted splits
every such number in two and moves the rest of the row a column (FTE -1,5 read as -1, the 5 in
the next column, a footnote column given a figure). It is refused, naming the row and the
column where the split begins; quoted, or separated by semicolons, the same figures are read
exactly."""

from decimal import Decimal

import pytest

from proposals.services import import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue
from tests.importing import HEADERS

pytestmark = pytest.mark.django_db

COLUMNS = [*HEADERS, "Fodnote"]  # Beskrivelse, then Fodnote last (as an export has text columns after the years)


@pytest.fixture
def catalogue():
    return make_catalogue(proposals=2)  # proposals "1" and "2", theme "Tema 1", years 2024-2027


def comma_file(*lines):
    return ("\r\n".join([",".join(COLUMNS), *lines]) + "\r\n").encode("utf-8")


def test_unquoted_decimal_commas_in_a_comma_file_are_refused_naming_row_and_column(catalogue):
    before = catalogue_snapshot(catalogue)
    data = comma_file(
        "forslag,1,Tema 1,Forslag 1,Eff,nej,-1.000,-1.000,-1.000,-1.000,2,2,2,2,Beskrivelse,",
        # FTE -1,5 in 2024 unquoted: 17 cells under 16 headers, the footnote would become "-2".
        "forslag,2,Tema 1,Forslag 2,Eff,nej,-1.000,-1.000,-1.000,-1.000,-1,5,-2,-2,-2,Beskrivelse,",
    )
    outcome = import_catalogue_rows(catalogue, data, "csv", dry_run=False)
    assert outcome.error_messages() == [
        "Række 3, kolonne «Årsværk 2024»: Rækken har 17 celler, men der er 16 kolonneoverskrifter. Filen er "
        "kommasepareret, og tallet «-1,5» med decimalkomma står uden citationstegn, så det er delt i to celler, og "
        "cellerne efter det er rykket en kolonne. Gem filen med semikolon som skilletegn (Excels «CSV "
        "(semikolonsepareret)»), eller sæt citationstegn om tal med komma."
    ]
    assert catalogue_snapshot(catalogue) == before


def test_the_same_figures_quoted_or_semicolon_separated_are_read_exactly(catalogue):
    quoted = comma_file('forslag,2,Tema 1,Forslag 2,Eff,nej,-1.000,-1.000,-1.000,-1.000,"-1,5",-2,-2,-2,,Note')
    outcome = import_catalogue_rows(catalogue, quoted, "csv", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    proposal = catalogue.proposals.get(code="2")
    assert proposal.years.get(year=2024).fte == Decimal("-1.5") and proposal.footnote == "Note"
    semicolons = (
        ";".join(COLUMNS)
        + "\r\n"
        + "forslag;2;Tema 1;Forslag 2;Eff;nej;-1.000;-1.000;-1.000;-1.000;-2,5;-2;-2;-2;;Note\r\n"
    ).encode()
    outcome = import_catalogue_rows(catalogue, semicolons, "csv", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert catalogue.proposals.get(code="2").years.get(year=2024).fte == Decimal("-2.5")


def test_a_comma_file_with_whole_numbers_is_read_as_before(catalogue):
    data = comma_file("forslag,2,Tema 1,Forslag 2,Eff,nej,-1.000,-1.000,-1.000,-1.000,-1,-2,-2,-2,,Note")
    outcome = import_catalogue_rows(catalogue, data, "csv", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert catalogue.proposals.get(code="2").years.get(year=2024).fte == Decimal("-1")
