"""Template helpers for Designsystemet's form markup (templates/includes/form_fields.html)."""

from __future__ import annotations

from django import template
from django.forms import BoundField

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
