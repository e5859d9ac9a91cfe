"""An issued memo's body as the web pages show it (the archive's memo page and the budget
parties' links): rendered once per language and kept on the memo's row (``Memo.pages``).

A memo never changes once issued. Rendering a large one (two whole catalogue states decoded
from JSON, a table per changed proposal) was most of its page's time; the page reads the
stored body, and the memo's JSON documents only when there is none. Pages are written in the
background, never by a GET: by the worker that issued the memo, after commit
(``store_pages``), and by the sweep for memos whose pages are missing or stale
(``store_stale_pages``). A stored body is kept under ``rendering()``, a fingerprint of the
code, templates and translations that write it: after a deployment that changes any of them a
page is rendered in memory for each request until the sweep has written it anew. The PDF and
e-mails render on their own."""

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
    """The fingerprint of what writes a memo's body: this package's code, the code it formats
    and judges with (figures, numbers, the balance check's sentences, the sign-off's dates, the
    named formats), its templates and the compiled translations."""
    base = Path(settings.BASE_DIR)
    sources = [
        *sorted(Path(__file__).parent.glob("*.py")),
        *(base / "proposals" / name for name in ("figures.py", "numbers.py", "balance.py", "display.py")),
        base / "approvals" / "signoff_dates.py",
        *sorted((base / "config" / "formats").glob("*/formats.py")),
        *sorted((base / "templates" / "approvals" / "memos").glob("*")),
        *sorted((base / "locale").glob("*/LC_MESSAGES/django.mo")),
    ]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _key(language=None):
    return f"{rendering()}:{language or get_language()}"


def _languages():
    return [code for code, _name in settings.LANGUAGES]


def _render(memo):
    """{"subject", "body"} of the memo in the active language, from its JSON documents (read
    now when ``memo`` came with them deferred)."""
    missing = [name for name in DOCUMENT_FIELDS if name in memo.get_deferred_fields()]
    if missing:
        memo.refresh_from_db(fields=missing)
    context = memo_context(memo)
    body = render_to_string("approvals/memos/_body.html", context)
    return {"subject": str(context["subject"]), "body": str(body)}


def memo_page(memo):
    """{"subject": text, "body": HTML} of an issued memo, in the active language. Reads only:
    the stored page when there is one for this rendering, else rendered in memory for this
    request (the worker wrote none yet, or a deployment made it stale: the sweep writes it).
    ``memo`` may come with its JSON documents deferred (``DOCUMENT_FIELDS``); they are read
    only when rendering."""
    page = (memo.pages or {}).get(_key())
    if page is None:
        page = _render(memo)
    return {"subject": page["subject"], "body": mark_safe(page["body"])}  # noqa: S308 (our template's output)


def store_pages(memo_id):
    """Render the memo's page in every language and keep it on its row (pages of an earlier
    rendering are dropped). Called by the worker that issued it, after commit, and by the sweep
    for a memo whose pages are stale."""
    memo = Memo.objects.select_related("process__catalogue__department", "process__catalogue__agreement").defer("pdf")
    memo = memo.get(pk=memo_id)
    pages = {}
    for language in _languages():
        with translation.override(language):
            pages[_key(language)] = _render(memo)
    Memo.objects.filter(pk=memo_id).update(pages=pages)


def store_stale_pages(limit=20):
    """The sweep's part: write the pages of up to ``limit`` memos that have none for this
    rendering (a deployment changed how memos are written; a worker died before writing them).
    Returns how many were written."""
    stale = Memo.objects.exclude(pages__has_key=_key(settings.LANGUAGE_CODE)).order_by("-issued_at")
    ids = list(stale.values_list("pk", flat=True)[:limit])
    for memo_id in ids:
        store_pages(memo_id)
    return len(ids)


def on_memo_saved(sender, instance, created, **kwargs):
    """post_save of Memo (hooks.py): a memo is saved once, when issued (by the worker or the
    sweep, never a web request); its pages are written once it is committed."""
    if created:
        memo_id = instance.pk
        transaction.on_commit(lambda: store_pages(memo_id), robust=True)
