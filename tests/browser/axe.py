"""axe-core in the page: WCAG 2.1 A/AA rules, violations of impact serious or critical."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import AXE_JS

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def audit(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                              resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '),
                                                       summary: n.failureSummary}))}));
        }""",
        TAGS,
    )
    return [v for v in result if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for n in v["nodes"]:
            lines.append(f"      at {n['target']}: {n['summary'].splitlines()[-1].strip()}")
    return "\n".join(lines)
