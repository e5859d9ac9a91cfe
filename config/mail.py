"""Where the application's e-mail goes, in one sentence: what the configured backend does, in the
active language (bin/run prints it in English at start, the demo command in Danish)."""

from django.conf import settings
from django.utils.translation import gettext as _

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def email_destination():
    backend = settings.EMAIL_BACKEND
    if backend == CONSOLE:
        return _("E-mails skrives i konsollen (denne terminal) og sendes ikke.")
    if backend == SMTP:
        words = [
            _("E-mails sendes til SMTP-serveren %(server)s")
            % {"server": f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"}
        ]
        if settings.EMAIL_USE_TLS:
            words.append(_("med STARTTLS"))
        elif settings.EMAIL_USE_SSL:
            words.append(_("over TLS"))
        if settings.EMAIL_HOST_USER:
            words.append(_("som %(user)s") % {"user": settings.EMAIL_HOST_USER})
        return " ".join(words) + "."
    return _("E-mails går til e-mail-backenden %(backend)s.") % {"backend": backend}
