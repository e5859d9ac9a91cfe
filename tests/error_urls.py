"""The site's URLs and error handlers, and one page that fails (for the 500 page's tests)."""

from django.urls import path

from config.urls import handler400  # noqa: F401  (handler400: the site's)
from config.urls import urlpatterns as site_urlpatterns


def fails(request):
    raise RuntimeError("a page that fails, for the error page's tests")


urlpatterns = [path("fejl-til-test/", fails), *site_urlpatterns]
