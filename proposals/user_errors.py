"""Errors written for the person who reads them, and the one way an exception becomes text a
user sees.

An error of ours (``UserError`` and its subclasses: a number the parser refuses, a file the
importer refuses) carries its Danish message (through gettext) as its arguments; that is shown.
Any other exception (a library's, a bug) is logged for the operators and the user gets a
general Danish message: never its text, repr or class name (``[<class 'decimal.InvalidOperation'>]``
is no answer for a budget officer). ``tests/proposals/test_import_messages.py`` holds the code to this:
an exception is turned into text only through ``user_message``/``user_messages``."""

import logging

from django.utils.translation import gettext as _

logger = logging.getLogger("proposals")


class UserError(Exception):
    """An error whose arguments are Danish messages written for the user (one or more)."""

    @property
    def messages(self):
        return [str(message) for message in self.args if str(message)]


def unexpected_error_message():
    return _(
        "Der opstod en uventet fejl, så intet er gemt. Fejlen er skrevet i applikationens log; "
        "kontakt en administrator, hvis den kommer igen."
    )


def user_messages(exc):
    """The Danish messages to show for ``exc``: its own for a UserError, otherwise a general
    message (and the exception is logged with its traceback)."""
    if isinstance(exc, UserError) and exc.messages:
        return exc.messages
    logger.error("Unexpected error shown to a user as a general message", exc_info=exc)
    return [unexpected_error_message()]


def user_message(exc):
    """``user_messages`` as one text."""
    return " ".join(user_messages(exc))
