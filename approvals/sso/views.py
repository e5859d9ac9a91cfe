"""The login page, the admin's login, and the OpenID Connect start and callback (the library's
views, reachable without being logged in and only when single sign-on is configured)."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .backends import local_login_enabled, sso_enabled


class LoginView(auth_views.LoginView):
    """Single sign-on first when configured; the password form only while local login is on."""

    def post(self, request, *args, **kwargs):
        if not local_login_enabled():
            raise PermissionDenied(_("Log ind med adgangskode er slået fra; brug kommunens log ind."))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["local_login"] = local_login_enabled()
        context["sso"] = sso_enabled()
        context["sso_name"] = settings.OIDC_PROVIDER_NAME
        return context


@login_not_required
def admin_login(request):
    """The admin's own login page while local login is on; otherwise the login page (SSO)."""
    if local_login_enabled():
        return admin.site.login(request)
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if sso_enabled():  # the library reads (and requires) its settings here
            super().__init__(*args, **kwargs)


class AuthenticationCallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def login_failure(self):
        messages.error(
            self.request,
            _("Log ind med kommunens log ind mislykkedes. Prøv igen, eller kontakt din administrator."),
        )
        return redirect("login")


authentication_request = login_not_required(AuthenticationRequestView.as_view())
authentication_callback = login_not_required(AuthenticationCallbackView.as_view())
