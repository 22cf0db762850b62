"""Factories for tests: agencies, staff with roles, and reports in any state."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from aduan.agencies.models import Agency, Membership
from aduan.reports import intake
from aduan.reports.models import Channel, Report


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.id")
    email = factory.LazyAttribute(lambda o: o.username)
    password = factory.PostGenerationMethodCall("set_password", "rahasia-kuat-123")

    @factory.post_generation
    def _save(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def staff(agency: Agency, role: str, **kwargs: Any) -> Any:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


def submit(
    *,
    title: str = "Jalan rusak di depan sekolah",
    body: str = "Jalan berlubang besar dan membahayakan anak-anak yang berangkat sekolah.",
    channel: str = Channel.WEB,
    now: Any = None,
    **fields: Any,
) -> intake.Receipt:
    return intake.report_submit(
        submission=intake.Submission(title=title, body=body, channel=channel, **fields),
        now=now or timezone.now(),
    )


def report(**fields: Any) -> Report:
    return submit(**fields).report
