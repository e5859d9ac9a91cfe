"""Two administrators in two browsers open the same proposal; both change figures and save.
The second is refused with what the first changed; on the refused page his own figures stay,
a figure he left alone shows hers, and one they both changed shows his with a note of hers.
Saving again keeps both people's changes: nothing of the first one's save is undone."""

import pytest
from django.contrib.auth import get_user_model

from proposals.models import Proposal, ProposalYear
from tests.browser import expect, shot
from tests.factories import make_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(browser, live_server, username, first_name):
    get_user_model().objects.create_superuser(username, f"{username}@example.dk", "pw-123456", first_name=first_name)
    context = browser.new_context(locale="da-DK", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw-123456")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


def _type(field, text):
    field.fill("")
    field.press_sequentially(text)


def test_two_administrators_save_the_same_proposal(browser, live_server, settings):
    catalogue = make_catalogue(proposals=1)
    proposal = catalogue.proposals.get()
    Proposal.history.bulk_history_create([proposal])
    ProposalYear.history.bulk_history_create(list(proposal.years.all()))
    years = list(proposal.years.values_list("year", flat=True))
    url = f"{live_server.url}/admin/proposals/proposal/{proposal.pk}/change/"
    anne_context, anne = _signed_in(browser, live_server, "anne", "Anne")
    bo_context, bo = _signed_in(browser, live_server, "bo", "Bo")
    try:
        anne.goto(url)
        bo.goto(url)  # both have the page open before either saves

        _type(anne.locator(f"input[name='years-{years.index(2025)}-net_amount']"), "-1.200")
        _type(anne.locator(f"input[name='years-{years.index(2027)}-net_amount']"), "-1.100")
        with anne.expect_navigation():
            anne.locator("input[name=_save]").click()
        expect(anne.locator(".messagelist .success").first).to_be_visible()

        bo_net = bo.locator(f"input[name='years-{years.index(2026)}-net_amount']")
        bo_both = bo.locator(f"input[name='years-{years.index(2027)}-net_amount']")
        _type(bo_net, "-1.700")
        _type(bo_both, "-1.300")
        with bo.expect_navigation():
            bo.locator("input[name=_save]").click()
        expect(bo.locator(".errornote")).to_be_visible()
        errors = bo.locator(".errorlist.nonfield")
        expect(errors).to_contain_text("Forslaget er gemt af en anden, efter du åbnede det")
        expect(errors).to_contain_text("Anne: 1 Forslag 1, 2025, nettoændring (1.000 kr.): «-1.000» → «-1.200»")
        expect(errors).to_contain_text("Felter, du ikke selv har ændret, viser nu det, der er gemt.")
        expect(bo_net).to_have_value("-1.700")  # what Bo typed is still there
        # 2025, which Bo left alone, shows Anne's figure, not the one he opened.
        expect(bo.locator(f"input[name='years-{years.index(2025)}-net_amount']")).to_have_value("-1.200")
        # 2027, which both changed, keeps Bo's figure and says what Anne saved.
        expect(bo_both).to_have_value("-1.300")
        note = bo.locator("td.field-net_amount .errorlist")
        expect(note).to_have_count(1)
        expect(note).to_contain_text("Også ændret af Anne kl. ")
        expect(note).to_contain_text(": -1.100")
        shot(bo, "admin-concurrent-edit-refused")
        figures = dict(ProposalYear.objects.filter(proposal=proposal).values_list("year", "net_amount"))
        assert (figures[2025], figures[2026], figures[2027]) == (-1200, -1000, -1100)  # Bo's is not saved

        # Bo has read what Anne changed and saves again as the page stands: his figures over hers
        # where he typed them, hers where he did not.
        with bo.expect_navigation():
            bo.locator("input[name=_save]").click()
        expect(bo.locator(".messagelist .success").first).to_be_visible()
        figures = dict(ProposalYear.objects.filter(proposal=proposal).values_list("year", "net_amount"))
        assert (figures[2024], figures[2025], figures[2026], figures[2027]) == (-1000, -1200, -1700, -1300)
    finally:
        anne_context.close()
        bo_context.close()
