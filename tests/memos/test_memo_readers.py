"""The memo as its readers get it (issue 23, finding 7): the e-mail addresses each recipient
as what they are (a party, a manager, an extra recipient), its HTML part carries the
letterhead with the sender's contact block, the memo says when a changed proposal's breakdown
lines no longer add up to its net (the catalogue page's own balance check), and the PDF is
tagged (a structure tree a screen reader reads) while staying PDF/A."""

import io

import pytest
from pypdf import PdfReader

from approvals.memos import addressees, delivery, issuing, rendering
from approvals.memos.models import NextMemo
from proposals.balance import Difference, check_balance
from proposals.models import BreakdownLineYear, Proposal, ProposalYear
from proposals.selectors import catalogue_overview
from tests.memo_factories import make_memo_with_one_change, make_signed_off_catalogue

pytestmark = pytest.mark.django_db


def _message(memo, email):
    return delivery.build_message(memo.deliveries.get(outbox_email__email=email).outbox_email)


def test_the_letterhead_freezes_each_recipients_role():
    process = make_signed_off_catalogue()
    NextMemo.objects.create(process=process, extra_recipients="sekretariat@aarhus.example")
    ProposalYear.objects.filter(proposal__catalogue=process.catalogue, year=2024).update(net_amount=-1500)
    memo = issuing.issue_memo(process)
    assert memo.letterhead["addressees"] == [
        ["anna@parti-a.example", "Anna A", "party"],
        ["bo@parti-v.example", "Bo B", "party"],
        ["direktor@aarhus.example", "", "manager"],
        ["KRMI@aarhus.example", "", "manager"],
        ["sekretariat@aarhus.example", "", "copy"],
    ]
    roles = {d.outbox_email.email: addressees.role_of(d) for d in memo.deliveries.select_related("outbox_email")}
    assert roles["KRMI@aarhus.example"] == "manager" and roles["sekretariat@aarhus.example"] == "copy"
    # A memo issued before roles were frozen addressed everyone as the parties.
    memo.letterhead = {k: v for k, v in memo.letterhead.items() if k != "addressees"}
    assert addressees.role_of(memo.deliveries.get(outbox_email__email="direktor@aarhus.example")) == "party"


def test_a_manager_is_told_why_they_get_the_memo_not_addressed_as_a_party():
    memo = make_memo_with_one_change()
    party, manager = _message(memo, "anna@parti-a.example"), _message(memo, "direktor@aarhus.example")
    assert party.body.startswith("Til forligspartierne bag Budgetforlig 2024\n")
    assert manager.body.startswith(
        "Til orientering: Du modtager dette notat, fordi du er leder i Sundhed og Omsorg. "
        "Notatet er sendt til forligspartierne bag Budgetforlig 2024.\n"
    )
    assert "Til forligspartierne bag" not in manager.body.split("\n", 1)[0]
    html = manager.alternatives[0][0]
    assert "fordi du er leder i Sundhed og Omsorg" in html
    assert "fordi du er leder" not in party.alternatives[0][0]


def test_an_extra_recipient_is_told_it_is_a_copy():
    process = make_signed_off_catalogue()
    NextMemo.objects.create(process=process, extra_recipients="sekretariat@aarhus.example")
    ProposalYear.objects.filter(proposal__catalogue=process.catalogue, year=2024).update(net_amount=-1500)
    memo = issuing.issue_memo(process)
    body = _message(memo, "sekretariat@aarhus.example").body
    assert body.startswith("Til orientering: Du modtager en kopi af notatet, som er sendt til forligspartierne bag")


def test_the_html_part_shows_the_letterhead_and_the_senders_contact_block():
    html = _message(make_memo_with_one_change(), "anna@parti-a.example").alternatives[0][0]
    assert "display: none" not in html and "display:none" not in html
    assert "Aarhus Kommune · Sundhed og Omsorg" in html  # the municipality's band
    for contact in ("SUNDHED OG OMSORG", "Grøndalsvej 2,", "41874622", "krmi@aarhus.example", "Kristian Mikkelsen"):
        assert contact in html, contact
    assert "Svar på denne e-mail går til" in html


def _lines_off_memo():
    """Proposal 1's net changes while its breakdown line stays: the lines no longer add up."""
    process = make_signed_off_catalogue(proposals=2, lines=True)
    first = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=first, year=2024).update(net_amount=-1500)
    return issuing.issue_memo(process)


def test_the_memo_says_when_a_changed_proposals_lines_no_longer_add_up():
    memo = _lines_off_memo()
    # The catalogue page's sentence, from the same balance check.
    report = check_balance(catalogue_overview(memo.process.catalogue))
    [page_sentence] = [d.message(report.convention) for d in report.differences if d.kind == Difference.LINES]
    assert page_sentence.startswith("2024, forslag 1: linjerne summerer til")
    html = rendering.render_memo_body(memo)
    assert "Specifikationslinjerne summerer ikke til forslagets nettoændring." in html
    assert page_sentence in html
    text = delivery.build_message(memo.deliveries.first().outbox_email).body
    assert f"Bemærk: Specifikationslinjerne summerer ikke til forslagets nettoændring. {page_sentence}" in text


def test_no_line_note_while_the_lines_add_up():
    process = make_signed_off_catalogue(proposals=2, lines=True)
    first = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=first, year=2024).update(net_amount=-1500)
    BreakdownLineYear.objects.filter(line__proposal=first, year=2024).update(amount=-1500)
    html = rendering.render_memo_body(issuing.issue_memo(process))
    assert "Forslag 1" in html and "summerer ikke" not in html


def _structure(reader):
    """[(type, element)] of the structure tree, depth first."""
    out = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict) or "/S" not in node:
            return
        out.append((node["/S"], node))
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    for kid in reader.trailer["/Root"]["/StructTreeRoot"]["/K"]:
        walk(kid)
    return out


def test_the_pdf_is_tagged_with_headings_and_tables_language_and_title_and_stays_pdf_a():
    memo = _lines_off_memo()
    reader = PdfReader(io.BytesIO(bytes(memo.pdf)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (the title, not the file name)
    assert root["/Lang"] == "da"
    title = "Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse"
    assert reader.metadata.title == title

    tree = _structure(reader)
    kinds = [kind for kind, _ in tree]
    assert kinds[0] == "/Document"
    assert kinds.count("/H1") == 1 and kinds.count("/H2") == 3 and kinds.count("/H3") == 1
    assert {"/Table", "/THead", "/TBody", "/TR", "/TH", "/TD", "/P"} <= set(kinds)
    # Every header cell has its scope; every data cell names its header cells.
    scopes = {str(node["/A"]["/Scope"]) for kind, node in tree if kind == "/TH"}
    assert scopes == {"/Column", "/Row"}
    assert all(len(node["/A"]["/Headers"]) == 2 for kind, node in tree if kind == "/TD")
    [h1] = [node for kind, node in tree if kind == "/H1"]
    assert h1.raw_get("/Pg") == reader.pages[0].indirect_reference  # the subject heading, on page 1

    xml = reader.xmp_metadata.rdf_root.toxml()
    assert 'pdfaid:part="3"' in xml and 'pdfaid:conformance="A"' in xml  # PDF/A-3, level A (accessible)
    assert 'pdfuaid:part="1"' in xml  # and PDF/UA-1
    assert reader.xmp_metadata.dc_title.get("x-default") == title
    assert "/OutputIntents" in root
