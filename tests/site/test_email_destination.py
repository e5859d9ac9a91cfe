"""Where e-mail goes, said as it is: the console, or the configured SMTP server host:port; in
English by bin/run, in Danish by the demo command (tests/site/test_demo_data.py)."""

import os
import subprocess
from pathlib import Path

from django.utils import translation

from config.mail import email_destination

ROOT = Path(__file__).resolve().parent.parent.parent


def test_console(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with translation.override("en"):
        assert email_destination() == "E-mail is printed to the console (this terminal), not sent."
    with translation.override("da"):
        assert email_destination() == "E-mails skrives i konsollen (denne terminal) og sendes ikke."


def test_smtp_names_host_port_security_and_user(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.office365.com", 587
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.EMAIL_HOST_USER = True, False, "budget@kommune.dk"
    with translation.override("en"):
        assert email_destination() == (
            "E-mail is sent to the SMTP server smtp.office365.com:587 with STARTTLS as budget@kommune.dk."
        )
    with translation.override("da"):
        assert email_destination() == (
            "E-mails sendes til SMTP-serveren smtp.office365.com:587 med STARTTLS som budget@kommune.dk."
        )


def test_bin_run_prints_the_configured_smtp_server():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": "2525",
        "EMAIL_USE_TLS": "",
        "EMAIL_USE_SSL": "",
        "EMAIL_HOST_USER": "",
    }
    line = next(x for x in (ROOT / "bin" / "run").read_text().splitlines() if "email_destination" in x)
    out = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "==> E-mail is sent to the SMTP server mail.example.org:2525."
