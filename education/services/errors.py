"""What the services raise when the leaflet rules forbid an action. Every message is fit to show the user."""

from django.core.exceptions import PermissionDenied


class WorkflowError(Exception):
    """An action the leaflet rules do not allow; `str(error)` is a message for the user."""


class NotPermitted(WorkflowError, PermissionDenied):
    """The user lacks the role for this action, or the four-eyes rule forbids it. A `PermissionDenied`, so
    a view that does not catch it answers 403 like any other refusal."""


class StaleEdit(WorkflowError):
    """Someone else saved the draft after this user opened it."""


class StaleApproval(WorkflowError):
    """The version's text changed after the approver opened it: what they read is not what would be published."""


class AlreadyShared(WorkflowError):
    """This share form was already used to make a link (a refreshed or repeated submission)."""


class EmailNotSent(WorkflowError):
    """The mail server refused the message or could not be reached; nothing was given out."""
