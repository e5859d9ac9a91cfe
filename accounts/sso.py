"""Single sign-on with the municipality's directory (OpenID Connect: Entra ID, AD FS) through
mozilla-django-oidc, configured from the environment (config/settings.py, OIDC_*).

A directory user is the account linked to their identity, the ID token's issuer and subject
(``sub``: stable, never reused), never an account found by its name: a directory account
called ``ADMIN`` does not become the local ``admin``. The first sign-in of an identity makes a
new account with the user name claim, unless an account of that name exists; then the sign-in
is refused and logged, until an administrator links that account (an SsoIdentity without a
subject, accounts.admin), so that taking over a local account is always a person's decision.

Claims are trusted as the provider asserts them: the e-mail address, which decides manager
access (approvals.policy) and where e-mail goes, is copied only when the token says
``email_verified`` (or the provider is declared to verify every address,
OIDC_EMAIL_VERIFIED_BY_PROVIDER). Groups decide committees and administrations
(approvals.sso.services) at every sign-in and every session refresh (accounts.middleware)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from approvals.sso.services import apply_group_claims, groups_from_claims

from .models import SsoIdentity

logger = logging.getLogger(__name__)


def sso_enabled():
    return bool(settings.OIDC_RP_CLIENT_ID)


def local_login_enabled():
    return settings.LOCAL_LOGIN


def _true(value):
    return value is True or str(value).strip().lower() == "true"


class SignInRefused(Exception):
    """A directory identity that may not sign in here yet; the message is for the user."""


class OidcBackend(OIDCAuthenticationBackend):
    """Claims -> the linked user; their name, verified e-mail and groups copied at every sign-in."""

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()
        if sso_enabled():  # the library reads (and requires) its settings here
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not sso_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The library checks signature, expiry and nonce; the audience and issuer are checked
        here, so a token issued to another application of the same tenant is refused."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token issued to another client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (Entra ID and AD FS put the groups there), completed by the
        userinfo endpoint when one is configured; the identity is always the ID token's."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if str(userinfo.get("sub", payload.get("sub"))) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo of another subject than the ID token's")
            claims.update(userinfo)
            claims["sub"], claims["iss"] = payload.get("sub"), payload.get("iss")
        return claims

    def _username(self, claims):
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        issuer = str(payload.get("iss") or settings.OIDC_OP_ISSUER)
        subject = str(payload.get("sub") or "").strip()
        username = self._username(claims)
        if not subject or not username:
            raise SuspiciousOperation("ID token without a subject or a user name claim")
        try:
            user = linked_user(issuer, subject, username)
        except SignInRefused as refusal:
            if self.request is not None:
                self.request.sso_refusal = str(refusal)
            return None
        return self.update_user(user, claims)

    def _names(self, claims):
        """Given and family name; from "name" when the directory sends only that (Entra ID
        without the optional claims): the last word is the family name."""
        given, family = str(claims.get("given_name") or ""), str(claims.get("family_name") or "")
        if not (given or family):
            given, _sep, family = str(claims.get("name") or "").strip().rpartition(" ")
        return given.strip(), family.strip()

    def update_user(self, user, claims):
        given, family = self._names(claims)
        values = [("first_name", given), ("last_name", family)]
        if settings.OIDC_EMAIL_VERIFIED_BY_PROVIDER or _true(claims.get("email_verified")):
            values.append(("email", str(claims.get("email") or "")))
        changed = []
        for field, value in values:
            value = value[: self.UserModel._meta.get_field(field).max_length]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        added, removed = apply_group_claims(user, groups_from_claims(claims))
        if added or removed:
            logger.info("single sign-on %s: added %s, removed %s", user.username, sorted(added), sorted(removed))
        return user


@transaction.atomic
def linked_user(issuer, subject, username):
    """The account of the directory identity (issuer, subject): the one linked to it; else the
    account an administrator allowed to be linked at this user name's next sign-in (bound now);
    else a new account named ``username``. Raises SignInRefused when an account of that name
    exists and is not theirs to take (a local account, or one linked to another identity)."""
    identity = SsoIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if identity is not None:
        return identity.user
    User = get_user_model()
    existing = User.objects.select_for_update().filter(username__iexact=username).first()
    if existing is None:
        # No usable password: a directory user signs in through the directory only.
        user = User.objects.create_user(username)
        SsoIdentity.objects.create(user=user, issuer=issuer, subject=subject, linked_at=timezone.now())
        logger.info("single sign-on: new account %s for subject %s", user.username, subject)
        return user
    awaiting = SsoIdentity.objects.filter(user=existing, subject="").first()
    if awaiting is not None:
        awaiting.issuer, awaiting.subject, awaiting.linked_at = issuer, subject, timezone.now()
        awaiting.save(update_fields=["issuer", "subject", "linked_at"])
        logger.warning(
            "single sign-on: account %s linked to subject %s, as an administrator allowed", username, subject
        )
        return existing
    logger.warning(
        "single sign-on refused: subject %s (issuer %s) claims user name %r, which belongs to account %s "
        "that is not linked to it",
        subject,
        issuer,
        username,
        existing.username,
    )
    raise SignInRefused(
        _(
            "Der findes allerede en bruger med brugernavnet »%(username)s«, og den er ikke knyttet til dit log ind. "
            "Bed en administrator om at knytte brugeren til dit log ind."
        )
        % {"username": username}
    )
