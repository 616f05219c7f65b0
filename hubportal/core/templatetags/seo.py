"""What search engines and link previews read in a page's head: the canonical address, its
``hreflang`` alternates, Open Graph tags and schema.org JSON-LD (built by the apps'
``structured_data`` modules, written out here).

Addresses are absolute from ``SITE_URL``, never from the request's Host: one cached copy of a
page serves every reader (as the API and the calendar feeds do)."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Open Graph names locales language_TERRITORY.
OG_LOCALES = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}
# The page number of a list (hubportal.core.lists): a canonical of its own for each page,
# as search engines ask of paginated lists. Every other parameter (a search, a filter, a
# tab) shows the same page differently, so the address without them is the canonical one.
CANONICAL_PARAMETERS = ("side",)

# As django.utils.html.json_script: the JSON cannot close the <script> element or start a
# comment, whatever the data holds.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_text(data) -> str:
    """The JSON text of a JSON-LD block, safe inside <script> (no <, > or & in it)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )


@register.simple_tag
def json_ld(data):
    """A schema.org JSON-LD block. A data block is never run, so the Content-Security-Policy
    (script-src 'self', no inline script) does not apply to it."""
    if not data:
        return ""
    text = mark_safe(json_ld_text(data))  # noqa: S308 - JSON with <, > and & escaped
    return format_html('<script type="application/ld+json">{}</script>', text)


def canonical_path(request) -> str:
    path = request.path
    kept = [
        (name, request.GET[name])
        for name in CANONICAL_PARAMETERS
        if request.GET.get(name, "").isdigit() and int(request.GET[name]) > 1
    ]
    if kept:
        path += "?" + "&".join(f"{name}={value}" for name, value in kept)
    return path


def alternate_paths(request) -> list[tuple[str, str]]:
    """(hreflang, path) of the page in each of the portal's languages, as the sitemap lists
    them (the language prefix and the translated address, the query kept)."""
    path = canonical_path(request)
    return [(code, translate_url(path, code)) for code, _name in settings.LANGUAGES]


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context, title, description, canonical=True):
    """The head's links and Open Graph tags for the page being rendered. ``canonical=False``
    (error pages) leaves out the canonical address, the alternates and og:url: an error
    answers at an address that is not the page's own."""
    request = context.get("request")
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    municipality = context.get("municipality")
    image = getattr(municipality, "coat_of_arms", None) if municipality else None
    result = {
        "title": title.strip(),
        "description": description.strip(),
        "site_name": context.get("SITE_NAME"),
        "og_type": context.get("og_type", "website"),
        "og_locale": OG_LOCALES.get(language, language),
        "og_locale_alternates": [locale for code, locale in OG_LOCALES.items() if code != language],
        "image": settings.SITE_URL + image.url if image else "",
    }
    if canonical and request is not None:
        alternates = alternate_paths(request)
        result["canonical"] = settings.SITE_URL + dict(alternates).get(
            language, canonical_path(request)
        )
        result["alternates"] = [(code, settings.SITE_URL + path) for code, path in alternates] + [
            ("x-default", settings.SITE_URL + dict(alternates)[settings.LANGUAGE_CODE])
        ]
    return result


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # Already escaped as it was rendered: kept safe, so it is not escaped twice.
        rendered = self.nodelist.render(context).strip()
        context[self.name] = mark_safe(rendered)  # noqa: S308 - rendered with autoescape
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: renders its content (blocks a child
    template fills in included) into a variable, so base.html can use a page's title and
    description both in <title>/<meta name="description"> and in its Open Graph tags."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
