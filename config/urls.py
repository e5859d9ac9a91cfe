from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language

from approvals.views.dashboard import dashboard
from config.health import HealthView, MonitorView

# The admin is the application's own, in Danish: no "Django administration" in header or title.
admin.site.site_header = _("Budgetkataloger")
admin.site.site_title = _("Budgetkataloger")
admin.site.index_title = _("Administration")

# The error pages (config/errors.py; 403, 404 and 500 are Django's views with our templates).
handler400 = "config.errors.bad_request"

urlpatterns = [
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (the admin's).
    path("favicon.ico", login_not_required(RedirectView.as_view(url=static("favicon.svg"), permanent=True))),
    # The login pages (single sign-on, LOCAL_LOGIN) and password reset, before the admin's own login.
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # For the load balancer and for monitoring (config.health); no login, exempt from the https redirect.
    path("health/", login_not_required(HealthView.as_view()), name="health"),
    path("health/monitor/", login_not_required(MonitorView.as_view()), name="health_monitor"),
    # The language switch is offered on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("kataloger/", include("proposals.urls")),
    path("notater/", include("approvals.memos.urls")),
    path("", include("approvals.urls")),
    path("", dashboard, name="home"),
]
