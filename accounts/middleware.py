"""A directory user's standing is checked again at a bounded interval.

mozilla-django-oidc's SessionRefresh: once a single sign-on session's ID token is older than
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS (SSO_RECHECK_MINUTES), the next page the user opens sends
them through the directory again without a prompt (``prompt=none``). The directory answers with
fresh claims, which update the user's name, e-mail and committees (accounts.sso) as at a
sign-in, or refuses (account disabled or signed out there) and the session ends. So removing a
person from a directory group ends their access within minutes, not when they next sign in.

Only GET requests are sent round: a form being posted is saved first, and the page after it
does the round trip. Local password sessions are not affected."""

from django.utils.deprecation import MiddlewareMixin
from mozilla_django_oidc.middleware import SessionRefresh

from .sso import sso_enabled


class DirectorySessionRefresh(MiddlewareMixin):
    """The library's middleware, asked only while single sign-on is configured (its settings
    are read when it is made, so it is made per request: a few attribute reads)."""

    def process_request(self, request):
        if not sso_enabled():
            return None
        return SessionRefresh(self.get_response).process_request(request)
