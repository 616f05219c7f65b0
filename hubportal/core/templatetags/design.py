"""Template helpers for Designsystemet's form markup (templates/includes/form_fields.html)."""

from __future__ import annotations

from django import template
from django.forms import BoundField

from hubportal.core import forms
from hubportal.core.params import TAB_PARAMETER

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


@register.simple_tag(takes_context=True)
def page_url(context, page, number, tab="") -> str:
    """The address of page `number` of a paginated list: the request's query with the page
    parameter replaced (the filters kept; the first page has none), and the list's tab
    chosen when it is in one (templates/includes/tabs.html)."""
    query = context["request"].GET.copy()
    query.pop(page.parameter, None)
    if number != 1:
        query[page.parameter] = str(number)
    if tab:
        query[TAB_PARAMETER] = tab
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else context["request"].path


@register.filter
def page_range(page) -> list:
    """The page numbers to link, with None for a gap (…): the first and last, and one on each
    side of the current page, so that the list fits a phone."""
    return [
        None if number == page.paginator.ELLIPSIS else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
