"""Serve a built site on 127.0.0.1 (a development and preview server for the static files)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path
from typing import Any

from .build import CSP


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the site's Content-Security-Policy and no content sniffing."""

    extensions_map = {  # noqa: RUF012 (the base class declares it an instance attribute; mypy needs it so)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if getattr(self.server, "quiet", False):
            return
        super().log_message(format, *args)


def make_server(site: Path, port: int, quiet: bool = False) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(SiteHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.quiet = quiet  # type: ignore[attr-defined]
    return server
