"""The history of every figure: every path that changes a catalogue's figures and texts
records who, when, which field, before and after, and why; the proposal page, the catalogue
page and the admin show it."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.history import recording
from proposals.history_selectors import BASELINE_REASON, catalogue_changes_since, figure_history
from proposals.models import BreakdownLine, BreakdownLineYear, Catalogue, CatalogueYear, Proposal, ProposalYear
from proposals.services import import_catalogue_rows
from tests.factories import make_catalogue as _make_catalogue
from tests.factories import make_user
from tests.importing import csv_bytes, row
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db

MSO = Catalogue.SignConvention.SAVINGS_POSITIVE
NET = "nettoændring (1.000 kr.)"


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw-123456")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def make_catalogue(**kwargs):
    """The factory's catalogue (written by bulk_create, so without history) with the
    baseline history migration 0003 gives every row that exists when the history starts."""
    return baseline(_make_catalogue(**kwargs))


def baseline(catalogue):
    for model, rows in (
        (Catalogue, Catalogue.objects.filter(pk=catalogue.pk)),
        (CatalogueYear, CatalogueYear.objects.filter(catalogue=catalogue)),
        (Proposal, Proposal.objects.filter(catalogue=catalogue)),
        (ProposalYear, ProposalYear.objects.filter(proposal__catalogue=catalogue)),
        (BreakdownLine, BreakdownLine.objects.filter(proposal__catalogue=catalogue)),
        (BreakdownLineYear, BreakdownLineYear.objects.filter(line__proposal__catalogue=catalogue)),
    ):
        recorded = set(model.history.values_list("id", flat=True))
        model.history.bulk_history_create(
            [r for r in rows if r.pk not in recorded], default_change_reason=BASELINE_REASON
        )
    return catalogue


def file_rows(net_1=("1.000",) * 4, title_1="Forslag 1"):
    """Proposals 1 and 2 of a make_catalogue(proposals=2) catalogue, in MSO's convention."""
    return [
        row(code="1", theme="Tema 1", title=title_1, net=net_1, fte=["-1,5"] * 4, text="Beskrivelse af forslag 1"),
        row(
            code="2",
            theme="Tema 1",
            title="Forslag 2",
            net=["1.000"] * 4,
            fte=["-1,5"] * 4,
            text="Beskrivelse af forslag 2",
        ),
    ]


def changes_of(changes, field=NET):
    return [(c.what, c.before, c.after) for c in changes if c.field == field]


# --------------------------------------------------------------------------- recording


def test_import_records_each_changed_figure_with_user_and_file_in_the_catalogues_convention():
    catalogue = make_catalogue(proposals=2, sign_convention=MSO)  # saves 1.000 a year, shown positive
    user = make_user("kirsten", first_name="Kirsten", last_name="Madsen")
    data = csv_bytes(file_rows(net_1=["1.000", "1.200", "1.000", "1.000"]))
    outcome = import_catalogue_rows(catalogue, data, "csv", dry_run=False, user=user, file_name="runde-2.csv")
    assert outcome.ok and outcome.updated == ["1"]
    proposal = catalogue.proposals.get(code="1")
    changes = figure_history(proposal)
    assert changes_of(changes) == [("1 Forslag 1, 2025", "1.000", "1.200")]  # savings positive, as MSO writes
    change = changes[0]
    assert (change.who, change.reason, change.action) == ("Kirsten Madsen", "Import af runde-2.csv", "changed")
    assert re.fullmatch(r"\d{1,2}\. [a-zæøå]+ \d{4} \d{2}:\d{2}", change.when_text)  # local time, Danish
    # The year row was updated in place: one row, the same one as before.
    assert proposal.years.filter(year=2025).count() == 1
    assert ProposalYear.history.filter(proposal_id=proposal.pk, history_type="-").count() == 0


def test_dry_run_and_refused_imports_record_nothing():
    catalogue = make_catalogue(proposals=2, sign_convention=MSO)
    before = ProposalYear.history.count() + Proposal.history.count()
    import_catalogue_rows(catalogue, csv_bytes(file_rows(net_1=["9"] * 4)), "csv", dry_run=True, file_name="x.csv")
    bad = csv_bytes(file_rows(net_1=["abc"] * 4))
    assert not import_catalogue_rows(catalogue, bad, "csv", dry_run=False, file_name="x.csv").ok
    assert ProposalYear.history.count() + Proposal.history.count() == before


