"""The access module's rules for staff scopes."""

from aduan.reports.access import StaffScope
from aduan.reports.lifecycle import Actor, Change, transition
from tests.factories import report


def dispatched(world, **fields):
    r = report(**fields)
    transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung))
    return r


def test_reporter_identity_by_role(world):
    named = dispatched(world, reporter_name="Budi")
    anonymous = dispatched(world, reporter_name="Rahasia", is_anonymous=True)
    can = {
        who: (
            StaffScope.for_user(getattr(world, who)).can_see_reporter(named),
            StaffScope.for_user(getattr(world, who)).can_see_reporter(anonymous),
        )
        for who in ("desk", "bandung_officer", "bandung_admin", "coordinator", "surabaya_officer")
    }
    assert can == {
        "desk": (True, True),
        "bandung_officer": (True, False),
        "bandung_admin": (True, False),
        # Mentors read the case, not the person.
        "coordinator": (False, False),
        "surabaya_officer": (False, False),
    }


def test_coordinator_views_but_does_not_work(world):
    r = dispatched(world)
    scope = StaffScope.for_user(world.coordinator)
    assert scope.can_view(r)
    assert scope.working_agency_for(r) is None
    assert r in scope.visible_reports()
    assert not StaffScope.for_user(world.surabaya_officer).visible_reports().filter(pk=r.pk)
