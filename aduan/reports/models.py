"""Reports, their append-only events and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aduan.audit.chain import ChainedModel, hash_index
from aduan.core.fields import AsciiCharField
from aduan.core.indexes import when_set


class Category(models.Model):
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        return self.name


class ReportType(models.TextChoices):
    COMPLAINT = "complaint", _("Pengaduan")
    ASPIRATION = "aspiration", _("Aspirasi")
    INFO_REQUEST = "info_request", _("Permintaan informasi")


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    API = "api", _("API")
    MOBILE = "mobile", _("Aplikasi seluler")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Aplikasi pesan")
    EMAIL = "email", _("Surel")
    OPEN311 = "open311", _("Open311")
    AGENCY_APP = "agency_app", _("Aplikasi instansi")
    IMPORT = "import", _("Impor data")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Menunggu verifikasi")
    NEEDS_INFO = "needs_info", _("Ditunda: menunggu kelengkapan")
    REJECTED = "rejected", _("Tidak dapat diproses")
    DISPATCHED = "dispatched", _("Terdisposisi")
    IN_PROGRESS = "in_progress", _("Diproses instansi")
    RESPONDED = "responded", _("Ditindaklanjuti oleh instansi")
    CLOSED = "closed", _("Selesai")
    ESCALATED = "escalated", _("Dilimpahkan ke Ombudsman")
    ARCHIVED = "archived", _("Diarsipkan")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.NEEDS_INFO,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RESPONDED,
    Status.ESCALATED,
)


class Gender(models.TextChoices):
    FEMALE = "female", _("Perempuan")
    MALE = "male", _("Laki-laki")
    UNDISCLOSED = "undisclosed", _("Tidak ingin menyebutkan")


class AgeBand(models.TextChoices):
    UNDER_18 = "lt18", _("Di bawah 18 tahun")
    AGE_18_30 = "18-30", _("18–30 tahun")
    AGE_31_45 = "31-45", _("31–45 tahun")
    AGE_46_60 = "46-60", _("46–60 tahun")
    OVER_60 = "gt60", _("Di atas 60 tahun")


# What the public list shows (aduan.reports.access.public_reports): verified reports,
# never rejected, archived or awaiting the desk. Its partial index names the same set.
PUBLIC_LIST_STATUSES = (
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RESPONDED,
    Status.CLOSED,
    Status.ESCALATED,
)


# Labels by value. Django's ``get_FOO_display`` hashes the field's every choice on each
# call, which translates every lazy label: 0.15 ms a call, and the public list calls it
# for every row. These dicts translate the one label asked for.
STATUS_LABELS = dict(Status.choices)
TYPE_LABELS = dict(ReportType.choices)
CHANNEL_LABELS = dict(Channel.choices)


class Report(models.Model):
    tracking_id = AsciiCharField(_("nomor pelacakan"), max_length=12, unique=True)
    # SHA-256 of the reporter's private-link secret; the secret itself is shown once.
    secret_hash = models.CharField(max_length=64, editable=False)

    type = models.CharField(
        _("jenis laporan"), max_length=20, choices=ReportType.choices, default=ReportType.COMPLAINT
    )
    needs_inspection = models.BooleanField(_("berkadar pengawasan"), default=False)
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi laporan"))
    # Redacted copies shown to the public; staff see the originals above.
    public_title = models.CharField(_("judul publik"), max_length=200, blank=True)
    public_body = models.TextField(_("isi publik"), blank=True)
    incident_date = models.DateField(_("tanggal kejadian"), null=True, blank=True)

    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
    )
    district = models.ForeignKey(
        "regions.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    requested_agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("instansi yang dipilih pelapor"),
        db_index=False,
    )
    # No index of its own: report_agency_status (agency, status) serves it.
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("instansi penanggung jawab"),
        db_index=False,
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("kategori"),
    )

    is_anonymous = models.BooleanField(_("anonim"), default=False)
    is_confidential = models.BooleanField(_("rahasia"), default=False)
    channel = models.CharField(_("kanal"), max_length=12, choices=Channel.choices)
    source_agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dikirim melalui aplikasi instansi"),
        db_index=False,
    )
    external_id = models.CharField(_("nomor di aplikasi instansi"), max_length=100, blank=True)
    # The language the reporter used, so notices reach them in it.
    language = models.CharField(_("bahasa"), max_length=8, default="id")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        db_index=False,
    )
    reporter_name = models.CharField(_("nama pelapor"), max_length=120, blank=True)
    reporter_email = models.EmailField(_("surel pelapor"), blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=20, blank=True)

    demographics_consent = models.BooleanField(default=False)
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    age_band = models.CharField(max_length=6, choices=AgeBand.choices, blank=True)
    has_disability = models.BooleanField(null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    rejection_reason = models.CharField(max_length=20, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_reports",
        db_index=False,
    )

    submitted_at = models.DateTimeField(_("diterima"), db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Deadlines. ``due_at`` is the staff deadline of the current state (verify, first
    # response, completion); ``auto_at`` is when the sweep acts by itself (needs-info
    # expiry, auto-close). Both are recomputed by every transition.
    due_at = models.DateTimeField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    completion_due_at = models.DateTimeField(null=True, blank=True)
    auto_at = models.DateTimeField(null=True, blank=True)
    # When the sweep offers the reporter the Ombudsman (effects.offer_time); cleared once
    # offered or when the report leaves the states it applies to, so the sweep's index
    # holds only offers still owed.
    offer_at = models.DateTimeField(null=True, blank=True)

    bounce_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    resolved = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        indexes = [
            models.Index(fields=["status", "due_at"], name="report_status_due"),
            # References most reports leave empty: indexed only where set.
            when_set("requested_agency", "report_requested_agency"),
            when_set("source_agency", "report_source_agency"),
            when_set("reporter", "report_reporter"),
            when_set("merged_into", "report_merged_into"),
            models.Index(fields=["agency", "status"], name="report_agency_status"),
            # The sweep reads only rows with a pending automatic action.
            models.Index(
                fields=["auto_at"], name="report_auto_at", condition=models.Q(auto_at__isnull=False)
            ),
            models.Index(
                fields=["-submitted_at"],
                name="report_public_recent",
                condition=models.Q(is_confidential=False),
            ),
            # The public list (access.public_reports, newest first): its pages and its
            # capped count read this index alone (index-only), whatever the table's size.
            models.Index(
                fields=["-submitted_at", "-id"],
                name="report_public_list",
                condition=models.Q(is_confidential=False, status__in=list(PUBLIC_LIST_STATUSES)),
            ),
            # The SLA sweep's Ombudsman offers: only offers still owed are indexed.
            models.Index(
                fields=["offer_at"],
                name="report_offer_at",
                condition=models.Q(offer_at__isnull=False),
            ),
            # The SLA sweep's escalation scan, every minute.
            models.Index(
                fields=["first_response_due_at"],
                name="report_first_response_due",
                condition=models.Q(
                    first_response_at__isnull=True,
                    status__in=["dispatched", "in_progress", "escalated"],
                ),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_agency", "external_id"],
                condition=~models.Q(external_id=""),
                name="report_unique_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="report_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="report_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_id} {self.title}"

    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return str(STATUS_LABELS.get(self.status, self.status))

    def get_type_display(self) -> str:  # type: ignore[no-redef]
        return str(TYPE_LABELS.get(self.type, self.type))

    def get_channel_display(self) -> str:  # type: ignore[no-redef]
        return str(CHANNEL_LABELS.get(self.channel, self.channel))

    @property
    def display_title(self) -> str:
        return self.public_title or self.title


class ReportEvent(ChainedModel):
    """Append-only history: one row per transition or message."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Publik")
        PARTIES = "parties", _("Pelapor dan petugas")
        STAFF = "staff", _("Petugas saja")

    class ActorKind(models.TextChoices):
        SYSTEM = "system", _("Sistem")
        REPORTER = "reporter", _("Pelapor")
        STAFF = "staff", _("Petugas")

    # No index of its own: event_report_time (report, created_at) serves every lookup by
    # report, and each index costs every event's insert and the bulk load's rebuild.
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_label = models.CharField(max_length=60, blank=True)
    actor_agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Handling agency after this event.",
        db_index=False,
    )
    reason = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    public_message = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["report", "created_at"], name="event_report_time"),
            hash_index("event_hash"),
            # Most events have no acting person (the system, an anonymous reporter),
            # many no acting or handling agency: each index holds only those that do.
            when_set("actor", "event_actor"),
            when_set("actor_agency", "event_actor_agency"),
            when_set("agency", "event_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.action} {self.from_status}→{self.to_status}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the original file name may carry personal data.
    return f"attachments/{instance.submitted_on:%Y/%m}/{instance.sha256[:2]}/{instance.token}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        ReportEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_public = models.BooleanField(pgettext_lazy("attachment", "publik"), default=False)
    submitted_on = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
