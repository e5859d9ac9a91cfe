"""Single sign-on in Chromium against a real OpenID Connect provider on loopback (the npm
oidc-provider, tests/e2e/oidc_provider.mjs): a directory user with local login switched off
signs in through the provider and lands on the dashboard with the committee their group maps to;
a directory change (a group left, the account disabled) takes effect within the re-check interval."""

import time

import pytest

from approvals.models import Membership, SsoGroupMapping
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.conftest import require
from tests.e2e import oidc

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTS = {
    "bo.lmu": {
        "password": "directory-pw-2",
        "email": "bo@aarhus.example",
        "name": "Bo Berg",
        "groups": ["grp-lmu-nord"],
    },
    "anna.lmu": {
        "password": "directory-pw-1",
        "email": "anna@aarhus.example",
        "name": "Anna Lund",
        "given_name": "Anna",
        "family_name": "Lund",
        "groups": ["c0ffee00-0000-4000-8000-00000000lmu1", "Alle medarbejdere"],
    },
}


@pytest.fixture(scope="module")
def provider(live_server):
    require(oidc.missing() is None, f"OpenID Connect provider cannot run: {oidc.missing()}")
    running = oidc.OidcProvider(redirect_uris=[f"{live_server.url}/oidc/callback/"], accounts=ACCOUNTS).start()
    yield running
    running.stop()


@pytest.fixture
def sso_settings(settings, provider):
    for name, value in provider.environment().items():
        setattr(settings, name, value)
    settings.LOCAL_LOGIN = False
    return settings


def test_directory_user_signs_in_and_lands_with_their_committee(browser, live_server, sso_settings, provider):
    s = Setup(title="Katalog til høring").to_hearing()
    SsoGroupMapping.objects.create(group="c0ffee00-0000-4000-8000-00000000LMU1", committee=s.lmu1)
    SsoGroupMapping.objects.create(group="HMU-gruppe", committee=s.hmu)

    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.locator("input[name=password]").count() == 0  # local login is off
    page.locator("#sso-login").click()

    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.locator("#login").fill("anna.lmu")
    page.locator("#password").fill("wrong")
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("Forkert brugernavn")
    page.locator("#login").fill("anna.lmu")
    page.locator("#password").fill("directory-pw-1")
    page.locator("button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".app-user")).to_contain_text("Anna Lund")
    expect(page.locator("main")).to_contain_text("Katalog til høring")
    # The hearing response of the LMU the group maps to is hers to write.
    expect(page.locator("main")).to_contain_text("Høringer for dine LMU'er")
    response_link = page.locator(f'a[href="/forloeb/{s.catalogue.slug}/hoeringssvar/{s.lmu1.pk}/"]')
    expect(response_link).to_have_text("Skriv høringssvar")
    shot(page, "sso-dashboard")

    membership = Membership.objects.get(user__username="anna.lmu")
    assert membership.committee == s.lmu1
    assert membership.user.email == "anna@aarhus.example"
    assert not membership.user.has_usable_password()
    context.close()


def test_leaving_a_directory_group_ends_access_within_the_recheck_interval(
    browser, live_server, sso_settings, provider
):
    sso_settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 3  # SSO_RECHECK_MINUTES, shortened for the test
    s = Setup(title="Katalog til høring").to_hearing()
    SsoGroupMapping.objects.create(group="grp-lmu-nord", committee=s.lmu1)
    response_url = f"/forloeb/{s.catalogue.slug}/hoeringssvar/{s.lmu1.pk}/"

    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.locator("#sso-login").click()
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.locator("#login").fill("bo.lmu")
    page.locator("#password").fill("directory-pw-2")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(f'a[href="{response_url}"]')).to_be_visible()

    # The directory removes Bo from the group. Until the re-check, the session stands.
    provider.change_account("bo.lmu", groups=[])
    assert page.goto(f"{live_server.url}{response_url}").status == 200
    time.sleep(3.5)
    # The next page goes round the directory without a prompt, and the group's committee is gone.
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".app-user")).to_contain_text("Bo Berg")  # still signed in ...
    expect(page.locator(f'a[href="{response_url}"]')).to_have_count(0)  # ... without the LMU
    assert not Membership.objects.filter(user__username="bo.lmu").exists()
    assert page.goto(f"{live_server.url}{response_url}").status == 404
    shot(page, "sso-after-group-removed")

    # Disabled in the directory: the next re-check ends the session.
    provider.change_account("bo.lmu", disabled=True)
    time.sleep(3.5)
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/login/**")
    expect(page.locator("#sso-login")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("kommunens log ind ikke længere bekræfter dit log ind")
    assert page.goto(f"{live_server.url}{response_url}").url.startswith(f"{live_server.url}/login/")
    shot(page, "sso-after-account-disabled")
    context.close()
