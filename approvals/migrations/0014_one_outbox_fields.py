"""One outbox, step 1 of 3: the e-mail row gains a stable Message-ID, a sending lease and the
"memo" kind; a memo delivery gains the link to its e-mail row (filled in by 0015)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0013_email_about_an_account"),
    ]

    operations = [
        # A recipient's one delivery per memo is the e-mail row's (key "memo:<id>", address).
        migrations.RemoveConstraint(model_name="memodelivery", name="one_delivery_per_recipient"),
        migrations.AddField(
            model_name="email",
            name="message_id",
            field=models.CharField(default="", max_length=255, verbose_name="Message-ID"),
        ),
        migrations.AddField(
            model_name="email",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="optaget til"),
        ),
        migrations.AlterField(
            model_name="email",
            name="kind",
            field=models.CharField(
                choices=[
                    ("hearing_opened", "Høring åbnet"),
                    ("hearing_reminder", "Påmindelse om høringsfrist"),
                    ("hearing_complete", "Høringen er afsluttet"),
                    ("hmu_review_ready", "Klar til HMU-behandling"),
                    ("awaiting_signoff", "Klar til godkendelse"),
                    ("signed_off", "Katalog godkendt"),
                    ("sent_back", "Sendt tilbage"),
                    ("password_reset", "Ny adgangskode"),
                    ("memo", "Notat"),
                ],
                max_length=30,
                verbose_name="slags",
            ),
        ),
        migrations.AlterField(
            model_name="email",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Afventer"),
                    ("sending", "Sendes"),
                    ("sent", "Sendt"),
                    ("failed", "Fejlet"),
                    ("skipped", "Ingen modtager"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        # Defaults for the delivery's columns that 0016 drops, so that going back can add them again.
        migrations.AlterField(
            model_name="memodelivery",
            name="email",
            field=models.EmailField(default="", max_length=254, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="memodelivery",
            name="last_error",
            field=models.TextField(blank=True, default="", verbose_name="seneste fejl"),
        ),
        migrations.AddField(
            model_name="memodelivery",
            name="outbox_email",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memo_delivery",
                to="approvals.email",
                verbose_name="e-mail",
            ),
        ),
    ]
