# The budget parties' signed links to a memo: each opening (which delivery, when, page or PDF).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0008_memo_issue_request'),
    ]

    operations = [
        migrations.CreateModel(
            name='MemoLinkOpening',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='åbnet')),
                ('kind', models.CharField(choices=[('html', 'Notatet'), ('pdf', 'PDF')], max_length=4, verbose_name='åbnet som')),
                ('delivery', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='openings', to='approvals.memodelivery')),
            ],
            options={
                'verbose_name': 'åbning af link til notat',
                'verbose_name_plural': 'åbninger af links til notater',
                'ordering': ['-opened_at'],
            },
        ),
    ]
