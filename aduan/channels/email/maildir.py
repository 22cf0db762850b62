"""Reading a Maildir (the mail server delivers into it; ``aduan readmaildir`` reads it).

Every message in ``new/`` goes through :func:`email_receive`. With ``move_processed``
each handled message moves to ``cur/`` with the Seen flag (``:2,S``), as a mail client
would mark it read; without it the messages stay and a re-run finds them already handled
by their Message-ID. Either way a message never files two reports. A message that failed
(or met a concurrent change) stays in ``new/`` for the next run; one message's failure
never stops the others.
"""

from __future__ import annotations

import logging
import mailbox
import os
from dataclasses import dataclass
from pathlib import Path

from aduan.channels.email import services

logger = logging.getLogger(__name__)


@dataclass
class MaildirSummary:
    read: int = 0
    created: int = 0
    replies: int = 0
    ignored: int = 0
    duplicates: int = 0
    too_large: int = 0
    failed: int = 0
    moved: int = 0


class NotAMaildir(ValueError):
    pass


def maildir_read(*, path: Path, move_processed: bool) -> MaildirSummary:
    try:
        box = mailbox.Maildir(str(path), factory=None, create=False)
    except mailbox.NoSuchMailboxError as exc:
        raise NotAMaildir(str(path)) from exc
    new_dir, cur_dir = path / "new", path / "cur"
    if not new_dir.is_dir() or not cur_dir.is_dir():
        raise NotAMaildir(str(path))
    summary = MaildirSummary()
    for name in sorted(os.listdir(new_dir)):
        if name.startswith("."):
            continue
        key = name.split(box.colon)[0]
        summary.read += 1
        if _handle(box, key, summary) and move_processed:
            # Maildir's own way to mark a message read: rename into cur/ with flags.
            os.replace(new_dir / name, cur_dir / f"{key}{box.colon}2,S")
            summary.moved += 1
    return summary


def _handle(box: mailbox.Maildir, key: str, summary: MaildirSummary) -> bool:
    """Process one message; True when it is done with (may be moved)."""
    try:
        result = services.email_receive(raw=box.get_bytes(key))
    except services.MessageTooLarge:
        summary.too_large += 1
        return True
    except services.RetryLater:
        summary.failed += 1
        return False
    except Exception:  # one broken message must not stop the rest; it stays in new/
        logger.exception("maildir message %s failed", key)
        summary.failed += 1
        return False
    if result.duplicate:
        summary.duplicates += 1
    elif result.outcome == services.Outcome.REPORT_CREATED:
        summary.created += 1
    elif result.outcome == services.Outcome.REPLY_APPLIED:
        summary.replies += 1
    else:
        summary.ignored += 1
    return True
