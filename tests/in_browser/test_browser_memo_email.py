"""Real Chromium: the memo e-mail's HTML part as a reader sees it (issue 23, finding 7): the
letterhead with the sender's contact block is visible (it was hidden), beside the memo on a
wide screen and above it on a phone, and a manager reads why they get it."""

import pytest

from approvals.memos import delivery
from tests.browser import expect, shot
from tests.memo_factories import make_memo_with_one_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_memo_email_shows_the_letterhead_and_addresses_a_manager(browser):
    memo = make_memo_with_one_change()
    html = delivery.build_message(
        memo.deliveries.get(outbox_email__email="direktor@aarhus.example").outbox_email
    ).alternatives[0][0]
    for width, name in ((900, "memo-email-manager"), (380, "memo-email-manager-phone")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_content(html)
        sender = page.get_by_role("complementary", name="Afsender")
        expect(sender).to_be_visible()
        expect(sender.get_by_text("Kristian Mikkelsen")).to_be_visible()
        expect(sender.get_by_text("41874622")).to_be_visible()
        expect(page.get_by_text("Aarhus Kommune · Sundhed og Omsorg")).to_be_visible()
        expect(page.get_by_text("fordi du er leder i Sundhed og Omsorg")).to_be_visible()
        heading = page.get_by_role("heading", level=1).bounding_box()
        box = sender.bounding_box()
        if width > 600:
            # Beside the memo's head, on the right, as on the PDF.
            assert box["x"] > width / 2 and box["y"] < heading["y"] < box["y"] + box["height"]
        else:
            assert box["y"] + box["height"] <= heading["y"]  # above it on a phone
        shot(page, name)
        page.close()
