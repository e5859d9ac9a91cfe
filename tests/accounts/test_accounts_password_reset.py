"""Password reset through the outbox: the page answers alike for every address and only writes
a row; the link is written when the row is sent; requests are limited per address and client;
without local login there are no reset pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from approvals.outbox import sweep as outbox_sweep
from approvals.outbox.models import Email

pytestmark = pytest.mark.django_db

PASSWORD = "Rigtig-kode-2024"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user():
    return get_user_model().objects.create_user("sagsbehandler", "sb@example.dk", PASSWORD)


def ask(client, email):
    return client.post("/adgangskode/glemt/", {"email": email})


def sweep():
    """What the sweep beside the web server (or a worker) does with the outbox."""
    outbox_sweep.sweep()
    return mail.outbox


def test_password_reset_by_email(client, user):
    login_page = client.get("/login/").content.decode()
    assert 'href="/adgangskode/glemt/"' in login_page and "Glemt din adgangskode?" in login_page
    response = ask(client, "SB@example.dk")
    assert response.status_code == 302 and response.url == "/adgangskode/sendt/"
    assert "Tjek din e-mail" in client.get(response.url).content.decode()
    assert mail.outbox == []  # nothing is sent inside the request
    row = Email.objects.get()
    assert (row.kind, row.status, row.body) == (Email.Kind.PASSWORD_RESET, Email.Status.PENDING, "")

    [message] = sweep()
    assert message.to == ["SB@example.dk"] and message.subject == "Ny adgangskode til Budgetkataloger"
    assert "Dit brugernavn er: sagsbehandler" in message.body
    row.refresh_from_db()
    assert row.status == Email.Status.SENT and "adgangskode/ny" not in row.body  # the link is not stored
    link = re.search(r"http://127\.0\.0\.1:8000(/adgangskode/ny/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Vælg ny adgangskode" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_password_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and "form-error-message" in weak.content.decode()
    done = client.post(set_password_url, {"new_password1": "Ny-staerk-kode-77", "new_password2": "Ny-staerk-kode-77"})
    assert done.status_code == 302 and done.url == "/adgangskode/gemt/"
    assert "Adgangskoden er gemt" in client.get(done.url).content.decode()
    client.post("/login/", {"username": "sagsbehandler", "password": "Ny-staerk-kode-77"})
    assert "_auth_user_id" in client.session
    client.logout()
    assert "Linket er ugyldigt" in client.get(link, follow=True).content.decode()  # once only


def test_known_and_unknown_addresses_get_the_same_answer_for_the_same_work(client, user):
    def request(email, client_address):
        with CaptureQueriesContext(connection) as queries:
            response = ask(Client(REMOTE_ADDR=client_address), email)
        return response, [re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in queries.captured_queries]

    known, known_queries = request("sb@example.dk", "198.51.100.1")
    unknown, unknown_queries = request("ingen@example.dk", "198.51.100.2")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known_queries == unknown_queries  # no lookup of the address in the request
    assert Email.objects.count() == 2 and mail.outbox == []

    sent = sweep()
    assert [m.to for m in sent] == [["sb@example.dk"]]
    assert Email.objects.get(email="ingen@example.dk").status == Email.Status.SKIPPED


def test_no_reset_email_for_a_user_without_a_local_password(client):
    sso_user = get_user_model().objects.create_user("sso", "sso@example.dk")
    sso_user.set_unusable_password()
    sso_user.save()
    assert ask(client, "sso@example.dk").status_code == 302
    assert sweep() == []
    assert Email.objects.get().status == Email.Status.SKIPPED


def test_one_address_is_not_flooded(client, user, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 3
    for _ in range(5):
        assert ask(Client(REMOTE_ADDR=f"10.1.1.{_}"), "sb@example.dk").status_code == 302  # the same answer
    assert Email.objects.count() == 3
    assert len(sweep()) == 3


def test_one_client_is_limited(user, settings):
    settings.PASSWORD_RESET_PER_CLIENT_PER_HOUR = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert ask(client, "a@example.dk").status_code == 302
    assert ask(client, "b@example.dk").status_code == 302
    refused = ask(client, "c@example.dk")
    assert refused.status_code == 429 and "For mange forsøg" in refused.content.decode()
    assert Email.objects.count() == 2
    assert ask(Client(REMOTE_ADDR="198.51.100.1"), "c@example.dk").status_code == 302  # another client


def test_no_reset_pages_without_local_login(client, user, settings):
    settings.LOCAL_LOGIN = False
    for path in ("/adgangskode/glemt/", "/adgangskode/sendt/", "/adgangskode/ny/MQ/abc-123/", "/adgangskode/gemt/"):
        assert client.get(path).status_code == 404, path
    assert ask(client, "sb@example.dk").status_code == 404
    assert not Email.objects.exists()
    assert "adgangskode/glemt" not in client.get("/login/").content.decode()
