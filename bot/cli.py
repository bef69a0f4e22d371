"""The `foibot` command line: the composition root for the knowledge-base commands."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from textwrap import shorten

from pydantic import ValidationError

from bot.templates import TemplateError, render
from knowledge.embeddings import EmbeddingError, SentenceEmbeddings
from knowledge.evaluation import CorpusError, evaluate_reading
from knowledge.exemptions import ExemptionCard, load_library
from knowledge.loaders import LoadError, load_path
from knowledge.models import Disposition, Regime
from knowledge.parser import parse_document
from knowledge.refresh import Ledger, RefreshBusy, Refresher, refresh_lock, stderr_if_terminal
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore, StoreError


class UsageError(Exception):
    """A command given something it cannot use; the message is one line."""


@dataclass
class Services:
    """What the commands share, built once from settings."""

    settings: Settings
    embeddings: SentenceEmbeddings
    store: KnowledgeStore


def build_services(settings: Settings) -> Services:
    """Connect the store and prepare the embedder (the model loads on first use)."""
    embeddings = SentenceEmbeddings(
        settings.embedding_model, device=settings.embedding_device, batch_size=settings.embedding_batch_size
    )
    return Services(settings, embeddings, KnowledgeStore(settings))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors are one line on stderr and a non-zero exit."""
    parser = _arguments()
    args = parser.parse_args(argv)
    try:
        overrides = {"embedding_device": args.device} if getattr(args, "device", None) else {}
        settings = Settings(**overrides)
        return int(args.handler(args, settings))
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        print(f"foibot: error: bad setting FOIBOT_{where.upper()}: {problem['msg']}", file=sys.stderr)
    except (StoreError, EmbeddingError, LoadError, RefreshBusy, CorpusError, UsageError, TemplateError) as error:
        print(f"foibot: error: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("foibot: interrupted", file=sys.stderr)
        return 130
    return 2


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="foibot", description="FOI drafting assistant")
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="print the precedents read from one response document")
    parse.add_argument("file", type=Path)
    parse.add_argument("--json", action="store_true")
    parse.set_defaults(handler=_parse)

    for name, handler, text in (
        ("ingest", _ingest, "add response files or folders to the knowledge base"),
        ("refresh", _refresh, "rescan FOIBOT_SOURCES and bring the store up to date"),
        ("rebuild", _rebuild, "drop the store and re-embed every source with the current model"),
    ):
        command = commands.add_parser(name, help=text)
        if name == "ingest":
            command.add_argument("paths", type=Path, nargs="+")
        command.add_argument("--device", choices=("cpu", "cuda"))
        command.add_argument("--wait", action="store_true", help="wait for a running refresh")
        command.add_argument("--json", action="store_true")
        command.set_defaults(handler=handler)

    search = commands.add_parser("search", help="find precedents similar to some text")
    search.add_argument("text")
    search.add_argument("--disposition", choices=[d.value for d in Disposition])
    search.add_argument("--exemption")
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.add_argument("--device", choices=("cpu", "cuda"))
    search.set_defaults(handler=_search)

    stats = commands.add_parser("stats", help="what the knowledge base holds")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=_stats)

    exemption = commands.add_parser("exemption", help="show an exemption card, e.g. s31 or reg 12(4)(a)")
    exemption.add_argument("section", nargs="+")
    exemption.add_argument("--regime", choices=[r.value for r in Regime])
    exemption.add_argument("--json", action="store_true")
    exemption.set_defaults(handler=_exemption)

    evaluate = commands.add_parser("eval", help="reading metrics on a labelled corpus")
    evaluate.add_argument("corpus", type=Path)
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(handler=_eval)

    demo = commands.add_parser("demo", help="show what foibot finds for each question of a request")
    demo.add_argument("request", type=Path)
    demo.add_argument("-k", type=int, default=3)
    demo.set_defaults(handler=_demo)
    return parser


