"""The move of memo deliveries into the one outbox (approvals migrations 0014-0016): each
delivery's e-mail becomes an outbox row of kind "memo" with its state carried over, the
delivery keeps its id, and a budget party's signed link made before the move still opens the
memo afterwards. Run through Django's migration executor, back to the old shape and forward."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from approvals.memos import links
from approvals.memos.models import MemoDelivery, MemoLinkOpening
from approvals.outbox.models import Email
from tests.memo_factories import make_memo_with_one_change

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("approvals", "0013_email_about_an_account")]
AFTER = [("approvals", "0016_memo_delivery_state_on_its_email")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_memo_deliveries_move_into_the_outbox_and_their_links_keep_working(client):
    memo = make_memo_with_one_change()
    anna = memo.deliveries.get(outbox_email__email="anna@parti-a.example")
    workflow = Email.objects.create(kind=Email.Kind.SIGNED_OFF, key="transition:1", email="x@example.dk", body="Tekst")
    token = links.token(anna)  # the link in an e-mail already sent
    ids = dict(memo.deliveries.values_list("outbox_email__email", "pk"))

    old = migrate(BEFORE)  # the old shape: state on the delivery rows
    OldDelivery = old.get_model("approvals", "MemoDelivery")
    OldEmail = old.get_model("approvals", "Email")
    assert not OldEmail.objects.filter(kind="memo").exists()
    assert dict(OldDelivery.objects.values_list("email", "pk")) == ids
    sent_at = timezone.now() - timedelta(hours=1)
    retry_at = timezone.now() + timedelta(minutes=5)
    OldDelivery.objects.filter(email="anna@parti-a.example").update(status="sent", attempts=2, sent_at=sent_at)
    OldDelivery.objects.filter(email="bo@parti-v.example").update(
        status="pending", attempts=3, last_error="SMTPServerDisconnected: x", next_attempt_at=retry_at
    )
    OldDelivery.objects.filter(email="direktor@aarhus.example").update(status="failed", attempts=16, last_error="451")

    migrate(AFTER)
    # On to today's schema: the rest of the test reads with today's models and serves a page,
    # and the test database is flushed afterwards as today's models have it.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    rows = {row.email: row for row in Email.objects.filter(kind=Email.Kind.MEMO)}
    assert set(rows) == set(ids)
    for address, row in rows.items():
        delivery = MemoDelivery.objects.get(pk=ids[address])  # the delivery kept its id
        assert delivery.outbox_email_id == row.pk and delivery.memo_id == memo.pk
        assert row.key == f"memo:{memo.pk}" and row.process_id == memo.process_id
        assert row.queued_at == memo.issued_at
        assert row.subject == "Notat nr. 1: Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse"
    anna_row, bo_row, manager_row = (
        rows["anna@parti-a.example"],
        rows["bo@parti-v.example"],
        rows["direktor@aarhus.example"],
    )
    assert (anna_row.status, anna_row.attempts, anna_row.sent_at) == ("sent", 2, sent_at)
    assert (bo_row.status, bo_row.attempts, bo_row.last_error, bo_row.next_attempt_at) == (
        "pending",
        3,
        "SMTPServerDisconnected: x",
        retry_at,
    )
    assert (manager_row.status, manager_row.attempts, manager_row.last_error) == ("failed", 16, "451")
    assert rows["KRMI@aarhus.example"].status == "pending"
    message_ids = list(Email.objects.values_list("message_id", flat=True))
    assert len(set(message_ids)) == len(message_ids) == 5 and all(m.startswith("<") for m in message_ids)
    assert Email.objects.get(pk=workflow.pk).message_id  # the rows already there got one too

    response = client.get(reverse("memos:reader", args=[token]))  # the link made before the move
    assert response.status_code == 200
    assert "Notat nr. 1" in response.content.decode()
    assert MemoLinkOpening.objects.get().delivery_id == anna.pk
