"""The ``aduan`` command: Django's management commands under the project's name.

``aduan serve``, ``aduan seed --demo``, ``aduan sweep``, ``aduan loadrefdata``,
``aduan migrate`` ... (``aduan help`` lists them all).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["aduan", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
