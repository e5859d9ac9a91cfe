"""Two administrators with the same proposal open in the admin: the later save is refused (not
a silent revert of the earlier one's figures), keeps what was typed, and says what changed
meanwhile, by whom and when. A save on the refused page is a deliberate one and goes through."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from proposals.models import BreakdownLine, Proposal, ProposalYear
from proposals.services import import_catalogue_rows, proposal_edit_basis, proposal_edit_conflict
from tests.factories import make_catalogue
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db


def _client(client_class, name):
    user = get_user_model().objects.create_superuser(name, f"{name}@example.dk", "pw-123456", first_name=name.title())
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def two_admins(client):
    return _client(type(client), "anne"), _client(type(client), "bo")


def _catalogue(**kwargs):
    """A catalogue whose rows have their first history rows (the factory writes in bulk)."""
    catalogue = make_catalogue(**kwargs)
    for model, rows in (
        (Proposal, catalogue.proposals.all()),
        (ProposalYear, ProposalYear.objects.filter(proposal__catalogue=catalogue)),
        (BreakdownLine, BreakdownLine.objects.filter(proposal__catalogue=catalogue)),
    ):
        model.history.bulk_history_create(list(rows))
    return catalogue


def _index(data, year):
    return next(i for i in range(10) if str(data.get(f"years-{i}-year")) == str(year))


def _opened(client, proposal):
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    return url, change_form_data(client.get(url))


def test_the_second_save_of_the_same_version_is_refused_and_keeps_what_was_typed(two_admins):
    anne, bo = two_admins
    proposal = _catalogue(proposals=1).proposals.get()
    url, anne_form = _opened(anne, proposal)
    _url, bo_form = _opened(bo, proposal)

    anne_form[f"years-{_index(anne_form, 2025)}-net_amount"] = "-1.200"
    assert anne.post(url, anne_form).status_code == 302

    bo_form[f"years-{_index(bo_form, 2026)}-net_amount"] = "-1.700"
    bo_form["title"] = "Bos titel"
    response = bo.post(url, bo_form)
    assert response.status_code == 200  # the form again, not a redirect to success
    html = response.content.decode()
    assert "Forslaget er gemt af en anden, efter du åbnede det" in html
    assert "Anne: 1 Forslag 1, 2025, nettoændring (1.000 kr.): «-1.000» → «-1.200»" in html
    assert 'value="-1.700"' in html and 'value="Bos titel"' in html  # what Bo typed is kept
    proposal.refresh_from_db()
    assert proposal.title == "Forslag 1"
    assert {y.year: y.net_amount for y in proposal.years.all()}[2025] == -1200  # Anne's figure stands
    assert {y.year: y.net_amount for y in proposal.years.all()}[2026] == -1000

    # Bo left 2025 alone: the refused page shows Anne's figure there, not the one he opened.
    shown = change_form_data(response)
    assert shown[f"years-{_index(shown, 2025)}-net_amount"] == "-1.200"
    assert shown[f"years-{_index(shown, 2026)}-net_amount"] == "-1.700" and shown["title"] == "Bos titel"
    assert "Felter, du ikke selv har ændret, viser nu det, der er gemt." in html

    # Saved again from the refused page: Bo's own changes go in, Anne's stays.
    assert shown["based_on"] != bo_form["based_on"]
    assert bo.post(url, shown).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Bos titel"
    assert {y.year: y.net_amount for y in proposal.years.all()} == {2024: -1000, 2025: -1200, 2026: -1700, 2027: -1000}


def test_a_field_both_changed_keeps_what_was_typed_and_is_marked(two_admins):
    anne, bo = two_admins
    proposal = _catalogue(proposals=1).proposals.get()
    url, anne_form = _opened(anne, proposal)
    _url, bo_form = _opened(bo, proposal)
    anne_form[f"years-{_index(anne_form, 2025)}-net_amount"] = "-1.200"
    anne_form["description"] = "Annes beskrivelse"
    assert anne.post(url, anne_form).status_code == 302

    bo_form[f"years-{_index(bo_form, 2025)}-net_amount"] = "-1.700"
    response = bo.post(url, bo_form)
    assert response.status_code == 200
    shown = change_form_data(response)
    row = _index(shown, 2025)
    assert shown[f"years-{row}-net_amount"] == "-1.700"  # what Bo typed
    assert shown["description"] == "Annes beskrivelse"  # he left it alone
    year_form = response.context["inline_admin_formsets"][0].formset.forms[row]
    (note,) = year_form.errors["net_amount"]
    assert note.startswith("Også ændret af Anne kl. ") and note.endswith(": -1.200")
    assert note in response.content.decode()

    # The deliberate second save: Bo's figure over Anne's, her description kept.
    assert bo.post(url, shown).status_code == 302
    proposal.refresh_from_db()
    assert proposal.description == "Annes beskrivelse"
    assert proposal.years.get(year=2025).net_amount == -1700


def test_a_line_changed_meanwhile_shows_on_the_refused_proposal_page(two_admins):
    anne, bo = two_admins
    proposal = _catalogue(proposals=1, lines=True).proposals.get()
    url, anne_form = _opened(anne, proposal)
    _url, bo_form = _opened(bo, proposal)
    anne_form["lines-0-text"] = "Annes linje"
    assert anne.post(url, anne_form).status_code == 302
    bo_form["title"] = "Bos titel"
    response = bo.post(url, bo_form)
    assert response.status_code == 200
    shown = change_form_data(response)
    assert shown["lines-0-text"] == "Annes linje" and shown["title"] == "Bos titel"
    assert bo.post(url, shown).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Bos titel" and proposal.lines.get().text == "Annes linje"


def test_each_save_raises_the_version_so_a_form_opened_before_is_refused(two_admins):
    anne, _bo = two_admins
    proposal = _catalogue(proposals=1).proposals.get()
    url, first = _opened(anne, proposal)
    assert anne.post(url, first).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).version == proposal.version + 1
    assert anne.post(url, first).status_code == 200  # the same page posted twice: the second is stale


def test_a_form_without_its_version_saves_nothing(two_admins):
    anne, _bo = two_admins
    proposal = _catalogue(proposals=1).proposals.get()
    url, data = _opened(anne, proposal)
    del data["based_on"]
    data["title"] = "Uden version"
    response = anne.post(url, data)
    assert response.status_code == 200 and "dine ændringer er IKKE gemt" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).title == "Forslag 1"


def test_a_line_saved_meanwhile_makes_the_proposal_form_stale(two_admins):
    anne, bo = two_admins
    proposal = _catalogue(proposals=1, lines=True).proposals.get()
    line = proposal.lines.first()
    url, bo_form = _opened(bo, proposal)
    line_url = reverse("admin:proposals_breakdownline_change", args=[line.pk])
    line_form = change_form_data(anne.get(line_url))
    line_form["text"] = "Annes linje"
    assert anne.post(line_url, line_form).status_code == 302
    response = bo.post(url, bo_form)
    assert response.status_code == 200
    assert "«Annes linje»" in response.content.decode()


def test_an_import_meanwhile_makes_the_proposal_form_stale(two_admins):
    anne, _bo = two_admins
    catalogue = _catalogue(proposals=1)
    proposal = catalogue.proposals.get()
    url, form = _opened(anne, proposal)
    csv = "Kode;Titel;Tema;Netto 2024;Netto 2025;Netto 2026;Netto 2027\n1;Forslag 1;Tema 1;-1.000;-900;-1.000;-1.000\n"
    outcome = import_catalogue_rows(catalogue, csv.encode(), "csv", dry_run=False, file_name="ny.csv")
    assert outcome.ok, outcome.error_messages()
    response = anne.post(url, form)
    assert response.status_code == 200
    assert "«-1.000» → «-900»" in response.content.decode()


def test_the_decision_is_one_function():
    proposal = _catalogue(proposals=1).proposals.get()
    basis = proposal_edit_basis(proposal)
    assert proposal_edit_conflict(proposal.pk, basis) is None
    Proposal.objects.filter(pk=proposal.pk).update(version=proposal.version + 1)
    conflict = proposal_edit_conflict(proposal.pk, basis)
    assert conflict is not None and conflict.version == proposal.version + 1
    assert proposal_edit_conflict(proposal.pk, "nonsense") is not None


def test_a_line_added_or_deleted_meanwhile_makes_the_proposal_form_stale(two_admins):
    anne, bo = two_admins
    proposal = _catalogue(proposals=1, lines=True).proposals.get()
    url, bo_form = _opened(bo, proposal)
    line = proposal.lines.first()
    response = anne.post(reverse("admin:proposals_breakdownline_delete", args=[line.pk]), {"post": "yes"})
    assert response.status_code == 302
    response = bo.post(url, bo_form)
    assert response.status_code == 200  # refused: the page still shows the line
    assert "Forslaget er gemt af en anden, efter du åbnede det" in response.content.decode()


def test_a_lines_own_page_shows_the_other_persons_amount_after_a_refusal(two_admins):
    anne, bo = two_admins
    line = _catalogue(proposals=1, lines=True).proposals.get().lines.first()
    url = reverse("admin:proposals_breakdownline_change", args=[line.pk])
    anne_form, bo_form = change_form_data(anne.get(url)), change_form_data(bo.get(url))
    row = next(i for i in range(10) if str(anne_form.get(f"years-{i}-year")) == "2025")
    anne_form[f"years-{row}-amount"] = "-321"
    assert anne.post(url, anne_form).status_code == 302

    bo_form["text"] = "Bos linje"
    response = bo.post(url, bo_form)
    assert response.status_code == 200
    shown = change_form_data(response)
    assert shown[f"years-{row}-amount"] == "-321" and shown["text"] == "Bos linje"
    assert bo.post(url, shown).status_code == 302
    line.refresh_from_db()
    assert line.text == "Bos linje" and line.years.get(year=2025).amount == -321


def test_a_ticked_box_and_a_yes_no_choice_saved_meanwhile_are_shown_and_kept(two_admins):
    anne, bo = two_admins
    proposal = _catalogue(proposals=1).proposals.get()
    url, anne_form = _opened(anne, proposal)
    _url, bo_form = _opened(bo, proposal)
    anne_form["is_phase_in"] = "on"
    anne_form["reduces_service"] = "true"
    assert anne.post(url, anne_form).status_code == 302

    bo_form["title"] = "Bos titel"
    response = bo.post(url, bo_form)
    assert response.status_code == 200
    shown = change_form_data(response)
    assert shown["is_phase_in"] == "on" and shown["reduces_service"] == "true"
    assert bo.post(url, shown).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.is_phase_in, proposal.reduces_service) == ("Bos titel", True, True)