def test_new_and_removed_lines_and_texts_are_recorded():
    catalogue = make_catalogue(proposals=2, lines=True)  # MSB: savings negative
    rows = file_rows(net_1=["-1.000"] * 4, title_1="Nyt navn")
    rows[1][6:10] = ["-1.000"] * 4
    rows.insert(1, row(kind="linje", code="1", title="Ny linje", net=["-1.000"] * 4))
    outcome = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False, file_name="k.csv")
    assert outcome.ok, outcome.error_messages()
    proposal = catalogue.proposals.get(code="1")
    changes = figure_history(proposal)
    assert changes_of(changes, "titel") == [("1 Nyt navn", "Forslag 1", "Nyt navn")]
    renamed = [(c.what, c.before, c.after) for c in changes if c.field == "tekst" and c.action == "changed"]
    assert renamed == [("1 Nyt navn", "Linje", "Ny linje")]  # line 1 renamed in place
    # Proposal 2 lost its line: deleted, with its amounts.
    other = figure_history(catalogue.proposals.get(code="2"))
    deleted = [(c.what, c.field, c.before, c.after) for c in other if c.action == "deleted"]
    assert ("2 Forslag 2", "tekst", "Linje", "") in deleted
    assert ("2 Forslag 2, «Linje», 2024", "beløb (1.000 kr.)", "-1.000", "") in deleted


def test_import_command_takes_the_user_and_refuses_an_unknown_one(tmp_path):
    catalogue = make_catalogue(proposals=2, sign_convention=MSO)
    make_user("bo")
    path = tmp_path / "katalog.csv"
    path.write_bytes(csv_bytes(file_rows(net_1=["1.000", "1.000", "1.000", "1.300"])))
    with pytest.raises(CommandError, match="Brugeren «ukendt» findes ikke; intet er importeret."):
        call_command("import_catalogue", catalogue.slug, str(path), "--user", "ukendt", stdout=StringIO())
    assert figure_history(catalogue.proposals.get(code="1")) == []
    call_command("import_catalogue", catalogue.slug, str(path), "--user", "bo", stdout=StringIO())
    [change] = figure_history(catalogue.proposals.get(code="1"))
    assert (change.who, change.reason, change.before, change.after) == ("bo", "Import af katalog.csv", "1.000", "1.300")


def test_seed_reset_is_recorded_under_the_user_and_names_the_seed_file():
    call_command("load_seed_catalogues", stdout=StringIO())
    make_user("drift")
    proposal = Proposal.objects.get(catalogue__slug="mso-omprioriteringer-velfaerdspuljen-2024", code="1")
    with recording(user=make_user("someone")):
        year = proposal.years.get(year=2024)
        year.net_amount = -1
        year.save()
    with pytest.raises(CommandError, match="Brugeren «nemo» findes ikke"):
        call_command("load_seed_catalogues", "--reset", "--user", "nemo", stdout=StringIO())
    call_command("load_seed_catalogues", "--reset", "--user", "drift", stdout=StringIO())
    latest, edit = changes_of(figure_history(proposal))[:2]
    assert latest == ("1 " + proposal.title + ", 2024", "1", "11.100")
    assert edit == ("1 " + proposal.title + ", 2024", "11.100", "1")
    change = figure_history(proposal)[0]
    assert change.who == "drift" and change.reason.startswith("Seed-katalog nulstillet fra ")
    assert change.reason.endswith(".csv")


def test_seed_loading_from_scratch_is_created_not_changed():
    call_command("load_seed_catalogues", stdout=StringIO())
    proposal = Proposal.objects.get(catalogue__slug="mso-omprioriteringer-velfaerdspuljen-2024", code="1")
    changes = figure_history(proposal)
    assert changes and {c.action for c in changes} == {"created"}
    assert {c.who for c in changes} == {"ukendt"}
    assert all(c.reason.startswith("Seed-katalog indlæst fra ") for c in changes)


# --------------------------------------------------------------------------- admin


