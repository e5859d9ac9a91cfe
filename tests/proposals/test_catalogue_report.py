"""manage.py catalogue_report: text, CSV and JSON output in the catalogue's own
convention, balance messages, exit status, --list and unknown catalogues."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.overview_examples import make_msb_like, make_mso_000

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("catalogue_report", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("catalogue_report", *args, stdout=out, stderr=err, **options)
    return exc.value, out.getvalue(), err.getvalue()


def test_text_report_of_a_balanced_catalogue():
    make_mso_000()
    out, _err = run("mso-velfaerdspuljen")
    assert "Omprioriteringer til Velfærdspuljen i Sundhed og Omsorg (mso-velfaerdspuljen)" in out
    assert "Magistratsafdeling: MSO – Sundhed og Omsorg" in out
    assert "Sektor: 3.31 Foranstaltninger ældre og handicappede" in out
    assert "Fortegn: Besparelser er angivet med positivt fortegn" in out
    assert "Økonomiske konsekvenser og personaleændringer 2024-2027 (2024-PL i 1.000 kr.)" in out
    lines = out.splitlines()
    digital = next(line for line in lines if line.startswith("3. "))
    assert digital.split()[-5:] == ["-1.960", "1.400", "1.400", "1.400", "Eff"]
    total = next(line for line in lines if line.startswith("Nettoændringer i driftsudgifter i alt"))
    assert total.split()[-4:] == ["17.700"] * 4
    target = next(line for line in lines if line.startswith("Måltal"))
    assert target.split()[-4:] == ["17.700"] * 4
    fte = next(line for line in lines if line.startswith("Personaleændringer i alt, oplyst"))
    assert fte.split()[-4:] == ["0", "2,8", "2,8", "2,8"]
    assert lines[-1] == "Kataloget balancerer."


def test_text_report_by_id_with_themes():
    catalogue = make_msb_like()
    out, _err = run(str(catalogue.pk))
    assert "-- Tema 1: Børn og unge" in out
    assert out.index("-- Tema 1: Børn og unge") < out.index("Tema 1, BFF-1  Internt MSB-råderum")
    assert out.index("-- Tema 2: Voksne") < out.index("Tema 2, V-1")
    fte = next(line for line in out.splitlines() if line.startswith("Personaleændringer (årsværk)"))
    assert fte.split()[-4:] == ["-3,5"] * 4


def test_unbalanced_catalogue_exits_1_with_every_message():
    make_mso_000(slug="skaev", change=("3.", 2025, 1500))
    error, out, _err = run_failing("skaev")
    assert error.returncode == 1
    assert "Kataloget balancerer ikke (1 afvigelse)." in str(error)
    assert "Kataloget balancerer ikke:" in out
    assert "- 2025: forslagene summerer til 17.800, men måltallet er 17.700 (forskel +100)." in out
    difference = next(line for line in out.splitlines() if line.startswith("Difference"))
    assert difference.split()[-4:] == ["0", "+100", "0", "0"]


def test_csv_report():
    make_mso_000()
    out, err = run("mso-velfaerdspuljen", format="csv")
    rows = list(csv.reader(io.StringIO(out), delimiter=";"))
    assert rows[0] == ["Nr.", "Forslag", "Tema", "2024", "2025", "2026", "2027", "Type"]
    assert rows[3] == ["3.", "Digitaliseringsindsatser", "", "-1.960", "1.400", "1.400", "1.400", "Eff"]
    summary = {r[1]: r[3:7] for r in rows[8:]}
    assert summary["Nettoændringer i driftsudgifter i alt"] == ["17.700"] * 4
    assert summary["Difference"] == ["0"] * 4
    assert summary["Personaleændringer i alt, oplyst (årsværk)"] == ["0", "2,8", "2,8", "2,8"]
    assert err == ""


def test_csv_report_of_unbalanced_catalogue_puts_messages_on_stderr():
    make_mso_000(slug="skaev", change=("1.", 2024, 11000))
    error, out, err = run_failing("skaev", format="csv")
    assert error.returncode == 1
    assert "2024: forslagene summerer til 17.600, men måltallet er 17.700 (forskel -100)." in err
    rows = list(csv.reader(io.StringIO(out), delimiter=";"))
    assert {r[1]: r[3] for r in rows[8:]}["Difference"] == "-100"


def test_json_report_has_plain_numbers_and_sign_convention():
    make_mso_000()
    out, _err = run("mso-velfaerdspuljen", format="json")
    data = json.loads(out)
    assert data["sign_convention"] == "savings_positive"
    assert data["years"] == [2024, 2025, 2026, 2027]
    assert data["catalogue"]["slug"] == "mso-velfaerdspuljen"
    assert data["catalogue"]["department"] == "MSO"
    digital = next(p for p in data["proposals"] if p["code"] == "3.")
    assert digital["net"] == {"2024": -1960, "2025": 1400, "2026": 1400, "2027": 1400}
    assert digital["fte"] == {"2024": None, "2025": None, "2026": None, "2027": None}
    phase_in = next(p for p in data["proposals"] if p["code"] == "7.")
    assert phase_in["phase_in"] is True and phase_in["type"] == "-"
    assert data["totals"] == {"2024": 17700, "2025": 17700, "2026": 17700, "2027": 17700}
    assert data["targets"] == data["totals"]
    assert data["differences"] == {"2024": 0, "2025": 0, "2026": 0, "2027": 0}
    assert data["stated_fte_totals"] == {"2024": 0, "2025": 2.8, "2026": 2.8, "2027": 2.8}
    assert data["fte_totals"] is None  # MSO states no FTE per proposal
    assert data["balanced"] is True and data["messages"] == []


def test_json_report_of_unbalanced_savings_negative_catalogue():
    catalogue = make_msb_like()
    catalogue.year_rows.filter(year=2026).update(target=-3000)
    error, out, _err = run_failing(catalogue.slug, format="json")
    assert error.returncode == 1
    data = json.loads(out)
    assert data["sign_convention"] == "savings_negative"
    assert data["totals"]["2026"] == -3665
    assert data["differences"]["2026"] == -665
    assert data["fte_totals"] == {"2024": -3.5, "2025": -3.5, "2026": -3.5, "2027": -3.5}
    assert data["balanced"] is False
    assert data["messages"] == ["2026: forslagene summerer til -3.665, men måltallet er -3.000 (forskel -665)."]


def test_list_prints_every_slug_and_title():
    make_mso_000()
    make_msb_like()
    out, _err = run(list=True)
    assert out.splitlines() == [
        "msb-katalog\tOmprioriteringskatalog 2024-2027",
        "mso-velfaerdspuljen\tOmprioriteringer til Velfærdspuljen i Sundhed og Omsorg",
    ]


def test_unknown_catalogue_is_a_clear_error():
    error, out, _err = run_failing("findes-ikke")
    assert error.returncode == 2
    assert str(error) == "Kataloget «findes-ikke» findes ikke. Brug --list for at se alle kataloger."
    assert out == ""
    error, _out, _err = run_failing("424242")
    assert "«424242» findes ikke" in str(error)


def test_missing_argument_is_a_clear_error():
    error, _out, _err = run_failing()
    assert error.returncode == 2
    assert "Angiv et katalog" in str(error)


def test_unknown_format_is_rejected():
    make_mso_000()
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("catalogue_report", "mso-velfaerdspuljen", "--format=xml")
    error, out, _err = run_failing("mso-velfaerdspuljen", format="xml")
    assert error.returncode == 2
    assert str(error) == "Ukendt format «xml»; brug text, csv eller json."


@pytest.mark.django_db(transaction=True)
def test_exit_status_from_the_command_line(tmp_path):
    """The real process exit status (manage.py), on a database file of its own."""
    db = tmp_path / "report.sqlite3"
    manage = Path(__file__).resolve().parent.parent.parent / "manage.py"
    # Outside DEBUG the settings want a secret key (any, for a command on a throw-away database).
    env = {"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin", "SECRET_KEY": "catalogue-report-test"}

    def manage_py(*args):
        return subprocess.run(
            [sys.executable, str(manage), *args], capture_output=True, text=True, env=env, timeout=120
        )

    script = (  # the database in the same process as the data (each process start costs seconds)
        "from django.core.management import call_command;"
        "call_command('migrate', interactive=False, verbosity=0);"
        "from tests.overview_examples import make_mso_000;"
        "make_mso_000(); make_mso_000(slug='skaev', change=('3.', 2025, 1500))"
    )
    prepared = manage_py("shell", "-c", script)
    assert prepared.returncode == 0, prepared.stderr
    ok = manage_py("catalogue_report", "mso-velfaerdspuljen")
    assert ok.returncode == 0, ok.stderr
    bad = manage_py("catalogue_report", "skaev")
    assert bad.returncode == 1
    assert "Kataloget balancerer ikke (1 afvigelse)." in bad.stderr
    unknown = manage_py("catalogue_report", "nej")
    assert unknown.returncode == 2
    assert "Kataloget «nej» findes ikke." in unknown.stderr


def test_json_report_carries_lines_of_which_lines_and_flags():
    call_command("load_seed_catalogues", stdout=io.StringIO())
    out, _err = run("msb-omprioriteringskatalog-2024-2027", format="json")
    data = json.loads(out)
    proposals = {p["code"]: p for p in data["proposals"]}
    jus = proposals["JUS-1"]
    assert [line["text"] for line in jus["lines"]] == [
        "Ophør af kommunalt tilskud til Natcafeen",
        "Housing First opgaver i regi af Kirkens Korshær",
    ]
    assert jus["lines"][1]["amounts"] == {"2024": 450, "2025": 650, "2026": 450, "2027": 350}
    assert jus["of_which"] == []
    bff = proposals["BFF-3A"]
    assert bff["lines"] == []
    assert [(line["text"], list(line["amounts"].values())) for line in bff["of_which"]] == [
        ("Færre eksterne anbringelser", [-3500, -3500, -4000, -4000]),
        ("Internt MSB-råderum", [-385, -285, -1335, -1635]),
    ]
    # Yes/no flags as the document states them; None where it says nothing.
    assert proposals["VJH-5"]["reduces_service"] is True
    assert proposals["BFF-1"]["reduces_service"] is None
    assert set(proposals["BFF-1"]) >= {"reduces_service", "from_innovation_proposal", "phase_in", "type"}


def test_csv_report_quotes_every_cell_that_needs_it_and_writes_no_formula():
    # Issue 25, finding 6: "Tema\r=1+1" written unquoted broke the row, and the next line started
    # with a formula. Every CSV export's one writer (proposals.spreadsheets.safety.csv_text) is used.
    from proposals.models import Theme
    from tests.factories import make_catalogue

    catalogue = make_catalogue(slug="citater", proposals=2)
    Theme.objects.filter(catalogue=catalogue).update(title="Tema\r=1+1")
    catalogue.proposals.filter(code="1").update(title='=HYPERLINK("x");"citat"\nanden linje')
    out, _err = run("citater", format="csv")
    assert not any(record.startswith(("=", "+", "@")) for record in out.split("\r\n"))
    rows = list(csv.reader(io.StringIO(out, newline=""), delimiter=";"))
    assert rows[0] == ["Nr.", "Forslag", "Tema", "2024", "2025", "2026", "2027", "Type"]
    first, second = rows[1], rows[2]
    assert first[:3] == ["1", '\'=HYPERLINK("x");"citat"\nanden linje', "Tema\r=1+1"]
    assert second[:3] == ["2", "Forslag 2", "Tema\r=1+1"]
    assert len({len(r) for r in rows[:3]}) == 1  # no row broken in two
