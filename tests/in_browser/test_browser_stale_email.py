"""Real Chromium and a real SMTP server on loopback: a proposal changes twice after both LMUs
submitted → once the changes have been quiet for the quiet period, each LMU's member gets one
e-mail → LMU Et's member sees the flag on the dashboard, follows the e-mail's link (signing in
on the way), finds no "cannot be changed" under the request to confirm, confirms, and the
flag and the next step are gone."""

import datetime
import re

import pytest
from django.utils import timezone

from approvals.models import HearingResponse
from approvals.sweep import sweep
from proposals.models import ProposalYear
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.e2e.services import smtp_server
from tests.in_browser.test_browser_workflow import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUIET = datetime.timedelta(seconds=600)


@pytest.fixture
def smtp(settings, live_server):
    settings.MEMO_QUIET_PERIOD_SECONDS = int(QUIET.total_seconds())
    settings.SITE_URL = live_server.url
    with smtp_server() as (sink, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        yield sink


def stale_mails(sink, address):
    return [m for m in sink.received() if address in m.rcpt_tos and m.subject.startswith("Forslag ændret")]


def test_the_lmu_is_emailed_once_follows_the_link_and_confirms(browser, live_server, smtp):
    s = Setup(title="Omprioriteringer").to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    s.submit(s.lmu2, s.lmu2_user)
    first = s.proposals[0]

    # A burst of two edits of proposal 1's 2025 figure, a minute apart.
    start = timezone.now()
    ProposalYear.objects.filter(proposal=first, year=2025).update(net_amount=-2500)
    sweep(now=start)
    ProposalYear.objects.filter(proposal=first, year=2025).update(net_amount=-3000)
    sweep(now=start + datetime.timedelta(minutes=1))
    sweep(now=start + QUIET)  # quiet for less than the period since the last edit
    assert stale_mails(smtp, s.lmu1_user.email) == []
    sweep(now=start + QUIET + datetime.timedelta(minutes=2))
    sweep(now=start + 2 * QUIET)  # nobody is told twice
    [message] = stale_mails(smtp, s.lmu1_user.email)
    assert len(stale_mails(smtp, s.lmu2_user.email)) == 1
    assert message.subject == "Forslag ændret siden jeres høringssvar: Omprioriteringer"
    body = message.text_body()
    second = s.proposals[1]
    assert f"- {first.code} {first.title}" in body and f"- {second.code} {second.title}" not in body
    link = re.search(r"Bekræft eller ret holdningerne: (\S+)", body).group(1)
    assert link == f"{live_server.url}/forloeb/{s.catalogue.slug}/hoeringssvar/{s.lmu1.pk}/"

    # Signed in, the dashboard flags the submitted response and names the next step.
    page = sign_in(browser, live_server, s.lmu1_user)
    hearings = page.locator("section", has=page.get_by_role("heading", name="Høringer for dine LMU'er"))
    expect(hearings.get_by_text("Ændret siden dit svar – bekræft eller ret")).to_be_visible()
    expect(hearings.get_by_role("link", name="Bekræft eller ret dine holdninger")).to_be_visible()
    shot(page, "stale-email-01-dashboard-flag")
    page.context.close()

    # The member follows the e-mail's link in a fresh browser: signs in and lands on the response.
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(link)
    page.get_by_label("Brugernavn").fill(s.lmu1_user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(link)
    expect(page.get_by_text("1 holdning er givet på en tidligere version af sit forslag")).to_be_visible()
    expect(page.get_by_text("kan ikke længere ændres")).to_have_count(0)
    expect(page.get_by_text("Holdningerne til de ændrede forslag kan I bekræfte eller rette herunder")).to_be_visible()
    form = page.get_by_role("form", name=f"Bekræft eller ret holdningen til forslag {first.code}")
    expect(form.get_by_label("Holdning")).to_have_value("support")
    shot(page, "stale-email-02-response-page")
    with page.expect_navigation():
        form.get_by_role("button", name="Bekræft holdningen").click()
    expect(page.get_by_text("Holdningen gælder nu forslaget, som det ser ud nu.")).to_be_visible()
    expect(page.locator(".app-stale")).to_have_count(0)

    # Back on the dashboard: submitted, nothing left to do.
    page.goto(f"{live_server.url}/")
    hearings = page.locator("section", has=page.get_by_role("heading", name="Høringer for dine LMU'er"))
    expect(hearings.get_by_text("Ændret siden dit svar")).to_have_count(0)
    expect(hearings.get_by_role("link", name="Bekræft eller ret dine holdninger")).to_have_count(0)
    expect(hearings.get_by_role("link", name="Indsendt")).to_be_visible()
    shot(page, "stale-email-03-dashboard-clear")
    context.close()
    assert set(HearingResponse.objects.values_list("status", flat=True)) == {HearingResponse.Status.SUBMITTED}

    sweep(now=start + 3 * QUIET)
    assert len(stale_mails(smtp, s.lmu1_user.email)) == 1
