# MemoState is NextMemo: what the next memo of a process will hold and when it is due (one
# thing called "State" less). A rename of the model and its table; no data changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0019_memo_state_checked_at"),
    ]

    operations = [
        migrations.RenameModel(old_name="MemoState", new_name="NextMemo"),
        migrations.AlterField(
            model_name="nextmemo",
            name="process",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="next_memo",
                to="approvals.catalogueprocess",
            ),
        ),
    ]
