"""The one error type for a refused domain action (HackSoft's ApplicationError).

A service that refuses what it was asked raises `DomainError`: nothing was saved, and
every message is written for the person who asked. A message may concern one field of
the form that asked ("org_number"), one item of the action (a booked time of a series,
`at`), or the action as a whole. Views and the admin catch `DomainError` and nothing
else from a service, and show it in one of two ways:

- `error.add_to_form(form)`: each message on its field (or at the top of the form when
  the form has no such field), so the error summary links to it;
- `error.add_to_messages(request)`: for actions that are a button, not a form.

`DomainError` is a Django `ValidationError` (with an error dict keyed by field), so code
that reads `message_dict` or `messages`, Django's forms and the admin understand it as
they understand a model's `full_clean()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages as django_messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class Problem:
    """One reason an action was refused."""

    message: str
    field: str | None = None  # the form field it concerns; None: the action as a whole
    at: datetime | None = None  # the time it concerns, when an action books several

    def __str__(self) -> str:
        if self.at is None:
            return str(self.message)
        return f"{timezone.localtime(self.at):%d.%m.%Y %H:%M}: {self.message}"


class DomainError(ValidationError):
    """A refused domain action. `problems` says why, per field, per time, or in general."""

    def __init__(
        self,
        message: str | Problem | Iterable[Problem] = (),
        *,
        field: str | None = None,
        at: datetime | None = None,
    ):
        if isinstance(message, Problem):
            problems = [message]
        elif isinstance(message, str | Promise) or not isinstance(message, Iterable):
            problems = [Problem(message, field=field, at=at)]
        else:
            problems = list(message)
        self.problems: list[Problem] = problems
        by_field: dict[str, list[ValidationError]] = {}
        for problem in problems:
            key = problem.field or NON_FIELD_ERRORS
            by_field.setdefault(key, []).append(ValidationError(str(problem)))
        super().__init__(by_field or {NON_FIELD_ERRORS: []})

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> DomainError:
        """A model's or validator's ValidationError as a refusal, field by field (each
        message keeps its code and parameters)."""
        if isinstance(error, DomainError):
            return error
        found = (
            error.error_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.error_list}
        )
        refusal = cls(
            Problem(message, field=None if field == NON_FIELD_ERRORS else field)
            for field, field_errors in found.items()
            for message in ValidationError(field_errors).messages
        )
        ValidationError.__init__(refusal, {field: list(errs) for field, errs in found.items()})
        return refusal

    def __str__(self) -> str:
        return " ".join(str(problem) for problem in self.problems)

    def __repr__(self) -> str:
        return f"DomainError({self.problems!r})"

    def add_to_form(self, form) -> None:
        """Each message on its field, or at the top of the form when it has no such field
        (a problem of the whole action, or of one time of a series)."""
        for problem in self.problems:
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, str(problem))

    def add_to_messages(self, request) -> None:
        """Each message as an error message on the next page (for actions without a form)."""
        for problem in self.problems:
            django_messages.error(request, str(problem))
