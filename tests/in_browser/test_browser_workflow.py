"""Real Chromium walks the workflow through the web pages as four different users.

LMU member writes and submits the response → an administrator starts HMU review early with a
reason → an HMU member records positions and forwards → a sign-off member approves. A
screenshot of each page goes to test-artifacts/screenshots/."""

import re

import pytest

from approvals.models import CatalogueProcess, HearingResponse, SignOff
from proposals.models import Catalogue
from tests.approval_factories import Setup
from tests.browser import expect, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-pass-123"  # tests.factories.make_user's default
State = CatalogueProcess.State


def assert_checkbox_beside_its_label(page, checkbox):
    """The design system draws the box on the label, placed by the checkbox's wrapper: without the
    wrapper (form-group-checkbox) the box landed in the page's top left corner, away from its text."""
    box = checkbox.bounding_box()
    label = page.locator(f"label[for='{checkbox.get_attribute('id')}']").bounding_box()
    assert abs(box["x"] - label["x"]) < 8 and label["y"] - 8 < box["y"] < label["y"] + label["height"], (box, label)


def sign_in(browser, live_server, user):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_lmu_response_hmu_review_and_signoff(browser, live_server):
    s = Setup(
        title="Besparelser på administration",
        sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE,
        amount=-1100,
    ).to_hearing()
    first, second, third = s.proposals

    # 1. The LMU member finds the hearing on the dashboard and writes the response.
    page = sign_in(browser, live_server, s.lmu1_user)
    expect(page.get_by_role("heading", name="Høringer for dine LMU'er")).to_be_visible()
    expect(page.get_by_role("link", name="Besparelser på administration")).to_be_visible()
    # DKFDS is served by the application itself (no CDN).
    assert page.evaluate("getComputedStyle(document.querySelector('.button-primary, .button')).borderRadius") != ""
    assert page.evaluate("[...document.styleSheets].some(s => s.href && s.href.includes('dkfds.min.css'))")
    shot(page, "01-lmu-dashboard")
    page.get_by_role("link", name="Skriv høringssvar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Høringssvar fra LMU Et")
    expect(page.locator("legend", has_text=f"{first.code} {first.title}")).to_be_visible()
    expect(page.locator("td.num", has_text="1.100").first).to_be_visible()  # savings shown positive
    shot(page, "02-lmu-response-form")

    # Submitting with a stance missing shows the error summary and the field error.
    page.get_by_label("Generel kommentar").fill("LMU Et støtter overordnet kataloget.")
    page.select_option(f"#id_stance_{first.pk}", "support")
    page.get_by_role("button", name="Indsend").click()
    expect(page.get_by_role("heading", name="Der er problemer")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()  # DKFDS moves focus to the summary
    error_link = page.get_by_role("link", name=f"Vælg en holdning til forslag {second.code} {second.title}.")
    expect(error_link).to_be_visible()
    shot(page, "03-lmu-response-errors")
    error_link.click()
    expect(page.locator(f"#id_stance_{second.pk}")).to_be_focused()  # ... and from a link to its field

    page.select_option(f"#id_stance_{second.pk}", "concerns")
    page.fill(f"#id_comment_{second.pk}", "Bekymring for arbejdsmiljøet.")
    page.select_option(f"#id_stance_{third.pk}", "oppose")
    # Submitting asks for confirmation: an explicit tick, refused without it (nothing lost).
    page.get_by_role("button", name="Indsend").click()
    expect(page.get_by_role("link", name="Bekræft, at svaret skal indsendes.")).to_be_visible()
    expect(page.locator(f"#id_comment_{second.pk}")).to_have_value("Bekymring for arbejdsmiljøet.")
    assert_checkbox_beside_its_label(
        page, page.get_by_label("Jeg bekræfter, at svaret er færdigt og skal indsendes.", exact=False)
    )
    page.get_by_text("Jeg bekræfter, at svaret er færdigt og skal indsendes.").click()
    expect(page.get_by_label("Jeg bekræfter, at svaret er færdigt og skal indsendes.", exact=False)).to_be_checked()
    # Keyboard: the submit button is reachable and pressed with Enter.
    page.get_by_role("button", name="Indsend").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Høringssvaret er indsendt.").first).to_be_visible()
    expect(page.get_by_text("Bekymring for arbejdsmiljøet.")).to_be_visible()
    expect(page.locator("select")).to_have_count(1)  # only the language switch is left: read-only
    shot(page, "04-lmu-response-submitted")
    assert HearingResponse.objects.get(committee=s.lmu1).status == HearingResponse.Status.SUBMITTED
    page.context.close()

    # 2. The administrator starts HMU review before the deadline, with a reason.
    page = sign_in(browser, live_server, s.admin)
    page.get_by_role("link", name="Besparelser på administration").first.click()
    expect(page.get_by_text("1 af 2 hørte LMU'er har indsendt svar.")).to_be_visible()
    shot(page, "05-admin-workflow-page")
    page.get_by_label("Begrundelse for tidlig start").fill("HMU-mødet er rykket frem; LMU To har meldt afbud.")
    page.get_by_role("button", name="Start HMU-behandlingen").click()
    expect(page.get_by_text("HMU-behandlingen er startet.")).to_be_visible()
    expect(page.get_by_role("cell", name="HMU-mødet er rykket frem; LMU To har meldt afbud.")).to_be_visible()
    shot(page, "06-admin-hmu-started")
    assert s.reload().state == State.HMU_REVIEW
    page.context.close()

    # 3. The HMU member sees the responses side by side, records positions and forwards.
    page = sign_in(browser, live_server, s.hmu_user)
    expect(page.get_by_role("heading", name="Afventer HMU-behandling")).to_be_visible()
    page.get_by_role("link", name="Behandl høringssvarene").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HMU-behandling:")
    expect(page.locator("li", has_text="LMU To").first).to_be_visible()  # did not answer
    expect(page.get_by_text("Bekymring for arbejdsmiljøet.")).to_be_visible()
    shot(page, "07-hmu-review")
    for proposal, stance in ((first, "support"), (second, "concerns"), (third, "no_remarks")):
        page.select_option(f"#id_stance_{proposal.pk}", stance)
    page.fill(f"#id_comment_{second.pk}", "HMU beder om en opfølgning på arbejdsmiljøet.")
    page.get_by_label("Samlet udtalelse fra HMU").fill("HMU kan anbefale kataloget med bemærkningen til forslag 2.")
    page.get_by_role("button", name="Gem HMU's behandling").click()
    expect(page.get_by_text("HMU's behandling er gemt.")).to_be_visible()
    page.get_by_role("button", name="Send til godkendelse").click()
    expect(page.get_by_text("Kataloget er sendt til godkendelse.")).to_be_visible()
    shot(page, "08-hmu-forwarded")
    assert s.reload().state == State.AWAITING_SIGNOFF
    page.context.close()

    # 4. The sign-off member reads it all and approves with a note.
    page = sign_in(browser, live_server, s.signoff_user)
    page.get_by_role("link", name="Godkend kataloget").click()
    expect(page.get_by_text("HMU kan anbefale kataloget med bemærkningen til forslag 2.")).to_be_visible()
    expect(page.get_by_role("cell", name="3.300").first).to_be_visible()  # 3 × 1.100 saved each year
    shot(page, "09-signoff")
    page.get_by_label("Bemærkning (valgfri)").fill("Godkendt på rådmandsmødet.")
    page.get_by_role("button", name="Godkend").click()  # the confirmation step is asked for first
    expect(page.get_by_text("Bekræft godkendelsen.").first).to_be_visible()
    assert s.reload().state == State.AWAITING_SIGNOFF
    confirm = page.get_by_label("Jeg bekræfter, at rådmandsmødet godkender kataloget, som det ser ud nu.")
    assert_checkbox_beside_its_label(page, confirm)
    page.get_by_text("Jeg bekræfter, at rådmandsmødet godkender kataloget, som det ser ud nu.").click()
    expect(confirm).to_be_checked()
    # The meeting is days ahead: approving today takes a second, explicit tick that names both dates.
    early = page.get_by_label(re.compile(r"^Rådmandsmødet er fastsat til den .+ godkendes allerede i dag"))
    assert_checkbox_beside_its_label(page, early)
    early.check()
    page.get_by_role("button", name="Godkend").click()
    expect(page.get_by_text("Kataloget er godkendt.").first).to_be_visible()
    expect(page.get_by_text(f"Godkendt af {s.signoff_user.username}")).to_be_visible()
    shot(page, "10-signed-off")
    # The catalogue's own page carries the workflow panel.
    page.get_by_role("link", name="Økonomisk overblik").click()
    panel = page.locator(".app-workflow-panel")
    expect(panel).to_contain_text("Godkendt")
    expect(panel.get_by_role("link", name="Gå til forløbet")).to_be_visible()
    shot(page, "11-catalogue-page-panel")
    page.context.close()

    assert s.reload().state == State.SIGNED_OFF
    approval = SignOff.objects.get(decision=SignOff.Decision.APPROVED)
    assert approval.decided_by == s.signoff_user and approval.note == "Godkendt på rådmandsmødet."
