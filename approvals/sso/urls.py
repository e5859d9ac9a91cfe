"""Included at the root of config/urls.py, before the admin (its login is replaced here)."""

from django.urls import path

from . import views

# Names fixed: templates reverse "login", the library reverses the OIDC ones.
urlpatterns = [
    path("admin/login/", views.admin_login),
    path("login/", views.LoginView.as_view(), name="login"),
    path("oidc/authenticate/", views.authentication_request, name="oidc_authentication_init"),
    path("oidc/callback/", views.authentication_callback, name="oidc_authentication_callback"),
]
