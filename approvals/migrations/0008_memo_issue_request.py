# "Udsend notat nu" records a request on the memo state; the worker or the sweep issues it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0007_sso_group_mapping'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='memostate',
            name='issue_requested_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='udsendelse bestilt'),
        ),
        migrations.AddField(
            model_name='memostate',
            name='issue_requested_by',
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name='+',
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