def _parse(args: argparse.Namespace, settings: Settings) -> int:
    documents = load_path(args.file, settings.max_file_bytes)
    precedents = [p for doc in documents for p in parse_document(doc, settings.authority).precedents]
    if args.json:
        keys = ("question", "answer", "disposition", "exemptions", "reference", "date", "authority",
                "regime", "request_level")
        print(json.dumps([{k: p.to_json()[k] for k in keys} for p in precedents], indent=2, ensure_ascii=False))
        return 0
    for number, precedent in enumerate(precedents, start=1):
        exemptions = ", ".join(precedent.exemptions) or "-"
        print(f"Q{number} [{precedent.disposition.value}] {exemptions}  {precedent.reference} {precedent.date}")
        print(f"   Q: {shorten(precedent.question, 160)}")
        print(f"   A: {shorten(precedent.answer, 160)}")
    return 0


def _run_refresh(args: argparse.Namespace, settings: Settings, paths: list[Path], rebuild: bool = False) -> int:
    services = build_services(settings)
    with refresh_lock(settings.data_dir, wait=args.wait):
        refresher = Refresher(settings, services.store, services.embeddings)
        try:
            if rebuild:
                summary = refresher.rebuild(paths, progress=stderr_if_terminal())
            else:
                summary = refresher.run(paths, progress=stderr_if_terminal())
        finally:
            refresher.close()
    if args.json:
        print(json.dumps(summary.to_json(), indent=2))
    else:
        print("\n".join(summary.lines()))
    return 1 if summary.ingested_nothing else 0


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    return _run_refresh(args, settings, list(args.paths))


def _configured_sources(settings: Settings) -> list[Path]:
    if not settings.sources:
        raise UsageError("FOIBOT_SOURCES is empty: set it to the folders of published responses")
    return [Path(source) for source in settings.sources]


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    return _run_refresh(args, settings, _configured_sources(settings))


def _rebuild(args: argparse.Namespace, settings: Settings) -> int:
    return _run_refresh(args, settings, _configured_sources(settings), rebuild=True)


def _search(args: argparse.Namespace, settings: Settings) -> int:
    if not args.text.strip():
        raise UsageError("nothing to search for")
    if args.k < 1:
        raise UsageError("-k must be at least 1")
    services = build_services(settings)
    services.store.check_model()
    ledger = Ledger(settings.ledger_path)
    hits = services.store.search(
        services.embeddings.embed_array([args.text])[0], k=args.k, disposition=args.disposition,
        exemption=args.exemption, exclude_ids=ledger.pending_ids(),
    )
    ledger.close()
    if args.json:
        print(json.dumps([hit.to_json() for hit in hits], indent=2, ensure_ascii=False))
        return 0
    if not hits:
        print("no precedents found" + (" (the store is empty: run foibot ingest)" if not
                                        services.store.counts()["precedents"] else ""))
    for rank, hit in enumerate(hits, start=1):
        print(render("search_hit.md", rank=rank, score=f"{hit.score:.2f}", reference=hit.reference or "-",
                     date=hit.date or "-", disposition=hit.disposition,
                     exemptions=", ".join(hit.exemptions) or "-", question=shorten(hit.question, 150),
                     answer=shorten(hit.answer, 200), source=hit.source))
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    store = KnowledgeStore(settings)
    store.check_model()
    counts = store.counts()
    ledger = Ledger(settings.ledger_path)
    report = {
        **counts,
        "documents": len(ledger.documents()),
        "embedding_model": settings.embedding_model,
        "store": (f"chroma server {settings.chroma_host}:{settings.chroma_port}"
                  if settings.chroma_host else str(settings.chroma_dir)),
        "last_refresh": ledger.last_run(),
    }
    ledger.close()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"store: {report['store']}  model: {report['embedding_model']}")
    print(f"documents: {report['documents']}  precedents: {counts['precedents']}  "
          f"exemption precedents: {counts['exemption_precedents']}")
    print("by disposition: " + (", ".join(f"{k} {v}" for k, v in counts["by_disposition"].items()) or "-"))
    print("by exemption:   " + (", ".join(f"{k} {v}" for k, v in counts["by_exemption"].items()) or "-"))
    last = report["last_refresh"]
    print(f"last refresh:   {last['finished']}" if isinstance(last, dict) else "last refresh:   never")
    return 0


