"""``aduan apikey create|revoke|list``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from aduan.audit.models import AuditRecord
from aduan.integrations.keys import key_authenticate, key_create
from aduan.integrations.models import ApiKey


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_key_once_on_stdout(world):
    out, err = run(
        "create", "--agency", "32.73", "--scopes", "read,write,webhooks", "--name", "SIPP"
    )

    raw = out.strip()
    key = ApiKey.objects.get()
    assert key_authenticate(raw) == key
    assert key.name == "SIPP" and key.scopes == ["read", "webhooks", "write"]
    assert key.prefix in err and raw not in err
    record = AuditRecord.objects.get(action="api_key_create")
    assert record.actor is None and record.detail["via"] == "cli"


def test_create_without_name_gets_a_default(world):
    run("create", "--agency", "32.73", "--scopes", "read")

    assert ApiKey.objects.get().name == "32.73 (CLI)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "NOPE", "--scopes", "read"], "No agency"),
        (["--agency", "32.73", "--scopes", "read,admin"], "admin"),
        (["--agency", "32.73", "--scopes", ","], "Unknown or empty"),
        (["--agency", "DESK", "--scopes", "read,write"], "read-only"),
    ],
)
def test_create_refuses_clearly(world, args, message):
    with pytest.raises(CommandError, match=message):
        run("create", *args)
    assert ApiKey.objects.count() == 0


def test_create_refuses_inactive_agency(world):
    world.surabaya.is_active = False
    world.surabaya.save()

    with pytest.raises(CommandError, match="inactive"):
        run("create", "--agency", "35.78", "--scopes", "read")


def test_revoke_by_prefix_or_full_key(world):
    key, raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    _other, other_raw = key_create(agency=world.bandung, name="y", scopes=["read"])

    out, _err = run("revoke", key.prefix)
    run("revoke", other_raw)

    assert "Revoked" in out
    assert key_authenticate(raw) is None and key_authenticate(other_raw) is None
    assert AuditRecord.objects.filter(action="api_key_revoke").count() == 2
    with pytest.raises(CommandError, match="already revoked"):
        run("revoke", key.prefix)
    with pytest.raises(CommandError, match="No API key"):
        run("revoke", "ffffffffff")


def test_list_filters_by_agency_subtree_and_hides_revoked(world):
    key_create(agency=world.bandung, name="Bandung", scopes=["read"])
    key_create(agency=world.bandung_dinkes, name="Dinkes", scopes=["write"])
    key_create(agency=world.surabaya, name="Surabaya", scopes=["read"])
    gone, _raw = key_create(agency=world.bandung, name="Lama", scopes=["read"])
    run("revoke", gone.prefix)

    out, _err = run("list", "--agency", "32.73")
    assert "Bandung" in out and "Dinkes" in out
    assert "Surabaya" not in out and "Lama" not in out

    everything, _err = run("list", "--all")
    assert "Surabaya" in everything and "Lama" in everything and "revoked" in everything


def test_list_when_empty(world):
    out, err = run("list")

    assert out == "" and "No API keys" in err


def test_the_desk_may_hold_a_read_only_key_for_triage_suggestions(world):
    run("create", "--agency", "DESK", "--scopes", "read")
    key = ApiKey.objects.get()
    assert key.agency.kind == "desk" and key.scopes == ["read"]
