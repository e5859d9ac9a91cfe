"""The memos' state moves off the workflow's process into its own row (approvals.memos.models.MemoState):
when changes were first seen and their fingerprint, the next memo's paragraph, extra recipients.

A process with any of them set gets its row with the values copied; the others get theirs when
the memo services first write one. Reversible: the values go back onto the process."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = (
    ("changes_seen_at", "changes_seen_at"),
    ("changes_fingerprint", "changes_fingerprint"),
    ("memo_explanation", "explanation"),
    ("memo_extra_recipients", "extra_recipients"),
)


def copy_to_memo_state(apps, schema_editor):
    CatalogueProcess = apps.get_model("approvals", "CatalogueProcess")
    MemoState = apps.get_model("approvals", "MemoState")
    unset = models.Q(
        changes_seen_at__isnull=True, changes_fingerprint="", memo_explanation="", memo_extra_recipients=""
    )
    rows = CatalogueProcess.objects.exclude(unset).values("pk", *(old for old, _new in MOVED))
    MemoState.objects.bulk_create(
        MemoState(process_id=row["pk"], **{new: row[old] for old, new in MOVED}) for row in rows.iterator()
    )


def copy_back_to_process(apps, schema_editor):
    CatalogueProcess = apps.get_model("approvals", "CatalogueProcess")
    MemoState = apps.get_model("approvals", "MemoState")
    for state in MemoState.objects.iterator():
        CatalogueProcess.objects.filter(pk=state.process_id).update(**{old: getattr(state, new) for old, new in MOVED})


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0005_processes_for_older_catalogues"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemoState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("changes_seen_at", models.DateTimeField(blank=True, null=True, verbose_name="ændringer set")),
                ("changes_fingerprint", models.CharField(blank=True, max_length=64)),
                (
                    "explanation",
                    models.TextField(
                        blank=True,
                        help_text="Indgår som et afsnit i det næste notat og nulstilles, når notatet udsendes.",
                        verbose_name="forklaring til næste notat",
                    ),
                ),
                (
                    "extra_recipients",
                    models.TextField(
                        blank=True, help_text="Én e-mailadresse pr. linje.", verbose_name="ekstra modtagere af notater"
                    ),
                ),
                (
                    "process",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memo_state",
                        to="approvals.catalogueprocess",
                    ),
                ),
            ],
            options={
                "verbose_name": "Notater efter godkendelse",
                "verbose_name_plural": "Notater efter godkendelse",
            },
        ),
        migrations.RunPython(copy_to_memo_state, copy_back_to_process),
        migrations.RemoveField(model_name="catalogueprocess", name="changes_fingerprint"),
        migrations.RemoveField(model_name="catalogueprocess", name="changes_seen_at"),
        migrations.RemoveField(model_name="catalogueprocess", name="memo_explanation"),
        migrations.RemoveField(model_name="catalogueprocess", name="memo_extra_recipients"),
    ]
