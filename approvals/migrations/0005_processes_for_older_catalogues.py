"""Every catalogue has its process: new ones get it when saved (approvals.signals); this gives
one (draft) to every catalogue stored before, so no page has to create it on a read."""

from django.db import migrations


def create_missing_processes(apps, schema_editor):
    Catalogue = apps.get_model("proposals", "Catalogue")
    CatalogueProcess = apps.get_model("approvals", "CatalogueProcess")
    missing = Catalogue.objects.filter(process__isnull=True).values_list("pk", flat=True)
    CatalogueProcess.objects.bulk_create(
        [CatalogueProcess(catalogue_id=pk) for pk in missing.iterator()], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_department_administrator"),
    ]

    operations = [
        migrations.RunPython(create_missing_processes, migrations.RunPython.noop),
    ]
