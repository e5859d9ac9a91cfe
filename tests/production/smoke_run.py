"""The production smoke run: the application as a municipality runs it, end to end.

With DEBUG off, on PostgreSQL (pytest-django's test database, shared with the processes) and
a Redis broker of its own, it starts the OpenID Connect provider (tests/e2e/oidc_provider.mjs),
the SMTP server that requires STARTTLS and AUTH (tests/e2e/smtp_tls.py), two gunicorn web
servers, a Celery worker and Celery beat. Chromium then walks, alternating between the two
servers: an LMU member signs in through single sign-on and submits the hearing response, the
department's administrator starts HMU review, an HMU member reviews and forwards, a sign-off
member approves, the administrator changes a proposal in the admin, and the memo arrives at
the TLS/AUTH SMTP server. Then: static files are hashed and served with a long cache, `check
--deploy` is clean with the documented production settings, the monitoring health endpoint is
healthy and turns unhealthy when the worker stops (the load balancer's stays healthy), and behind
a proxy the 10th wrong password in a row locks the username from that client only.

Run by `.ci/production-smoke` (not collected by `bin/test`: the file is not test_*.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/budget_smoke REQUIRE_SERVICES=1 \\
        .venv/bin/python -m pytest -m production tests/production/smoke_run.py
"""

import os
import re
import signal
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import requests
from django.conf import global_settings
from django.db import connection

from approvals.models import CatalogueProcess, Email, HearingResponse, Memo, SsoGroupMapping
from proposals.models import Catalogue
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.conftest import require
from tests.e2e import oidc, smtp_tls
from tests.e2e.proxy import ReverseProxy, client_session
from tests.e2e.services import BASE_DIR, CELERY, PrivateRedis, Worker, database_url, free_port, wait_for
from tests.e2e.web import Gunicorn, app_environment, csrf_token
from tests.memo_factories import make_agreement

