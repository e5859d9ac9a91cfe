"""The memo e-mail's plain-text part shows what changed in a long text: only the changed
sentences, removed words as [-…-] and added ones as {+…+}, not two full copies."""

import pytest

from approvals.memos import delivery, issuing
from approvals.memos.textdiff import changed_sentences
from proposals.models import Proposal
from tests.memo_factories import make_signed_off_catalogue

pytestmark = pytest.mark.django_db

BEFORE = (
    "Hjemmeplejen omlægger ruterne i dagtimerne. Borgerne får besøg af faste medarbejdere. "
    "Besparelsen hentes gennem færre kørte kilometer.\n"
    "Forslaget har været drøftet i MED-udvalget. Det træder i kraft 1. april."
)
AFTER = (
    "Hjemmeplejen omlægger ruterne i dagtimerne. Borgerne får besøg af faste medarbejdere. "
    "Besparelsen hentes gennem færre kørte kilometer og ny vagtplan.\n"
    "Forslaget har været drøftet i MED-udvalget. Det træder i kraft 1. juli. Nye ruter evalueres efter et år."
)


def test_only_the_changed_sentences_are_listed_with_their_words_marked():
    assert changed_sentences(BEFORE, AFTER) == [
        "Besparelsen hentes gennem færre kørte [-kilometer.-] {+kilometer og ny vagtplan.+}",
        "Det træder i kraft 1. [-april.-] {+juli.+}",
        "{+Nye ruter evalueres efter et år.+}",
    ]
    assert changed_sentences("En sætning. En anden.", "En anden.") == ["[-En sætning.-]"]
    assert changed_sentences("Helt anden tekst her.", "Noget helt nyt om budgettet.") == [
        "[-Helt anden tekst her.-]",
        "{+Noget helt nyt om budgettet.+}",
    ]


def test_the_email_text_part_marks_the_changed_sentences_not_two_full_copies():
    process = make_signed_off_catalogue()
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    proposal.description = BEFORE
    proposal.save(update_fields=["description"])
    assert issuing.issue_memo(process) is not None  # the parties have been told BEFORE
    proposal.description = AFTER
    proposal.save(update_fields=["description"])
    memo = issuing.issue_memo(process)
    message = delivery.build_message(memo.deliveries.first().outbox_email)
    text = message.body
    assert "[-april.-] {+juli.+}" in text
    assert "{+Nye ruter evalueres efter et år.+}" in text
    assert "kun de ændrede sætninger" in text
    # The unchanged sentences are not repeated, before or after.
    assert "Borgerne får besøg af faste medarbejdere" not in text
    assert "før »" not in text
    # The HTML part and the PDF still show the whole text with the words marked.
    html = message.alternatives[0][0]
    assert "Borgerne får besøg af faste medarbejdere" in html and "<del>april.</del>" in html
