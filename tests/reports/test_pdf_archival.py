"""The published PDFs as an archive and a reader expect them: PDF/A-3b, tagged and identified
as PDF/UA-1, described by their metadata, every font embedded.

No validator runs here (veraPDF is a Java tool the machines do not have): these are the
structural checks of what the standards ask, read with pypdf.
"""

import datetime
import functools
import xml.etree.ElementTree as ET
from collections import Counter
from io import BytesIO

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from actions.models import Plan
from reports.pdf import render_pdf
from reports.services import evaluation_html, report_html
from structures.models import Commune, DirectorySnapshot
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
}
AUTHOR = "Communauté d'Agglomération du Cotentin"
DOCUMENTS = {
    "annual": {
        "title": "Rapport annuel 2024 · Plan d'actions ESS 2023-2025",
        "subject": "Bilan de l'année 2024 du Plan d'actions ESS 2023-2025, présenté au conseil "
        "communautaire",
        # K5 (a key indicator): 0 actions done at the end of 2023 and of 2024, a value; K8 from
        # the 2024 record. No map: it draws the directory of the day, which a year gone by does
        # not print (issue #29).
        "figures": [
            "Évolution de Actions réalisées — 2023 : 0, 2024 : 0",
            "K5 · Actions réalisées",
            "K8 · Structures de l'annuaire",
        ],
    },
    "evaluation": {
        "title": "Bilan du plan 2023-2025 · Plan d'actions ESS 2023-2025",
        "subject": "Évaluation du Plan d'actions ESS 2023-2025 sur toute sa période, 2023-2025",
        "figures": [
            "K5 · Actions réalisées",
            "K8 · Structures de l'annuaire",
            "K6 · Actions en cours",
            "K9 · Salariés des structures de l'annuaire",
            "K10 · Associations de l'annuaire",
            "K11 · Coopératives de l'annuaire",
        ],
    },
}


@functools.cache
def seeded_pdf(kind):
    """The seeded plan's annual report for 2024 or its evaluation, rendered once for the
    module: every test starts from the same seed."""
    plan = Plan.objects.get(slug=COTENTIN)
    # A 2024 record of the directory: its figures and the charts of the indicators on it.
    DirectorySnapshot.objects.get_or_create(
        year=2024,
        commune=Commune.objects.first(),
        family="association",
        defaults={
            "structures": 36,
            "employees": 700,
            "taken_on": datetime.date(2024, 12, 31),
            "source": "annuaire",
        },
    )
    if kind == "evaluation":
        return render_pdf(evaluation_html(plan, generated_at=GENERATED)).data
    return render_pdf(report_html(plan, 2024, generated_at=GENERATED)).data


@pytest.fixture(params=DOCUMENTS)
def document(request):
    reader = PdfReader(BytesIO(seeded_pdf(request.param)))
    return request.param, reader, reader.trailer["/Root"]


def xmp(reader):
    """The XMP packet as an element tree, and its properties by prefixed name
    ("pdfaid:part"): the attributes and the elements of each rdf:Description, a bag's, a
    sequence's or an alternative's items as a list."""
    tree = ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    prefixes = {uri: prefix for prefix, uri in NS.items()}

    def name(tag):
        uri, _, local = tag[1:].partition("}")
        return f"{prefixes.get(uri, uri)}:{local}"

    properties = {}
    for description in tree.iter(f"{{{NS['rdf']}}}Description"):
        properties.update((name(key), value) for key, value in description.attrib.items())
        for element in description:
            items = [item.text for item in element.iter(f"{{{NS['rdf']}}}li")]
            properties[name(element.tag)] = items or element.text
    return tree, properties


def structure(element):
    """Each structure element under ELEMENT, depth first."""
    for kid in element.get("/K", []) if isinstance(element.get("/K"), list) else []:
        if isinstance(kid, IndirectObject) and "/S" in kid.get_object():
            yield kid.get_object()
            yield from structure(kid.get_object())


