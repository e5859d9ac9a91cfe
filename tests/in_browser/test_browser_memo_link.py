"""Real Chromium: a budget party opens the memo link from the e-mail in a fresh browser,
without an account, reads the memo and downloads its PDF."""

import re

import pytest
from django.core import mail

from approvals.memos.models import MemoLinkOpening
from approvals.outbox import delivery as outbox
from tests.browser import expect, shot
from tests.memo_factories import make_memo_with_one_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_budget_party_opens_the_memo_link_without_logging_in(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    memo = make_memo_with_one_change()
    delivery = memo.deliveries.get(outbox_email__email="anna@parti-a.example")
    outbox.deliver(delivery.outbox_email_id)  # sent once only, also if the outbox already sent it on commit
    [message] = [m for m in mail.outbox if m.to == ["anna@parti-a.example"]]
    url = re.search(r"(http://\S+/notater/laes/\S+/)", message.body).group(1)

    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})  # no session
    page = context.new_page()
    page.goto(url)
    assert page.url == url  # not sent to a login page
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse"
    )
    expect(page.get_by_text("Notat nr. 1", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log ud")).to_have_count(0)
    shot(page, "memo-link-reader")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent notat 1 som PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # An altered link: a clear Danish page, still no login.
    page.goto(url[:-4] + "xyz/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Linket er ugyldigt")
    assert "/login/" not in page.url
    context.close()

    kinds = sorted(MemoLinkOpening.objects.filter(delivery=delivery).values_list("kind", flat=True))
    assert kinds == ["html", "pdf"]
