"""A folder of web sites served on loopback, routed by Host: the offline demo web and test webs.

Requests may name the site in the Host header or, as a client does through an HTTP proxy, in an
absolute URL, so crawlers reach `http://sputnik-demo.example/...` by using this server as proxy."""

from __future__ import annotations

import mimetypes
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
}


class LoopbackServer(ThreadingHTTPServer):
    """socketserver's listen backlog is 5: a crawler opening 32 connections at once overflows it, and
    Linux drops the extra SYNs, which the client resends only after a 1 s timeout. A crawl of the
    demo or a benchmark would then sit idle for seconds waiting on its own loopback server."""

    daemon_threads = True
    request_queue_size = 1024


class SampleWeb:
    """Serves root/<host>/<path> on 127.0.0.1 in a background thread. Use as a context manager;
    `proxy` is the URL to give a client as its HTTP proxy, `requests` counts what was asked."""

    def __init__(self, root: Path, port: int = 0):
        self.root = Path(root)
        self.requests: list[str] = []
        self._lock = threading.Lock()
        handler = self._make_handler()
        self.server = LoopbackServer(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def proxy(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def hosts(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def __enter__(self) -> SampleWeb:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def resolve(self, host: str, path: str) -> Path | None:
        """The file for host + path, or None (never outside root)."""
        host = host.split(":")[0].lower()
        relative = path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        site = (self.root / host).resolve()
        target = (site / relative).resolve()
        if site not in target.parents or not target.is_file():
            return None
        return target

    def _make_handler(self):
        web = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "provtrack-sample-web"
            # keep-alive, as real sites: HTTP/1.0 closes after each response, and a crawl then pays a new
            # connection per page that no real crawl pays (0.5 s of the crawler's CPU in the benchmark)
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                host = parts.hostname if parts.scheme else (self.headers.get("Host") or "")
                with web._lock:
                    web.requests.append(f"http://{host}{parts.path}")
                target = web.resolve(host or "", parts.path)
                if target is None:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                body = target.read_bytes()
                kind = (
                    CONTENT_TYPES.get(target.suffix)
                    or mimetypes.guess_type(target.name)[0]
                    or "application/octet-stream"
                )
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # keep test and demo output clean
                pass

        return Handler
