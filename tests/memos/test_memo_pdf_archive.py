"""The memo PDF is archivable: PDF/A (XMP pdfaid), with title, language and author; a long
text breaks across pages instead of leaving a half-empty first page."""

import io

import pytest
from pypdf import PdfReader

from approvals.memos import issuing, rendering
from proposals.models import Proposal
from tests.memo_factories import make_memo_with_one_change, make_signed_off_catalogue

pytestmark = pytest.mark.django_db


def test_memo_pdf_is_pdf_a_with_title_language_and_author():
    memo = make_memo_with_one_change()
    reader = PdfReader(io.BytesIO(bytes(memo.pdf)))
    xmp = reader.xmp_metadata
    assert xmp is not None
    part = xmp.get_nodes_in_namespace("", "http://www.aiim.org/pdfa/ns/id/")
    xml = xmp.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xml or "<pdfaid:part>3</pdfaid:part>" in xml, xml[:2000]
    assert 'pdfaid:conformance="A"' in xml or "<pdfaid:conformance>A</pdfaid:conformance>" in xml  # tagged (level A)
    assert part is not None
    title = "Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse"
    assert reader.metadata.title == title
    assert reader.metadata.author == "Sundhed og Omsorg, Aarhus Kommune"
    assert xmp.dc_title.get("x-default") == title
    assert reader.trailer["/Root"]["/Lang"] == "da"
    assert "/OutputIntents" in reader.trailer["/Root"]  # PDF/A's colour profile


SENTENCE = "Forslaget betyder, at borgerne i hjemmeplejen får besøg af faste medarbejdere i dagtimerne. "


def test_a_long_text_breaks_across_pages_without_a_half_empty_first_page():
    process = make_signed_off_catalogue(proposals=2)
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    proposal.description = (SENTENCE * 12 + "\n") * 12  # about three pages of text
    proposal.save(update_fields=["description"])
    memo = issuing.issue_memo(process)
    pages = PdfReader(io.BytesIO(bytes(memo.pdf))).pages
    texts = [page.extract_text() for page in pages]
    assert len(pages) >= 3
    # The changed proposal starts on the first page, under the letterhead, and its text
    # continues on the next: the section is not pushed whole onto page 2.
    assert "Forslag 1: Forslag 1" in texts[0]
    assert "hjemmeplejen" in texts[0] and "hjemmeplejen" in texts[1]
    assert rendering.pdf_filename(memo).endswith(".pdf")
