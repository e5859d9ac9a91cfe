"""Real Chromium: each role finds its next step as a verb, on the dashboard and on the catalogue
page (next_steps.next_steps): the LMU writes, then edits its draft; HMU reviews once every LMU
has answered; the sign-off body approves."""

import pytest

from approvals import hearing, services
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.in_browser.test_browser_workflow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def queue(page, heading):
    return page.locator("section", has=page.get_by_role("heading", name=heading))


def test_each_role_is_told_its_next_step_as_a_verb(browser, live_server):
    s = Setup(title="Besparelser på administration").to_hearing()
    first = s.proposals[0]

    # The LMU: "Skriv høringssvar", then, with a draft saved, "Ret høringssvar" (also on the catalogue page).
    page = sign_in(browser, live_server, s.lmu1_user)
    hearings = queue(page, "Høringer for dine LMU'er")
    expect(hearings.get_by_role("cell", name="Mangler")).to_be_visible()
    hearings.get_by_role("link", name="Skriv høringssvar").click()
    page.select_option(f"#id_stance_{first.pk}", "support")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    page.goto(f"{live_server.url}/")
    hearings = queue(page, "Høringer for dine LMU'er")
    expect(hearings.get_by_role("cell", name="Kladde", exact=True)).to_be_visible()
    expect(hearings.get_by_role("link", name="Ret høringssvar")).to_be_visible()
    shot(page, "next-steps-01-lmu-dashboard")
    hearings.get_by_role("link", name="Besparelser på administration").click()
    steps = page.get_by_role("region", name="Dit næste skridt")
    expect(steps.get_by_role("link")).to_have_text(["Ret høringssvar"])
    shot(page, "next-steps-02-lmu-catalogue")
    steps.get_by_role("link", name="Ret høringssvar").click()
    expect(page.locator(f"#id_stance_{first.pk}")).to_have_value("support")
    page.context.close()

    # HMU: nothing while LMU To may still answer; "Behandl høringssvarene" once every LMU has.
    s.submit(s.lmu1, s.lmu1_user)
    page = sign_in(browser, live_server, s.hmu_user)
    page.goto(f"{live_server.url}/forloeb/{s.catalogue.slug}/")
    expect(page.get_by_role("region", name="Dit næste skridt")).to_have_count(0)
    s.submit(s.lmu2, s.lmu2_user)
    page.goto(f"{live_server.url}/")
    hmu = queue(page, "Afventer HMU-behandling")
    expect(hmu.get_by_text("Alle LMU'er har svaret")).to_be_visible()
    shot(page, "next-steps-03-hmu-dashboard")
    hmu.get_by_role("link", name="Behandl høringssvarene").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HMU-behandling:")
    page.context.close()

    # The sign-off body: "Godkend kataloget".
    services.start_hmu_review(s.process, actor=s.hmu_user)
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="HMU bakker op", positions=s.all_stances())
    services.forward_to_signoff(s.process, actor=s.hmu_user)
    page = sign_in(browser, live_server, s.signoff_user)
    queue(page, "Afventer godkendelse").get_by_role("link", name="Godkend kataloget").click()
    expect(page).to_have_url(f"{live_server.url}/forloeb/{s.catalogue.slug}/godkendelse/")
    page.context.close()