def fonts(resources, seen=None):
    """The font dictionaries of RESOURCES and of the forms it draws (the charts)."""
    seen = set() if seen is None else seen
    resources = resources.get_object() if resources else {}
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for form in (resources.get("/XObject") or {}).values():
        if form.idnum not in seen:
            seen.add(form.idnum)
            yield from fonts(form.get_object().get("/Resources"), seen)


def test_the_reports_are_pdf_a_3b_identified_as_pdf_ua_1_too(document):
    kind, reader, catalog = document
    assert reader.pdf_header == "%PDF-1.7" and len(reader.trailer["/ID"]) == 2
    tree, properties = xmp(reader)
    assert (properties["pdfaid:part"], properties["pdfaid:conformance"]) == ("3", "B")
    assert properties["pdfuaid:part"] == "1"
    # pdfuaid is no schema PDF/A knows: an extension schema declares it.
    schema = next(
        item
        for item in tree.iterfind(".//rdf:li", NS)
        if item.findtext("pdfaSchema:namespaceURI", namespaces=NS) == NS["pdfuaid"]
    )
    assert schema.findtext("pdfaSchema:prefix", namespaces=NS) == "pdfuaid"
    (intent,) = catalog["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"].endswith("sRGB")
    assert intent["/DestOutputProfile"].get_object()["/N"] == 3


def test_the_metadata_give_title_author_subject_date_and_language(document):
    kind, reader, catalog = document
    title, subject = DOCUMENTS[kind]["title"], DOCUMENTS[kind]["subject"]
    info = reader.metadata
    assert (info.title, info.author, info.subject) == (title, AUTHOR, subject)
    assert info["/CreationDate"] == "D:20261130111500+01'00"
    _, properties = xmp(reader)
    assert (properties["dc:title"], properties["dc:creator"], properties["dc:description"]) == (
        [title],
        [AUTHOR],
        [subject],
    )
    assert properties["xmp:CreateDate"] == "2026-11-30T11:15:00+01:00"
    assert properties["dc:language"] == ["fr"] and catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_the_reports_are_tagged_from_their_html(document):
    kind, reader, catalog = document
    assert catalog["/MarkInfo"]["/Marked"].value is True
    (root,) = catalog["/StructTreeRoot"]["/K"]
    assert root["/S"] == "/Document"
    elements = list(structure(root.get_object()))
    tags = Counter(element["/S"] for element in elements)
    # The cover's title, the contents and 8 chapters, the 45 actions; tables with headers.
    assert (tags["/H1"], tags["/H2"], tags["/H5"]) == (1, 9, 45)
    assert tags["/Table"] >= 8 and tags["/TH"] > tags["/Table"] and tags["/Link"] >= 7
    # The charts and the map say what they show.
    figures = [element.get("/Alt") for element in elements if element["/S"] == "/Figure"]
    assert figures == DOCUMENTS[kind]["figures"]
    links = [
        annotation.get_object() for page in reader.pages for annotation in page.get("/Annots", [])
    ]
    assert links and all("/StructParent" in link and link["/Contents"] for link in links)


def test_every_font_is_embedded(document):
    kind, reader, _ = document
    found = {
        font["/BaseFont"]: font for page in reader.pages for font in fonts(page.get("/Resources"))
    }
    assert any("Report-Sans" in name for name in found)
    for name, font in found.items():
        descriptors = [
            descendant.get_object()["/FontDescriptor"]
            for descendant in font.get("/DescendantFonts", [])
        ]
        descriptors = descriptors or [font["/FontDescriptor"]]
        assert all(
            {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())
            for descriptor in descriptors
        ), name


def test_the_author_is_the_plans_authority():
    caen = Plan.objects.get(slug="caen-la-mer-ess-2013-2015")
    reader = PdfReader(BytesIO(render_pdf(report_html(caen, 2014, generated_at=GENERATED)).data))
    assert reader.metadata.author == "Communauté d'agglomération Caen la mer"
    assert xmp(reader)[1]["dc:creator"] == ["Communauté d'agglomération Caen la mer"]
