"""Real Chromium (issue 23.1): an HMU member chooses stances, writes a comment and the statement
and presses a workflow button before "Gem HMU's behandling". A refused step (send back without
a reason) shows every field still filled; forwarding saves the review and forwards it."""

import pytest

from approvals.models import CatalogueProcess, HmuPosition, HmuReview
from approvals.views.hmu import PAGE_SIZE
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.in_browser.test_browser_workflow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
State = CatalogueProcess.State


def test_hmu_presses_forward_before_saving_and_nothing_is_lost(browser, live_server):
    s = Setup(title="Omprioriteringer").to_hmu_review()
    first, second, third = s.proposals[:3]
    page = sign_in(browser, live_server, s.hmu_user)
    page.goto(f"{live_server.url}/forloeb/{s.catalogue.slug}/hmu/")
    stances = {first: "support", second: "concerns", third: "oppose"}
    for proposal, stance in stances.items():
        page.locator(f"#id_stance_{proposal.pk}").select_option(stance)
    page.locator(f"#id_comment_{second.pk}").fill("HMU beder om en opfølgning.")
    page.get_by_label("Samlet udtalelse fra HMU").fill("HMU kan anbefale kataloget.")
    page.get_by_label("Bemærkning (valgfri)").fill("Klar til rådmandsmødet.")

    # Send back without a reason: refused, and everything typed is still there.
    with page.expect_navigation():
        page.get_by_role("button", name="Send tilbage til høring").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv en begrundelse.")
    for proposal, stance in stances.items():
        expect(page.locator(f"#id_stance_{proposal.pk}")).to_have_value(stance)
    expect(page.locator(f"#id_comment_{second.pk}")).to_have_value("HMU beder om en opfølgning.")
    expect(page.get_by_label("Samlet udtalelse fra HMU")).to_have_value("HMU kan anbefale kataloget.")
    expect(page.get_by_label("Bemærkning (valgfri)")).to_have_value("Klar til rådmandsmødet.")
    shot(page, "hmu-one-form-01-refused-kept")
    assert not HmuReview.objects.exists() and s.reload().state == State.HMU_REVIEW

    # Forward, never having pressed "Gem": the review is saved and the catalogue forwarded.
    with page.expect_navigation():
        page.get_by_role("button", name="Send til godkendelse").click()
    expect(page.get_by_text("Kataloget er sendt til godkendelse.")).to_be_visible()
    shot(page, "hmu-one-form-02-forwarded")
    assert s.reload().state == State.AWAITING_SIGNOFF
    assert HmuReview.objects.get().statement == "HMU kan anbefale kataloget."
    assert dict(HmuPosition.objects.values_list("proposal_id", "stance")) == {p.pk: v for p, v in stances.items()}
    assert HmuPosition.objects.get(proposal=second).comment == "HMU beder om en opfølgning."
    assert s.process.transitions.last().note == "Klar til rådmandsmødet."


def test_hmu_moves_to_the_next_page_of_proposals_and_its_work_is_saved(browser, live_server):
    s = Setup(proposals=PAGE_SIZE + 5).to_hmu_review()
    first, last = s.proposals[0], s.proposals[-1]
    page = sign_in(browser, live_server, s.hmu_user)
    page.goto(f"{live_server.url}/forloeb/{s.catalogue.slug}/hmu/")
    expect(page.get_by_text(f"Forslag 1–{PAGE_SIZE} af {PAGE_SIZE + 5} (side 1 af 2).")).to_be_visible()
    expect(page.locator(f"#id_stance_{last.pk}")).to_have_count(0)
    page.locator(f"#id_stance_{first.pk}").select_option("oppose")
    page.locator(f"#id_comment_{first.pk}").fill("Ikke nu.")
    with page.expect_navigation():
        page.get_by_role("button", name="Gem og vis side 2").click()
    expect(page.get_by_text("HMU's behandling er gemt.")).to_be_visible()
    expect(
        page.get_by_text(f"Forslag {PAGE_SIZE + 1}–{PAGE_SIZE + 5} af {PAGE_SIZE + 5} (side 2 af 2).")
    ).to_be_visible()
    page.locator(f"#id_stance_{last.pk}").select_option("support")
    shot(page, "hmu-one-form-03-page-2")
    with page.expect_navigation():
        page.get_by_role("button", name="Gem HMU's behandling").click()
    expect(page.locator(f"#id_stance_{last.pk}")).to_have_value("support")  # still on page 2
    positions = {p: (v, c) for p, v, c in HmuPosition.objects.values_list("proposal_id", "stance", "comment")}
    assert positions == {first.pk: ("oppose", "Ikke nu."), last.pk: ("support", "")}
