"""HTML to PDF with WeasyPrint, with the report's own stylesheet and fonts.

The fetcher reads files of the project's static folders only: rendering a report never
reaches the network nor any other file of the server, whatever the data contains.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STYLESHEET = "css/report.css"


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


def render_pdf(html, progress=None):
    """The PDF of HTML, laid out with the report stylesheet; PROGRESS(step=…, done=…), when
    given, hears of the layout and of the writing."""
    stylesheet = stylesheet_path()
    fetcher = StaticFilesFetcher(stylesheet.parent.parent)
    fonts = FontConfiguration()
    css = CSS(filename=stylesheet, font_config=fonts, url_fetcher=fetcher)
    if progress:
        progress(step="Mise en page", done=1)
    document = HTML(string=html, base_url=stylesheet.parent.as_uri() + "/",
                    url_fetcher=fetcher).render(stylesheets=[css], font_config=fonts)
    if progress:
        progress(step=f"Écriture du PDF ({len(document.pages)} pages mises en page)", done=2)
    return Pdf(document.write_pdf(), len(document.pages))
