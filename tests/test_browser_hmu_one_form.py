"""Real Chromium (issue 23.1): an HMU member chooses stances, writes a comment and the statement
and presses a workflow button before "Gem HMU's behandling". A refused step (send back without
a reason) shows every field still filled; forwarding saves the review and forwards it."""

import pytest

from approvals.models import CatalogueProcess, HmuPosition, HmuReview
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.test_browser_workflow import sign_in
from tests.view_support import fast_passwords  # noqa: F401

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
