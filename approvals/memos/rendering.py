"""A memo as people read it: its letterhead, the template context, HTML, PDF and file name.

The document itself (what changed, in the catalogue's own convention) is document.py; this
module puts it on paper. Always in Danish: a memo is an official letter."""

import functools
import os
import threading
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import SignOff
from ..signoff_dates import meeting_held
from . import addressees
from .body_html import proposal_sections_html
from .document import MemoDocument, memo_date

SENDER_FIELDS = (
    "name",
    "office",
    "municipality",
    "unit",
    "address",
    "phone",
    "email",
    "case_officer",
    "case_officer_title",
)


def letterhead(process, issued_at):
    """What the memo says about its sender, addressee and sign-off, frozen at issue: the
    sign-off meeting's date as configured on the workflow and, apart from it, the day the
    approval was given (memo_context calls it the meeting's only if the meeting came first)."""
    catalogue = process.catalogue
    department = catalogue.department
    signoff = (
        process.signoffs.filter(decision=SignOff.Decision.APPROVED, decided_at__lte=issued_at)
        .order_by("-decided_at")
        .defer("snapshot")
        .first()
    )
    return {
        "department": {field: getattr(department, field) for field in SENDER_FIELDS},
        "agreement_name": catalogue.agreement.name if catalogue.agreement else "",
        "signoff_date": timezone.localdate(signoff.decided_at).isoformat() if signoff else "",
        "signoff_meeting": process.signoff_meeting.isoformat() if process.signoff_meeting else "",
        # To whom and as what (party, manager, extra recipient): addressees.py.
        "addressees": addressees.frozen(process),
    }


def _frozen_date(head, key):
    return date.fromisoformat(head[key]) if head.get(key) else None


def memo_context(memo):
    process = memo.process
    catalogue = process.catalogue
    head = memo.letterhead or letterhead(process, memo.issued_at)
    signoff_date = _frozen_date(head, "signoff_date")
    # The approval is called the meeting's only when the meeting had been held by then
    # (signoff_dates): an approval before the planned meeting is named by its own date, as is
    # one without a meeting date (and a memo issued before the meeting date was frozen).
    meeting_date = meeting_held(_frozen_date(head, "signoff_meeting"), signoff_date)
    previous = None
    if memo.number > 1:
        previous = process.memos.filter(number=memo.number - 1).first()
    snapshot_cat = memo.snapshot["catalogue"]
    doc = MemoDocument(previous_snapshot=memo.previous_snapshot, snapshot=memo.snapshot, changes=memo.changes)
    return {
        "memo": memo,
        "doc": doc,
        # The sections as HTML, written in Python (body_html): a template include per table was most of the time.
        "proposal_sections": proposal_sections_html(doc),
        "catalogue": catalogue,
        "catalogue_title": snapshot_cat.get("title", catalogue.title),
        "agreement_name": snapshot_cat.get("agreement") or head["agreement_name"],
        "department": head["department"],
        # The PDF's author: the sending department of its municipality.
        "author": ", ".join(x for x in (head["department"]["name"], head["department"]["municipality"]) if x),
        "date_text": memo_date(timezone.localdate(memo.issued_at)),
        "signoff_date_text": memo_date(signoff_date) if signoff_date else "",
        "meeting_date_text": memo_date(meeting_date) if meeting_date else "",
        # The recorded approval, named apart only where it differs from the meeting's date.
        "recorded_date_text": (
            memo_date(signoff_date) if meeting_date and signoff_date and signoff_date != meeting_date else ""
        ),
        "previous_memo": previous,
        "previous_date_text": memo_date(timezone.localdate(previous.issued_at)) if previous else "",
        "subject": memo_subject(memo),
        "css_date": css_string(memo_date(timezone.localdate(memo.issued_at))),
        "css_footer": css_string(
            _("%(title)s · Notat nr. %(number)s") % {"title": snapshot_cat.get("title", ""), "number": memo.number}
        ),
    }


