"""Template helpers for Designsystemet's form markup (templates/includes/form_fields.html)."""

from __future__ import annotations

from django import template
from django.forms import BoundField

from hubportal.core import forms

register = template.Library()

# Widgets whose inputs Designsystemet styles with the ds-input class (text, number, date,
# select, textarea, checkbox, radio: all of them but hidden ones).
DS_INPUT = "ds-input"


@register.filter
def ds_input(field: BoundField) -> BoundField:
    """The field with Designsystemet's ds-input class on its widget (and on each option of a
    radio or checkbox group). The form's fields are the form instance's own copies, so this
    changes nothing outside the form being rendered."""
    attrs = field.field.widget.attrs
    classes = attrs.get("class", "").split()
    if DS_INPUT not in classes:
        attrs["class"] = " ".join([*classes, DS_INPUT])
    return field


@register.filter
def is_group(field: BoundField) -> bool:
    """A group of options (radio buttons, checkboxes): a fieldset with a legend."""
    return field.field.widget.use_fieldset


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return field.widget_type == "checkbox"


@register.filter
def error_links(form) -> list[tuple[str, str]]:
    """(anchor, message) for a form's error summary (hubportal.core.forms.error_links)."""
    return forms.error_links(form)


@register.filter
def loose_errors(form) -> list[str]:
    """The messages a summary cannot link to a field (hubportal.core.forms.loose_errors)."""
    return forms.loose_errors(form)
