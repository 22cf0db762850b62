"""Fuzzing Open311 GeoReport v2 (no OpenAPI schema: hypothesis drives it directly).

Every address (discovery, services, requests, tokens, updates) in both formats is asked
with generated query strings and, for ``requests``, generated form bodies: no server
error, and every answer is one well-formed document of the asked format (JSON or XML),
errors included. ``ADUAN_FUZZ_EXAMPLES`` sets the examples per test (default 10).
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aduan.integrations.keys import key_create
from tests.access_matrix_support import unlimited
from tests.hostile_support import body_of

EXAMPLES = int(os.environ.get("ADUAN_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("ADUAN_FUZZ_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
    database=None,
)
text = st.text(max_size=60) | st.sampled_from(
    ["", "0", "-1", "1e309", "NaN", "2026-02-30T25:61:00Z", "<x>", "' OR 1=1 --", "%00", "a" * 300]
)
PARAMS = (
    "service_request_id",
    "service_code",
    "status",
    "start_date",
    "end_date",
    "updated_after",
    "updated_before",
    "page",
    "page_size",
    "jurisdiction_id",
    "api_key",
    "lat",
    "long",
    "q",
)
queries = st.dictionaries(st.sampled_from(PARAMS), text, max_size=5)
FORM_FIELDS = (
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "attribute[x]",
    "jurisdiction_id",
)
forms = st.dictionaries(st.sampled_from(FORM_FIELDS), text, max_size=8)


@pytest.fixture
def site(world: Any, settings: Any) -> dict[str, str]:
    unlimited(settings)
    _key, raw = key_create(agency=world.bandung, name="o311", scopes=["read", "write"])
    return {"key": raw, "service": world.category_roads.code}


def _check(response: Any, fmt: str) -> None:
    assert response.status_code < 500, (response.status_code, body_of(response)[:300])
    if response.status_code in (301, 302, 304, 405):
        return
    body = body_of(response)
    if fmt == "json":
        assert "json" in response["Content-Type"], response["Content-Type"]
        json.loads(body)
    else:
        assert "xml" in response["Content-Type"], response["Content-Type"]
        ET.fromstring(body.encode())  # noqa: S314 (the app's own output)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_reads_survive_any_query(site: dict[str, str], fmt: str) -> None:
    client = Client(raise_request_exception=False)
    paths = st.sampled_from(
        [
            f"discovery.{fmt}",
            f"services.{fmt}",
            f"services/{site['service']}.{fmt}",
            f"requests.{fmt}",
            f"servicerequestupdates.{fmt}",
        ]
    ) | st.builds(
        lambda kind, ident: f"{kind}/{quote(ident, safe='')}.{fmt}",
        st.sampled_from(["requests", "tokens", "services"]),
        text.filter(lambda s: s.strip() not in ("", ".", "..")),
    )

    @given(path=paths, query=queries, keyed=st.booleans())
    @FUZZ
    def run(path: str, query: dict[str, str], keyed: bool) -> None:
        if keyed:
            query = {**query, "api_key": site["key"]}
        _check(client.get(f"/open311/v2/{path}", query), fmt)

    run()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_submissions_survive_any_form(site: dict[str, str], fmt: str) -> None:
    client = Client(raise_request_exception=False)

    @given(form=forms, keyed=st.booleans(), valid_base=st.booleans())
    @FUZZ
    def run(form: dict[str, str], keyed: bool, valid_base: bool) -> None:
        data = dict(form)
        if valid_base:
            base = {"service_code": site["service"], "lat": "-6.9", "long": "107.6"}
            data = {**base, "description": "Lampu jalan mati.", **form}
        if keyed:
            data["api_key"] = site["key"]
        data = {k: v.replace("\x00", "") for k, v in data.items()}  # the test client
        _check(client.post(f"/open311/v2/requests.{fmt}", data), fmt)

    run()