def _exemption(args: argparse.Namespace, settings: Settings) -> int:
    query = " ".join(args.section)
    regime = Regime(args.regime) if args.regime else None
    cards = load_library().find(query, regime)
    if not cards:
        raise UsageError(f"no exemption card matches {query!r} (try s31, s40(2), reg 12(4)(a), foisa:s35)")
    if args.json:
        print(json.dumps([card.__dict__ | {"regime": card.regime.value} for card in cards], indent=2))
        return 0
    print("\n\n".join(_card_text(card) for card in cards))
    return 0


_REGIME_NAMES = {Regime.FOIA: "FOIA 2000", Regime.EIR: "EIR 2004", Regime.FOISA: "FOISA 2002"}


def _card_text(card: ExemptionCard) -> str:
    def bullets(items: Sequence[str]) -> str:
        return "\n".join(f"  - {item}" for item in items) or "  (none: no public interest test)"

    subsections = "".join(f"  {key}: {value}\n" for key, value in card.subsections.items())
    heading = f"{card.section}  {card.title}  ({_REGIME_NAMES[card.regime]})"
    return render(
        "exemption_card.md", section=card.section, title=card.title, regime_name=_REGIME_NAMES[card.regime],
        rule="=" * len(heading), kind=card.kind, test=card.test,
        absolute_or_qualified="absolute" if card.absolute else "qualified",
        ncnd=card.ncnd or "none", subsections=subsections, summary=card.summary,
        engagement=card.engagement, factors_for=bullets(card.factors_for_disclosure),
        factors_against=bullets(card.factors_against_disclosure), model_wording=card.model_wording,
        ncnd_wording=card.ncnd_wording or "(no NCND provision)",
    ).rstrip()


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    report = evaluate_reading(args.corpus, settings.max_file_bytes)
    details = report.pop("details")
    if args.json:
        print(json.dumps(report | {"details": details}, indent=2, ensure_ascii=False))
        return 0
    for key, value in report.items():
        if key != "failures":
            print(f"{key:30} {value}")
    for failure in report["failures"]:  # type: ignore[attr-defined]
        print(f"failed: {failure}")
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    documents = load_path(args.request, settings.max_file_bytes)
    questions = _request_questions(documents[0].text)
    services = build_services(settings)
    services.store.check_model()
    started = time.perf_counter()
    vectors = services.embeddings.embed_array(questions)
    print(f"{args.request.name}: {len(questions)} question(s)\n")
    for number, (question, vector) in enumerate(zip(questions, vectors, strict=True), start=1):
        print(f"Q{number}. {shorten(question, 150)}")
        hits = services.store.search(vector, k=args.k)
        for hit in hits:
            exemptions = ", ".join(hit.exemptions) or "-"
            print(f"   [{hit.score:.2f}] {hit.disposition:26} {exemptions:22} {hit.reference} {hit.date}")
            print(f"          past question: {shorten(hit.question, 110)}")
        if not hits:
            print("   no precedents: run foibot ingest first")
        print()
    print(f"searched {len(questions)} question(s) in {1000 * (time.perf_counter() - started):.0f} ms")
    return 0


def _request_questions(text: str) -> list[str]:
    # Until the drafting engine's request splitter exists, numbered lines are the questions.
    numbered = re.findall(r"(?m)^\s*(?:Q\s*)?\d{1,2}[.)]\s*(.+)$", text)
    if numbered:
        return numbered
    sentences = [s.strip() for s in re.split(r"(?<=[?])\s+", " ".join(text.split())) if s.strip().endswith("?")]
    return sentences or [" ".join(text.split())[:1000]]


if __name__ == "__main__":
    raise SystemExit(main())
