"""One outbox, step 2 of 3: every memo delivery's e-mail becomes an outbox row of kind "memo"
(key ``memo:<memo id>``, the same address, its state carried over), linked from the delivery,
and every e-mail row gets its Message-ID. The deliveries keep their ids, so the signed links
already sent (approvals.memos.links: a signature of the delivery's id) keep working."""

from django.db import migrations

from approvals.outbox.models import new_message_id

BATCH = 500


def memo_subject(memo):
    # What approvals/memos/templates' email_subject.txt writes in Danish (shown in the admin;
    # the message itself is written when it is sent).
    title = (memo.snapshot or {}).get("catalogue", {}).get("title", "")
    return f"Notat nr. {memo.number}: Ændringer i {title} efter godkendelse"[:300]


def forward(apps, schema_editor):
    Email = apps.get_model("approvals", "Email")
    MemoDelivery = apps.get_model("approvals", "MemoDelivery")
    Memo = apps.get_model("approvals", "Memo")
    pending = list(Email.objects.filter(message_id="").values_list("pk", flat=True))
    for start in range(0, len(pending), BATCH):
        rows = [Email(pk=pk, message_id=new_message_id()) for pk in pending[start : start + BATCH]]
        Email.objects.bulk_update(rows, ["message_id"])
    memos = {}
    deliveries = MemoDelivery.objects.filter(outbox_email__isnull=True).order_by("pk")
    for delivery in deliveries.iterator(chunk_size=BATCH):
        memo = memos.get(delivery.memo_id)
        if memo is None:
            memo = memos[delivery.memo_id] = Memo.objects.only("process_id", "number", "issued_at", "snapshot").get(
                pk=delivery.memo_id
            )
        row = Email.objects.create(
            process_id=memo.process_id,
            kind="memo",
            key=f"memo:{memo.pk}",
            email=delivery.email,
            subject=memo_subject(memo),
            body="",
            queued_at=memo.issued_at,
            message_id=new_message_id(),
            status=delivery.status,
            attempts=delivery.attempts,
            last_error=delivery.last_error,
            sent_at=delivery.sent_at,
            next_attempt_at=delivery.next_attempt_at,
        )
        MemoDelivery.objects.filter(pk=delivery.pk).update(outbox_email=row)


def backward(apps, schema_editor):
    Email = apps.get_model("approvals", "Email")
    MemoDelivery = apps.get_model("approvals", "MemoDelivery")
    for delivery in MemoDelivery.objects.select_related("outbox_email").iterator(chunk_size=BATCH):
        row = delivery.outbox_email
        status = "pending" if row.status == "sending" else row.status
        MemoDelivery.objects.filter(pk=delivery.pk).update(
            email=row.email,
            status=status,
            attempts=row.attempts,
            last_error=row.last_error,
            sent_at=row.sent_at,
            next_attempt_at=row.next_attempt_at,
            outbox_email=None,
        )
    Email.objects.filter(kind="memo").delete()
    Email.objects.filter(status="sending").update(status="pending", claimed_until=None)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0014_one_outbox_fields"),
    ]

    operations = [migrations.RunPython(forward, backward)]
