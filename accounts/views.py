"""The login page, the admin's login, the OpenID Connect start and callback (the library's
views, reachable without being logged in and only when single sign-on is configured), and the
password reset pages (only while local login is on)."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import password_reset
from .client import client_address
from .sso import local_login_enabled, sso_enabled


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
        refusal = getattr(self.request, "sso_refusal", None)
        if refusal is None and self.request.GET.get("error") in ("login_required", "interaction_required"):
            # The silent re-check of a session (accounts.middleware): the directory no longer vouches for it.
            refusal = _("Du er logget ud, fordi kommunens log ind ikke længere bekræfter dit log ind. Log ind igen.")
        messages.error(
            self.request,
            refusal or _("Log ind med kommunens log ind mislykkedes. Prøv igen, eller kontakt din administrator."),
        )
        return redirect("login")


authentication_request = login_not_required(AuthenticationRequestView.as_view())
authentication_callback = login_not_required(AuthenticationCallbackView.as_view())


@method_decorator(login_not_required, name="dispatch")
class LocalLoginOnly:
    """The password reset pages exist only while local passwords do (and need no login)."""

    def dispatch(self, request, *args, **kwargs):
        if not local_login_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(LocalLoginOnly, FormView):
    """Asks for an address and answers alike for every address (accounts.password_reset)."""

    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if not password_reset.client_allowed(client_address(request)):
            return render(request, "registration/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        password_reset.request_reset(form.cleaned_data["email"])
        return super().form_valid(form)


class PasswordResetDoneView(LocalLoginOnly, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(LocalLoginOnly, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetCompleteView(LocalLoginOnly, auth_views.PasswordResetCompleteView):
    pass
