"""``nep site serve``: a local preview of the built site, on 127.0.0.1 only."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path
from typing import Callable


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


def make_server(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A server for ``folder`` bound to 127.0.0.1 (never to every interface); port 0 picks a free one."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(folder: Path, port: int, *, announce: Callable[[str], object]) -> None:
    """Serve until interrupted; ``announce`` receives the URL once listening."""
    with make_server(folder, port) as server:
        announce(f"http://127.0.0.1:{server.server_address[1]}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
