"""An issued memo's body as the web pages show it (the archive's memo page and the budget
parties' links), rendered once per language and kept in the cache (``settings.CACHES``).

A memo never changes once issued. Rendering a large one (two whole catalogue states decoded
from JSON, a table per changed proposal) was most of its page's time, paid again on every
view and every opening of a party's link; now the page reads one cache row, and the memo's
JSON documents only when the cache has no copy. The issuing worker warms the cache (``warm``,
after commit), so the parties' first opening finds it. The PDF and e-mails render on their own."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import Memo
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


def warm(memo_id):
    """Render a new memo's page in the default language (the parties' links have no other), so
    its first reader does not wait for it. Called by the worker that issued it, after commit."""
    memo = Memo.objects.select_related("process__catalogue__department", "process__catalogue__agreement").defer("pdf")
    with translation.override(settings.LANGUAGE_CODE):
        memo_page(memo.get(pk=memo_id))


def on_memo_saved(sender, instance, created, **kwargs):
    """post_save of Memo (hooks.py): a memo is saved once, when issued."""
    if created:
        transaction.on_commit(lambda: warm(instance.pk), robust=True)
