"""The `foibot` command line: the composition root for the knowledge-base commands."""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from textwrap import shorten

from pydantic import ValidationError

from bot.cases import CaseError
from bot.console import disposition_label, print_table, progress_on_stderr, working
from bot.llm.providers import LLMConfigError, build_llm_drafter
from bot.models import BOT, Case, CaseQuestion, CaseStatus, Evidence, WarningKind
from bot.refinement import HELP as REFINE_GRAMMAR
from bot.refinement import RefinementError
from bot.service import CaseService, DraftError
from bot.templates import TemplateError, render
from knowledge.embeddings import EmbeddingError, SentenceEmbeddings
from knowledge.evaluation import CorpusError, evaluate_reading
from knowledge.exemptions import ExemptionCard, load_library
from knowledge.loaders import LoadError, decode_text, load_path, with_export_labels
from knowledge.models import Disposition, ParsedDocument, Regime
from knowledge.parser import parse_document
from knowledge.refresh import Ledger, RefreshBusy, Refresher, bot_store, printable, refresh_lock, writing_store
from knowledge.settings import Settings
from knowledge.sources import refresh_sources
from knowledge.store import KnowledgeStore, SearchHit, StoreError
from knowledge.wdtk import WdtkError, WhatDoTheyKnowImporter

REFINE_HELP = REFINE_GRAMMAR.replace("`", "").replace("I understand: ", "Forms: ")


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
    if args.command == "check":
        return _check(args)
    try:
        overrides = {"embedding_device": args.device} if getattr(args, "device", None) else {}
        settings = Settings(**overrides)
        return int(args.handler(args, settings))
    except ValidationError as error:
        print(f"foibot: error: {_bad_setting(error)}", file=sys.stderr)
    except (StoreError, EmbeddingError, LoadError, RefreshBusy, CorpusError, UsageError, TemplateError,
            DraftError, RefinementError, CaseError, LLMConfigError, WdtkError) as error:
        print(f"foibot: error: {error}", file=sys.stderr)
    except OSError as error:  # a path that cannot be written or read: one line, not a traceback
        where = f": {error.filename}" if error.filename else ""
        print(f"foibot: error: {error.strerror or error}{where}", file=sys.stderr)
    except KeyboardInterrupt:
        print("foibot: interrupted", file=sys.stderr)
        return 130
    return 2


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="foibot", description="FOI drafting assistant: it drafts, people decide")
    parser.add_argument("--version", action="version", version=f"foibot {_version()}",
                        help="print foibot's version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check settings, tokens, store, model, database and model server")
    check.add_argument("--socket", action="store_true", help="check for Socket Mode (SLACK_APP_TOKEN)")
    check.add_argument("--serve", action="store_true", help="judge as foibot serve does: Slack tokens required")
    check.set_defaults(handler=None)

    parse = commands.add_parser("parse", help="print the precedents read from a response document or a folder")
    parse.add_argument("file", type=Path, help="a response letter, e-mail or export (.txt .md .html .pdf .docx ...), "
                                                "or a folder of them (the reading speed goes to standard error)")
    parse.add_argument("--json", action="store_true", help=_JSON_HELP)
    parse.set_defaults(handler=_parse)

    for name, handler, text in (
        ("ingest", _ingest, "add response files or folders to the knowledge base"),
        ("refresh", _refresh, "rescan FOIBOT_SOURCES and bring the store up to date"),
        ("rebuild", _rebuild, "drop the store and re-embed every source with the current model"),
    ):
        command = commands.add_parser(name, help=text)
        if name == "ingest":
            command.add_argument("paths", nargs="+", help="folders, files, disclosure-log URLs or wdtk:<body>")
        command.add_argument("--device", choices=("cpu", "cuda"), help=_DEVICE_HELP)
        command.add_argument("--wait", action="store_true", help="wait for a running refresh")
        command.add_argument("--json", action="store_true", help=_JSON_HELP)
        command.set_defaults(handler=handler)

    wdtk = commands.add_parser("import-wdtk", help="import an authority's answered requests from WhatDoTheyKnow")
    wdtk.add_argument("authority", help="the authority's WhatDoTheyKnow url_name, e.g. ashcombe_valley_council")
    wdtk.add_argument("--base-url", help="another Alaveteli site (default FOIBOT_WDTK_URL)")
    wdtk.add_argument("--limit", type=int, help="import at most this many answered requests")
    wdtk.add_argument("--device", choices=("cpu", "cuda"), help=_DEVICE_HELP)
    wdtk.add_argument("--wait", action="store_true", help="wait for a running refresh")
    wdtk.add_argument("--json", action="store_true", help=_JSON_HELP)
    wdtk.set_defaults(handler=_import_wdtk)

    search = commands.add_parser("search", help="find precedents similar to some text")
    search.add_argument("text", help="a question or some words, e.g. \"covert drones\"")
    search.add_argument("--disposition", choices=[d.value for d in Disposition],
                        help="only precedents answered this way")
    search.add_argument("--exemption", help="only precedents citing this exemption, e.g. s31 or reg 12(4)(a)")
    search.add_argument("-k", type=int, default=5, help="how many precedents to show (default 5)")
    search.add_argument("--json", action="store_true", help=_JSON_HELP)
    search.add_argument("--device", choices=("cpu", "cuda"), help=_DEVICE_HELP)
    search.set_defaults(handler=_search)

    stats = commands.add_parser("stats", help="what the knowledge base holds")
    stats.add_argument("--json", action="store_true", help=_JSON_HELP)
    stats.set_defaults(handler=_stats)

    exemption = commands.add_parser("exemption", help="show an exemption card, e.g. s31 or reg 12(4)(a)")
    exemption.add_argument("section", nargs="+", help="a section or regulation, e.g. s31, s40(2), reg 12(4)(a), "
                                                         "foisa:s35, or a word of its title")
    exemption.add_argument("--regime", choices=[r.value for r in Regime], help="only this regime's cards")
    exemption.add_argument("--json", action="store_true", help=_JSON_HELP)
    exemption.set_defaults(handler=_exemption)

    evaluate = commands.add_parser("eval", help="reading and leave-one-out drafting metrics on a labelled corpus")
    evaluate.add_argument("corpus", type=Path, help="a folder of response documents with a manifest.jsonl")
    evaluate.add_argument("--json", action="store_true", help=_JSON_HELP)
    evaluate.add_argument("--reading-only", action="store_true", help="parse only; no model, no store")
    evaluate.add_argument("--llm", action="store_true",
                          help="also draft with the configured FOIBOT_LLM_PROVIDER model and compare")
    evaluate.add_argument("--store", type=Path, metavar="DATA_DIR",
                          help="draft against the store in another data folder (an authority's own history); "
                               "the corpus's documents are excluded from it by content")
    evaluate.add_argument("--drafting-only", action="store_true", help="skip the reading metrics")
    evaluate.add_argument("--details", action="store_true",
                          help="with --json: each question's outcome, options and exemptions, for error analysis")
    evaluate.set_defaults(handler=_eval)

    draft = commands.add_parser("draft", help="draft a response to a request (a file, or - for stdin)")
    draft.add_argument("request", help="the request: a .txt, .eml, .pdf, .docx or .html file, or - for stdin")
    draft.add_argument("--received", help="date received, YYYY-MM-DD (default the e-mail's date, else today)")
    draft.add_argument("--regime", choices=[r.value for r in Regime], help="default FOIBOT_DEFAULT_REGIME")
    draft.add_argument("--reference", help="the case's reference: your case-management system's own "
                                           "(default the next FOI-YYYY-NNNN)")
    draft.add_argument("--author", default="cli", help=_AUTHOR_HELP)
    draft.add_argument("--caseworker", help="the name the letter is signed with (default FOIBOT_CASEWORKER_NAME)")
    draft.add_argument("--json", action="store_true", help=_JSON_HELP)
    draft.set_defaults(handler=_draft)

    refine = commands.add_parser(
        "refine", help='change a case: foibot refine CASE "Q2 not held with s16 advice"',
        description="Change a case's drafts or its questions; every change is a new version with its author and "
                    "time. Questions are named by their id (Q3), which never changes.",
        epilog="Instructions: " + REFINE_GRAMMAR.removeprefix("I understand: "),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    refine.add_argument("case", help="the case reference, e.g. FOI-2026-0001")
    refine.add_argument("instruction", help='what to change, e.g. "Q2 not held", "add: <text>", "merge Q4 Q5" '
                                            "(the grammar is below)")
    refine.add_argument("--author", default="cli", help=_AUTHOR_HELP)
    refine.add_argument("--json", action="store_true", help=_JSON_HELP)
    refine.set_defaults(handler=_refine)

    approve = commands.add_parser(
        "approve", help="approve a case and file its decided answers as precedents",
        description="Approve a case: every question must be decided (accepted or edited by a person), or give "
                    "--override with a reason, which is recorded. Exits 1, listing the undecided questions, "
                    "when refused.")
    approve.add_argument("case", help="the case reference")
    approve.add_argument("--override", metavar="REASON", help="approve with questions undecided, for this reason")
    approve.add_argument("--author", default="cli", help="who approves (recorded with the approval)")
    approve.set_defaults(handler=_approve)

    reopen = commands.add_parser("reopen", help="reopen an approved case and withdraw the precedents it filed")
    reopen.add_argument("case", help="the case reference")
    reopen.add_argument("--author", default="cli", help="who reopens it (recorded)")
    reopen.set_defaults(handler=_reopen)

    letter = commands.add_parser("letter", help="assemble a case's response letter (Markdown; --docx for Word)")
    letter.add_argument("case", help="the case reference, e.g. FOI-2026-0001")
    letter.add_argument("--docx", type=Path, help="also write the letter as Word, in FOIBOT_LETTER_TEMPLATE")
    letter.add_argument("--check", action="store_true",
                        help="print only the check's findings; exit 1 while anything is unfinished")
    letter.add_argument("--no-notes", action="store_true", help="leave out the caseworker notes on each exemption")
    letter.add_argument("--requester-name", action="store_true",
                        help="fill the salutation with the requester's name from the case record (not for Slack)")
    letter.set_defaults(handler=_letter)

    cases = commands.add_parser("cases", help="list cases with their due dates")
    cases.add_argument("--status", choices=[status.value for status in CaseStatus], help="only cases in this state")
    cases.add_argument("--json", action="store_true", help=_JSON_HELP)
    cases.set_defaults(handler=_cases)

    serve = commands.add_parser("serve", help="run the Slack bot (HTTP on --port, or --socket for Socket Mode)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port for Slack's requests (default 3000)")
    serve.add_argument("--host", default="0.0.0.0",  # noqa: S104 - a server listens where it is deployed
                       help="address to listen on (default 0.0.0.0, every interface)")
    serve.add_argument("--socket", action="store_true", help="Socket Mode (needs SLACK_APP_TOKEN)")
    serve.add_argument("--threads", type=int, default=16, help="HTTP server threads")
    serve.set_defaults(handler=_serve)

    demo = commands.add_parser("demo", help="draft a sample request end to end and show the letter check")
    demo.add_argument("request", type=Path, help="a request file, e.g. one from samples/requests")
    demo.set_defaults(handler=_demo)
    return parser


_JSON_HELP = "print JSON instead of text"
_DEVICE_HELP = "where to run the embedding model (default FOIBOT_EMBEDDING_DEVICE)"
_AUTHOR_HELP = "who is recorded as the author of this version (default cli)"


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("foibot")
    except metadata.PackageNotFoundError:
        return "unknown"


def _check(args: argparse.Namespace) -> int:
    """`foibot check`: one line per part; exit 1 when any part fails."""
    from bot.checks import ServeMode, Verdict, run_checks

    try:
        settings = Settings()
    except ValidationError as error:
        print(f"FAIL  settings  {_bad_setting(error)}")
        return 1
    mode = ServeMode.SOCKET if args.socket else ServeMode.HTTP if args.serve else ServeMode.CLI
    checks = run_checks(settings, mode)
    for check in checks:
        print(check.line())
    return 1 if any(check.verdict is Verdict.FAIL for check in checks) else 0


def _bad_setting(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    name = where.upper() if where.upper().startswith("SLACK_") else f"FOIBOT_{where.upper()}"
    return f"bad setting {name}: {problem['msg']}"


def _parse(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from knowledge.refresh import scan_folder

    folder = args.file.is_dir()
    files, problems = scan_folder(args.file) if folder else ([args.file], [])
    started = time.perf_counter()
    read: list[tuple[Path, ParsedDocument]] = []
    for path in files:
        try:
            documents = load_path(path, settings.max_file_bytes)
        except LoadError as error:
            if not folder:
                raise
            problems.append((str(path), str(error)))
            continue
        read += [(path, with_export_labels(parse_document(doc, settings.authority))) for doc in documents]
    seconds = time.perf_counter() - started
    for where, why in problems:
        print(f"foibot: {printable(where)}: {why}", file=sys.stderr)
    if folder:
        print(f"read {len(read)} documents from {len(files)} files in {seconds:.1f} s "
              f"({len(read) / max(seconds, 1e-9):.1f} documents a second)", file=sys.stderr)
    if args.json:
        keys = ("question", "answer", "disposition", "exemptions", "reference", "date", "authority",
                "regime", "request_level")
        print(json.dumps([{**({"file": str(path)} if folder else {}), **{k: p.to_json()[k] for k in keys}}
                          for path, doc in read for p in doc.precedents], indent=2, ensure_ascii=False))
        return 0
    number = 0
    for path, doc in read:
        if folder:
            print(f"== {printable(str(path))}")
        for precedent in doc.precedents:
            number += 1
            exemptions = ", ".join(precedent.exemptions) or "-"
            print(f"Q{number} [{precedent.disposition.label}] {exemptions}  {precedent.reference} {precedent.date}")
            print(f"   Q: {shorten(precedent.question, 160)}")
            print(f"   A: {shorten(precedent.answer, 160)}")
    return 0


def _run_refresh(args: argparse.Namespace, settings: Settings, paths: list[str], rebuild: bool = False) -> int:
    services = build_services(settings)
    with writing_store(settings), refresh_lock(settings.data_dir, wait=args.wait), progress_on_stderr() as progress:
        refresher = Refresher(settings, services.store, services.embeddings)
        try:
            summary = refresh_sources(refresher, paths, progress=progress, rebuild=rebuild)
        finally:
            refresher.close()
    if args.json:
        print(json.dumps(summary.to_json(), indent=2))
    else:
        print("\n".join(summary.lines()))
    return 1 if summary.ingested_nothing else 0


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    return _run_refresh(args, settings, list(args.paths))


def _configured_sources(settings: Settings) -> list[str]:
    if not settings.sources:
        raise UsageError("FOIBOT_SOURCES is empty: set it to the folders of published responses")
    return list(settings.sources)


def _import_wdtk(args: argparse.Namespace, settings: Settings) -> int:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    services = build_services(settings)
    with writing_store(settings), refresh_lock(settings.data_dir, wait=args.wait), progress_on_stderr() as progress:
        refresher = Refresher(settings, services.store, services.embeddings)
        importer = WhatDoTheyKnowImporter(refresher, base_url=args.base_url or settings.wdtk_url)
        try:
            started = datetime.now(UTC).isoformat(timespec="seconds")
            summary = importer.import_authority(args.authority, limit=args.limit, progress=progress)
            refresher.ledger.record_run(started, summary)
        finally:
            importer.close()
            refresher.close()
    print(json.dumps(summary.to_json(), indent=2) if args.json else "\n".join(summary.lines()))
    return 1 if summary.ingested_nothing else 0


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
    seen = ledger.last_seen([hit.source_file for hit in hits])
    hits = [replace(hit, last_seen=seen.get(hit.source_file) or hit.last_seen) for hit in hits]
    ledger.close()
    if args.json:
        print(json.dumps([hit.to_json() for hit in hits], indent=2, ensure_ascii=False))
        return 0
    if not hits:
        print("no precedents found" + (" (the store is empty: run foibot ingest)" if not
                                        services.store.counts()["precedents"] else ""))
        return 0
    print_table(f"precedents like {shorten(args.text, 60)!r}",
                ("#", "score", "reference", "date", "outcome", "exemptions"),
                [(rank, f"{hit.score:.2f}", hit.reference or "-", hit.date or "-", disposition_label(hit.disposition),
                  ", ".join(hit.exemptions) or "-") for rank, hit in enumerate(hits, start=1)])
    for rank, hit in enumerate(hits, start=1):
        print(render("search_hit.md", rank=rank, question=shorten(hit.question, 150),
                     answer=shorten(hit.answer, 200), source=_provenance(hit)))
    return 0


def _provenance(hit: SearchHit) -> str:
    """Where a precedent came from, with a link when it is a public page, and when it was last seen."""
    where = hit.link or hit.source
    if hit.origin_kind == "wdtk":
        where += " (WhatDoTheyKnow)"
    return where + (f", last seen {hit.last_seen[:10]}" if hit.last_seen else "")


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    store = KnowledgeStore(settings)
    store.check_model()
    ledger = Ledger(settings.ledger_path)
    # Records a killed refresh left half-written are not in the store as far as searches go.
    counts = store.counts(exclude_ids=ledger.pending_ids())
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
    last = report["last_refresh"]
    print_table(None, ("", ""), [
        ("store", report["store"]), ("model", report["embedding_model"]), ("documents", report["documents"]),
        ("precedents", counts["precedents"]), ("exemption precedents", counts["exemption_precedents"]),
        ("last refresh", last["finished"] if isinstance(last, dict) else "never"),
        ("answers not in the text", counts.get("answers_not_in_text", 0)),
    ])
    if counts["by_disposition"]:
        print_table("by outcome", ("outcome", "precedents"),
                    [(disposition_label(k), v) for k, v in counts["by_disposition"].items()])
    if counts["by_exemption"]:
        print_table("by exemption", ("exemption", "precedents"), list(counts["by_exemption"].items()))
    return 0


def _exemption(args: argparse.Namespace, settings: Settings) -> int:
    query = " ".join(args.section)
    prefix, colon, _ = query.partition(":")
    if colon and prefix.strip().lower() not in {r.value for r in Regime}:
        raise UsageError(f"{prefix.strip()!r} is not a regime: write foia:, eir: or foisa: before the section "
                         "(e.g. foisa:s35), or the section alone")
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
    if args.reading_only:
        report = evaluate_reading(args.corpus, settings.max_file_bytes)
        if not args.details:
            report.pop("details")
    else:
        from bot.evaluation import evaluate

        llm = build_llm_drafter(settings, load_library()) if args.llm else None
        if args.llm and llm is None:
            raise UsageError("--llm needs a model: set FOIBOT_LLM_PROVIDER and FOIBOT_LLM_MODEL")
        if args.store is not None and not (args.store / "chroma").is_dir() and settings.chroma_host is None:
            raise UsageError(f"{args.store} holds no store (no chroma folder): build one with "
                             f"FOIBOT_DATA_DIR={args.store} foibot ingest ...")
        services = build_services(settings)
        with working(f"evaluating {args.corpus}: reading, then drafting each question against the others"):
            report = evaluate(args.corpus, settings, services.embeddings, llm, store_dir=args.store,
                              reading=not args.drafting_only)
        if not args.details:
            report.pop("drafting_details", None)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"corpus: {args.corpus}")
    for key, value in report.items():
        if key not in ("failures", "confusion", "section_keys_compared", "llm", "drafting_details"):
            print(f"  {key:36} {value}")
    failures = report.get("failures")
    for failure in failures if isinstance(failures, list) else []:
        print(f"  failed: {failure}")
    model = report.get("llm")
    if isinstance(model, dict) and model:
        print(f"\n  {'drafting, side by side':32} {'precedents':>12} {'llm':>12}   ({model['model']})")
        for key, value in model.items():
            if key != "model":
                print(f"  {key:32} {report.get(key, '-')!s:>12} {value!s:>12}")
    return 0


@dataclass(frozen=True)
class _Request:
    """A request as read from its file: its text, and for an .eml file the date it was sent ('' if none;
    None for any other file, whose text may start with a pasted e-mail's headers)."""

    text: str
    sent: str | None = None


def _read_request(source: str, settings: Settings) -> _Request:
    if source == "-":
        data = sys.stdin.buffer.read(settings.max_request_chars * 4 + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageError(f"no such file: {source}")
        if path.stat().st_size > settings.max_request_chars * 4:
            raise UsageError(f"{source} is {path.stat().st_size:,} bytes; the limit is "
                             f"{settings.max_request_chars:,} characters (FOIBOT_MAX_REQUEST_CHARS)")
        if path.suffix.lower() in _READ_AS_DOCUMENTS:
            # Read the way ingest reads them: a PDF's text layer, a Word file's paragraphs and tables,
            # an HTML page's text (never its markup), an e-mail's body.
            documents = load_path(path, settings.max_file_bytes)
            sent = next((document.date for document in documents if document.date), "") \
                if path.suffix.lower() == ".eml" else None
            return _Request("\n\n".join(document.text for document in documents), sent)
        data = path.read_bytes()
    if not data.strip():
        raise UsageError("the request is empty")
    return _Request(decode_text(data))


_READ_AS_DOCUMENTS = (".eml", ".pdf", ".docx", ".html", ".htm")


def _case_service(settings: Settings) -> CaseService:
    services = build_services(settings)
    services.store.check_model()
    return _case_service_from(settings, services)


def _sent_on(request: _Request) -> date | None:
    """When the request e-mail was sent: an .eml file's Date header, or a pasted e-mail's Date: or Sent:
    line among the headers it starts with; None when the request carries no such date."""
    from knowledge.reading.metadata import find_date

    found = request.sent or ""
    if request.sent is None:
        head = list(itertools.takewhile(str.strip, request.text.lstrip().splitlines()[:12]))
        if any(_EMAIL_HEADER.match(line) for line in head):
            found = find_date([line.split(":", 1)[1] for line in head if _SENT_HEADER.match(line)])
    try:
        sent = date.fromisoformat(found) if found else None
    except ValueError:
        return None
    return sent if sent is not None and sent <= date.today() else None  # a clock ahead of ours is not believed


_EMAIL_HEADER = re.compile(r"(?i)^(?:from|to|subject|date|sent|cc):\s*\S")
_SENT_HEADER = re.compile(r"(?i)^(?:date|sent):\s*\S")


def _draft(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clock import parse_received

    request = _read_request(args.request, settings)
    text = request.text
    try:
        received = parse_received(args.received) if args.received else _sent_on(request)
    except ValueError as error:
        raise UsageError(str(error)) from None
    reference = (args.reference or "").strip() or None
    if reference is not None and not re.fullmatch(r"[\w][\w ./-]{0,63}", reference):
        raise UsageError("--reference takes up to 64 letters, digits, spaces and . / - _ (e.g. FEN/2024/101)")
    service = _case_service(settings)
    case = service.open_case(text, received=received, regime=Regime(args.regime) if args.regime else None,
                             author=args.author, caseworker=args.caseworker or "", reference=reference)
    if args.json:
        print(json.dumps(case_json(case), indent=2, ensure_ascii=False))
    else:
        print(_case_text(case))
    return 0


def case_json(case: Case) -> dict[str, object]:
    """The JSON shape of `foibot draft --json` (and `refine --json`)."""
    return {
        "case": case.reference,
        "received": case.received.isoformat(),
        "regime": case.regime.value,
        "due_date": case.due_date.isoformat(),
        "extended_due_date": case.extended_due_date.isoformat() if case.extended_due_date else None,
        "status": case.status.value,
        "warnings": [w.message for w in case.warnings],
        "left_out": list(case.left_out),
        "stance": case.stance.to_json() if case.stance else None,
        "caseworker": case.caseworker,
        "undecided": [q.number for q in case.undecided],
        "history": [event.to_json() for event in case.events],
        "questions": [
            {
                "id": q.number,
                "number": case.letter_number(q.number),
                "question": q.text,
                "disposition": None if q.draft.placeholder else q.draft.disposition.value,
                "exemptions": list(q.draft.exemptions),
                "confidence": q.draft.confidence,
                "wording": q.draft.wording,
                "advice": q.draft.advice,
                "proposed": q.draft.proposed,
                "basis": q.draft.basis,
                "placeholder": q.draft.placeholder,
                "options": [o.to_json() for o in q.draft.options],
                "cues": [c.to_json() for c in q.draft.cues],
                "precedents": [p.to_json() for p in q.draft.precedents],
                "alternatives": [
                    {"disposition": a.disposition.value, "exemptions": list(a.exemptions), "wording": a.wording,
                     "reference": a.evidence.reference if a.evidence else ""}
                    for a in q.draft.alternatives
                ],
                "warnings": [w.message for w in q.draft.warnings],
                "decided": q.decided,
                "version": len(q.versions),
                "edit": q.draft.edit.value,
                "author": q.draft.by,
            }
            for q in case.questions
        ],
        "removed": [{"id": q.number, "question": q.text, "edit": q.draft.edit.value} for q in case.removed],
    }


def _case_text(case: Case) -> str:
    lines = [
        f"Case {case.reference}  ({case.regime.value.upper()}, received {case.received.isoformat()}, "
        f"due {case.due_date.isoformat()}"
        + (f", extended {case.extended_due_date.isoformat()}" if case.extended_due_date else "")
        + f", {case.status.value})",
    ]
    lines += [f"  ! {warning}" for warning in case.warnings]
    lines.append(f"\n{len(case.questions)} question(s), as split:")
    for question in case.questions:
        moved = f" (question {case.letter_number(question.number)} in the letter)" \
            if case.letter_number(question.number) != question.number else ""
        lines.append(f"  Q{question.number}{moved}: {shorten(question.text, 150)}")
    for index, text in enumerate(case.left_out, start=1):
        lines.append(f"  not treated as a question ({index}): {shorten(text, 150)}")
        lines.append(f'      add it: foibot refine {case.reference} "add: {shorten(text, 60)}"')
    for question in case.removed:
        lines.append(f"  Q{question.number} removed ({question.draft.note}): {shorten(question.text, 100)}")
    if case.stance is not None:
        stance = case.stance
        lines.append(f"\nOpening stance ({stance.decision.value}): {stance.disposition.label} under "
                     f"{', '.join(stance.exemptions)} for the whole request"
                     + (f", as in {', '.join(stance.references)}" if stance.references else ""))
        if stance.reason:
            lines.append(f"   {shorten(stance.reason, 200)}")
        if case.stance_undecided:
            lines.append(f'   decide: foibot refine {case.reference} "accept stance" (or "drop stance")')
    for question in case.questions:
        lines.append("")
        lines += _question_text(case, question)
    approval = case.approval
    if approval is not None:
        lines.append(f"\nApproved by {approval.by_name or approval.by} at {approval.at}: {approval.precedents} "
                     "precedent(s) filed" + (f"; override: {approval.override}" if approval.override else ""))
    return "\n".join(lines)


def _question_text(case: Case, question: CaseQuestion) -> list[str]:
    draft = question.draft
    exemptions = ", ".join(draft.exemptions) or "-"
    state = "decided" if question.decided else "undecided"
    lines = [f"Q{question.number}. {shorten(question.text, 150)}"]
    if draft.placeholder:
        lines.append(f"   => no close precedent: the caseworker decides  (v{len(question.versions)} by {draft.by}, "
                     f"{state})")
    elif draft.proposed:
        lines.append(f"   => proposed: {draft.disposition.label}  [{exemptions}]  confidence {draft.confidence:.2f}  "
                     f"(v{len(question.versions)} by {draft.by}, {state})")
        if draft.basis:
            lines.append(f"      because: {shorten(draft.basis, 200)}")
    else:
        lead = "the caseworker's call; most likely" if draft.author == BOT else "set to"
        lines.append(f"   => {lead} {draft.disposition.label}  [{exemptions}]  confidence {draft.confidence:.2f}  "
                     f"(v{len(question.versions)} by {draft.by}, {state})")
    for paragraph in draft.wording.split("\n\n"):
        lines.append("      " + shorten(paragraph, 300))
    if draft.advice:
        lines.append("      advice: " + shorten(draft.advice, 200))
    for rank, option in enumerate(draft.options, start=1):
        names = ", ".join(option.exemptions) or "no exemption"
        lines.append(f"      option {rank}: {option.disposition.label} ({option.probability:.2f}, {names})  "
                     f'-> foibot refine {case.reference} "Q{question.number} use option {rank}"')
    for evidence in _distinct(draft.precedents):
        flags = f" ({', '.join(evidence.flags)})" if evidence.flags else ""
        lines.append(f"      rests on {evidence.reference or '-'} {evidence.date or 'undated'} "
                     f"[{_label(evidence.disposition)}] similarity {evidence.score:.2f}{flags}: "
                     f"{shorten(evidence.question, 100)}" + (f"  {evidence.source}" if evidence.source else ""))
    if draft.alternatives:
        lines.append("      alternatives: " + "; ".join(
            f"{n}) {a.disposition.label} {', '.join(a.exemptions)}".rstrip()
            for n, a in enumerate(draft.alternatives, start=1)))
    lines += [f"      ! {cue.kind.value}: {cue.reason}" for cue in draft.cues]
    lines += [f"      ! {warning}" for warning in draft.warnings if warning.kind is not WarningKind.CUE]
    return lines


def _distinct(precedents: Sequence[Evidence]) -> list[Evidence]:
    """Precedents with each reference once (a letter's several answers are one precedent to a reader)."""
    seen: set[str] = set()
    out = []
    for evidence in precedents:
        key = evidence.reference or evidence.precedent_id or evidence.source
        if key not in seen:
            seen.add(key)
            out.append(evidence)
    return out


def _label(disposition: str) -> str:
    try:
        return Disposition(disposition).label
    except ValueError:
        return disposition


def _refine(args: argparse.Namespace, settings: Settings) -> int:
    service = _case_service(settings)
    outcome = service.refine(args.case, args.instruction, args.author, args.author)
    if args.json:
        print(json.dumps(case_json(outcome.case), indent=2, ensure_ascii=False))
        return 0
    for number, change in outcome.changes:
        print(f"Q{number}: {change}" if number else change)
    print()
    print(_case_text(outcome.case))
    return 0


def _approve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service import ApprovalRefused

    service = _case_service(settings)
    try:
        with writing_store(settings):  # approval files precedents: not while the bot holds the embedded store
            case = service.approve(args.case, args.author, args.author, override=args.override or "")
    except ApprovalRefused as refused:
        print(f"foibot: error: {refused}", file=sys.stderr)
        for question in refused.undecided:
            print(f"  Q{question.number}: {shorten(question.text, 100)} (v{len(question.versions)} by "
                  f"{question.draft.by})", file=sys.stderr)
        print(f'  accept them (foibot refine {args.case} "accept Q..."), or: foibot approve {args.case} '
              '--override "<reason>"', file=sys.stderr)
        return 1
    approval = case.approval
    filed = approval.precedents if approval else 0
    print(f"{case.reference} approved: {filed} answer(s) filed as precedents"
          + (f" (override recorded: {approval.override})" if approval and approval.override else ""))
    return 0


def _reopen(args: argparse.Namespace, settings: Settings) -> int:
    service = _case_service(settings)
    with writing_store(settings):  # reopening withdraws filed precedents from the store
        case = service.reopen(args.case, args.author, args.author)
    withdrawn = case.events[-1].precedents if case.events else 0
    print(f"{case.reference} reopened: {withdrawn} precedent(s) its approval filed are withdrawn")
    return 0


def _letter(args: argparse.Namespace, settings: Settings) -> int:
    from bot.letter import write_docx

    service = _case_service(settings)
    letter = service.letter(args.case, requester_name=args.requester_name, caseworker_notes=not args.no_notes)
    if not args.check:
        print(letter.markdown())
    if args.docx:
        write_docx(letter, args.docx, settings.letter_template)
        print(f"\nwrote {args.docx}", file=sys.stderr)
    if letter.findings:
        print(f"\nThe letter check found {len(letter.findings)} thing(s) still to finish:", file=sys.stderr)
        for finding in letter.findings:
            print(f"  - {finding}", file=sys.stderr)
    elif args.check:
        print(f"{args.case}: the letter check found nothing unfinished")
    return 1 if args.check and letter.findings else 0


def _cases(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cases import CaseStore
    from bot.clock import working_days_left

    store = CaseStore(settings.case_database_url)
    cases = store.list_cases(args.status)
    if args.json:
        print(json.dumps([{"case": c.reference, "status": c.status.value, "received": c.received.isoformat(),
                           "due_date": c.due_date.isoformat(), "questions": len(c.questions),
                           "undecided": [q.number for q in c.undecided]} for c in cases], indent=2))
        return 0
    if not cases:
        print("no cases")
        return 0
    today = date.today()
    rows = []
    for case in cases:
        left = working_days_left(case.due_date, today, case.regime)
        when = f"{left} working days left" if left >= 0 else f"OVERDUE by {-left} working days"
        decided = len(case.questions) - len(case.undecided)
        rows.append((case.reference, case.status.value, case.regime.value.upper(), case.received.isoformat(),
                     case.due_date.isoformat(), when, len(case.questions), decided))
    print_table(None, ("case", "status", "regime", "received", "due", "time left", "questions", "decided"), rows)
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.checks import ServeMode, Verdict, run_checks

    # The same checks as `foibot check`, before the model loads: a missing token costs a second, not ten.
    failed = [c for c in run_checks(settings, ServeMode.SOCKET if args.socket else ServeMode.HTTP)
              if c.verdict is Verdict.FAIL]
    if failed:
        for check in failed:
            print(f"foibot: {check.part}: {check.detail}", file=sys.stderr)
        return 2
    with bot_store(settings):
        return _serve_bot(args, settings)


def _serve_bot(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from bot.slack.app import ConfigurationError, Core, build_app, wsgi_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration step is noise at start
    services = build_services(settings)
    services.store.check_model()
    services.embeddings.embed_array(["load the model once, at start"])
    core_service = _case_service_from(settings, services)
    core = Core(settings, core_service, services.store, services.embeddings, load_library())
    try:
        app, jobs = build_app(core, socket_mode=args.socket)
        if settings.refresh_schedule:
            jobs.schedule(settings.refresh_schedule)
    except (ConfigurationError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.socket:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        print("foibot: Socket Mode, connecting to Slack", file=sys.stderr)
        SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
        return 0
    from waitress import serve

    print(f"foibot: listening on http://{args.host}:{args.port}/slack/events", file=sys.stderr)
    serve(wsgi_app(app, settings), host=args.host, port=args.port, threads=args.threads, ident="foibot",
          max_request_body_size=settings.slack_max_body_bytes)
    return 0


def _case_service_from(settings: Settings, services: Services) -> CaseService:
    from bot.service import build_case_service

    library = load_library()
    return build_case_service(settings, services.store, services.embeddings, library,
                              build_llm_drafter(settings, library))


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    text = _read_request(str(args.request), settings).text
    service = _case_service(settings)
    service.embeddings.embed_array(["load the model before the clock starts"])
    started = time.perf_counter()
    case = service.open_case(text, author="demo")
    elapsed = 1000 * (time.perf_counter() - started)
    print(_case_text(case))
    print(f"\ndrafted {len(case.questions)} question(s) in {elapsed:.0f} ms")
    refinement = service.refine(case.reference, "Q1 add s16 advice", "demo")
    print(f"\nrefined: foibot refine {case.reference} \"Q1 add s16 advice\" -> "
          f"{'; '.join(change for _, change in refinement.changes)}")
    letter = service.letter(case.reference)
    print(f"\nletter: foibot letter {case.reference} --docx letter.docx  "
          f"({len(letter.sections)} sections; the letter check lists {len(letter.findings)} thing(s) to finish)")
    for finding in letter.findings[:6]:
        print(f"  - {finding}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
