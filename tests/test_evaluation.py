"""The drafting evaluation: its metrics on hand-made tallies, and `foibot eval` on a small labelled corpus.

The integration tests use the real model and real Chroma on a few of the sample documents, in
both modes: leave one document out, and `--store` against a store built in another data folder,
where the corpus's own documents are excluded by content.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.evaluation import _report, _Tally, calibration_error, evaluate
from knowledge.embeddings import SentenceEmbeddings
from knowledge.evaluation import CorpusError, read_manifest
from knowledge.settings import Settings
from tests.conftest import SAMPLE_CORPUS, ingest_samples

FOIBOT = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "foibot")
# Two police forces and a council, covering NCND, not held, disclosure, partial and withheld answers.
CHOSEN = ("fc_2023_0412_drones.txt", "fc_2021_0198_stop_search.txt", "brk_foi_2023_0702_body_worn_cameras_drones.md",
          "brk_foi_2024_0233_ransomware.html", "brk_foi_2025_0067_agency_social_workers.html")
DRAFTING_KEYS = {
    "questions_drafted", "disposition_accuracy", "top3_disposition_accuracy", "baseline_disposition_accuracy",
    "baseline_top3_disposition_accuracy", "proposal_precision", "proposal_coverage", "placeholder_rate",
    "calibration_error", "exemption_f1", "given_disposition_exemption_f1", "foreign_fact_rate", "hit_at_5",
    "draft_ms_p95",
}


# --- the metrics on hand-made tallies --------------------------------------------------------------------------


def test_calibration_error_is_zero_when_confidence_matches_accuracy() -> None:
    confidence = [0.8] * 10 + [0.3] * 10
    correct = [True] * 8 + [False] * 2 + [True] * 3 + [False] * 7
    assert calibration_error(confidence, correct) == pytest.approx(0.0)


def test_calibration_error_is_the_gap_of_an_overconfident_drafter() -> None:
    assert calibration_error([0.9] * 10, [True] * 5 + [False] * 5) == pytest.approx(0.4)
    assert calibration_error([], []) == 0.0


def _tally() -> _Tally:
    tally = _Tally()
    rows = [
        # truth, top, top 3, confidence, proposed, true exemptions, given exemptions, placeholder
        ("disclosed", "disclosed", ["disclosed", "not_held", "other"], 0.7, True, (), (), False),
        ("not_held", "disclosed", ["disclosed", "not_held", "other"], 0.5, False, (), (), False),
        ("exempt_withheld", "disclosed", ["disclosed", "partially_disclosed", "not_held"], 0.4, False,
         ("s43(2)",), ("s43(2)", "s40(2)"), True),
        ("disclosed", "not_held", ["not_held", "disclosed", "other"], 0.6, True, (), (), False),
    ]
    for truth, top, top3, confidence, proposed, true, given, placeholder in rows:
        tally.truth.append(truth)
        tally.top.append(top)
        tally.top3.append(top3)
        tally.confidence.append(confidence)
        tally.proposed.append(proposed)
        tally.predicted_exemptions.append(())
        tally.true_exemptions.append(true)
        tally.given_exemptions.append(given)
        tally.foreign.append(False)
        tally.latencies.append(10.0)
        tally.placeholders += placeholder
    return tally


def test_the_report_scores_the_ranked_options_the_proposals_and_the_given_disposition_sections() -> None:
    report = _report(_tally())

    assert report["questions_drafted"] == 4
    assert report["disposition_accuracy"] == 0.25
    assert report["top3_disposition_accuracy"] == 0.75  # exempt_withheld was not among its three
    assert report["baseline_label"] == "disclosed"
    assert report["baseline_disposition_accuracy"] == 0.5
    assert report["baseline_top3_disposition_accuracy"] == 1.0
    assert report["proposal_precision"] == 0.5
    assert report["proposal_coverage"] == 0.5
    assert report["placeholder_rate"] == 0.25
    assert report["given_disposition_exemption_f1"] == pytest.approx(2 * 0.5 * 1.0 / 1.5, abs=0.001)
    assert report["confusion"]["disclosed"] == {"disclosed": 1, "not_held": 1}


def test_a_manifest_with_an_unknown_regime_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.jsonl").write_text(json.dumps({
        "file": "a.txt", "questions": ["Q?"], "dispositions": ["disclosed"], "exemptions": [[]],
        "regime": "gdpr"}) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="line 1"):
        read_manifest(tmp_path)


# --- on real documents of the sample corpus ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five sample documents with their manifest lines."""
    folder = tmp_path_factory.mktemp("small-corpus")
    lines = [line for line in (SAMPLE_CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["file"] in CHOSEN]
    assert len(lines) == len(CHOSEN)
    for name in CHOSEN:
        shutil.copy(SAMPLE_CORPUS / name, folder / name)
    (folder / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, embeddings: SentenceEmbeddings) -> Path:
    """A store of the whole sample corpus in its own data folder: an authority's history."""
    data = tmp_path_factory.mktemp("history")
    ingest_samples(data, embeddings)
    return data


@pytest.mark.slow
def test_leave_one_document_out_reports_every_drafting_metric(
        small_corpus: Path, settings: Settings, embeddings: SentenceEmbeddings) -> None:
    questions = sum(len(entry.questions) for entry in read_manifest(small_corpus))

    report = evaluate(small_corpus, settings, embeddings)

    assert set(report) >= DRAFTING_KEYS
    assert report["questions_drafted"] == questions
    assert "question_split_accuracy" in report  # reading is scored too unless asked not to
    for key in DRAFTING_KEYS - {"questions_drafted", "draft_ms_p95", "proposal_precision"}:
        assert 0.0 <= report[key] <= 1.0, key
    assert report["foreign_fact_rate"] == 0.0
    assert len(report["drafting_details"]) == questions


@pytest.mark.slow
def test_against_another_store_the_corpus_documents_are_excluded_by_content(
        small_corpus: Path, history: Path, settings: Settings, embeddings: SentenceEmbeddings) -> None:
    report = evaluate(small_corpus, settings, embeddings, store_dir=history, reading=False)

    assert report["store"] == str(history)
    assert "question_split_accuracy" not in report
    assert set(report) >= DRAFTING_KEYS
    # Every question's own document is in that store, yet none is its own precedent.
    details = report["drafting_details"]
    assert len(details) == sum(len(entry.questions) for entry in read_manifest(small_corpus))
    for row in details:
        assert all(not source.endswith(row["file"]) for source, _ in row["precedents"]), row
    assert any(row["precedents"] for row in details)


@pytest.mark.slow
def test_the_cli_prints_json_and_refuses_a_folder_without_a_store(small_corpus: Path, history: Path,
                                                                    tmp_path: Path) -> None:
    environment = dict(os.environ, FOIBOT_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
    ran = subprocess.run([FOIBOT, "eval", str(small_corpus), "--store", str(history), "--drafting-only", "--json"],
                         env=environment, capture_output=True, text=True, timeout=600, check=False)
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert set(report) >= DRAFTING_KEYS
    assert "drafting_details" not in report  # only with --details

    empty = tmp_path / "empty"
    empty.mkdir()
    refused = subprocess.run([FOIBOT, "eval", str(small_corpus), "--store", str(empty)], env=environment,
                             capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode != 0
    assert "holds no store" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_reading_only_details_give_each_document_for_error_analysis(small_corpus: Path, tmp_path: Path) -> None:
    environment = dict(os.environ, FOIBOT_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
    command = [FOIBOT, "eval", str(small_corpus), "--reading-only", "--json"]
    plain = json.loads(subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300,
                                      check=True).stdout)
    detailed = json.loads(subprocess.run([*command, "--details"], env=environment, capture_output=True, text=True,
                                         timeout=300, check=True).stdout)
    assert "details" not in plain
    assert len(detailed["details"]) == len(read_manifest(small_corpus))
    row = detailed["details"][0]
    assert set(row) >= {"file", "questions", "aligned", "dispositions", "exemptions"}


def test_a_question_whose_outcome_is_only_in_an_absent_attachment_is_not_scored(
        small_corpus: Path, history: Path, settings: Settings, embeddings: SentenceEmbeddings,
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    entries = [json.loads(line) for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    first = entries[0]
    first["dispositions"][0] = "other"
    first["answer_in_text"] = [False] + [True] * (len(first["questions"]) - 1)
    (corpus / "manifest.jsonl").write_text("\n".join(json.dumps(e) for e in entries) + "\n", encoding="utf-8")
    questions = sum(len(e["questions"]) for e in entries)

    report = evaluate(corpus, settings, embeddings, store_dir=history, reading=False)

    assert report["questions_outcome_unknown"] == 1
    assert report["questions_drafted"] == questions - 1
    assert all(row["question"] != first["questions"][0] for row in report["drafting_details"])
