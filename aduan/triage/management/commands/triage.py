"""``aduan triage train|evaluate|status|make-dataset``: the routing classifier's CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.triage.classifier import TrainingError


class Command(BaseCommand):
    help = "Train, evaluate and inspect the desk's routing suggestions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        train = sub.add_parser("train", help="Train on this deployment's dispatch history.")
        train.add_argument("--limit", type=int, default=None, help="Newest N reports only.")
        train.add_argument(
            "--no-backfill",
            action="store_true",
            help="Do not compute suggestions for waiting reports afterwards.",
        )
        evaluate = sub.add_parser("evaluate", help="Cross-validate on a labelled CSV file.")
        evaluate.add_argument("--data", required=True, type=Path)
        evaluate.add_argument("--text-column", default="text")
        evaluate.add_argument("--label-column", default="agency")
        evaluate.add_argument("--folds", type=int, default=10)
        evaluate.add_argument("--fold-column", default=None)
        evaluate.add_argument("--json", action="store_true", help="One JSON object.")
        sub.add_parser("status", help="The current models and their figures.")
        make = sub.add_parser(
            "make-dataset", help="Write the synthetic labelled benchmark (aduan.triage.sampledata)."
        )
        make.add_argument("--out", required=True, type=Path)
        make.add_argument("--size", type=int, default=10000)
        make.add_argument("--seed", type=int, default=7)
        make.add_argument("--folds", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"].replace("-", "_")
        getattr(self, f"_{name}")(options)

    def _train(self, options: dict[str, Any]) -> None:
        from aduan.triage import services, training

        try:
            models = training.train_from_history(options["limit"])
        except TrainingError as exc:
            raise CommandError(str(exc)) from exc
        for model in models:
            self.stdout.write(
                f"{model.target}: {model.samples} reports, {len(model.labels)} labels, "
                f"trained in {model.train_seconds:.2f} s, out-of-fold accuracy "
                f"{_pct(model.cv_accuracy)}, top-3 {_pct(model.cv_top3_accuracy)}"
            )
            if model.dropped_labels:
                self.stdout.write(
                    f"  left out (fewer than 2 examples): {len(model.dropped_labels)} labels"
                )
        if not options["no_backfill"]:
            self.stdout.write(f"suggestions computed for {services.backfill()} waiting reports")

    def _evaluate(self, options: dict[str, Any]) -> None:
        from aduan.triage.evaluation import DataError, evaluate, read_csv

        try:
            data = read_csv(
                options["data"],
                text_column=options["text_column"],
                label_column=options["label_column"],
                fold_column=options["fold_column"],
            )
            result = evaluate(data, folds=options["folds"])
        except (DataError, TrainingError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"{result['rows']} reports, {result['classes']} classes, {result['folds']} folds"
        )
        self.stdout.write(f"accuracy        {result['accuracy']:.4f}")
        self.stdout.write(f"macro-F1        {result['macro_f1']:.4f}")
        self.stdout.write(f"top-3 accuracy  {result['top3_accuracy']:.4f}")
        self.stdout.write(
            f"train seconds   {result['train_seconds']:.3f} per fold "
            f"(CPU {result['train_cpu_seconds']:.3f})"
        )
        self.stdout.write(
            f"predict ms      {result['predict_ms']:.4f} per report "
            f"(CPU {result['predict_cpu_ms']:.4f})"
        )
        self.stdout.write("")
        width = max(len(c) for c in result["per_class"])
        self.stdout.write(f"{'class':<{width}}  precision  recall  f1      support")
        for label, row in result["per_class"].items():
            self.stdout.write(
                f"{label:<{width}}  {row['precision']:.4f}     {row['recall']:.4f}  "
                f"{row['f1']:.4f}  {row['support']}"
            )
        self.stdout.write("")
        self.stdout.write("calibration (confidence bin: n, mean confidence, accuracy)")
        for b in result["calibration"]:
            if b["n"]:
                self.stdout.write(
                    f"  {b['low']:.1f}-{b['high']:.1f}: {b['n']:>6}  {b['confidence']:.3f}  "
                    f"{b['accuracy']:.3f}"
                )

    def _status(self, options: dict[str, Any]) -> None:
        from aduan.triage import store
        from aduan.triage.models import Suggestion, Target, TriageSettings
        from aduan.triage.services import auto_dispatch_threshold

        config = TriageSettings.current()
        for target in Target.values:
            row = store.latest_row(target)
            if row is None:
                self.stdout.write(f"{target}: not trained (run `aduan triage train`)")
                continue
            self.stdout.write(
                f"{target}: trained {row.created_at:%Y-%m-%d %H:%M} on {row.samples} reports, "
                f"{len(row.labels)} labels, accuracy {_pct(row.cv_accuracy)}, "
                f"top-3 {_pct(row.cv_top3_accuracy)}, file {row.file_name}"
            )
        threshold = auto_dispatch_threshold(
            store.latest_row(Target.AGENCY), config.target_precision
        )
        self.stdout.write(
            f"auto-dispatch: {'on' if config.auto_dispatch else 'off'}, target precision "
            f"{config.target_precision}, threshold "
            f"{'none' if threshold is None else f'{threshold:.2f}'}"
        )
        self.stdout.write(f"suggestions stored: {Suggestion.objects.count()}")

    def _make_dataset(self, options: dict[str, Any]) -> None:
        from aduan.triage.sampledata import write_csv

        count = write_csv(
            options["out"], options["size"], seed=options["seed"], folds=options["folds"]
        )
        self.stdout.write(f"wrote {count} rows to {options['out']}")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"
