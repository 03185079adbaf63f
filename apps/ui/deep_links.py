"""Deep links to the app's pages (http://host/hit-test) without the 404s Streamlit's front end makes for them.

Streamlit's page does not know where the app's root is. Opened at /hit-test it first
tries /hit-test/_stcore/health and /hit-test/_stcore/host-config, takes the two 404s as
"not here" and then tries the parent (Streamlit issue #7074); Chromium logs each 404 as a
console error. No config option changes that, but the front end takes the root from
`window.__streamlit.BACKEND_BASE_URL` when the page sets it. So for the pages' addresses
this middleware serves Streamlit's own index.html with that one line added, the root being
"./" of the page's address (right under `server.baseUrlPath` and behind a proxy alike);
every other request goes to Streamlit unchanged. serve.py installs it.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import streamlit
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config

INDEX_HTML = Path(streamlit.__file__).resolve().parent / "static" / "index.html"
HEAD = "<head>"
ROOT_HINT = ('<script>window.__streamlit = Object.assign('
             '{BACKEND_BASE_URL: new URL("./", window.location.href).href}, window.__streamlit)</script>')
NO_CACHE = {"Cache-Control": "no-cache"}  # as Streamlit serves index.html: a new Streamlit ships new bundles


def hinted_index(html: str) -> str | None:
    """Streamlit's index.html that names the app's root; None if its layout is not the one expected."""
    return html.replace(HEAD, HEAD + ROOT_HINT, 1) if HEAD in html else None


class DeepLinks:
    """ASGI middleware: GET/HEAD of a page's address gets the index.html that names the app's root."""

    def __init__(self, app: ASGIApp, url_paths: Iterable[str]) -> None:
        self.app = app
        self.url_paths = frozenset(url_paths)
        self.html = hinted_index(INDEX_HTML.read_text(encoding="utf-8"))

    def is_page(self, path: str) -> bool:
        base = str(config.get_option("server.baseUrlPath") or "").strip("/")
        prefix = f"/{base}/" if base else "/"
        return path.startswith(prefix) and path[len(prefix):] in self.url_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.html is not None and scope["type"] == "http" and scope["method"] in ("GET", "HEAD")
                and self.is_page(scope["path"])):
            await HTMLResponse(self.html, headers=NO_CACHE)(scope, receive, send)
            return
        await self.app(scope, receive, send)
