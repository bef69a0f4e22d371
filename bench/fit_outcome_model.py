"""Fit the drafter's outcome model out of fold, by document, and report what it gets on held-out questions.

Each labelled question of the corpora is drafted against a store (an authority's own history, its own
document excluded by content): the retrieved precedents are fetched once, then the few numbers of
bot.drafting.OutcomeModel are chosen by grid search on the training folds (log loss) and scored on
the held-out fold. The figures printed are out of fold; the last line is the model fitted on all
folds, to copy into OutcomeModel's defaults. A further corpus given with --check is never used for
fitting and is scored with those final numbers.

    .venv/bin/python bench/fit_outcome_model.py --store DATA_DIR CORPUS [CORPUS ...] [--check CORPUS]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.cases import CaseStore  # noqa: E402
from bot.drafting import Candidate, Drafter, OutcomeModel  # noqa: E402
from bot.evaluation import _records_matching, calibration_error  # noqa: E402
from bot.service import CaseService  # noqa: E402
from knowledge.embeddings import SentenceEmbeddings  # noqa: E402
from knowledge.evaluation import load_labelled, read_manifest  # noqa: E402
from knowledge.exemptions import load_library  # noqa: E402
from knowledge.models import Disposition  # noqa: E402
from knowledge.parser import detect_regime  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.store import KnowledgeStore  # noqa: E402


@dataclass(frozen=True)
class Case:
    """One labelled question with what retrieval found for it."""

    document: str
    truth: Disposition
    candidates: tuple[Candidate, ...]
    cues: tuple[object, ...]


GRID = {
    "prior_strength": (0.5, 1.0, 2.0, 4.0),
    "evidence_scale": (0.5, 1.0, 2.0, 4.0, 8.0),
    "temperature": (0.04, 0.08, 0.2),
    "floor": (0.3, 0.4, 0.5),
    "sharpen": (0.7, 1.0, 1.5),
    "cue_weight": (0.25, 0.5, 1.0),
    "cost_risk_discount": (1.0, 0.7, 0.5, 0.35, 0.25, 0.15),
    "personal_data_discount": (1.0, 0.7, 0.5, 0.35, 0.25),
    "commercial_discount": (1.0, 0.7, 0.5, 0.35, 0.25),
}


def collect(corpora: list[Path], service: CaseService) -> list[Case]:
    """Every labelled question of the corpora, with its retrieved precedents and cues."""
    cases: list[Case] = []
    settings = service.settings
    for corpus in corpora:
        excluded = _records_matching(corpus, settings)
        for entry in read_manifest(corpus):
            document = load_labelled(corpus, entry, settings.max_file_bytes)
            regime = entry.regime or detect_regime(document.request + "\n" + document.text)
            known = entry.answer_in_text or (True,) * len(entry.questions)
            for question, label, in_text in zip(entry.questions, entry.dispositions, known, strict=True):
                if label == Disposition.OTHER.value and not in_text:
                    continue  # "see attached", the attachment absent: the outcome is unknown, as in `foibot eval`
                vector = service.embeddings.embed_array([question])
                found = service.drafter.retrieve([question], exclude_ids=excluded.get(entry.file, frozenset()),
                                                 vectors=vector)[0]
                cues = service.question_cues(question, regime, found)
                cases.append(Case(f"{corpus.name}/{entry.file}", Disposition(label), tuple(found), tuple(cues)))
    return cases


def predictions(drafter: Drafter, cases: list[Case], model: OutcomeModel) -> list[dict[Disposition, float]]:
    """Outcome probabilities for each case under one model."""
    drafter.policy = replace(drafter.policy, model=model)
    # As Drafter.draft does: only precedents whose answer is in the text vote.
    return [drafter.outcomes([c for c in case.candidates if c.hit.answer_in_text], case.cues)  # type: ignore[arg-type]
            for case in cases]


def log_loss(probabilities: list[dict[Disposition, float]], cases: list[Case]) -> float:
    return -sum(math.log(max(1e-6, p.get(c.truth, 0.0))) for p, c in zip(probabilities, cases, strict=True)) / max(
        1, len(cases))


def best_model(drafter: Drafter, cases: list[Case], fitted: list[str]) -> OutcomeModel:
    """The grid point with the lowest log loss on these cases (over `fitted` numbers only, when given)."""
    best: tuple[float, OutcomeModel] | None = None
    keys = [key for key in GRID if not fitted or key in fitted]
    for values in itertools.product(*(GRID[k] for k in keys)):
        model = replace(OutcomeModel(), **dict(zip(keys, values, strict=True)))
        loss = log_loss(predictions(drafter, cases, model), cases)
        if best is None or loss < best[0]:
            best = (loss, model)
    assert best is not None
    return best[1]


def score(name: str, probabilities: list[dict[Disposition, float]], cases: list[Case], drafter: Drafter) -> None:
    """Accuracy, top 3, calibration and the proposal precision at the model's threshold."""
    tops = [max(p.items(), key=lambda pair: pair[1]) for p in probabilities]
    correct = [top[0] is case.truth for top, case in zip(tops, cases, strict=True)]
    top3 = [case.truth in sorted(p, key=lambda d: -p[d])[:3] for p, case in zip(probabilities, cases, strict=True)]
    ece = calibration_error([top[1] for top in tops], correct)
    print(f"{name}: {len(cases)} questions; top-1 {sum(correct) / len(cases):.3f}, top-3 {sum(top3) / len(cases):.3f}, "
          f"calibration error {ece:.3f}")
    kinds = sorted({cue.kind.value for case in cases for cue in case.cues})  # type: ignore[attr-defined]
    for kind in kinds:
        cued = [i for i, case in enumerate(cases) if any(cue.kind.value == kind for cue in case.cues)]  # type: ignore[attr-defined]
        said = sum(tops[i][1] for i in cued) / len(cued)
        print(f"    with a {kind} cue: {len(cued)} questions, top-1 {sum(correct[i] for i in cued) / len(cued):.3f} "
              f"(mean probability said {said:.3f}), top-3 {sum(top3[i] for i in cued) / len(cued):.3f}")
    for threshold in (0.6, 0.7, 0.8, 0.9):
        chosen = [ok for ok, top in zip(correct, tops, strict=True) if top[1] >= threshold]
        if chosen:
            print(f"    probability >= {threshold}: {len(chosen)} questions ({len(chosen) / len(cases):.0%}), "
                  f"{sum(chosen) / len(chosen):.3f} right")


