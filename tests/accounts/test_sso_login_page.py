"""The login page and the admin's login with single sign-on configured and local login on or
off (LOCAL_LOGIN); the OpenID Connect start when SSO is not configured."""

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


@pytest.fixture
def sso(settings):
    settings.OIDC_RP_CLIENT_ID = "budgetkataloger"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example/token"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example/jwks"
    settings.OIDC_PROVIDER_NAME = "Aarhus Kommune"
    return settings


def test_without_sso_the_page_has_the_password_form_only(client):
    html = client.get(LOGIN).content.decode()
    assert 'name="password"' in html
    assert 'id="sso-login"' not in html
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_with_sso_and_local_login_both_are_offered(client, sso):
    html = client.get(f"{LOGIN}?next=/kataloger/").content.decode()
    assert "Log ind med Aarhus Kommune" in html
    assert 'href="/oidc/authenticate/?next=/kataloger/"' in html
    assert 'name="password"' in html


def test_sso_start_redirects_to_the_provider_with_pkce_and_nonce(client, sso):
    response = client.get("/oidc/authenticate/?next=/kataloger/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://login.example/auth?")
    for part in ("client_id=budgetkataloger", "code_challenge=", "nonce=", "state=", "response_type=code"):
        assert part in location
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Foidc%2Fcallback%2F" in location


def test_local_login_off_offers_only_sso_and_refuses_passwords(client, sso):
    sso.LOCAL_LOGIN = False
    make_user("anna", password="rigtig-kode-123")
    html = client.get(LOGIN).content.decode()
    assert 'id="sso-login"' in html
    assert 'name="password"' not in html

    response = client.post(LOGIN, {"username": "anna", "password": "rigtig-kode-123"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    # Nor through the admin's own login or the authentication API.
    assert not client.login(username="anna", password="rigtig-kode-123")


def test_local_login_off_sends_the_admin_login_to_the_sso_page(client, sso):
    sso.LOCAL_LOGIN = False
    response = client.get("/admin/login/?next=/admin/approvals/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Fapprovals%2F"
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 302


def test_local_login_on_keeps_the_admin_login_page(client):
    make_user("admin2", password="rigtig-kode-123", is_staff=True, is_superuser=True)
    assert 'name="password"' in client.get("/admin/login/").content.decode()
    assert client.login(username="admin2", password="rigtig-kode-123")


def test_a_refused_sso_login_comes_back_to_the_login_page_with_a_danish_message(client, sso):
    client.get("/oidc/authenticate/")  # the state the provider would send back
    state = next(iter(client.session["oidc_states"]))
    response = client.get(f"/oidc/callback/?error=access_denied&state={state}", follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Log ind med kommunens log ind mislykkedes." in response.content.decode()
    assert "_auth_user_id" not in client.session
