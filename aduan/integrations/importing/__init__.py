"""Bulk import of an agency's historical reports: ``aduan import FILE --agency CODE``.

Files
-----
CSV (comma-separated, first line = column names) or JSON (a list of objects, or an object
``{"reports": [...]}``), chosen by ``--format`` or the file's extension. Text is UTF-8,
with or without a byte-order mark; an export from a legacy Windows system can be read with
``--encoding cp1252``. A row whose bytes are not valid in the chosen encoding is reported
as an error (its number and column), never guessed.

Columns (names are case-insensitive; unknown columns are ignored with a warning)
-------------------------------------------------------------------------------
=================  ========  ==========================================================
column             required  meaning
=================  ========  ==========================================================
external_id        yes       the report's ID in the legacy system (unique per agency;
                             a row whose ID was imported before is skipped)
submitted_at       yes       when it was received: ISO 8601 (``2024-03-05T09:30:00+07:00``),
                             ``YYYY-MM-DD HH:MM[:SS]``, ``YYYY-MM-DD`` or
                             ``DD/MM/YYYY [HH:MM]``; without an offset, the agency's time
                             zone (WIB/WITA/WIT)
title              yes       title (at most 200 characters)
body               yes       the report's text
type                         ``complaint``/``pengaduan`` (default), ``aspiration``/
                             ``aspirasi``, ``info_request``/``permintaan informasi``
category                     category code (``kesehatan``) or name (``Kesehatan``)
region                       Kemendagri code (``32.73``) or exact name (``Kota Bandung``)
district                     Kemendagri district code (``32.73.01``)
status                       legacy status: ``baru``/``menunggu`` → submitted,
                             ``diproses`` → in progress, ``ditindaklanjuti`` → responded,
                             ``selesai``/``ditutup`` → closed, ``ditolak`` → rejected
                             (English names work too); default ``baru``
response                     the agency's follow-up text (responded/closed rows; an
                             update for rows in progress)
responded_at                 when the follow-up was given (default: submitted_at)
closed_at                    when it was closed (default: responded_at)
rejection_reason             for ``ditolak``: ``incomplete``, ``out_of_scope`` (default),
                             ``abusive`` or ``spam``
unit                         code of the work unit (inside the agency) that handled it
reporter_name, reporter_email, reporter_phone
                             the reporter (kept; an anonymous reporter stays hidden
                             from agency staff)
is_anonymous, is_confidential
                             ``1``/``0``, ``true``/``false``, ``ya``/``tidak`` (default no)
=================  ========  ==========================================================

What a row becomes
------------------
One report through the intake service (channel ``import``, filed through the agency with
its external ID, received at ``submitted_at``), then moved to its legacy state by the
lifecycle's own transitions, back-dated: dispatched to the agency (or ``unit``), accepted,
responded, closed by the system, or rejected. Events are recorded by an importer acting
as ``import:<agency code>``: a staff scope with a desk membership (the lifecycle lets only
the desk dispatch or reject) and an officer membership of the agency. Notices to reporters
are not sent for imported history. Reports in a processed state count as verified and are
public (redacted) unless ``is_confidential``. A responded report whose 10 working days
have passed is closed by the next sweep, as any other.

Each row is imported in its own transaction; a bad row (missing field, bad date, unknown
category or region, bad encoding, a transition the lifecycle refuses) is reported with its
number and never stops the rest. Row numbers are spreadsheet rows for CSV (the header is
row 1) and positions (from 1) for JSON. ``--dry-run`` does everything inside transactions
that are rolled back, so it checks every row and writes nothing.
"""

from aduan.integrations.importing.reading import ReadError, read_rows
from aduan.integrations.importing.service import ImportResult, RowProblem, import_rows

__all__ = ["ImportResult", "ReadError", "RowProblem", "import_rows", "read_rows"]
