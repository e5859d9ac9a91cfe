"""One outbox, step 3 of 3: a memo delivery keeps no state of its own (its e-mail row has it),
and every e-mail row's Message-ID is unique."""

import django.db.models.deletion
from django.db import migrations, models

import approvals.outbox.models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0015_memo_deliveries_into_the_outbox"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="memodelivery",
            options={"ordering": ["memo", "pk"], "verbose_name": "forsendelse", "verbose_name_plural": "forsendelser"},
        ),
        migrations.RemoveField(model_name="memodelivery", name="email"),
        migrations.RemoveField(model_name="memodelivery", name="status"),
        migrations.RemoveField(model_name="memodelivery", name="attempts"),
        migrations.RemoveField(model_name="memodelivery", name="last_error"),
        migrations.RemoveField(model_name="memodelivery", name="sent_at"),
        migrations.RemoveField(model_name="memodelivery", name="next_attempt_at"),
        migrations.AlterField(
            model_name="memodelivery",
            name="outbox_email",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memo_delivery",
                to="approvals.email",
                verbose_name="e-mail",
            ),
        ),
        migrations.AlterField(
            model_name="email",
            name="message_id",
            field=models.CharField(
                default=approvals.outbox.models.new_message_id, max_length=255, unique=True, verbose_name="Message-ID"
            ),
        ),
    ]
