"""What Open311 needs to remember: which updates an agency's system already posted."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Update(models.Model):
    """An update posted through ``servicerequestupdates`` with the agency system's own
    ``update_id``: the unique pair makes a resend find its first event instead of
    appending a second one."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("instansi")
    )
    update_id = models.CharField(_("nomor pembaruan di sistem instansi"), max_length=100)
    event = models.OneToOneField("reports.ReportEvent", on_delete=models.PROTECT, related_name="+")
    # The time the agency's system says the update happened; kept for reference only:
    # deadlines count from when Aduan received it (event.created_at), never a client clock.
    client_datetime = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pembaruan Open311")
        verbose_name_plural = _("pembaruan Open311")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "update_id"], name="open311_update_unique_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.update_id}"
