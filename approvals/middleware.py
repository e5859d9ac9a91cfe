"""Request middleware of the workflow app."""

from . import policy


class PolicyScopeMiddleware:
    """One request is one policy scope: the user's standing (``policy.Reach``) is read once,
    however many rules the page asks. A page asking "administrator?" five times costs one read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with policy.request_scope():
            return self.get_response(request)
