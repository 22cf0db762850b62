"""Routing accuracy and speed of the triage classifier on the synthetic benchmark (issue 6).

    .venv/bin/python bench/triage_bench.py [--size 10000] [--seed 7] [--folds 10]

Writes the self-written, noisy 12-agency data set (:mod:`aduan.triage.sampledata`, the
same as ``aduan triage make-dataset``) to var/triage/bench-<size>.csv and runs the
evaluation of ``aduan triage evaluate`` on it with stratified k-fold cross-validation.
Prints accuracy, macro-F1, top-3 accuracy, training seconds per fold and prediction
milliseconds per report (wall clock and CPU: on a shared machine the wall clock mostly
measures the other load), and the calibration table. No database needed.

Then the one-report-at-a-time latency, as a new report gets it: a model trained on the
first fold's training part scores ``--runs`` held-out reports one by one (after 100
untimed warm-up calls); prints p50/p99 wall milliseconds per call and the process's CPU
milliseconds per call. ``--latency-only`` skips the cross-validation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=1000, help="timed single predictions")
    parser.add_argument("--latency-only", action="store_true", help="skip cross-validation")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    from aduan.triage.classifier import train
    from aduan.triage.evaluation import evaluate, read_csv, single_report_latency, split
    from aduan.triage.sampledata import write_csv

    path = args.out or Path("var/triage") / f"bench-{args.size}-{args.seed}.csv"
    write_csv(path, args.size, seed=args.seed, folds=args.folds)
    data = read_csv(path, text_column="text", label_column="agency")
    if not args.latency_only:
        result = evaluate(data, folds=args.folds)
        calibration = result.pop("calibration")
        per_class = result.pop("per_class")
        print(json.dumps(result, indent=2))
        print("per class recall:", {k: v["recall"] for k, v in per_class.items()})
        print("calibration (bin: n, mean confidence -> accuracy):")
        for b in calibration:
            if b["n"]:
                span = f"{b['low']:.1f}-{b['high']:.1f}"
                print(f"  {span}: {b['n']:>6} {b['confidence']:.3f} -> {b['accuracy']:.3f}")

    train_idx, test_idx = split(data, args.folds)[0]
    model = train([data.texts[i] for i in train_idx], [data.labels[i] for i in train_idx])
    held_out = [data.texts[i] for i in test_idx]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} on {os.cpu_count()} cores (wall time includes waiting)")
    fast = single_report_latency(model, held_out, runs=args.runs)
    compiled, model.compiled = model.compiled, None
    plain = single_report_latency(model, held_out, runs=args.runs)
    model.compiled = compiled
    for name, latency in (("fast path", fast), ("scikit-learn pipeline", plain)):
        print(
            f"single report, {name} ({latency['runs']} calls): "
            f"p50 {latency['p50_ms']:.3f} ms, p99 {latency['p99_ms']:.3f} ms wall; "
            f"{latency['cpu_ms']:.3f} ms CPU per call"
        )


if __name__ == "__main__":
    main()
