"""A local sink for what the compose stack sends outside itself: e-mail and webhooks.

Nothing leaves the machine: the platform's verification e-mail arrives over SMTP
(``--smtp-port``), Alertmanager's notifications over HTTP (``--http-port``, any POST
path), and both can be read back as JSON over HTTP:

- ``GET /messages[?to=ADDRESS]``: every e-mail received (``from``, ``to``, ``subject``,
  ``body``), oldest first;
- ``GET /webhooks[?path=/slack]``: every POST received (``path``, ``json``);
- ``GET /health``: 200.

With ``--otlp-port`` it also stands in for the OpenTelemetry Collector's OTLP/HTTP
receiver (``POST /v1/traces``, protobuf, the port the Collector declares: 4318), for
hosts where no Collector image exists: ``GET /spans[?trace_id=HEX]`` lists the spans
received (``trace_id``, ``span_id``, ``parent_span_id``, ``name``, ``service``).

Standard library only (it runs in the platform image); the SMTP side implements what
Django's SMTP backend speaks (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), no TLS and
no authentication: a development tool, listening inside the compose network only.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_lock = threading.Lock()
MESSAGES: list[dict] = []
WEBHOOKS: list[dict] = []
SPANS: list[dict] = []


class SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 sink")
            elif verb == "MAIL":
                sender, recipients = command.partition(":")[2].strip(" <>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.partition(":")[2].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.store(sender, recipients, self.read_data())
                self.reply("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def read_data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline(1 << 20)
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

    @staticmethod
    def store(sender: str, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
        with _lock:
            MESSAGES.append(
                {
                    "from": sender,
                    "to": recipients,
                    "subject": str(message["subject"] or ""),
                    "body": body,
                }
            )


class HTTPHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        with _lock:
            if url.path == "/health":
                payload = {"status": "alive"}
            elif url.path == "/messages":
                payload = [m for m in MESSAGES if "to" not in query or query["to"] in m["to"]]
            elif url.path == "/spans":
                trace_id = query.get("trace_id")
                payload = [x for x in SPANS if trace_id in (None, x["trace_id"])]
            elif url.path == "/webhooks":
                payload = [w for w in WEBHOOKS if "path" not in query or query["path"] == w["path"]]
            else:
                return self.send(404, {"status": 404, "title": "Not Found"})
        self.send(200, payload)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.otlp:
            return self.receive_traces(body)
        try:
            document = json.loads(body or b"null")
        except ValueError:
            document = body.decode("utf-8", "replace")
        with _lock:
            WEBHOOKS.append({"path": urlsplit(self.path).path, "json": document})
        self.send(200, {"status": "received"})

    def receive_traces(self, body: bytes) -> None:
        """OTLP/HTTP: ``ExportTraceServiceRequest`` in protobuf, as the SDK exporter sends."""
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
            ExportTraceServiceRequest,
            ExportTraceServiceResponse,
        )

        if urlsplit(self.path).path != "/v1/traces":
            return self.send(404, {"status": 404, "title": "Not Found"})
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        with _lock:
            for resource_spans in request.resource_spans:
                attributes = {
                    a.key: a.value.string_value for a in resource_spans.resource.attributes
                }
                for scope in resource_spans.scope_spans:
                    for span in scope.spans:
                        SPANS.append({
                            "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                            "parent_span_id": span.parent_span_id.hex(), "name": span.name,
                            "service": attributes.get("service.name", ""),
                        })  # fmt: skip
        data = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send(self, status: int, payload) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        return


class ThreadingSMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 - inside the compose network
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--otlp-port", type=int, default=0, help="OTLP/HTTP receiver; 0: off")
    args = parser.parse_args()
    if args.smtp_port:
        smtp = ThreadingSMTPServer((args.host, args.smtp_port), SMTPHandler)
        threading.Thread(target=smtp.serve_forever, daemon=True).start()
    if args.otlp_port:
        otlp = ThreadingHTTPServer((args.host, args.otlp_port), HTTPHandler)
        otlp.otlp = True
        threading.Thread(target=otlp.serve_forever, daemon=True).start()
    print(f"sink: SMTP {args.smtp_port}, HTTP {args.http_port}, OTLP {args.otlp_port}", flush=True)
    http = ThreadingHTTPServer((args.host, args.http_port), HTTPHandler)
    http.otlp = False
    http.serve_forever()


if __name__ == "__main__":
    main()
