"""Real Chromium and a real SMTP server on loopback: the last heard LMU submits its response, HMU's
member is e-mailed exactly once and, signed in, finds the catalogue under "Afventer
HMU-behandling" and starts the review without being asked for a reason."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals.models import CatalogueProcess
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.e2e.services import smtp_server
from tests.in_browser.test_browser_workflow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

State = CatalogueProcess.State


@pytest.fixture
def smtp(settings):
    with smtp_server() as (sink, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        yield sink


def sweep():
    """One pass of what runs beside the web server without a broker (bin/run)."""
    call_command("memo_sweep", verbosity=0)


def mails_to(sink, address):
    return [m for m in sink.received() if address in m.rcpt_tos]


def test_last_lmu_submits_and_hmu_is_emailed_once_and_sees_the_catalogue_waiting(browser, live_server, smtp):
    s = Setup(title="Besparelser på administration").to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    sweep()  # the hearing-opened e-mails go out
    assert mails_to(smtp, s.hmu_user.email) == []

    # The last heard LMU writes and submits its response in the browser.
    page = sign_in(browser, live_server, s.lmu2_user)
    page.get_by_role("link", name="Skriv høringssvar").click()
    for proposal in s.proposals:
        page.select_option(f"#id_stance_{proposal.pk}", "support")
    page.get_by_text("Jeg bekræfter, at svaret er færdigt og skal indsendes.").click()
    page.get_by_role("button", name="Indsend").click()
    expect(page.get_by_text("Høringssvaret er indsendt.").first).to_be_visible()
    page.context.close()
    assert s.reload().state == State.HEARING  # complete is a listing: HMU starts the review

    sweep()
    sweep()  # the loop runs again: nobody is told twice
    [message] = mails_to(smtp, s.hmu_user.email)
    assert message.subject == "Klar til HMU-behandling: Besparelser på administration"
    assert "Alle hørte LMU'er har indsendt høringssvar." in message.text_body()
    assert reverse("approvals:hmu_review", args=[s.catalogue.slug]) in message.text_body()

    # HMU's member finds it waiting and starts the review; no reason is asked for.
    page = sign_in(browser, live_server, s.hmu_user)
    expect(page.get_by_role("heading", name="Afventer HMU-behandling")).to_be_visible()
    queue = page.locator("section", has=page.get_by_role("heading", name="Afventer HMU-behandling"))
    expect(queue.get_by_role("link", name="Besparelser på administration")).to_be_visible()
    expect(queue.get_by_text("Alle LMU'er har svaret")).to_be_visible()
    expect(queue.get_by_text("2 af 2")).to_be_visible()
    expect(queue.get_by_role("link", name="Behandl høringssvarene")).to_be_visible()
    shot(page, "hearing-complete-hmu-dashboard")
    queue.get_by_role("link", name="Besparelser på administration").click()
    expect(page.get_by_role("button", name="Start HMU-behandlingen")).to_be_visible()
    expect(page.get_by_label("Begrundelse for tidlig start")).to_have_count(0)
    page.get_by_role("button", name="Start HMU-behandlingen").click()
    expect(page.get_by_text("HMU-behandlingen er startet.")).to_be_visible()
    assert s.reload().state == State.HMU_REVIEW
    page.context.close()

    sweep()
    assert len(mails_to(smtp, s.hmu_user.email)) == 1
