"""The client's address as the application sees it behind the municipality's TLS proxy.

Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
with N proxies in front the client is the N-th address from the right; anything further left
was written by the client itself and is not trusted. With no proxies configured (or a request
that did not come through them) the client is the connection's own address."""

import ipaddress

from django.conf import settings


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass  # not an address: the proxy's own view of the connection is all we have
    return remote
