"""Fuzzing the public and agency APIs against their own OpenAPI schema (schemathesis).

Every operation of ``/api/v1/schema`` is called with generated requests, as the agency's
system (an API key with every scope) so the agency operations are reached past their
door: no answer may be a server error, and every answer must match the schema (status
code, content type, body).

The number of generated requests per operation is ``ADUAN_FUZZ_EXAMPLES`` (default 10,
for CI); a release runs it longer::

    ADUAN_FUZZ_EXAMPLES=500 .venv/bin/pytest tests/test_api_fuzz.py -p no:xdist

Open311 has no OpenAPI schema: tests/test_hostile_open311_fuzz.py fuzzes it with
hypothesis directly.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aduan.integrations.keys import key_create
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.wsgi import application
from tests.factories import submit

EXAMPLES = int(os.environ.get("ADUAN_FUZZ_EXAMPLES", "10"))
LIVE_DOCUMENT: dict[str, Any] = {}
AUTH: dict[str, str] = {}  # the fuzzing agency's key, set by the fixture
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def _schema_document() -> dict[str, Any]:
    """The OpenAPI document /api/v1/schema serves (it is built from code, not data)."""
    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


def _operations() -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, ops in _schema_document()["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    ]


@pytest.fixture
def api(world: Any, client: Any, settings: Any) -> Iterator[Any]:
    """The live schema, read from /api/v1/schema, calling the WSGI application; AUTH
    holds a key of Bandung (every scope), which handles one public report."""
    settings.ADUAN_API_RATE_PER_MINUTE = 1_000_000
    settings.ADUAN_API_AUTH_FAILURES_PER_MINUTE = 1_000_000
    r = submit(title="Jalan berlubang di Jl. Dago", region=world.region_bandung).report
    transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung))
    _key, raw = key_create(agency=world.bandung, name="fuzz", scopes=["read", "write", "webhooks"])
    AUTH["Authorization"] = f"Bearer {raw}"
    if not LIVE_DOCUMENT:  # the live one, served once per run (building it is slow)
        response = client.get("/api/v1/schema", {"format": "json"})
        assert response.status_code == 200, response.content[:300]
        LIVE_DOCUMENT.update(json.loads(response.content))
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(LIVE_DOCUMENT))
    loaded.app = application
    # Calling the WSGI application directly would close the test's database connection
    # at the end of every request; Django's test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(operation: Any, mode: GenerationMode, checks: list[Any]) -> int:
    calls = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=os.environ.get("ADUAN_FUZZ_RANDOM") != "1",
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        # identity: the WSGI transport hands schemathesis the raw bytes, and the app
        # compresses for clients that accept gzip.
        headers = {**AUTH, "Accept-Encoding": "identity"}
        case.call_and_validate(headers=headers, checks=checks)

    run()
    return calls


@pytest.mark.parametrize(("method", "path"), _operations())
def test_api_operation_survives_fuzzing(api: Any, method: str, path: str) -> None:
    """Valid requests: no server error, every answer as documented. Requests that break
    the schema: refused with a client error, never a 5xx."""
    operation = api[path][method]
    assert _fuzz(operation, GenerationMode.POSITIVE, CHECKS) >= 1
    with contextlib.suppress(Unsatisfiable):  # nothing here can be made invalid
        _fuzz(operation, GenerationMode.NEGATIVE, [not_a_server_error])
