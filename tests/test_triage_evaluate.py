"""``aduan triage evaluate``: output formats and clear errors for bad files."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aduan.triage import sampledata


def _run(*args: str) -> str:
    out = StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("triage") / "data.csv"
    sampledata.write_csv(path, 240, seed=5, folds=3)
    return path


def test_json_output_has_the_documented_keys(dataset: Path) -> None:
    result = json.loads(_run("evaluate", "--data", str(dataset), "--folds", "3", "--json"))
    for key in ("accuracy", "macro_f1", "top3_accuracy", "train_seconds", "predict_ms"):
        assert isinstance(result[key], float)
    assert 0.4 < result["accuracy"] <= result["top3_accuracy"] <= 1.0  # chance: 1/12
    assert set(result["per_class"]) == set(sampledata.AGENCIES)
    assert set(result["per_class"]["PLN"]) == {"precision", "recall", "f1", "support"}
    assert sum(c["support"] for c in result["per_class"].values()) == 240
    assert result["folds"] == 3


def test_text_output_and_fold_column(dataset: Path) -> None:
    text = _run(
        "evaluate", "--data", str(dataset), "--fold-column", "fold", "--label-column", "agency"
    )
    assert "3 folds" in text  # the file's own folds, not --folds 10
    for label in ("accuracy", "macro-F1", "top-3 accuracy", "train seconds", "predict ms"):
        assert label in text
    assert "DISDUKCAPIL" in text and "precision" in text


def _write(tmp_path: Path, content: str | bytes, name: str = "bad.csv") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def _error(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        _run("evaluate", *args)
    return str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _error("--data", str(tmp_path / "nope.csv"))


def test_missing_column_names_the_columns_present(tmp_path: Path) -> None:
    path = _write(tmp_path, "isi,instansi\njalan rusak,PU\nlistrik mati,PLN\n")
    message = _error("--data", path, "--text-column", "text", "--label-column", "agency")
    assert "missing column(s) text, agency" in message
    assert "isi, instansi" in message


def test_empty_texts_are_listed_by_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "text,agency\njalan rusak,PU\n  ,PLN\nlistrik,PLN\n,PU\n")
    message = _error("--data", path)
    assert "empty 'text' on 2 line(s): 3, 5" in message


def test_one_class_only(tmp_path: Path) -> None:
    path = _write(tmp_path, "text,agency\njalan rusak,PU\njembatan retak,PU\n")
    assert "only one class" in _error("--data", path)


def test_not_utf8_is_explained(tmp_path: Path) -> None:
    path = _write(tmp_path, "text,agency\nkeluhan caf\xe9,PU\nlain,PLN\n".encode("cp1252"))
    message = _error("--data", path)
    assert "not UTF-8" in message and "line 2" in message and "iconv" in message


def test_utf8_with_bom_and_semicolons_are_read(tmp_path: Path) -> None:
    rows = "".join(
        f"jalan rusak parah nomor {i};PU\nlistrik padam lagi {i};PLN\n" for i in range(4)
    )
    path = _write(tmp_path, ("\ufefftext;agency\n" + rows).encode("utf-8"))
    result = json.loads(_run("evaluate", "--data", path, "--folds", "2", "--json"))
    assert result["rows"] == 8


def test_more_folds_than_the_smallest_class(tmp_path: Path) -> None:
    rows = "".join(f"jalan rusak {i},PU\n" for i in range(12)) + "listrik,PLN\nlistrik mati,PLN\n"
    message = _error("--data", _write(tmp_path, "text,agency\n" + rows), "--folds", "10")
    assert "smallest class has examples (2)" in message and "PLN" in message


def test_fold_column_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, "text,agency,fold\njalan,PU,1\nlistrik,PLN,\n")
    assert "empty 'fold'" in _error("--data", path, "--fold-column", "fold")
    assert "missing column(s) lipatan" in _error("--data", path, "--fold-column", "lipatan")
