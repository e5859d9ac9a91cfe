"""The user name django-axes records a sign-in attempt under (``AXES_USERNAME_CALLABLE``).

As axes' own: the form's ``username`` from the credentials, else from the POST. Cut to the
length axes' tables hold (255 characters): a longer name was written as typed, and PostgreSQL
refused it with a 500 on /login/ and /admin/login/ instead of the form's "wrong user name or
password". No account has a name that long (Django's user names end at 150), so the cut name
never counts against a real user."""

from axes.models import AccessAttempt
from django.conf import settings

MAX_LENGTH = AccessAttempt._meta.get_field("username").max_length


def attempted_username(request, credentials=None):
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:MAX_LENGTH] if isinstance(username, str) else username
