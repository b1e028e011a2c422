"""A real HTTP server on 127.0.0.1 for the feed import's tests: each path answers as told
(status, headers, body, conditional GET, a delay, an endless body) and every request it received
is kept, headers included."""

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""
    last_modified: str = ""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # before answering (a server that hangs)
    trickle: float = 0.0  # seconds between bytes (a server that never finishes)
    endless: bool = False  # a body that never ends, without Content-Length
    declared_length: int | None = None  # a Content-Length other than the body's
    gzip: bool = False


@dataclass
class Received:
    path: str
    headers: dict


class FeedServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.received: list[Received] = []
        self.bytes_sent: dict[str, int] = {}
        self.release = threading.Event()  # ends delays and endless bodies at teardown
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.received.append(Received(self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self._answer(404, {"Content-Type": "text/plain"}, b"not found")
                    return
                if route.delay and server.release.wait(route.delay):
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._answer(304, {"ETag": route.etag}, b"")
                    return
                if (
                    route.last_modified
                    and not route.etag
                    and self.headers.get("If-Modified-Since") == route.last_modified
                ):
                    self._answer(304, {}, b"")
                    return
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                body = gzip.compress(route.body) if route.gzip else route.body
                if route.gzip:
                    headers["Content-Encoding"] = "gzip"
                if route.endless:
                    self._endless(headers)
                elif route.trickle:
                    self._trickle(route, headers, body)
                else:
                    if route.declared_length is not None:
                        headers["Content-Length"] = str(route.declared_length)
                    self._answer(route.status, headers, body)

            def _answer(self, status, headers, body):
                self.send_response(status)
                headers.setdefault("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                server.bytes_sent[self.path] = server.bytes_sent.get(self.path, 0) + len(body)

            def _endless(self, headers):
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<!-- " + b"x" * 16_000 + b" -->\n"
                try:
                    while not server.release.is_set():
                        self.wfile.write(chunk)
                        server.bytes_sent[self.path] = server.bytes_sent.get(self.path, 0) + len(
                            chunk
                        )
                except OSError:
                    pass  # the client stopped reading: what the test wants

            def _trickle(self, route, headers, body):
                self.send_response(200)
                headers["Content-Length"] = str(len(body))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    for byte in body:
                        if server.release.wait(route.trickle):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, **route) -> str:
        self.routes[path] = Route(**route)
        return self.url(path)

    def requests_to(self, path: str) -> list[Received]:
        return [received for received in self.received if received.path == path]

    def start(self):
        self.thread.start()

    def stop(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
