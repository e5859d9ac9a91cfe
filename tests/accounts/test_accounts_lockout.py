"""The login lockout behind the municipality's proxy: counted per user name and real client
(accounts.client: the address the trusted proxy saw, not the proxy's, not what the client
wrote itself), lifted by itself after the cool-off, and both written to the log."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "Rigtig-kode-2024"
PROXY = "10.0.0.5"  # the TLS proxy: every request reaches the application from here


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def victim():
    return get_user_model().objects.create_user("offer", "offer@example.dk", PASSWORD, is_staff=True)


def sign_in(client_address, password, *, forwarded_for=None, path="/login/"):
    """A sign-in from ``client_address`` through the proxy, which appends it to X-Forwarded-For
    (after whatever the client wrote there itself)."""
    chain = ", ".join([*([forwarded_for] if forwarded_for else []), client_address])
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)
    response = client.post(path, {"username": "offer", "password": password})
    return response, "_auth_user_id" in client.session


def test_an_attacker_behind_the_proxy_does_not_lock_the_user_out_elsewhere(behind_one_proxy, victim):
    for _ in range(10):
        sign_in("203.0.113.66", "gæt")
    response, signed_in = sign_in("203.0.113.66", PASSWORD)
    assert response.status_code == 429 and not signed_in  # the attacker's client is locked
    # The real user, at the office, through the same proxy: signs in.
    response, signed_in = sign_in("198.51.100.7", PASSWORD)
    assert response.status_code == 302 and signed_in
    # ... on the admin's login too.
    assert sign_in("198.51.100.7", PASSWORD, path="/admin/login/")[1]
    [attempt] = AccessAttempt.objects.filter(username="offer")
    assert attempt.ip_address == "203.0.113.66"


def test_what_the_client_writes_in_x_forwarded_for_is_not_trusted(behind_one_proxy, victim):
    # Each attempt claims another address; the proxy's appended one is the client's.
    for number in range(10):
        sign_in("203.0.113.66", "gæt", forwarded_for=f"192.0.2.{number}")
    assert sign_in("203.0.113.66", PASSWORD, forwarded_for="192.0.2.200")[0].status_code == 429


def test_without_a_proxy_the_connection_is_the_client(settings, victim):
    settings.TRUSTED_PROXY_COUNT = 0
    for _ in range(10):
        Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.7").post(
            "/login/", {"username": "offer", "password": "gæt"}
        )
    assert AccessAttempt.objects.get(username="offer").ip_address == "203.0.113.66"


def test_the_lockout_lifts_by_itself_after_half_an_hour(behind_one_proxy, victim, settings):
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    for _ in range(10):
        sign_in("203.0.113.66", "gæt")
    response = sign_in("203.0.113.66", PASSWORD)[0]
    assert response.status_code == 429
    page = response.content.decode()
    assert "efter 30 minutter" in page and "fra andre adresser kan brugeren stadig logge ind" in page

    def minutes_pass(minutes):
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=minutes))

    minutes_pass(29)
    assert sign_in("203.0.113.66", PASSWORD)[0].status_code == 429  # (and a try while locked starts it again)
    minutes_pass(31)
    assert sign_in("203.0.113.66", PASSWORD)[1]


def test_lockouts_and_their_lifting_are_logged(behind_one_proxy, victim, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(10):
        sign_in("203.0.113.66", "gæt")
    locked = [r for r in caplog.records if r.name == "axes.handlers.database" and "Locking out" in r.getMessage()]
    assert len(locked) == 1 and "offer" in locked[0].getMessage() and "203.0.113.66" in locked[0].getMessage()

    AccessAttempt.objects.all().delete()  # what the admin's deletion and axes_reset do
    [lifted] = [r for r in caplog.records if r.name == "accounts.lockout"]
    assert lifted.levelname == "WARNING"
    assert "'offer'" in lifted.getMessage() and "203.0.113.66" in lifted.getMessage()
