"""The benchmark's URLs: the application's, plus one floor page (bench/pages.py only).

The floor goes through the same client, middleware, session, login and base template as the
real pages, but renders a plain template loop over cells the benchmark prepared in memory
before timing. A page's ratio to it is what its own reads and rendering cost on top."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as application_urls

# name -> (template, context): filled by bench/pages.py before it times anything.
FLOORS = {}


def floor(request, name):
    template, context = FLOORS[name]
    return HttpResponse(template.render(context, request))


urlpatterns = [path("bench-floor/<str:name>/", floor, name="bench_floor"), *application_urls]
