"""What a hub offers, as sections of the district and hub pages.

Each app that adds something to a hub (services and events, volunteering, bookable rooms)
registers a section here. A section loads its data for *all* hubs of a page in a fixed
number of queries, so a page costs the same whatever the number of hubs and items. It may
also describe what it shows in schema.org terms, for the hub page's JSON-LD.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

SectionLoader = Callable[[Sequence[Any]], dict[int, Any]]  # hubs -> {hub_id: data}
# (hub, its data) -> schema.org properties of the hub (knutepunkt.structured_data)
SectionDescriber = Callable[[Any, Any], dict[str, Any]]


@dataclass(frozen=True)
class PortalSection:
    key: str
    title: Any  # a lazy translation
    template: str  # rendered with {"hub": hub, "data": data}
    load: SectionLoader
    order: int = 100
    describe: SectionDescriber | None = None


_sections: dict[str, PortalSection] = {}


def register_section(section: PortalSection) -> None:
    _sections[section.key] = section


def portal_sections() -> list[PortalSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def load_sections(hubs: Sequence[Any]) -> list[dict[str, Any]]:
    """[{section, by_hub: {hub_id: data}}] for the page's hubs, sections without data dropped."""
    loaded = []
    for section in portal_sections():
        by_hub = section.load(hubs)
        if any(by_hub.values()):
            loaded.append({"section": section, "by_hub": by_hub})
    return loaded
