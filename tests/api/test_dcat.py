"""The open-data catalogue (DCAT-AP-NO, with the services in CPSV-AP-NO), read as
data.norge.no's harvester reads it: every serialisation parses with rdflib into the same
graph, every class has the properties DCAT-AP-NO makes mandatory for it, the licence is the
one the municipality chose, and every address of the portal in it answers."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from api.dcat import CPSV, CV, DATASETS, VCARD
from hubportal.core.demo import load_demo_data
from hubportal.core.services import content_save
from innbyggertorg.models import ServiceType
from knutepunkt.enums import DataLicence
from knutepunkt.models import Municipality
from tests.innbyggertorg.factories import ScheduleFactory, ServiceOfferFactory
from tests.knutepunkt.factories import MunicipalityFactory, municipality_admin
from tests.support.admin import admin_submit

pytestmark = pytest.mark.django_db

# DCAT-AP-NO 3 (data.norge.no/specification/dcat-ap-no, its SHACL core shapes): the
# mandatory properties of each class, the ones that may appear once only, and the
# properties whose values are language-tagged texts, one per language.
MANDATORY = {
    DCAT.Catalog: {DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.contactPoint},
    DCAT.Dataset: {
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCAT.contactPoint,
        DCAT.theme,
    },
    DCAT.DataService: {DCTERMS.title, DCAT.endpointURL, DCTERMS.publisher, DCAT.contactPoint},
    DCAT.Distribution: {DCAT.accessURL},
    FOAF.Agent: {FOAF.name},
    VCARD.Organization: {VCARD.fn},
    # CPSV-AP-NO: a public service's identifier, name, description and competent authority.
    CPSV.PublicService: {
        DCTERMS.identifier,
        DCTERMS.title,
        DCTERMS.description,
        CV.hasCompetentAuthority,
    },
}
AT_MOST_ONE = {
    DCAT.Catalog: {DCTERMS.publisher, DCTERMS.license},
    DCAT.Dataset: {DCTERMS.publisher, DCTERMS.accessRights},
    DCAT.DataService: {DCTERMS.publisher, DCAT.endpointURL, DCTERMS.license},
    DCAT.Distribution: {DCTERMS.format, DCTERMS.license},
}
LANGUAGE_TAGGED = {DCTERMS.title, DCTERMS.description}
# Recommended for a catalogue and its datasets, and present here.
RECOMMENDED = {
    DCAT.Catalog: {DCAT.dataset, DCAT.service, DCTERMS.license, DCTERMS.language, FOAF.homepage},
    DCAT.Dataset: {DCAT.distribution, DCAT.keyword, DCTERMS.spatial, DCTERMS.accessRights},
    DCAT.DataService: {DCAT.endpointDescription, DCAT.servesDataset, DCAT.keyword},
    DCAT.Distribution: {DCTERMS.description, DCTERMS.format, DCTERMS.license},
}
DATA_THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
EU_THEMES = {
    "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "OP_DATPRO",
    "REGI", "SOCI", "TECH", "TRAN",
}  # fmt: skip
# The API's collections, each a dataset of the catalogue.
COLLECTIONS = {"hubs", "opening-hours", "services", "events", "resources", "volunteering", "news"}


def _catalogue(client: Client, slug: str, form: str | None = None) -> Graph:
    address = f"/api/v1/dcat/{slug}" + (f"?format={form}" if form else "")
    response = client.get(address)
    assert response.status_code == 200, (address, response.content[:300])
    rdflib_format = {None: "turtle", "turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml"}
    return Graph().parse(data=response.content, format=rdflib_format[form])


# Every catalogue has these (a municipality without services has no cpsv:PublicService).
ALWAYS_PRESENT = set(MANDATORY) - {CPSV.PublicService}


def assert_dcat_ap_no(graph: Graph) -> None:
    for rdf_class, properties in MANDATORY.items():
        subjects = set(graph.subjects(RDF.type, rdf_class))
        assert subjects or rdf_class not in ALWAYS_PRESENT, f"no {rdf_class}"
        for subject in subjects:
            present = set(graph.predicates(subject, None))
            missing = properties - present
            assert not missing, f"{subject} ({rdf_class}) lacks {missing}"
            for predicate in AT_MOST_ONE.get(rdf_class, ()):
                values = list(graph.objects(subject, predicate))
                assert len(values) <= 1, f"{subject} has {len(values)} {predicate}"
            for predicate in RECOMMENDED.get(rdf_class, ()):
                assert predicate in present, f"{subject} ({rdf_class}) lacks {predicate}"
            for predicate in LANGUAGE_TAGGED & present:
                languages = [value.language for value in graph.objects(subject, predicate)]
                assert None not in languages, f"{subject} {predicate} without a language"
                assert len(languages) == len(set(languages)), f"{subject} {predicate} twice"
    for contact in graph.objects(None, DCAT.contactPoint):
        assert (contact, RDF.type, VCARD.Organization) in graph
        assert {VCARD.hasEmail, VCARD.hasURL} & set(graph.predicates(contact, None))
    for theme in graph.objects(None, DCAT.theme):
        assert str(theme).removeprefix(DATA_THEMES) in EU_THEMES, theme


def test_catalogue__every_serialisation_is_the_same_dcat_ap_no_graph():
    load_demo_data()
    client = Client()
    for municipality in Municipality.objects.all():
        turtle = _catalogue(client, municipality.slug)
        assert_dcat_ap_no(turtle)
        for form in ("turtle", "jsonld", "rdfxml"):
            assert isomorphic(_catalogue(client, municipality.slug, form), turtle), form
        catalog = next(turtle.subjects(RDF.type, DCAT.Catalog))
        datasets = set(turtle.objects(catalog, DCAT.dataset))
        assert {str(d).rsplit("#dataset-", 1)[1] for d in datasets} == COLLECTIONS
        assert len(DATASETS) == len(COLLECTIONS)
        for dataset in datasets:
            keywords = {k.language for k in turtle.objects(dataset, DCAT.keyword)}
            assert keywords == {"nb", "nn", "en"}, dataset
            titles = {t.language for t in turtle.objects(dataset, DCTERMS.title)}
            assert titles == {"nb", "nn", "en"}, dataset
        services = set(turtle.subjects(RDF.type, CPSV.PublicService))
        expected = ServiceType.objects.filter(municipality=municipality)
        assert {str(s) for s in services} == {
            settings.SITE_URL + s.get_absolute_url() for s in expected
        }


def test_catalogue__licence_is_the_one_the_municipality_chose(
    django_capture_on_commit_callbacks,
):
    municipality = MunicipalityFactory()
    client = Client()
    for licence in DataLicence:
        municipality.data_licence = licence
        with django_capture_on_commit_callbacks(execute=True):
            content_save(obj=municipality)  # the admin's write path: the copy is renewed
        graph = _catalogue(client, municipality.slug)
        licences = set(graph.objects(None, DCTERMS.license))
        assert licences == {URIRef(licence.uri)}, licence
        licensed = set(graph.subjects(DCTERMS.license, None))
        for rdf_class in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService):
            assert set(graph.subjects(RDF.type, rdf_class)) <= licensed, rdf_class
    assert DataLicence.NLOD_2_0.uri.endswith("/licence/NLOD_2_0")
    assert DataLicence.CC_BY_4_0.uri.endswith("/licence/CC_BY_4_0")


def test_catalogue__publisher_is_the_municipality_by_its_organisation_number():
    municipality = MunicipalityFactory(name="Asker", organisation_number="974760673")
    graph = _catalogue(Client(), municipality.slug)
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert str(publisher).endswith("/organizations/974760673")
    assert graph.value(publisher, DCTERMS.identifier) == Literal("974760673")
    assert graph.value(publisher, FOAF.name) == Literal("Asker kommune", lang="nb")
    for rdf_class in (DCAT.Dataset, DCAT.DataService):
        for subject in graph.subjects(RDF.type, rdf_class):
            assert graph.value(subject, DCTERMS.publisher) == publisher


def test_catalogue__every_address_of_the_portal_in_it_answers():
    offer = ServiceOfferFactory()
    hub = offer.hub
    ScheduleFactory(hub=hub, service_type=offer.service_type)
    client = Client()
    graph = _catalogue(client, hub.municipality.slug)
    assert_dcat_ap_no(graph)
    addresses = {
        str(value)
        for predicate in (
            DCAT.accessURL,
            DCAT.endpointURL,
            DCAT.endpointDescription,
            DCAT.landingPage,
            FOAF.homepage,
            FOAF.page,
            VCARD.hasURL,
        )
        for value in graph.objects(None, predicate)
    } | {str(s) for s in graph.subjects(RDF.type, CPSV.PublicService)}
    ours = {a for a in addresses if a.startswith(settings.SITE_URL + "/")}
    assert len(ours) >= len(COLLECTIONS) + 4
    for address in sorted(ours):
        parts = urlsplit(address)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        assert client.get(path).status_code == 200, address
    # The catalogue's own nodes are fragments of its address, which answers (Turtle).
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert client.get(urlsplit(str(catalog)).path).status_code == 200
    channels = set(graph.objects(None, CV.hasChannel))
    assert len(channels) == 1 and (next(iter(channels)), RDF.type, CV.Channel) in graph


def test_catalogue__listed_in_the_api_root_and_the_index():
    municipality = MunicipalityFactory()
    client = Client()
    root = client.get("/api/v1/").json()
    index = client.get(urlsplit(root["data_catalogues"]).path).json()
    entry = next(c for c in index["items"] if c["municipality"] == municipality.slug)
    assert entry["licence"] == DataLicence.NLOD_2_0.uri
    for key, media_type in (
        ("turtle", "text/turtle"),
        ("json_ld", "application/ld+json"),
        ("rdf_xml", "application/rdf+xml"),
    ):
        parts = urlsplit(entry[key])
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(media_type), key
        assert response["ETag"] and response["Last-Modified"]
    municipality_out = client.get(f"/api/v1/municipalities/{municipality.pk}").json()
    assert municipality_out["links"]["data_catalogue"] == entry["turtle"]


def test_catalogue__bad_addresses_are_json_errors():
    MunicipalityFactory(slug="asker")
    client = Client()
    unknown = client.get("/api/v1/dcat/finnes-ikke")
    assert unknown.status_code == 404 and unknown.json()["detail"]
    bad_format = client.get("/api/v1/dcat/asker?format=pdf")
    assert bad_format.status_code == 422
    assert bad_format.json()["errors"][0]["field"] == "format"
    unknown_parameter = client.get("/api/v1/dcat/asker?formats=turtle")
    assert unknown_parameter.status_code == 400


def test_admin__the_municipality_administrator_chooses_the_licence_and_organisation_number(
    client, django_capture_on_commit_callbacks
):
    municipality = MunicipalityFactory()
    client.force_login(municipality_admin(municipality))
    url = f"/en/admin/knutepunkt/municipality/{municipality.pk}/change/"
    refused = admin_submit(client, url, organisation_number="974760674")  # wrong check digit
    assert refused.status_code == 200
    assert "An organisation number has nine digits with a valid check digit" in (
        refused.content.decode()
    )
    municipality.refresh_from_db()
    assert municipality.organisation_number == ""
    with django_capture_on_commit_callbacks(execute=True):
        saved = admin_submit(client, url, organisation_number="974760673", data_licence="cc_by_4_0")
    assert saved.status_code == 302
    municipality.refresh_from_db()
    assert (municipality.organisation_number, municipality.data_licence) == (
        "974760673",
        DataLicence.CC_BY_4_0,
    )
    client.logout()
    graph = _catalogue(client, municipality.slug)
    assert set(graph.objects(None, DCTERMS.license)) == {URIRef(DataLicence.CC_BY_4_0.uri)}
    assert set(graph.objects(None, DCTERMS.identifier)) >= {Literal("974760673")}
