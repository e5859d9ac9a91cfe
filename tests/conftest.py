import os
import socket
from pathlib import Path

import pytest
from django.db import connection


def service_available(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require(present, message):
    """Skip (or, with REQUIRE_SERVICES=1 as in CI, fail) when a real part is absent."""
    if present:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
    pytest.skip(message)


def require_service(name, host, port):
    require(service_available(host, port), f"{name} is not running on {host}:{port}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases; before they are dropped, the connections the live
    server's request threads left open are closed, or PostgreSQL's DROP DATABASE waits 5 s
    for them and then leaves the test database behind."""
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _quiet_settings(settings):
    # Tests use Django's locmem outbox, in-process Celery and no quiet period.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEMO_QUIET_PERIOD_SECONDS = 0
    settings.LANGUAGE_CODE = "da"
    # Hashing passwords the real way was most of the suite's time; no test is about its cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser():
    """Headless Chromium for one test. Not shared across tests: Playwright's sync API keeps an
    event loop running in this thread while it lives, and Django refuses async_to_sync beside it."""
    from tests.browser import CHROMIUM

    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def admin_page(browser, live_server, settings):
    """A superuser signed in to the admin in Chromium."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw-123456")
    context = browser.new_context(locale="da-DK", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("pw-123456")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page
    context.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Files with browser or end-to-end tests first (a stable sort: each file's own order kept).
    bin/test hands out whole files to its processes; the long ones started last left one process
    working alone at the end."""
    slow_files = {
        item.path for item in items if item.get_closest_marker("browser") or item.get_closest_marker("services")
    }
    items.sort(key=lambda item: item.path not in slow_files)
