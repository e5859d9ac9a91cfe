"""Authentication backends: the directory's OpenID Connect login and local passwords.

Both are always listed in AUTHENTICATION_BACKENDS (a session names the backend that logged
it in); each answers only when switched on: OpenID Connect when OIDC_RP_CLIENT_ID is set,
passwords unless LOCAL_LOGIN=false."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .services import apply_group_claims, groups_from_claims

logger = logging.getLogger(__name__)


def sso_enabled():
    return bool(settings.OIDC_RP_CLIENT_ID)


def local_login_enabled():
    return settings.LOCAL_LOGIN


class LocalPasswordBackend(ModelBackend):
    """Django's own user name and password login, refused when LOCAL_LOGIN=false (the page and
    the admin then offer only single sign-on). Permissions are Django's as ever."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not local_login_enabled():
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class OidcBackend(OIDCAuthenticationBackend):
    """A directory user is found (or made) by the user name claim, their name and e-mail are
    copied, and their committees and administrations follow their group claims."""

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
        userinfo endpoint when one is configured."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def _username(self, claims):
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def describe_user_by_claims(self, claims):
        return f"username {self._username(claims)}"

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username__iexact=self._username(claims))

    def create_user(self, claims):
        # No usable password: a directory user logs in through the directory only.
        user = self.UserModel.objects.create_user(self._username(claims))
        return self.update_user(user, claims)

    def _names(self, claims):
        """Given and family name; from "name" when the directory sends only that (Entra ID
        without the optional claims): the last word is the family name."""
        given, family = str(claims.get("given_name") or ""), str(claims.get("family_name") or "")
        if not (given or family):
            given, _, family = str(claims.get("name") or "").strip().rpartition(" ")
        return given.strip(), family.strip()

    def update_user(self, user, claims):
        given, family = self._names(claims)
        changed = []
        for field, value in (("email", str(claims.get("email") or "")), ("first_name", given), ("last_name", family)):
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
