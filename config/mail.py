"""Where the application's e-mail goes, in one sentence (bin/run prints it at start)."""

from django.conf import settings

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def email_destination():
    backend = settings.EMAIL_BACKEND
    if backend == CONSOLE:
        return "E-mail is printed to the console (this terminal), not sent."
    if backend == SMTP:
        security = " with STARTTLS" if settings.EMAIL_USE_TLS else " over TLS" if settings.EMAIL_USE_SSL else ""
        login = f" as {settings.EMAIL_HOST_USER}" if settings.EMAIL_HOST_USER else ""
        return f"E-mail is sent to the SMTP server {settings.EMAIL_HOST}:{settings.EMAIL_PORT}{security}{login}."
    return f"E-mail goes to the backend {backend}."
