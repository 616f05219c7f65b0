"""Form fields for values whose stock Django form field fails on input a person (or a
robot) can send: each refuses it with a message on the field instead of a server error."""

from __future__ import annotations

import math

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def choice_list_field(db_field: ArrayField, **kwargs) -> forms.MultipleChoiceField:
    """A list of fixed choices (an ArrayField of a field with choices, e.g. a
    municipality's closed eves) as a group of checkboxes.

    Django's own form field for it is a comma-separated text field, which is hard to use
    and formats its error message twice: a value with a "%" in it (e.g. "%") raises a
    TypeError while the message is built, a server error instead of a form error."""
    defaults = {
        "choices": db_field.base_field.choices,
        "required": not db_field.blank,
        "label": capfirst(db_field.verbose_name),
        "help_text": db_field.help_text,
        "widget": forms.CheckboxSelectMultiple,
        "error_messages": {
            "required": _("Choose at least one."),
            "invalid_choice": _("“%(value)s” is not one of the choices. Choose from the list."),
        },
    }
    kwargs.pop("widget", None)  # the admin offers its own text widget for arrays
    return forms.MultipleChoiceField(**{**defaults, **kwargs})


def _unstorable(value) -> str | None:
    """What in a decoded JSON value PostgreSQL's jsonb cannot store, or None."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return "not_finite"
        if isinstance(item, str) and "\x00" in item:
            return "nul"
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


class StorableJSONField(forms.JSONField):
    """JSON that PostgreSQL can store. Python's json module reads NaN, Infinity and numbers
    too large for a float (1e309 is Infinity) and the escape \\u0000, none of which jsonb
    accepts (a server error at save time); a number with more digits than Python converts,
    or nesting deeper than it recurses, is not valid JSON for Django's field either."""

    default_error_messages = {
        "not_finite": _(
            "Numbers must be finite: NaN, Infinity and numbers too large to store (such as "
            "1e309) cannot be saved."
        ),
        "nul": _("The text contains a NUL character (\\u0000), which cannot be saved."),
        "unreadable": _("Enter valid JSON (this is too long a number or nested too deeply)."),
    }

    def to_python(self, value):
        try:
            converted = super().to_python(value)
        except (ValueError, RecursionError):  # JSONDecodeError is answered by the field
            raise forms.ValidationError(
                self.error_messages["unreadable"], code="unreadable"
            ) from None
        problem = _unstorable(converted)
        if problem:
            raise forms.ValidationError(self.error_messages[problem], code=problem)
        return converted

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except (ValueError, RecursionError):
            return forms.fields.InvalidJSONInput(data)


def error_links(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(anchor, message) for a form's error summary, one per message of each visible field:
    each links to the field's input (the first option of a group). Errors of hidden fields
    and of the form as a whole have no field to lead to (see `loose_errors`)."""
    links = []
    for name, errors in form.errors.items():
        if name not in form.fields or form[name].is_hidden:
            continue
        bound = form[name]
        anchor = f"{bound.auto_id}_0" if bound.use_fieldset else bound.id_for_label
        links.extend((anchor, f"{bound.label}: {error}") for error in errors)
    return links


def loose_errors(form: forms.BaseForm) -> list[str]:
    """The messages an error summary lists as text: the form's own and hidden fields'."""
    found = list(form.non_field_errors())
    for field in form.hidden_fields():
        found.extend(field.errors)
    return found
