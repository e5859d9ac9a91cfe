"""Real Chromium: an LMU answers a catalogue larger than one page of the response form (issue 26).
Django's field limit is lowered below what the whole form would post and the pages made small
(50 proposals in pages of 20 against 60 fields), as 20.000 proposals would be against the real
limit. The member types into a few rows on each page, changes page with the pager (which saves),
and submits on the last page: the submission counts what was saved on the other pages."""

import pytest

from approvals import hearing
from approvals.models import HearingResponse, ProposalStance
from approvals.views import hearing as hearing_views
from proposals.models import ProposalYear
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.in_browser.test_browser_workflow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_answers_page_by_page_and_submits(browser, live_server, settings, monkeypatch):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 60
    monkeypatch.setattr(hearing_views, "ROWS_PER_PAGE", 20)
    s = Setup(title="Stort katalog", proposals=50).to_hearing()
    # Most stances were saved earlier; three rows, one on each page, are still open.
    open_rows = [s.proposals[3], s.proposals[25], s.proposals[47]]
    earlier = {p.pk: ("support", "") for p in s.proposals if p not in open_rows}
    hearing.save_hearing_response(s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=earlier)

    page = sign_in(browser, live_server, s.lmu1_user)
    page.goto(f"{live_server.url}/forloeb/{s.catalogue.slug}/hoeringssvar/{s.lmu1.pk}/")
    expect(page.get_by_text("Forslag 1–20 af 50.")).to_be_visible()
    page.get_by_label("Generel kommentar").fill("Vi har læst alle forslag.")
    row = page.locator(f"#forslag-{open_rows[0].pk}")
    row.get_by_label("Holdning").select_option("concerns")
    row.get_by_label("Kommentar").fill("Bekymring for borgerservice.")
    # A row already answered, changed on this page too.
    page.locator(f"#forslag-{s.proposals[0].pk}").get_by_label("Holdning").select_option("oppose")
    shot(page, "response-pages-01-page-1")
    with page.expect_navigation():
        page.get_by_role("button", name="Næste").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    expect(page.get_by_text("Forslag 21–40 af 50.")).to_be_visible()
    row = page.locator(f"#forslag-{open_rows[1].pk}")
    row.get_by_label("Holdning").select_option("no_remarks")

    # Submitting from page 2 while page 3 still has an open row: refused, nothing of it saved.
    page.get_by_label("Jeg bekræfter, at svaret er færdigt og skal indsendes.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Indsend").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(f"Vælg en holdning til forslag {open_rows[2].code}")
    shot(page, "response-pages-02-missing-on-page-3")
    assert not ProposalStance.objects.filter(response__committee=s.lmu1, proposal=open_rows[1]).exists()
    # The error links to the page where the row is; what was typed here is still in the form,
    # and the pager's button saves it before opening page 3.
    link = summary.get_by_role("link", name=f"Vælg en holdning til forslag {open_rows[2].code}")
    expect(link).to_have_attribute("href", f"?side=3#id_stance_{open_rows[2].pk}")
    expect(page.locator(f"#forslag-{open_rows[1].pk}").get_by_label("Holdning")).to_have_value("no_remarks")
    with page.expect_navigation():
        page.get_by_role("button", name="Side 3").click()
    expect(page.get_by_text("Forslag 41–50 af 50.")).to_be_visible()

    row = page.locator(f"#forslag-{open_rows[2].pk}")
    row.get_by_label("Holdning").select_option("support")
    row.get_by_label("Kommentar").fill("Fint.")
    page.get_by_label("Jeg bekræfter, at svaret er færdigt og skal indsendes.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Indsend").click()
    expect(page.get_by_text("Høringssvaret er indsendt.")).to_be_visible()
    shot(page, "response-pages-03-submitted")

    response = HearingResponse.objects.get(committee=s.lmu1)
    assert response.status == HearingResponse.Status.SUBMITTED
    assert response.general_comment == "Vi har læst alle forslag."
    stances = {
        pk: (stance, comment)
        for pk, stance, comment in ProposalStance.objects.filter(response=response).values_list(
            "proposal_id", "stance", "comment"
        )
    }
    assert len(stances) == 50
    assert stances[open_rows[0].pk] == ("concerns", "Bekymring for borgerservice.")
    assert stances[open_rows[1].pk] == ("no_remarks", "")
    assert stances[open_rows[2].pk] == ("support", "Fint.")
    assert stances[s.proposals[0].pk] == ("oppose", "")
    page.context.close()


def test_a_stale_stance_is_flagged_on_the_page_its_proposal_is_on(browser, live_server, monkeypatch):
    monkeypatch.setattr(hearing_views, "ROWS_PER_PAGE", 20)
    s = Setup(title="Stort katalog", proposals=50).to_hearing()
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=s.all_stances("support", "Fint")
    )
    changed = s.proposals[25]  # on page 2
    ProposalYear.objects.filter(proposal=changed, year=2025).update(net_amount=-2500)

    page = sign_in(browser, live_server, s.lmu1_user)
    page.goto(f"{live_server.url}/forloeb/{s.catalogue.slug}/hoeringssvar/{s.lmu1.pk}/")
    expect(page.get_by_text("Forslag 1–20 af 50.")).to_be_visible()
    expect(page.get_by_text("er givet på en tidligere version")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Næste").click()
    notice = page.get_by_text("1 holdning er givet på en tidligere version af sit forslag")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Tallet gælder forslagene på denne side.")
    row = page.locator(f"#forslag-{changed.pk}")
    row.get_by_label("Behold holdningen til forslaget, som det ser ud nu").check()
    shot(page, "response-pages-03-stale-on-page-2")
    with page.expect_navigation():
        page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    expect(page.get_by_text("er givet på en tidligere version")).to_have_count(0)
    stance = ProposalStance.objects.get(response__committee=s.lmu1, proposal=changed)
    assert stance.given_on["net"]["2025"] == -2500
