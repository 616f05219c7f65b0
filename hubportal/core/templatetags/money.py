from django import template

from hubportal.core.money import kroner as format_kroner

register = template.Library()


@register.filter
def kroner(ore):
    """Whole øre written as kroner: {{ price.total|kroner }}."""
    return format_kroner(ore)
