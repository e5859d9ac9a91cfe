"""Catalogue data carried out of the application as a file, or as a page opened by a link that
is itself the key (the catalogue's XLSX and CSV exports, the admin's export, memo PDFs, the
budget parties' memo pages), is ``Cache-Control: private, no-store``: no proxy or shared cache
keeps a copy to hand to someone else, and the browser writes none to its disk cache (a shared
PC in a town hall). One function, and the decorator made of it, for every such response."""

from functools import wraps

from django.utils.cache import patch_cache_control


def private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def private_view(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return private(view(request, *args, **kwargs))

    return wrapped
