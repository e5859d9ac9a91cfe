"""Accounts that single sign-on made before identities were recorded (found by user name then)
may bind their directory identity at their next sign-in: an SsoIdentity without a subject, as an
administrator's link would be. Only accounts the directory can have made: no usable password,
neither staff nor superuser (staff and superusers made by hand are never taken over; an
administrator links a directory administrator's account in the admin)."""

from django.contrib.auth.hashers import is_password_usable
from django.db import migrations


def allow_binding(apps, schema_editor):
    User = apps.get_model("auth", "User")
    SsoIdentity = apps.get_model("accounts", "SsoIdentity")
    users = User.objects.filter(is_staff=False, is_superuser=False, sso_identity__isnull=True).only("pk", "password")
    SsoIdentity.objects.bulk_create(
        [SsoIdentity(user_id=user.pk) for user in users.iterator() if not is_password_usable(user.password)]
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(allow_binding, migrations.RunPython.noop)]
