"""The error pages: Danish (or the language chosen in the footer), in the site's layout, each
with a way back to the front page, also with DEBUG off.

Django's own views serve 403 (``403.html``, with the refusal's message), 404 (``404.html``)
and 500 (``500.html``, rendered with no request and no context processors, so it stands alone
on the layout's static files). Two are ours: 400, which Django renders without the request
(no header with the user, no language switch), and the CSRF failure, whose Django page is
English. The 429 of a lockout is django-axes' ``registration/locked_out.html``."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception):
    """handler400: a request the site cannot take (a NUL byte in the address, a forged header).
    What was wrong is logged (django.security), not shown."""
    return render(request, "400.html", status=400)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without its valid token, typically after the session ran
    out or the page was open in another tab across a sign-out."""
    return render(request, "403_csrf.html", status=403)