def test_admin_edit_of_a_year_row_is_recorded_in_the_catalogues_convention(admin_client):
    catalogue = make_catalogue(proposals=1, sign_convention=MSO)
    proposal = catalogue.proposals.get()
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    index = next(i for i in range(4) if data[f"years-{i}-year"] == 2026)
    data[f"years-{index}-net_amount"] = "1.250"
    data["title"] = "Omdøbt"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    proposal.refresh_from_db()
    changes = figure_history(proposal)
    assert changes_of(changes) == [("1 Omdøbt, 2026", "1.000", "1.250")]
    assert changes_of(changes, "titel") == [("1 Omdøbt", "Forslag 1", "Omdøbt")]
    assert {(c.who, c.reason) for c in changes} == {("admin", "Rettet i administrationen")}
    # The admin's history page of the proposal shows the year row's change too.
    html = admin_client.get(reverse("admin:proposals_proposal_history", args=[proposal.pk])).content.decode()
    assert "Ændringer af tal og tekster" in html and "1 Omdøbt, 2026" in html and "1.250" in html
    assert "Rettet i administrationen" in html


def test_admin_history_pages_of_catalogue_and_line(admin_client):
    catalogue = make_catalogue(proposals=1, lines=True)
    url = reverse("admin:proposals_catalogue_change", args=[catalogue.pk])
    data = change_form_data(admin_client.get(url))
    index = next(i for i in range(4) if data[f"year_rows-{i}-year"] == 2024)
    data[f"year_rows-{index}-target"] = "-900"
    assert admin_client.post(url, data).status_code == 302
    html = admin_client.get(reverse("admin:proposals_catalogue_history", args=[catalogue.pk])).content.decode()
    assert "Kataloget, 2024" in html and "-1.000" in html and "-900" in html
    line = BreakdownLine.objects.get(proposal__catalogue=catalogue)
    line.text = "Ny tekst"
    with recording(user=make_user("linda")):
        line.save()
    html = admin_client.get(reverse("admin:proposals_breakdownline_history", args=[line.pk])).content.decode()
    assert "Ny tekst" in html and "linda" in html


def test_admin_import_records_the_user_and_the_file_name(admin_client):
    catalogue = make_catalogue(proposals=2, sign_convention=MSO)
    data = csv_bytes(file_rows(net_1=["2.000"] * 4))
    response = admin_client.post(
        reverse("admin:proposals_proposal_import"),
        {"catalogue": catalogue.pk, "format": 0, "import_file": SimpleUploadedFile("marts.csv", data)},
    )
    assert not figure_history(catalogue.proposals.get(code="1"))  # the preview saves nothing
    confirm = response.context["confirm_form"]
    assert admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial).status_code == 302
    changes = figure_history(catalogue.proposals.get(code="1"))
    assert len(changes_of(changes)) == 4
    assert {(c.who, c.reason) for c in changes} == {("admin", "Import af marts.csv")}


# --------------------------------------------------------------------------- pages


def _edit(proposal, year, amount, user=None, at=None):
    with recording(user=user, reason="test"):
        py = proposal.years.get(year=year)
        py.net_amount = amount
        if at is not None:
            py._history_date = at
        py.save()


def test_proposal_page_shows_its_history(client):
    user = get_user_model().objects.create_superuser("viewer", "v@example.dk", "pw-123456")
    client.force_login(user)
    catalogue = make_catalogue(proposals=1, sign_convention=MSO)
    proposal = catalogue.proposals.get()
    _edit(proposal, 2025, -1700, user=user)
    html = client.get(reverse("proposals:proposal_detail", args=[catalogue.slug, proposal.pk])).content.decode()
    assert "Historik" in html and "1 Forslag 1, 2025" in html and "1.700" in html and "viewer" in html


def test_catalogue_page_lists_changes_since_a_date(client):
    user = get_user_model().objects.create_superuser("viewer", "v@example.dk", "pw-123456")
    client.force_login(user)
    catalogue = make_catalogue(proposals=2, sign_convention=MSO)
    first, second = catalogue.proposals.order_by("position")
    tz = timezone.get_current_timezone()
    _edit(first, 2024, -1100, at=datetime.datetime(2026, 3, 31, 23, 59, tzinfo=tz))
    _edit(second, 2027, -1400, at=datetime.datetime(2026, 4, 1, 0, 0, tzinfo=tz))
    url = reverse("proposals:catalogue_detail", args=[catalogue.slug])
    html = client.get(url).content.decode()
    assert 'name="aendringer_siden"' in html and "2 Forslag 2, 2027" not in html
    for day in ("2026-04-01", "1.4.2026"):
        response = client.get(url, {"aendringer_siden": day})
        html = response.content.decode()
        whats = [c.what for c in response.context["changes"] if c.what != "Kataloget"]  # created today
        assert whats == ["2 Forslag 2, 2027"]
        assert "ændringer siden 1. april 2026." in html and "1.400" in html
        assert "1 Forslag 1, 2024" not in html
    response = client.get(url, {"aendringer_siden": "igår"})
    assert "Skriv datoen som dd.mm.åååå, fx 1.12.2026." in response.content.decode()
    assert response.context["changes"] is None


