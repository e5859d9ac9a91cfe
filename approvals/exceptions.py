"""The workflow's domain exceptions, raised by services and turned into messages or 403s by views and admin.

``WorkflowError`` (and its kinds) carry a Danish message meant for the user."""


class WorkflowError(Exception):
    """A workflow step that cannot be done; the message is Danish and meant for the user."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


class TransitionNotAllowed(WorkflowError):
    """Not now: the catalogue's state or a guard of the transition refuses the step."""


class NotPermitted(WorkflowError):
    """Not theirs: the user may not take this step (a 403 on a page)."""
