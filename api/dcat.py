"""The open-data catalogue of one municipality, in DCAT-AP-NO (the Norwegian profile of
DCAT-AP that data.norge.no harvests) and CPSV-AP-NO, as an rdflib graph: served as Turtle
(or with ``?format=jsonld`` / ``rdfxml``) at /api/v1/dcat/<municipality> (``api.v1``).

- ``dcat:Catalog``: the municipality's catalogue, published by the municipality (a
  ``foaf:Agent`` with its organisation number), with a contact point, its licence (the one
  the municipality chose: NLOD 2.0 or CC BY 4.0) and its languages.
- ``dcat:Dataset`` for each collection of the API, ``dcat:Distribution`` for each (its
  address in the API, filtered to the municipality, with the OpenAPI description as its
  service's ``dcat:endpointDescription``), EU data themes, keywords in nb, nn and en.
- ``dcat:DataService``: the API itself.
- ``cpsv:PublicService`` for each service of the municipality, with its competent authority
  (the municipality), the area it serves, and a channel for each hub where it is met and
  each phone or digital channel it has.

Every title, description and keyword is given in Bokmål, Nynorsk and English (the portal's
translations, rendered once per language)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from innbyggertorg.enums import ServiceCategory
from innbyggertorg.models import ServiceType
from knutepunkt.enums import DataLicence
from knutepunkt.models import Hub, Municipality

CPSV = Namespace("http://purl.org/vocab/cpsv#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CV = Namespace("http://data.europa.eu/m8g/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
THEMES = URIRef(EU + "data-theme")
PUBLIC = URIRef(EU + "access-right/PUBLIC")
JSON = URIRef(EU + "file-type/JSON")
CONTINUOUS = URIRef(EU + "frequency/UPDATE_CONT")
LANGUAGE_URIS = {"nb": EU + "language/NOB", "nn": EU + "language/NNO", "en": EU + "language/ENG"}
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
OPENAPI = URIRef("https://spec.openapis.org/oas/v3.1.0")
# How data.norge.no names an organisation (its organisation catalogue, by organisation number).
ORGANISATION = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/"

# ?format= -> (media type, rdflib's serialiser)
FORMATS = {
    "turtle": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdfxml": ("application/rdf+xml", "pretty-xml"),
}


@dataclass(frozen=True)
class CollectionDataset:
    """A collection of the API described as a dataset."""

    key: str  # its fragment in the catalogue
    url_name: str  # the API's list (api-v1:<url_name>), filtered by ?municipality=
    title: object
    description: object
    keywords: object  # comma-separated, translated
    themes: tuple[str, ...]  # EU data themes


DATASETS = [
    CollectionDataset(
        "hubs",
        "hubs",
        gettext_lazy("Hubs"),
        gettext_lazy(
            "The municipality's hubs: address, coordinates, contact and accessibility facts."
        ),
        gettext_lazy("hubs, service points, addresses, accessibility"),
        ("GOVE", "REGI"),
    ),
    CollectionDataset(
        "opening-hours",
        "opening_hours",
        gettext_lazy("Opening hours of the hubs"),
        gettext_lazy(
            "When each hub is open, staffed or self-service, for any dates: exceptions, "
            "public holidays and closed eves resolved."
        ),
        gettext_lazy("opening hours, public holidays, self-service opening"),
        ("GOVE",),
    ),
    CollectionDataset(
        "services",
        "services",
        gettext_lazy("Services at the hubs"),
        gettext_lazy(
            "The municipality's services, which hubs offer them and when rotating services "
            "are there."
        ),
        gettext_lazy("public services, citizen service desk, library, NAV"),
        ("GOVE", "SOCI"),
    ),
    CollectionDataset(
        "events",
        "events",
        gettext_lazy("Events at the hubs"),
        gettext_lazy(
            "Coming events at the hubs, with their audience, registration status and free places."
        ),
        gettext_lazy("events, culture, courses, language café"),
        ("EDUC", "SOCI"),
    ),
    CollectionDataset(
        "resources",
        "resources",
        gettext_lazy("Bookable rooms and their free times"),
        gettext_lazy(
            "The rooms and resources citizens and associations can book at the hubs, and the "
            "times they are free."
        ),
        gettext_lazy("meeting rooms, halls, booking, free times"),
        ("GOVE", "EDUC"),
    ),
    CollectionDataset(
        "volunteering",
        "opportunities",
        gettext_lazy("Volunteering opportunities"),
        gettext_lazy("Volunteer work at the hubs and its coming shifts."),
        gettext_lazy("volunteering, associations, shifts"),
        ("SOCI",),
    ),
    CollectionDataset(
        "news",
        "news",
        gettext_lazy("News from the hubs"),
        gettext_lazy("News published for the municipality, its districts and its hubs."),
        gettext_lazy("news, districts, hubs"),
        ("GOVE",),
    ),
]


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def catalogue_path(municipality: Municipality, form: str = "turtle") -> str:
    """The catalogue's stable address (Turtle), or with ``?format=`` another serialisation."""
    path = reverse("api-v1:dcat_catalogue", kwargs={"municipality": municipality.slug})
    return path if form == "turtle" else f"{path}?format={form}"


