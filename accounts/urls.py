"""Included at the root of config/urls.py, before the admin (its login is replaced here)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# Names fixed: templates reverse "login" and the password reset pages, the library the OIDC ones.
urlpatterns = [
    path("admin/login/", views.admin_login),
    path("login/", views.LoginView.as_view(), name="login"),
    path("oidc/authenticate/", views.authentication_request, name="oidc_authentication_init"),
    path("oidc/callback/", views.authentication_callback, name="oidc_authentication_callback"),
    # The library's session refresh names this page among those it never sends round the directory.
    path("oidc/logout/", auth_views.LogoutView.as_view(), name="oidc_logout"),
    path("adgangskode/glemt/", views.PasswordResetView.as_view(), name="password_reset"),
    path("adgangskode/sendt/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("adgangskode/ny/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("adgangskode/gemt/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
