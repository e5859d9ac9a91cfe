from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SsoIdentity(models.Model):
    """The directory identity a user signs in with: the provider (``issuer``) and the provider's
    stable subject (``sub``) for them. Set at the first single sign-on, and never found by a name
    afterwards, so a directory account named like a local one cannot become it.

    A row with an empty subject is an administrator's permission to link: at the next single
    sign-on whose user name claim is this user's user name, the directory identity is bound to
    this account (accounts.sso)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity", verbose_name=_("bruger")
    )
    issuer = models.CharField(_("udsteder"), max_length=255, blank=True)
    subject = models.CharField(
        _("subjekt (sub)"),
        max_length=255,
        blank=True,
        help_text=_(
            "Tom: kontoen knyttes til brugerens identitet i kommunens log ind, næste gang brugeren logger ind med det."
        ),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    linked_at = models.DateTimeField(_("knyttet"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], condition=~Q(subject=""), name="one_account_per_directory_identity"
            )
        ]
        verbose_name = _("identitet fra single sign-on")
        verbose_name_plural = _("identiteter fra single sign-on")

    def __str__(self):
        return f"{self.user} ({self.subject or _('afventer log ind')})"

    @property
    def awaiting_sign_in(self):
        return not self.subject