def near_identical(cases: list[Case]) -> None:
    """How often the closest readable precedent's outcome is right, by how close it is (no fitting)."""
    for low in (0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        chosen = []
        for case in cases:
            readable = [c for c in case.candidates if c.hit.answer_in_text]
            if readable and readable[0].hit.score >= low:
                chosen.append(readable[0].disposition is case.truth)
        if chosen:
            print(f"    closest precedent at similarity >= {low}: {len(chosen)} questions "
                  f"({len(chosen) / len(cases):.0%}), its outcome right for {sum(chosen) / len(chosen):.3f}")


def agreement(cases: list[Case]) -> None:
    """How often the outcome is right when several close precedents agree on it (no fitting)."""
    for low, needed in ((0.7, 2), (0.75, 2), (0.8, 2), (0.7, 3), (0.85, 2), (0.6, 3)):
        chosen = []
        for case in cases:
            close = [c for c in case.candidates if c.hit.answer_in_text and c.hit.score >= low]
            if len(close) >= needed and len({c.disposition for c in close[:needed]}) == 1:
                chosen.append(close[0].disposition is case.truth)
        if chosen:
            print(f"    {needed} agreeing precedents at >= {low}: {len(chosen)} questions "
                  f"({len(chosen) / len(cases):.0%}), right for {sum(chosen) / len(chosen):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--check", type=Path, action="append", default=[])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], choices=list(GRID),
                        help="fit only these numbers, the others kept at OutcomeModel's defaults (repeatable)")
    args = parser.parse_args()
    settings = Settings(_env_file=None, data_dir=args.store)  # type: ignore[call-arg]
    embeddings = SentenceEmbeddings(settings.embedding_model)
    service = CaseService(settings, KnowledgeStore(settings), embeddings, load_library(), CaseStore("sqlite://"))
    drafter = service.drafter
    cases = collect(args.corpora, service)
    commonest = [label for label, _ in Counter(case.truth for case in cases).most_common(3)]
    print(f"{len(cases)} questions; always the commonest outcome: "
          f"{sum(case.truth is commonest[0] for case in cases) / len(cases):.3f}, the three commonest: "
          f"{sum(case.truth in commonest for case in cases) / len(cases):.3f}")
    score("defaults as shipped (no fitting here)", predictions(drafter, cases, OutcomeModel()), cases, drafter)
    documents = sorted({case.document for case in cases})
    folds = [documents[i :: args.folds] for i in range(args.folds)]
    out_of_fold: list[dict[Disposition, float]] = [{} for _ in cases]
    for fold in folds:
        train = [c for c in cases if c.document not in fold]
        model = best_model(drafter, train, args.only)
        held = [i for i, c in enumerate(cases) if c.document in fold]
        for index, probabilities in zip(held, predictions(drafter, [cases[i] for i in held], model), strict=True):
            out_of_fold[index] = probabilities
    score("out of fold", out_of_fold, cases, drafter)
    near_identical(cases)
    agreement(cases)
    final = best_model(drafter, cases, args.only)
    print(f"fitted on all: {final}")
    for corpus in args.check:
        checked = collect([corpus], service)
        score(f"check {corpus}", predictions(drafter, checked, final), checked, drafter)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
