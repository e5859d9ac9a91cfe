"""The memo's content: the catalogue's own sign convention, Danish formats, layout facts, the PDF."""

import io

import pytest
from pypdf import PdfReader

from approvals.memos import issuing, rendering
from approvals.memos.document import MemoDocument, memo_date, word_diff
from proposals.models import Catalogue, CatalogueYear, Proposal, ProposalYear
from tests.memo_factories import make_signed_off_catalogue

pytestmark = pytest.mark.django_db


def pdf_text(memo):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(memo.pdf))).pages)
    return " ".join(text.split())  # line breaks fall where the layout puts them


def two_changes(process):
    """Proposal 1 saves 200 more in 2024 and 2025; proposal 2 gets a new title."""
    first, second = Proposal.objects.filter(catalogue=process.catalogue).order_by("position")[:2]
    ProposalYear.objects.filter(proposal=first, year__in=[2024, 2025]).update(net_amount=-1300)
    Proposal.objects.filter(pk=second.pk).update(title="Samling af administration")


def test_danish_date():
    import datetime

    assert memo_date(datetime.date(2023, 11, 11)) == "11. november 2023"
    assert memo_date(datetime.date(2023, 12, 8)) == "8. december 2023"


def test_word_diff_marks_deleted_and_inserted_words():
    assert word_diff("spare på ledelse i hele afdelingen", "spare på koordinering i hele afdelingen") == [
        [("same", "spare på"), ("del", "ledelse"), ("ins", "koordinering"), ("same", "i hele afdelingen")]
    ]


def test_word_diff_keeps_paragraphs_and_bullet_lines():
    before = "Forslaget indebærer:\r\n\r\n- færre biler\r\n- færre busser"
    after = "Forslaget indebærer:\n\n- færre biler\n- ingen busser\n- samkørsel"
    assert word_diff(before, after) == [
        [("same", "Forslaget indebærer:")],
        [("same", "- færre biler")],
        [("same", "-"), ("del", "færre"), ("ins", "ingen"), ("same", "busser")],
        [("ins", "- samkørsel")],
    ]


def test_savings_positive_catalogue_shows_savings_positive():
    process = make_signed_off_catalogue(proposals=3, amount=-1100)  # MSO: savings positive
    two_changes(process)
    memo = issuing.issue_memo(process)
    doc = MemoDocument(previous_snapshot=memo.previous_snapshot, snapshot=memo.snapshot, changes=memo.changes)
    [changed_figures, changed_title] = doc.proposals
    assert changed_figures.figures.rows[0][1] == ["1.100", "1.100", "1.100", "1.100"]
    assert changed_figures.figures.rows[1][1] == ["1.300", "1.300", "1.100", "1.100"]
    assert changed_figures.figures.rows[2][1] == ["+200", "+200", "0", "0"]
    assert (changed_title.texts[0].before, changed_title.texts[0].after) == ("Forslag 2", "Samling af administration")
    totals = dict((label, cells) for label, cells, _ in doc.totals.rows)
    assert totals["Katalogets total, før"] == ["3.300"] * 4
    assert totals["Katalogets total, efter"] == ["3.500", "3.500", "3.300", "3.300"]
    assert totals["Forskel til måltal"] == ["+200", "+200", "0", "0"]
    assert not doc.on_target


def test_savings_negative_catalogue_shows_savings_negative():
    process = make_signed_off_catalogue(
        proposals=3, amount=-1100, sign_convention=Catalogue.SignConvention.SAVINGS_NEGATIVE
    )
    two_changes(process)
    memo = issuing.issue_memo(process)
    doc = MemoDocument(previous_snapshot=memo.previous_snapshot, snapshot=memo.snapshot, changes=memo.changes)
    assert doc.proposals[0].figures.rows[1][1] == ["-1.300", "-1.300", "-1.100", "-1.100"]
    assert doc.proposals[0].figures.rows[2][1] == ["-200", "-200", "0", "0"]


def test_the_stored_convention_decides_not_the_catalogues_current_one():
    process = make_signed_off_catalogue(proposals=2, amount=-1100)
    two_changes(process)
    memo = issuing.issue_memo(process)
    Catalogue.objects.filter(pk=process.catalogue_id).update(sign_convention=Catalogue.SignConvention.SAVINGS_NEGATIVE)
    html = rendering.render_memo_html(memo)
    assert "1.300" in html and "-1.300" not in html


def test_pdf_layout_facts_and_figures():
    process = make_signed_off_catalogue(proposals=3, amount=-1100)
    two_changes(process)
    CatalogueYear.objects.filter(catalogue=process.catalogue, year=2024).update(target=-3500)
    memo = issuing.issue_memo(process, explanation="Forslag 1 er udvidet efter dialog med forligspartierne.")
    text = pdf_text(memo)
    for expected in (
        "Side 1 af",
        "SUNDHED OG OMSORG",
        "Mål- og Økonomistyring",
        "Grøndalsvej 2,",
        "41874622",
        "Kontorchef",
        "Kristian Mikkelsen",
        "Til: Forligspartierne bag Budgetforlig 2024",
        "Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse",
        "1. Baggrund",
        "8. december 2023",
        "Forslag 1 er udvidet efter dialog",
        "2. Ændringer",
        "Forslag 1: Forslag 1",
        "1.300",
        "+200",
        "Samling af administration",
        "3. Samlet effekt",
        "Måltal",
        "3.500",
    ):
        assert expected in text, expected
    assert memo_date(memo.issued_at.date()) in text


def test_added_and_withdrawn_proposals_and_lines_are_readable():
    from proposals.models import BreakdownLine, BreakdownLineYear

    process = make_signed_off_catalogue(proposals=2, amount=-1100, lines=True)
    cat = process.catalogue
    first, second = Proposal.objects.filter(catalogue=cat).order_by("position")
    second.delete()
    new = Proposal.objects.create(catalogue=cat, code="9", title="Nyt forslag om rehabilitering", saving_type="AM")
    ProposalYear.objects.create(proposal=new, year=2024, net_amount=-400)
    line = BreakdownLine.objects.create(proposal=first, position=2, text="Housing First opgaver")
    BreakdownLineYear.objects.create(line=line, year=2024, amount=450)
    memo = issuing.issue_memo(process)
    html = rendering.render_memo_html(memo)
    assert "Forslaget er trukket tilbage" in html and "Nyt forslag" in html
    assert "Ny specifikationslinje «Housing First opgaver»: 2024: -450" in html  # MSO: a cost is negative
    text = pdf_text(memo)
    assert "Nyt forslag om rehabilitering" in text and "400" in text
