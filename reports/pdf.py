"""HTML to PDF with WeasyPrint, with the report's own stylesheet and fonts.

The fetcher reads files of the project's static folders only: rendering a report never
reaches the network nor any other file of the server, whatever the data contains.

The reports are archived and published as generated, so they are written as PDF/A-3b
(fonts embedded, sRGB output intent, XMP metadata from the HTML head) and tagged for
accessibility (structure tree built from the HTML, charts' alternative text from their SVG
<title>), identified as PDF/UA-1 too. WeasyPrint takes one pdf_variant only: "pdf/a-3b"
brings the archival rules, pdf_tags the structure, and _identify_pdf_ua the PDF/UA-1 part
of the XMP metadata that only the "pdf/ua-1" variant would have written.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.sax.saxutils import escape

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STYLESHEET = "css/report.css"
PDF_OPTIONS = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}
# PDF/A admits in XMP only its predefined schemas and those an extension schema describes:
# pdfuaid, not among them, comes with the description of its one property. dc:language
# repeats the catalog's /Lang for the readers of the metadata alone.
PDF_UA_XMP = """
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
  <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
      <pdfaProperty:name>part</pdfaProperty:name>
      <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
      <pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed\
</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
  </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


class StaticFilesFetcher(URLFetcher):
    def __init__(self, root):
        super().__init__(allowed_protocols={"file"})
        self.root = root

    def fetch(self, url, headers=None):
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if urlsplit(url).scheme != "file" or not path.is_relative_to(self.root):
            raise ValueError(f"Ressource refusée dans un rapport : {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class Pdf:
    data: bytes
    page_count: int


def stylesheet_path():
    return Path(finders.find(STYLESHEET)).resolve()


def _identify_pdf_ua(document, pdf):
    """Add the PDF/UA-1 identification and the language to the XMP packet that the PDF/A
    variant wrote (a WeasyPrint finisher: the PDF is complete but not yet written)."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    packet = b"".join(metadata.stream)
    extra = PDF_UA_XMP.format(lang=escape(document.metadata.lang)).encode()
    metadata.stream = [packet.replace(b"</rdf:RDF>", extra + b"</rdf:RDF>", 1)]


def render_pdf(html, progress=None):
    """The PDF of HTML, laid out with the report stylesheet; PROGRESS(step=…, done=…), when
    given, hears of the layout and of the writing."""
    stylesheet = stylesheet_path()
    fetcher = StaticFilesFetcher(stylesheet.parent.parent)
    fonts = FontConfiguration()
    css = CSS(filename=stylesheet, font_config=fonts, url_fetcher=fetcher)
    if progress:
        progress(step="Mise en page", done=1)
    document = HTML(
        string=html, base_url=stylesheet.parent.as_uri() + "/", url_fetcher=fetcher
    ).render(stylesheets=[css], font_config=fonts, **PDF_OPTIONS)
    if progress:
        progress(step=f"Écriture du PDF ({len(document.pages)} pages mises en page)", done=2)
    return Pdf(document.write_pdf(finisher=_identify_pdf_ua, **PDF_OPTIONS), len(document.pages))