def licence_uri(municipality: Municipality) -> URIRef:
    return URIRef(DataLicence(municipality.data_licence).uri)


def _in_languages(text) -> list[Literal]:
    """The text in each of the portal's languages (its translations)."""
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.append(Literal(str(text), lang=code))
    return found


def _keywords(keywords) -> list[Literal]:
    found = []
    for literal in _in_languages(keywords):
        found += [
            Literal(word.strip(), lang=literal.language)
            for word in str(literal).split(",")
            if word.strip()
        ]
    return found


def _add_all(graph: Graph, subject, predicate, objects) -> None:
    for value in objects:
        graph.add((subject, predicate, value))


class CatalogueGraph:
    """Builds the graph of one municipality's catalogue."""

    def __init__(self, municipality: Municipality):
        self.municipality = municipality
        self.base = absolute(catalogue_path(municipality))
        self.graph = Graph()
        for prefix, namespace in (
            ("dcat", DCAT),
            ("dct", DCTERMS),
            ("foaf", FOAF),
            ("vcard", VCARD),
            ("cpsv", CPSV),
            ("cv", CV),
            ("locn", LOCN),
            ("adms", ADMS),
        ):
            self.graph.bind(prefix, namespace)

    def node(self, fragment: str) -> URIRef:
        return URIRef(f"{self.base}#{fragment}")

    # ----------------------------------------------------------------- the parts

    def publisher(self) -> URIRef:
        municipality = self.municipality
        number = municipality.organisation_number
        agent = URIRef(ORGANISATION + number) if number else self.node("publisher")
        graph = self.graph
        graph.add((agent, RDF.type, FOAF.Agent))
        graph.add((agent, RDF.type, CV.PublicOrganisation))
        with translation.override("nb"):
            name = _("%(name)s municipality") % {"name": municipality.name}
        graph.add((agent, FOAF.name, Literal(name, lang="nb")))
        if number:
            graph.add((agent, DCTERMS.identifier, Literal(number)))
        graph.add((agent, DCTERMS.type, LOCAL_AUTHORITY))
        return agent

    def contact_point(self) -> URIRef:
        municipality = self.municipality
        contact = self.node("contact")
        graph = self.graph
        graph.add((contact, RDF.type, VCARD.Organization))
        with translation.override("nb"):
            name = _("%(name)s municipality") % {"name": municipality.name}
        graph.add((contact, VCARD.fn, Literal(name, lang="nb")))
        page = municipality.website or absolute(municipality.get_absolute_url())
        graph.add((contact, VCARD.hasURL, URIRef(page)))
        if settings.SITE_CONTACT_EMAIL:
            graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.SITE_CONTACT_EMAIL}")))
        if municipality.phone:
            phone = municipality.phone.replace(" ", "")
            graph.add((contact, VCARD.hasTelephone, URIRef(f"tel:{phone}")))
        return contact

    def spatial(self) -> BNode:
        place = BNode()
        graph = self.graph
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, LOCN.geographicName, Literal(self.municipality.name, lang="nb")))
        graph.add((place, DCTERMS.identifier, Literal(self.municipality.number)))
        return place

    def common(self, subject, publisher, contact, spatial, access_rights=True) -> None:
        graph = self.graph
        graph.add((subject, DCTERMS.publisher, publisher))
        graph.add((subject, DCAT.contactPoint, contact))
        graph.add((subject, DCTERMS.spatial, spatial))
        graph.add((subject, DCTERMS.license, licence_uri(self.municipality)))
        if access_rights:
            graph.add((subject, DCTERMS.accessRights, PUBLIC))
        _add_all(graph, subject, DCTERMS.language, map(URIRef, LANGUAGE_URIS.values()))

    def data_service(self, publisher, contact, spatial) -> URIRef:
        service = self.node("api")
        graph = self.graph
        graph.add((service, RDF.type, DCAT.DataService))
        _add_all(graph, service, DCTERMS.title, _in_languages(gettext_lazy("The hub portal API")))
        _add_all(
            graph,
            service,
            DCTERMS.description,
            _in_languages(
                gettext_lazy(
                    "A public, read-only JSON API for the hubs' places, opening hours, "
                    "services, events, news, rooms and volunteering, described by OpenAPI 3.1."
                )
            ),
        )
        graph.add((service, DCTERMS.identifier, Literal(str(service))))
        graph.add((service, DCAT.endpointURL, URIRef(absolute(reverse("api-v1:index")))))
        graph.add(
            (
                service,
                DCAT.endpointDescription,
                URIRef(absolute(reverse("api-v1:openapi-json"))),
            )
        )
        graph.add((service, FOAF.page, URIRef(absolute(reverse("api-v1:openapi-view")))))
        graph.add((service, DCTERMS.conformsTo, OPENAPI))
        graph.add((service, DCTERMS.format, JSON))
        _add_all(graph, service, DCAT.keyword, _keywords(gettext_lazy("API, open data, hubs")))
        graph.add((service, DCAT.theme, THEME.GOVE))
        self.common(service, publisher, contact, spatial)
        return service

    def dataset(self, described: CollectionDataset, service, publisher, contact, spatial):
        municipality = self.municipality
        dataset = self.node(f"dataset-{described.key}")
        distribution = self.node(f"distribution-{described.key}")
        graph = self.graph
        graph.add((dataset, RDF.type, DCAT.Dataset))
        _add_all(graph, dataset, DCTERMS.title, _in_languages(described.title))
        _add_all(graph, dataset, DCTERMS.description, _in_languages(described.description))
        graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        _add_all(graph, dataset, DCAT.theme, (THEME[theme] for theme in described.themes))
        _add_all(graph, dataset, DCAT.keyword, _keywords(described.keywords))
        graph.add((dataset, DCAT.landingPage, URIRef(absolute(municipality.get_absolute_url()))))
        graph.add((dataset, DCTERMS.accrualPeriodicity, CONTINUOUS))
        self.common(dataset, publisher, contact, spatial)
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((service, DCAT.servesDataset, dataset))

        access = absolute(reverse(f"api-v1:{described.url_name}")) + (
            f"?municipality={municipality.slug}"
        )
        graph.add((distribution, RDF.type, DCAT.Distribution))
        _add_all(
            graph,
            distribution,
            DCTERMS.title,
            _in_languages(gettext_lazy("JSON from the hub portal API")),
        )
        _add_all(graph, distribution, DCTERMS.description, _in_languages(described.description))
        graph.add((distribution, DCAT.accessURL, URIRef(access)))
        graph.add((distribution, DCAT.accessService, service))
        graph.add((distribution, DCTERMS.format, JSON))
        graph.add(
            (
                distribution,
                DCAT.mediaType,
                URIRef("https://www.iana.org/assignments/media-types/application/json"),
            )
        )
        graph.add((distribution, DCTERMS.license, licence_uri(municipality)))
        graph.add((distribution, DCTERMS.conformsTo, OPENAPI))
        graph.add((distribution, FOAF.page, URIRef(absolute(reverse("api-v1:openapi-view")))))
        return dataset

    def public_service(self, service: ServiceType, publisher, spatial) -> URIRef:
        """A service as CPSV-AP-NO describes one, with the fields the portal has."""
        node = URIRef(absolute(service.get_absolute_url()))
        graph = self.graph
        graph.add((node, RDF.type, CPSV.PublicService))
        graph.add((node, DCTERMS.identifier, Literal(str(node))))
        graph.add((node, DCTERMS.title, Literal(service.name, lang="nb")))
        if service.description:
            graph.add((node, DCTERMS.description, Literal(service.description, lang="nb")))
        else:  # mandatory in CPSV-AP-NO: what the service page says of itself
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    text = _(
                        "%(name)s in %(municipality)s: where and when you can meet it at the "
                        "hubs, soonest first."
                    ) % {"name": service.name, "municipality": self.municipality.name}
                graph.add((node, DCTERMS.description, Literal(text, lang=code)))
        graph.add((node, CV.hasCompetentAuthority, publisher))
        graph.add((node, DCTERMS.spatial, spatial))
        # Its category as a keyword (CPSV-AP-NO's types are concepts the portal has not).
        _add_all(graph, node, DCAT.keyword, _in_languages(ServiceCategory(service.category).label))
        if service.keywords:
            _add_all(
                graph,
                node,
                DCAT.keyword,
                (Literal(w, lang="nb") for w in service.keywords.replace(",", " ").split()),
            )
        graph.add((node, FOAF.page, node))
        hubs = {offer.hub for offer in service.offers.all()} | {
            schedule.hub for schedule in service.schedules.all()
        }
        for hub in sorted(hubs, key=lambda hub: hub.name):
            graph.add((node, CV.hasChannel, self.hub_channel(service, hub)))
        digital = [(label, url) for label, url in service.digital_channels]
        for index, (label, url) in enumerate(digital):
            channel = URIRef(f"{node}#kanal-{index + 1}")
            graph.add((channel, RDF.type, CV.Channel))
            _add_all(graph, channel, DCTERMS.description, _in_languages(label))
            graph.add((channel, FOAF.page, URIRef(url)))
            graph.add((node, CV.hasChannel, channel))
        if service.phone:
            channel = URIRef(f"{node}#telefon")
            graph.add((channel, RDF.type, CV.Channel))
            _add_all(graph, channel, DCTERMS.description, _in_languages(gettext_lazy("Phone")))
            contact = BNode()
            graph.add((contact, RDF.type, CV.ContactPoint))
            graph.add((contact, CV.telephone, Literal(service.phone)))
            graph.add((channel, CV.hasContactPoint, contact))
            graph.add((node, CV.hasChannel, channel))
        return node

    def hub_channel(self, service: ServiceType, hub: Hub) -> URIRef:
        channel = URIRef(f"{absolute(service.get_absolute_url())}#{hub.slug}")
        graph = self.graph
        graph.add((channel, RDF.type, CV.Channel))
        graph.add((channel, DCTERMS.title, Literal(hub.name, lang="nb")))
        graph.add((channel, FOAF.page, URIRef(absolute(hub.get_absolute_url()))))
        address = BNode()
        graph.add((address, RDF.type, LOCN.Address))
        full = f"{hub.street_address}, {hub.postcode} {hub.post_town}".strip()
        graph.add((address, LOCN.fullAddress, Literal(full)))
        graph.add((address, LOCN.thoroughfare, Literal(hub.street_address)))
        graph.add((address, LOCN.postCode, Literal(hub.postcode)))
        if hub.post_town:
            graph.add((address, LOCN.postName, Literal(hub.post_town)))
        graph.add((channel, LOCN.address, address))
        return channel

    # ----------------------------------------------------------------- the whole

    def build(self, services) -> Graph:
        municipality = self.municipality
        graph = self.graph
        catalog = self.node("catalog")
        publisher = self.publisher()
        contact = self.contact_point()
        spatial = self.spatial()
        graph.add((catalog, RDF.type, DCAT.Catalog))
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                text = _("Open data from the hubs of %(name)s municipality") % {
                    "name": municipality.name
                }
            graph.add((catalog, DCTERMS.title, Literal(text, lang=code)))
        _add_all(
            graph,
            catalog,
            DCTERMS.description,
            _in_languages(
                gettext_lazy(
                    "The datasets of the hub portal's open API for the municipality: hubs, "
                    "opening hours, services, events, rooms and their free times, "
                    "volunteering and news."
                )
            ),
        )
        graph.add((catalog, DCTERMS.identifier, Literal(str(catalog))))
        graph.add((catalog, FOAF.homepage, URIRef(absolute(municipality.get_absolute_url()))))
        graph.add((catalog, DCAT.themeTaxonomy, THEMES))
        self.common(catalog, publisher, contact, spatial, access_rights=False)
        service = self.data_service(publisher, contact, spatial)
        graph.add((catalog, DCAT.service, service))
        for described in DATASETS:
            dataset = self.dataset(described, service, publisher, contact, spatial)
            graph.add((catalog, DCAT.dataset, dataset))
        for public_service in services:
            node = self.public_service(public_service, publisher, spatial)
            graph.add((catalog, DCTERMS.hasPart, node))
        return graph


def catalogue_graph(municipality: Municipality) -> Graph:
    """The whole catalogue of the municipality (three queries: its services, their offers'
    hubs, their schedules' hubs)."""
    services = (
        ServiceType.objects.filter(municipality=municipality)
        .prefetch_related("offers__hub__municipality", "schedules__hub__municipality")
        .select_related("municipality")
        .order_by("name")
    )
    return CatalogueGraph(municipality).build(services)


def serialise(graph: Graph, form: str) -> bytes:
    return graph.serialize(format=FORMATS[form][1], encoding="utf-8")
