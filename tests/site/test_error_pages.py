"""The error pages (400, 403, 404, 429 lockout, 500, CSRF failure) are Danish, in the site's
layout (its header and style sheets), each with a way back to the front page, with DEBUG off
as in production; in English when English is chosen in the footer. Seen in Chromium against a
real server too (screenshots in test-artifacts/screenshots/error-*.png)."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.approval_factories import make_committee
from tests.browser import expect, shot
from tests.factories import make_department, make_user
from tests.memo_factories import make_memo_with_one_change

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

PASSWORD = "test-pass-123"
HEADINGS = {
    400: "Forkert forespørgsel",
    403: "Ingen adgang",
    404: "Siden findes ikke",
    429: "Log ind er spærret",
    500: "Der opstod en fejl",
    "csrf": "Formularen er udløbet",
}
ENGLISH = {404: "Page not found", 500: "An error occurred", 400: "Bad request"}


@pytest.fixture
def outsider():
    """A member of another department's committee, who may not see the memo."""
    user = make_user("udenforstaaende")
    make_committee(make_department("UDE"), name="LMU Ude", members=[user])
    return user


def _error_responses(outsider, settings):
    settings.AXES_FAILURE_LIMIT = 2
    memo = make_memo_with_one_change()
    client = Client(raise_request_exception=False)
    client.force_login(outsider)
    responses = {
        400: client.get("/kataloger/?q=%00"),
        403: client.get(reverse("memos:detail", args=[memo.pk])),
        404: client.get("/kataloger/findes-ikke/"),
        500: client.get("/fejl-til-test/"),
    }
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(outsider)
    responses["csrf"] = csrf_client.post(reverse("logout"))
    anonymous = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        responses[429] = anonymous.post(reverse("login"), {"username": outsider.username, "password": "forkert"})
    return responses


def test_each_error_page_is_danish_in_the_sites_layout_with_a_way_back(outsider, settings):
    assert not settings.DEBUG
    for key, response in _error_responses(outsider, settings).items():
        html = response.content.decode()
        assert response.status_code == (403 if key == "csrf" else key), key
        assert '<html lang="da">' in html, key
        assert f"<h1>{HEADINGS[key]}</h1>" in html, key
        assert '<header class="app-header">' in html and "/static/css/app.css" in html, key
        assert f'href="{reverse("home")}"' in html and "Gå til forsiden" in html, key


def test_the_error_pages_follow_the_language_chosen(client, outsider):
    client.raise_request_exception = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(outsider)
    for status, url in ((404, "/kataloger/findes-ikke/"), (500, "/fejl-til-test/"), (400, "/?q=%00")):
        response = client.get(url)
        assert response.status_code == status
        assert f"<h1>{ENGLISH[status]}</h1>" in response.content.decode()


def test_the_refusals_reason_is_on_the_403_page(client, outsider):
    client.force_login(outsider)
    process = make_memo_with_one_change().process
    process.catalogue.department.committees.create(name="LMU med", kind="lmu").memberships.create(user=outsider)
    response = client.post(reverse("approvals:open_hearing", args=[process.catalogue.slug]))
    assert response.status_code == 403
    assert '<div class="alert alert-warning" role="alert">' in response.content.decode()


def test_the_500_page_needs_no_request_context_and_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")  # no session, no user: the middleware never ran
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Der opstod en fejl</h1>" in html and '<header class="app-header">' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_error_pages_in_chromium(browser, live_server, outsider, settings):
    assert not settings.DEBUG
    settings.AXES_FAILURE_LIMIT = 2
    memo = make_memo_with_one_change()
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(outsider.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{live_server.url}/")

    def check(status, name, heading):
        assert page.locator("html").get_attribute("lang") == "da"
        expect(page.locator(".app-header .app-logo")).to_have_text("Budgetkataloger")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        back = page.get_by_role("link", name="Gå til forsiden")
        expect(back).to_have_attribute("href", "/")
        # The layout's style sheets apply: the header is DKFDS-styled dark, not a bare page.
        assert page.locator(".app-header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(26, 26, 26)"
        shot(page, f"error-{name}")

    for status, name, path in (
        (404, "404", "/kataloger/findes-ikke/"),
        (403, "403", reverse("memos:detail", args=[memo.pk])),
        (400, "400", "/kataloger/?q=%00"),
        (500, "500", "/fejl-til-test/"),
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == status, path
        check(status, name, HEADINGS[status])
    # The way back leads to the front page.
    page.get_by_role("link", name="Gå til forsiden").click()
    page.wait_for_url(f"{live_server.url}/")

    # A form sent with a stale token (another tab signed out and in again).
    page.locator("header input[name=csrfmiddlewaretoken]").evaluate("e => e.value = 'x'.repeat(64)")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Log ud").click()
    assert navigation.value.status == 403
    check(403, "csrf", HEADINGS["csrf"])
    context.close()

    # Locked out after the wrong password, in a fresh browser.
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/login/")
        page.locator("#id_username").fill(outsider.username)
        page.locator("#id_password").fill("forkert")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Log ind").click()
    assert navigation.value.status == 429
    check(429, "429", HEADINGS[429])
    context.close()
