from django import template

from knutepunkt.legal import render_rich_text

register = template.Library()


@register.filter
def rich_text(value):
    """A municipality's statement text, sanitised, as paragraphs."""
    return render_rich_text(value)