def test_changes_since_a_time_include_the_value_before_it():
    catalogue = make_catalogue(proposals=1)
    proposal = catalogue.proposals.get()
    tz = timezone.get_current_timezone()
    _edit(proposal, 2024, -1100, at=datetime.datetime(2026, 1, 1, 12, tzinfo=tz))
    _edit(proposal, 2024, -1200, at=datetime.datetime(2026, 2, 1, 12, tzinfo=tz))
    since = datetime.datetime(2026, 1, 15, tzinfo=tz)
    assert changes_of(catalogue_changes_since(catalogue, since)) == [("1 Forslag 1, 2024", "-1.100", "-1.200")]
    assert len(changes_of(catalogue_changes_since(catalogue))) == 2


def test_catalogue_page_shows_changes_since_sign_off_with_their_memo(client):
    from approvals.memos import issuing
    from tests.memo_factories import make_signed_off_catalogue

    user = get_user_model().objects.create_superuser("chef", "chef@example.dk", "pw-123456")
    client.force_login(user)
    process = make_signed_off_catalogue(proposals=2)  # signed off at a fixed time in the past
    catalogue = process.catalogue
    baseline(catalogue)
    signed_off = process.signoffs.get().decided_at
    for model in (Catalogue, CatalogueYear, Proposal, ProposalYear):  # made before it was signed off
        model.history.update(history_date=signed_off - datetime.timedelta(days=1))
    first, second = catalogue.proposals.order_by("position")
    _edit(first, 2024, -1500, user=user)
    memo = issuing.issue_memo(process)
    _edit(second, 2025, -1800, user=user)
    url = reverse("proposals:catalogue_detail", args=[catalogue.slug])
    html = client.get(url).content.decode()
    assert "Ændringer siden godkendelsen" in html and "?aendringer_siden_godkendelse=1" in html
    html = client.get(url, {"aendringer_siden_godkendelse": "1"}).content.decode()
    assert "2 ændringer af tal og tekster siden godkendelsen" in html, html[html.find("godkendelse-aendringer") :][
        :3000
    ]
    assert f"Notat nr. {memo.number}" in html and "Endnu ikke meddelt" in html
    assert "1.500" in html and "1.800" in html


# --------------------------------------------------------------------------- query counts


def _queries(func, *args, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        result = func(*args, **kwargs)
    return len(ctx.captured_queries), result


def _busy_history(catalogue, times):
    user = make_user()
    for n in range(times):
        for proposal in catalogue.proposals.all():
            _edit(proposal, 2024 + n % 4, -1000 - n - 1, user=user)
            with recording(user=user):
                line = proposal.lines.first()
                line.text = f"Linje {n}"
                line.save()
                year = line.years.get(year=2024)
                year.amount -= 1
                year.save()
        cy = CatalogueYear.objects.filter(catalogue=catalogue).first()
        cy.target -= 1
        cy.save()


def test_history_reads_take_a_fixed_number_of_queries():
    small = make_catalogue(proposals=1, lines=True)
    _busy_history(small, 1)
    proposal_queries, rows = _queries(figure_history, small.proposals.get())
    assert rows and proposal_queries == 4
    since = timezone.now() - datetime.timedelta(days=1)
    catalogue_queries, rows = _queries(catalogue_changes_since, small, since)
    assert rows and catalogue_queries == 10
    large = make_catalogue(proposals=20, lines=True)
    _busy_history(large, 5)
    count, rows = _queries(figure_history, large.proposals.first())
    assert count == proposal_queries and len(rows) > 5
    count, rows = _queries(catalogue_changes_since, large, since)
    assert count == catalogue_queries and len(rows) > 100


def test_proposal_page_queries_do_not_grow_with_its_history(client, django_assert_num_queries):
    client.force_login(get_user_model().objects.create_superuser("su", "su@example.dk", "pw-123456"))
    catalogue = make_catalogue(proposals=2, lines=True)
    proposal = catalogue.proposals.first()
    url = reverse("proposals:proposal_detail", args=[catalogue.slug, proposal.pk])
    _busy_history(catalogue, 1)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    expected = len(ctx.captured_queries)
    _busy_history(catalogue, 8)
    with django_assert_num_queries(expected):
        client.get(url)
