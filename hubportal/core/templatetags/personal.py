"""Personal regions of a shared page: ``{% personal "account_menu" %}``.

A public page is cached once and shared by every reader. What differs per reader (the
account menu with its log-out form, the CSRF header for htmx, the messages) is rendered
from ``templates/includes/personal/<name>.html`` between markers; the page cache renders
those regions afresh for each reader who sends cookies (hubportal.core.page_cache). While a
shared copy is built they are rendered as for a reader without an account or messages,
which is exactly what a cookieless reader gets.
"""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils.html import format_html

register = template.Library()


def region(name: str, html: str) -> str:
    """A rendered region between its markers (html is rendered template output)."""
    return format_html("<!--personal:{}-->{}<!--/personal:{}-->", name, html, name)


@register.simple_tag(takes_context=True)
def personal(context, name: str) -> str:
    request = context.get("request")
    shared = getattr(request, "building_shared_page", False)
    values = {"user": AnonymousUser(), "messages": ()} if shared else {}
    with context.push(**values):
        html = context.template.engine.get_template(f"includes/personal/{name}.html").render(
            context
        )
    return region(name, html)
