#!/bin/sh
# Refresh the English catalogue from the Indonesian source strings, then compile it.
#
#   scripts/update_translations.sh          # uses .venv/bin/python
#   PYTHON=python3 scripts/update_translations.sh
#
# After running: translate every new or "#, fuzzy" entry in
# aduan/locale/en/LC_MESSAGES/django.po (remove the fuzzy flag once checked), run this
# script once more to compile, and commit both the .po and the .mo. The .mo is committed
# so a machine without GNU gettext still serves English. tests/test_translations.py
# fails until every message is translated and the .mo matches the .po.
#
# Needs GNU gettext (Debian/Ubuntu: apt-get install gettext).
set -eu

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"

# Locations name the file only (no line numbers) to keep diffs of the .po small.
# Keep these flags in step with EXTRACT_ARGS in tests/test_translations.py.
"$PYTHON" manage.py makemessages --locale=en --add-location=file \
    --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=scripts \
    --ignore='*.egg-info' --ignore=build --ignore=dist
# msgmerge stamps a fresh POT-Creation-Date on every run; drop it so an unchanged
# source gives an unchanged file.
"$PYTHON" -c 'import pathlib, re, sys
p = pathlib.Path(sys.argv[1])
p.write_text(re.sub(r"^\"POT-Creation-Date: .*\n", "", p.read_text("utf-8"), flags=re.M), "utf-8")' \
    aduan/locale/en/LC_MESSAGES/django.po
"$PYTHON" manage.py compilemessages --locale=en \
    --ignore=.venv --ignore=var --ignore=tests --ignore=bench
