"""Tracking IDs are readable, forgiving of look-alikes, and catch typos."""

import pytest

from aduan.reports import tracking


def test_format_and_display():
    tid = tracking.new_tracking_id()
    assert len(tid) == 10 and set(tid) <= set(tracking.ALPHABET)
    assert not set(tid) & set("ILOU")
    assert tracking.display(tid) == f"{tid[:5]}-{tid[5:]}"


def test_typed_forms_are_normalised():
    tid = tracking.new_tracking_id()
    for typed in (
        tid.lower(),
        tracking.display(tid),
        f"  {tid[:3]} {tid[3:]} ",
        f"{tid[:5]}-{tid[5:]}".lower(),
    ):
        assert tracking.normalize(typed) == tid


def test_lookalikes_are_forgiven():
    payload = "0001110A0"
    tid = payload + tracking._check_symbol(payload)
    assert tracking.normalize(tid.replace("0", "O").replace("1", "l")) == tid


@pytest.mark.parametrize("_", range(20))
def test_every_single_typo_is_caught(_):
    tid = tracking.new_tracking_id()
    for i in range(len(tid)):
        for c in tracking.ALPHABET:
            if c != tid[i]:
                assert tracking.normalize(tid[:i] + c + tid[i + 1 :]) is None


@pytest.mark.parametrize("raw", ["", "ABC", "A" * 41, "ABCDE-FGHJ!", "ÄBCDEFGHJK", None, 12345])
def test_garbage_is_rejected(raw):
    assert tracking.normalize(raw) is None


def test_ids_are_random():
    assert len({tracking.new_tracking_id() for _ in range(2000)}) == 2000


def test_secret_hashing():
    secret = tracking.new_secret()
    digest = tracking.hash_secret(secret)
    assert secret not in digest
    assert tracking.secret_matches(secret, digest)
    assert not tracking.secret_matches(secret + "x", digest)
    assert not tracking.secret_matches(None, digest)
    assert not tracking.secret_matches("x" * 500, digest)
