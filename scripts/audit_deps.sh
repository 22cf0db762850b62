#!/usr/bin/env bash
# Dependency audit: every package installed in .venv checked against the known-vulnerability
# database (pip-audit; PyPI's JSON API by default, OSV with ADUAN_AUDIT_SERVICE=osv).
#
# Exit status: 0 every package audited, no known vulnerability;
#              1 a known vulnerability (listed, with the fixed versions);
#              2 the audit could not run or could not check some packages (no network, the
#                vulnerability service unreachable): an audit that checked nothing is not a pass.
# ADUAN_AUDIT_IGNORE="GHSA-xxxx PYSEC-yyyy" accepts named vulnerabilities (document why);
# ADUAN_AUDIT_ALLOW_UNAUDITED=1 lets packages that are not on the index pass (exit 0).
set -euo pipefail
cd "$(dirname "$0")/.."
PIP_AUDIT="${PIP_AUDIT:-.venv/bin/pip-audit}"
PYTHON="${PYTHON:-.venv/bin/python}"
SERVICE="${ADUAN_AUDIT_SERVICE:-pypi}"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT

args=(--local --skip-editable --progress-spinner off --timeout 30 -s "$SERVICE" -f json -o "$report")
for id in ${ADUAN_AUDIT_IGNORE:-}; do args+=(--ignore-vuln "$id"); done

set +e
"$PIP_AUDIT" "${args[@]}" 2>"$report.err"
status=$?
set -e
if [ ! -s "$report" ]; then
    echo "audit_deps: pip-audit produced no report (exit $status):" >&2
    cat "$report.err" >&2
    rm -f "$report.err"
    exit 2
fi
rm -f "$report.err"

"$PYTHON" - "$report" "$SERVICE" <<'PY'
import json
import os
import sys

report, service = sys.argv[1], sys.argv[2]
# The project itself is not a published package.
deps = [d for d in json.load(open(report))["dependencies"] if d["name"] != "aduan"]
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if "skip_reason" in d]
audited = len(deps) - len(skipped)
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
        print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixed})")
print(
    f"audit_deps: {len(deps)} packages, {audited} audited against {service}, "
    f"{len(skipped)} not audited, {sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities"
)
if vulnerable:
    sys.exit(1)
if skipped:
    names = ", ".join(f"{d['name']} {d.get('version', '')}".strip() for d in skipped[:10])
    more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
    print(f"audit_deps: NOT AUDITED: {names}{more}")
    if audited == 0:
        print(
            f"audit_deps: the vulnerability service ({service}) answered for no package: "
            "no network, or an index mirror without per-version data. Run where "
            "https://pypi.org/pypi/<name>/<version>/json (or https://api.osv.dev with "
            "ADUAN_AUDIT_SERVICE=osv) is reachable."
        )
    if os.environ.get("ADUAN_AUDIT_ALLOW_UNAUDITED") != "1":
        sys.exit(2)
print("audit_deps: OK")
PY