pytestmark = [pytest.mark.production, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 90  # seconds: upper bound for anything to happen
ADMIN_PASSWORD = "Lokal-adgangskode-2026"
DIRECTORY_PASSWORD = "Kommunens-login-2026"
# The municipality's directory: users and the groups the tenant sends in the ID token.
ACCOUNTS = {
    "anna.lmu": {"name": "Anna Lund", "groups": ["grp-lmu-et"]},
    "hans.hmu": {"name": "Hans Holm", "groups": ["grp-hmu"]},
    "rita.raadmand": {"name": "Rita Rask", "groups": ["grp-raadmand"]},
}
for login, account in ACCOUNTS.items():
    account.update(password=DIRECTORY_PASSWORD, email=f"{login}@aarhus.example")
SECRET_KEY = "smoke-" + "k3y-" * 16


def documented_production_settings():
    """deploy/production.env.example (the README's production settings behind a TLS proxy),
    less its placeholders and the addresses of services this run has its own of."""
    sys.path.insert(0, str(BASE_DIR / "deploy"))
    import envfile  # deploy/envfile.py: the env file as systemd reads it

    settings = {}
    for key, value in envfile.read(BASE_DIR / "deploy" / "production.env.example").items():
        if "<" in value or key in ("CELERY_BROKER_URL", "CACHE_URL") or key.startswith(("EMAIL_", "DATABASE_")):
            continue
        settings[key] = value
    return {**settings, "SECRET_KEY": SECRET_KEY}


class Beat:
    """``celery -A config beat`` (its schedule file in a temporary folder)."""

    def __init__(self, env, directory):
        self.env, self.directory, self.process = env, directory, None

    def start(self):
        self._log = open(self.directory / "beat.log", "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "config", "beat", "-l", "INFO", "-s", str(self.directory / "beat-schedule")],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: "beat: Starting" in self.log() or self.process.poll() is not None, 60, message="beat")
        assert self.process.poll() is None, self.log()[-3000:]
        return self

    def log(self):
        path = self.directory / "beat.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.process = None
        self._log.close()


@dataclass
class Stack:
    env: dict
    servers: list
    worker: Worker
    smtp: object
    provider: oidc.OidcProvider


def manage(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def stack(tmp_path, settings):
    require(connection.vendor == "postgresql", "the production smoke run needs PostgreSQL (DATABASE_URL=postgres://…)")
    require(PrivateRedis.available(), "redis-server is not installed (Debian package redis-server)")
    require(oidc.missing() is None, f"the OpenID Connect provider cannot run: {oidc.missing()}")
    # The processes check passwords with the real hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    with ExitStack() as stop:
        redis = PrivateRedis()
        redis.start()
        stop.callback(redis.stop)
        smtp = stop.enter_context(smtp_tls.tls_smtp_server(tmp_path / "smtp"))
        ports = [free_port(), free_port()]
        provider = oidc.OidcProvider(
            redirect_uris=[f"http://127.0.0.1:{port}/oidc/callback/" for port in ports], accounts=ACCOUNTS
        ).start()
        stop.callback(provider.stop)
        env = app_environment(
            database_url(connection.settings_dict),
            CELERY_BROKER_URL=redis.url,
            CELERY_TASK_ALWAYS_EAGER="0",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=smtp.port,
            EMAIL_USE_TLS="1",
            EMAIL_HOST_USER=smtp_tls.USER,
            EMAIL_HOST_PASSWORD=smtp_tls.PASSWORD,
            SSL_CERT_FILE=smtp.cert,  # the test server's own certificate, really verified
            MEMO_QUIET_PERIOD_SECONDS="0",
            TRUSTED_PROXY_COUNT="1",  # step 9 goes through a proxy; the browser walk reaches gunicorn directly
            STATIC_ROOT=tmp_path / "staticfiles",
            SITE_URL=f"http://127.0.0.1:{ports[0]}",
            **provider.environment(),
        )
        collected = manage(env, "collectstatic", "--noinput", "-v0")
        assert collected.returncode == 0, collected.stderr[-3000:]

        worker = Worker(
            broker_url=redis.url,
            database_url=env["DATABASE_URL"],
            smtp_port=smtp.port,
            log_path=tmp_path / "worker.log",
        )
        worker.env = {**env, "LOG_LEVEL": "INFO"}
        worker.start()
        stop.callback(worker.stop)
        beat = Beat(env, tmp_path).start()
        stop.callback(beat.stop)
        servers = []
        for name, port in zip("ab", ports, strict=True):
            server = Gunicorn(env=env, port=port, log_path=tmp_path / f"gunicorn-{name}.log", workers=2).start()
            stop.callback(server.stop)
            servers.append(server)
        yield Stack(env=env, servers=servers, worker=worker, smtp=smtp, provider=provider)


def sso_sign_in(browser, server, provider, login):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/")
    page.locator("#sso-login").click()
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.locator("#login").fill(login)
    page.locator("#password").fill(DIRECTORY_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{server.url}/")
    return page


def password_sign_in(browser, server, username, password):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind", exact=True).click()
    page.wait_for_url(f"{server.url}/")
    return page


def tick_confirmations(page):
    """The explicit "Jeg bekræfter …" tick a step may ask for next to its button."""
    for box in page.locator("input[type=checkbox][name*=confirm]").all():
        if box.is_visible() and not box.is_checked():
            box.check()


def test_production_smoke_run(stack, browser):
    a, b = stack.servers
    s = Setup(
        title="Omprioriteringer til Velfærdspuljen",
        sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE,
        amount=-1100,
        agreement=make_agreement(),
    ).to_hearing()
    s.admin.set_password(ADMIN_PASSWORD)
    s.admin.save()
    for group, committee in (("grp-lmu-et", s.lmu1), ("grp-hmu", s.hmu), ("grp-raadmand", s.signoff)):
        SsoGroupMapping.objects.create(group=group, committee=committee)
    first, second, third = s.proposals

    # 1. An LMU member signs in through the directory (server A) and submits the response.
    page = sso_sign_in(browser, a, stack.provider, "anna.lmu")
    expect(page.locator(".app-user")).to_contain_text("Anna Lund")
    static_href = page.evaluate("[...document.styleSheets].map(s => s.href).find(h => h && h.includes('dkfds'))")
    page.get_by_role("link", name="Skriv høringssvar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Høringssvar fra LMU Et")
    page.get_by_label("Generel kommentar").fill("LMU Et støtter kataloget.")
    for proposal, stance in ((first, "support"), (second, "concerns"), (third, "oppose")):
        page.select_option(f"#id_stance_{proposal.pk}", stance)
    tick_confirmations(page)
    page.get_by_role("button", name="Indsend").click()
    expect(page.get_by_text("Høringssvaret er indsendt.").first).to_be_visible()
    shot(page, "smoke-01-lmu-submitted")
    assert HearingResponse.objects.get(committee=s.lmu1).status == HearingResponse.Status.SUBMITTED
    page.context.close()

    # 2. The department's administrator (local password, server B) starts HMU review early.
    page = password_sign_in(browser, b, s.admin.username, ADMIN_PASSWORD)
    page.get_by_role("link", name="Omprioriteringer til Velfærdspuljen").first.click()
    page.get_by_label("Begrundelse for tidlig start").fill("LMU To har meldt afbud.")
    page.get_by_role("button", name="Start HMU-behandlingen").click()
    expect(page.get_by_text("HMU-behandlingen er startet.")).to_be_visible()
    admin_page = page

    # 3. An HMU member (SSO, server A) records positions and forwards to sign-off.
    page = sso_sign_in(browser, a, stack.provider, "hans.hmu")
    page.get_by_role("link", name="Behandl høringssvarene").click()
    for proposal in (first, second, third):
        page.select_option(f"#id_stance_{proposal.pk}", "support")
    page.get_by_label("Samlet udtalelse fra HMU").fill("HMU anbefaler kataloget.")
    page.get_by_role("button", name="Gem HMU's behandling").click()
    expect(page.get_by_text("HMU's behandling er gemt.")).to_be_visible()
    tick_confirmations(page)
    page.get_by_role("button", name="Send til godkendelse").click()
    expect(page.get_by_text("Kataloget er sendt til godkendelse.")).to_be_visible()
    page.context.close()

    # 4. A sign-off member (SSO, server B) approves.
    page = sso_sign_in(browser, b, stack.provider, "rita.raadmand")
    page.get_by_role("link", name="Godkend kataloget").click()
    page.get_by_label("Bemærkning (valgfri)").fill("Godkendt på rådmandsmødet.")
    tick_confirmations(page)
    page.get_by_role("button", name="Godkend").click()
    expect(page.get_by_text("Kataloget er godkendt.").first).to_be_visible()
    shot(page, "smoke-02-signed-off")
    page.context.close()
    assert s.reload().state == CatalogueProcess.State.SIGNED_OFF

    # 5. The administrator changes a proposal in the admin (server A); the worker issues the
    # memo and sends it through the SMTP server that requires STARTTLS and AUTH.
    admin_page.goto(f"{a.url}/admin/proposals/proposal/{first.pk}/change/")
    years = list(first.years.values_list("year", flat=True))
    net = admin_page.locator(f"input[name='years-{years.index(2025)}-net_amount']")
    net.fill("1.500")
    admin_page.get_by_label("Begrundelse for ændringen").fill("Rettet efter rådmandsmødet.")
    with admin_page.expect_navigation():
        admin_page.locator("input[name=_save]").click()
    expect(admin_page.locator(".messagelist .success").first).to_be_visible()
    admin_page.context.close()

    def memo_mail():
        return [m for m in stack.smtp.sink.received() if "anna@parti-a.example" in m.rcpt_tos]

    [mail] = wait_for(memo_mail, WAIT, message="the memo at the TLS/AUTH SMTP server")
    assert mail.subject == "Notat nr. 1: Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse"
    assert "Rettet efter rådmandsmødet." in mail.text_body()
    assert len(mail.pdf_attachments()) == 1
    memo = Memo.objects.get()
    assert memo.number == 1
    wait_for(
        lambda: not Email.objects.filter(kind=Email.Kind.MEMO).exclude(status=Email.Status.SENT).exists(),
        WAIT,
        message="every memo delivery sent",
    )

    # 6. Static files: hashed names, compressed, a year's cache.
    assert re.search(r"dkfds\.min\.[0-9a-f]{12}\.css$", static_href), static_href
    response = requests.get(static_href, headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert response.status_code == 200
    max_age = int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600, response.headers["Cache-Control"]
    assert response.headers.get("Content-Encoding") == "gzip"

    # 7. check --deploy is clean with the documented production settings (on this stack's services).
    deploy = manage({**stack.env, **documented_production_settings()}, "check", "--deploy", "--fail-level", "WARNING")
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "System check identified no issues" in deploy.stdout

    # 8. Health: healthy; monitoring reports the stopped worker, the load balancer's probe does
    # not (the web servers still serve).
    health = requests.get(f"{b.url}/health/monitor/", timeout=30)
    assert health.status_code == 200, health.text
    stack.worker.stop()
    wait_for(
        lambda: requests.get(f"{a.url}/health/monitor/", timeout=30).status_code == 500,
        WAIT,
        message="the monitoring endpoint to report the stopped worker",
    )
    assert "CeleryWorker(): Unavailable" in requests.get(f"{a.url}/health/monitor/", timeout=30).text
    assert requests.get(f"{a.url}/health/", timeout=30).status_code == 200

    # 9. Behind the municipality's proxy: the 10th wrong password in a row locks the username from
    #    that client; the right password is refused there too, while the same user signs in from
    #    another address through the same proxy (nobody can lock a colleague out).
    with ReverseProxy(b.port) as proxy:
        attacker, colleague = client_session("127.0.0.2"), client_session("127.0.0.3")

        def attempt(session, password):
            session.get(f"{proxy.url}/login/", timeout=30)
            return session.post(
                f"{proxy.url}/login/",
                data={"username": s.admin.username, "password": password, "csrfmiddlewaretoken": csrf_token(session)},
                timeout=30,
            )

        for number in range(1, 10):
            response = attempt(attacker, "forkert")
            assert response.status_code == 200 and "Brugernavn eller adgangskode er forkert." in response.text, number
        assert attempt(attacker, "forkert").status_code == 429  # the 10th locks, and says so
        locked = attempt(attacker, ADMIN_PASSWORD)  # ... and the right password is refused from there
        assert locked.status_code == 429 and "Log ind er spærret" in locked.text
        signed_in = attempt(colleague, ADMIN_PASSWORD)
        assert signed_in.url == f"{proxy.url}/" and "<title>Oversigt" in signed_in.text, signed_in.text[:500]
    with connection.cursor() as cursor:
        cursor.execute("SELECT ip_address FROM axes_accessattempt WHERE username = %s", [s.admin.username])
        assert [row[0] for row in cursor.fetchall()] == ["127.0.0.2"]