def css_string(text):
    """Text safe inside a double-quoted CSS string in a <style> element (page header/footer)."""
    out = str(text).replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ").replace("\n", " ")
    return mark_safe(out)


def memo_subject(memo):
    title = memo.snapshot["catalogue"].get("title", "")
    return _("Ændringer i %(title)s efter godkendelse") % {"title": title}


def render_memo_html(memo):
    """The memo as a standalone document (the PDF's source)."""
    with translation.override("da"):
        return render_to_string("approvals/memos/memo.html", memo_context(memo))


def render_memo_body(memo):
    """The memo's body as the PDF, the page and the e-mail show it: the admin previews the
    pending memo through this, so what it shows is what will be sent."""
    with translation.override("da"):
        return render_to_string("approvals/memos/_body.html", memo_context(memo))


# The PDF/UA identification WeasyPrint's "pdf/ua-1" variant writes, added to the PDF/A-3a
# metadata (WeasyPrint takes one variant; both rest on the same tagged PDF 1.7).
PDFUA_IDENTIFICATION = (
    b'<rdf:Description xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" rdf:about="" pdfuaid:part="1" />'
)


def _object(pdf, reference):
    """The object an indirect reference ("<number> 0 R", bytes in pydyf) points at."""
    return pdf.objects[int(reference.split()[0])]


def _finish_pdf(document, pdf):
    """WeasyPrint finisher: add the PDF/UA-1 identification to the XMP metadata stream the
    PDF/A variant wrote (still uncompressed content here: it is compressed when written), and
    give each table header cell its scope, as the HTML's ``scope`` says (a column head in the
    <thead>, a row head in the <tbody>); WeasyPrint links data cells to their heads by /Headers
    only, which screen readers read less widely."""
    stream = _object(pdf, pdf.catalog["Metadata"])
    content = b"".join(stream.stream)
    end = content.rindex(b"</rdf:RDF>")
    stream.stream = [content[:end] + PDFUA_IDENTIFICATION + content[end:]]
    for element in pdf.objects:
        if isinstance(element, dict) and element.get("S") == "/TH":
            section = _object(pdf, _object(pdf, element["P"])["P"])  # TH → TR → THead / TBody
            element["A"]["Scope"] = "/Column" if section.get("S") == "/THead" else "/Row"


@functools.cache
def pdf_engine():
    """WeasyPrint's (HTML, FontConfiguration), imported once per process, on the first PDF (it
    pulls in Pango, about 0,8 s, which a web server that renders no PDF should not pay): the
    worker and the sweep's loop load it when they start (approvals.memos.tasks, memo_sweep
    --loop), so no memo waits for it."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML, FontConfiguration


_fonts = threading.local()


def font_config():
    """One WeasyPrint FontConfiguration per thread of a process, kept between PDFs: making it
    (fontconfig's set-up) was about half of a small memo's rendering. The memo's CSS declares
    no @font-face, so nothing accumulates in it. A forked worker child makes its own (pid)."""
    if getattr(_fonts, "pid", None) != os.getpid():
        _fonts.pid, _fonts.config = os.getpid(), pdf_engine()[1]()
    return _fonts.config


def render_memo_pdf(memo):
    """The memo as a tagged PDF/A-3a: archivable (PDF/A-3) and accessible ("a": a structure
    tree of headings, paragraphs and tables with their header cells, the language and the
    title), also identified as PDF/UA-1, as the web accessibility act asks of published
    documents. Title, language and author come from the HTML's <title>, lang and
    <meta name="author">."""
    document = pdf_engine()[0](string=render_memo_html(memo), base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_variant="pdf/a-3a", finisher=_finish_pdf, font_config=font_config())


def pdf_filename(memo):
    slug = memo.snapshot["catalogue"].get("slug", "katalog")
    return f"notat-{slug}-{memo.number}.pdf"
