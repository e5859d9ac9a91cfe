from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from approvals import views as approval_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kataloger/", include("proposals.urls")),
    path("", include("approvals.urls")),
    path("", approval_views.dashboard, name="home"),
]
