"""An issued memo's body as the web pages show it (the archive's memo page and the budget
parties' links): rendered once per language and kept on the memo's row (``Memo.pages``).

A memo never changes once issued. Rendering a large one (two whole catalogue states decoded
from JSON, a table per changed proposal) was most of its page's time; now the page reads the
stored body, and the memo's JSON documents only when there is none. The issuing worker
renders it after commit (``render_for_readers``), so the first reader finds it. A stored body
is kept under ``RENDERING``, a fingerprint of the code, templates and translations that
write it: a deployment that changes any of them has every memo written anew, once, when
next read (a cache with an expiry did that before, and paid the rendering again daily).
The PDF and e-mails render on their own."""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import Memo
from .rendering import memo_context

# The memo's JSON documents: loaded only to render, never for a stored page.
DOCUMENT_FIELDS = ("snapshot", "previous_snapshot", "changes")
# Read only by the memo pages (and the list never loads them).
PAGE_FIELDS = ("pages",)


@cache
def rendering():
    """The fingerprint of what writes a memo's body: this package's code, the state and number
    code it formats with, its templates and the compiled translations."""
    base = Path(settings.BASE_DIR)
    sources = [
        *sorted(Path(__file__).parent.glob("*.py")),
        base / "proposals" / "state.py",
        base / "proposals" / "numbers.py",
        *sorted((base / "templates" / "approvals" / "memos").glob("*")),
        *sorted((base / "locale").glob("*/LC_MESSAGES/django.mo")),
    ]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _key():
    return f"{rendering()}:{get_language()}"


def memo_page(memo):
    """{"subject": text, "body": HTML} of an issued memo. ``memo`` may come with its JSON
    documents deferred (``DOCUMENT_FIELDS``); they are read only when rendering."""
    key = _key()
    page = (memo.pages or {}).get(key)
    if page is None:
        missing = [name for name in DOCUMENT_FIELDS if name in memo.get_deferred_fields()]
        if missing:
            memo.refresh_from_db(fields=missing)
        context = memo_context(memo)
        body = render_to_string("approvals/memos/_body.html", context)
        page = {"subject": str(context["subject"]), "body": str(body)}
        # This rendering's languages only: bodies an earlier deployment wrote are dropped.
        memo.pages = {k: v for k, v in (memo.pages or {}).items() if k.startswith(f"{rendering()}:")} | {key: page}
        Memo.objects.filter(pk=memo.pk).update(pages=memo.pages)
    return {"subject": page["subject"], "body": mark_safe(page["body"])}  # noqa: S308 (our template's output)


def render_for_readers(memo_id):
    """Render a new memo's page in the default language (the parties' links have no other), so
    its first reader does not wait for it. Called by the worker that issued it, after commit."""
    memo = Memo.objects.select_related("process__catalogue__department", "process__catalogue__agreement").defer("pdf")
    with translation.override(settings.LANGUAGE_CODE):
        memo_page(memo.get(pk=memo_id))


def on_memo_saved(sender, instance, created, **kwargs):
    """post_save of Memo (hooks.py): a memo is saved once, when issued."""
    if created:
        transaction.on_commit(lambda: render_for_readers(instance.pk), robust=True)
