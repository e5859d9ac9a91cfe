"""E-mail through an SMTP server that requires TLS and AUTH (Exchange Online's way), on loopback:
the settings EMAIL_USE_TLS / EMAIL_USE_SSL / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD reach
Django's SMTP backend, the server's certificate is verified, a wrong password is a clear error."""

import smtplib
import ssl
from io import StringIO

import pytest
from django.core.mail import EmailMessage, get_connection
from django.core.management import call_command

from approvals import services
from tests.approval_factories import Setup
from tests.e2e.smtp_tls import PASSWORD, USER, tls_smtp_server


@pytest.fixture
def smtp_settings(settings):
    def configure(server, *, password=PASSWORD):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = USER
        settings.EMAIL_HOST_PASSWORD = password
        settings.EMAIL_USE_TLS = server.mode == "starttls"
        settings.EMAIL_USE_SSL = server.mode == "ssl"
        settings.EMAIL_TIMEOUT = 10

    return configure


@pytest.mark.django_db
def test_workflow_email_reaches_a_starttls_auth_server(
    tmp_path, monkeypatch, smtp_settings, django_capture_on_commit_callbacks
):
    with tls_smtp_server(tmp_path, mode="starttls") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))  # trust the test CA, and only it
        smtp_settings(server)
        s = Setup()
        with django_capture_on_commit_callbacks(execute=True):
            services.open_hearing(s.process, actor=s.admin)
        # Whatever is still due (no broker here) goes out as the sweep beside the web server sends it.
        call_command("memo_sweep", stdout=StringIO())

        received = server.sink.received()
        assert sorted(r for m in received for r in m.rcpt_tos) == sorted([s.lmu1_user.email, s.lmu2_user.email])
        assert all(s.catalogue.title in m.subject for m in received)
        assert server.authenticator.refused == 0


def test_implicit_tls_port_465_style(tmp_path, monkeypatch, smtp_settings):
    with tls_smtp_server(tmp_path, mode="ssl") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        smtp_settings(server)
        assert EmailMessage("Prøve", "Hej", "budget@kommune.example", ["a@example.dk"]).send() == 1
        [message] = server.sink.received()
        assert message.rcpt_tos == ["a@example.dk"] and message.subject == "Prøve"


def test_wrong_password_is_a_clear_authentication_error(tmp_path, monkeypatch, smtp_settings):
    with tls_smtp_server(tmp_path, mode="starttls") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        smtp_settings(server, password="forkert")
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            EmailMessage("Prøve", "Hej", "budget@kommune.example", ["a@example.dk"]).send()
        assert refused.value.smtp_code == 535
        assert b"Authentication" in refused.value.smtp_error
        assert server.authenticator.refused >= 1 and server.sink.received() == []  # smtplib tries PLAIN, then LOGIN


def test_without_tls_the_server_refuses_to_authenticate(tmp_path, monkeypatch, smtp_settings):
    with tls_smtp_server(tmp_path, mode="starttls") as server:
        smtp_settings(server)
        connection = get_connection(use_tls=False)
        with pytest.raises(smtplib.SMTPException) as refused:
            connection.send_messages([EmailMessage("Prøve", "Hej", "budget@kommune.example", ["a@example.dk"])])
        assert "STARTTLS" in str(refused.value) or "AUTH" in str(refused.value)
        assert server.sink.received() == []


def test_an_untrusted_certificate_is_refused(tmp_path, monkeypatch, smtp_settings):
    # No SSL_CERT_FILE: the self-signed certificate is not in the system's bundle.
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with tls_smtp_server(tmp_path, mode="starttls") as server:
        smtp_settings(server)
        with pytest.raises(ssl.SSLCertVerificationError):
            EmailMessage("Prøve", "Hej", "budget@kommune.example", ["a@example.dk"]).send()
        assert server.sink.received() == []
