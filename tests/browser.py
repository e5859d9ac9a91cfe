"""Real headless Chromium (Debian's package) driven by Playwright, shared by the browser tests.

The ``browser`` fixture itself is in tests/conftest.py."""

import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
