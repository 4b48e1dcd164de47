"""Printable documents: site-local times for print, and HTML to PDF with WeasyPrint, which
reads nothing but the package's own static files (no network, no other file)."""
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

from .domain.calendar import zone

STATIC = Path(__file__).resolve().parent / "web" / "static"
STATIC_URL = "/static/web/"
BASE_URL = "https://print.invalid/"


def site_time(instant, timezone):
    """An instant as a site-local time for print ("03/02/2026 09:00 EST"), or a dash."""
    if instant is None:
        return "—"
    return instant.astimezone(zone(timezone)).strftime("%m/%d/%Y %H:%M %Z")


def static_file(url):
    """The bytes of the file under web/static/ that a page's URL names; ValueError otherwise."""
    path = urlparse(url).path
    target = (STATIC / path.removeprefix(STATIC_URL)).resolve()
    if not path.startswith(STATIC_URL) or STATIC not in target.parents or not target.is_file():
        raise ValueError(f"not a static file of the service: {url}")
    return target.read_bytes()


@cache
def _fetcher():
    """WeasyPrint's fetcher limited to static_file (WeasyPrint loads Pango: imported when
    first used, not at start-up)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            return URLFetcherResponse(url, static_file(url), {"Content-Type": "text/css"})

    return StaticOnly()


def html_to_pdf(html):
    """Render a page of this service (its stylesheets under /static/web/) to PDF bytes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()
