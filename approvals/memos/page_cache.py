"""An issued memo's body as the web pages show it (the archive's memo page and the budget
parties' links), rendered once per language and kept in the cache (``settings.CACHES``).

A memo never changes once issued. Rendering a large one (two whole catalogue states decoded
from JSON, a table per changed proposal) was most of its page's time, paid again on every
view and every opening of a party's link; now the page reads one cache row, and the memo's
JSON documents only when the cache has no copy. The PDF and e-mails render on their own."""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .rendering import memo_context

# The memo's JSON documents: loaded only to render, never for a cached page.
DOCUMENT_FIELDS = ("snapshot", "previous_snapshot", "changes")
TIMEOUT = 24 * 3600  # a template changed by a deployment shows within a day


def _key(memo):
    # issued_at too: a test database (or a restored one) may give a pk to another memo.
    return f"memo-page:{memo.pk}:{memo.issued_at.timestamp()}:{get_language()}"


def memo_page(memo):
    """{"subject": text, "body": HTML} of an issued memo. ``memo`` may come with its JSON
    documents deferred (``DOCUMENT_FIELDS``); they are read only when rendering."""
    key = _key(memo)
    page = cache.get(key)
    if page is None:
        missing = [name for name in DOCUMENT_FIELDS if name in memo.get_deferred_fields()]
        if missing:
            memo.refresh_from_db(fields=missing)
        context = memo_context(memo)
        body = render_to_string("approvals/memos/_body.html", context)
        page = {"subject": str(context["subject"]), "body": str(body)}
        cache.set(key, page, TIMEOUT)
    return {"subject": page["subject"], "body": mark_safe(page["body"])}  # noqa: S308 (our template's output)
