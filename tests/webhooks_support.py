"""Helpers for the webhook tests: a real receiver on 127.0.0.1, fake senders, reports
driven through real transitions, and the README's verification example."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.webhooks import delivery, services
from aduan.webhooks.delivery import HttpResult
from aduan.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from tests.factories import report

README = Path(__file__).resolve().parent.parent / "aduan" / "webhooks" / "README.md"
ALL_EVENTS = list(EventType.values)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


class Receiver:
    """An HTTP receiver on 127.0.0.1 that answers 500 to the first ``fail_first``
    requests and 200 afterwards (a system that is down, then up)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    code = 500 if len(receiver.requests) < receiver.fail_first else 200
                    if self.path.endswith("/redirect"):
                        code = 302
                    receiver.requests.append(Received(dict(self.headers.items()), body, code))
                self.send_response(code)
                if code == 302:
                    self.send_header("Location", "/aduan/webhook")
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"down" if code == 500 else b"ok")

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/aduan/webhook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def ids(self, *, answered: int | None = None) -> list[str]:
        return [
            r.headers["Aduan-Webhook-Id"]
            for r in self.requests
            if answered is None or r.answered == answered
        ]


@dataclass
class FakeSender:
    """Stands in for ``delivery.http_post``: answers from ``codes`` (the last repeats)."""

    codes: list[int | None] = field(default_factory=lambda: [200])
    calls: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    during: Any = None  # called while "sending", to race with the attempt

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
        self.calls.append((url, body, headers))
        if self.during is not None:
            self.during()
        index = min(len(self.calls) - 1, len(self.codes) - 1)
        code = self.codes[index]
        if code is None:
            return HttpResult(None, error="ConnectionRefusedError: refused")
        return HttpResult(code, excerpt="ok" if 200 <= code < 300 else "error")


def fake_sender(monkeypatch: Any, codes: list[int | None]) -> FakeSender:
    sender = FakeSender(codes=codes)
    monkeypatch.setattr(delivery, "http_post", sender)
    return sender


def endpoint(
    agency: Any, url: str = "https://hooks.example.id/aduan", events: list[str] | None = None
) -> tuple[WebhookEndpoint, str]:
    return services.endpoint_create(agency=agency, url=url, events=events or ALL_EVENTS)


def act(r: Any, action: str, actor: Actor, now: datetime | None = None, **change: Any) -> Any:
    return lifecycle.transition(r, action, actor=actor, change=Change(**change), now=now)


def dispatched(world: Any, agency: Any = None, now: datetime | None = None, **fields: Any) -> Any:
    r = report(now=now, **fields)
    act(r, "dispatch", Actor.staff(world.desk), now=now, agency=agency or world.bandung)
    return r


def deliveries(**filters: Any) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(**filters).order_by("pk"))


def run_until_settled(start: datetime, *, rounds: int = 20) -> datetime:
    """Run due deliveries, jump past the longest back-off, repeat until nothing is open."""
    now = start
    for _ in range(rounds):
        delivery.run_due(now=now)
        if not WebhookDelivery.objects.filter(status__in=delivery.OPEN).exists():
            return now
        now += max(delivery.RETRY_DELAYS) + timedelta(seconds=1)
    raise AssertionError("deliveries did not settle")


def verification_example() -> dict[str, Any]:
    """The Python example from the README, executed: documentation that is tested."""
    text = README.read_text()
    marker = text.index("<!-- webhook-verification-example -->")
    code = re.search(r"```python\n(.*?)```", text[marker:], re.S)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), str(README), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace
