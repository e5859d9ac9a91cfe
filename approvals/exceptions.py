"""The workflow's domain exceptions, raised by services. Each carries a Danish message meant
for the user.

``NotPermitted`` is Django's PermissionDenied, so a page answers it with the 403 page without
catching it; ``WorkflowError`` ("not now") is said on the page (a message, or the form's error).
The admin's actions say both per object (admin_actions.run_on_each)."""

from django.core.exceptions import PermissionDenied


class WorkflowError(Exception):
    """A workflow step that cannot be done; the message is Danish and meant for the user."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


class TransitionNotAllowed(WorkflowError):
    """Not now: the catalogue's state or a guard of the transition refuses the step."""


class NotPermitted(PermissionDenied):
    """Not theirs: the user may not take this step (the access policy's answer; a 403 on a page)."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)
