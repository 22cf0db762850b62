"""Settings for the HTTP benchmarks: the project's own, plus bare baseline views.

The baselines (bench/baseline_urls.py) run in the same processes, on the same database,
through the same middleware, so the ratio against them measures what Aduan's own work
costs, not the machine.
"""

from aduan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline_urls"
