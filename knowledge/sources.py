"""Configured sources, all refreshed by one run: folders and files, disclosure-log URLs, WhatDoTheyKnow.

A FOIBOT_SOURCES entry (or an `ingest`/`refresh` argument) is a folder or file, an http(s)
URL of a disclosure log (a listing page or sitemap.xml), or `wdtk:<url_name>` for an
authority's requests on WhatDoTheyKnow. Every run, from cron or the bot's schedule, covers
them all and records one summary with a line per source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from knowledge.crawler import DisclosureLogCrawler
from knowledge.fetching import PoliteFetcher
from knowledge.refresh import ProgressReport, Refresher, RefreshSummary, SourceSummary
from knowledge.wdtk import WhatDoTheyKnowImporter

WDTK_PREFIX = "wdtk:"


def is_url(source: str) -> bool:
    """Whether a source is a web address rather than a path."""
    return source.lower().startswith(("http://", "https://"))


def refresh_sources(
    refresher: Refresher,
    sources: Sequence[str],
    progress: ProgressReport | None = None,
    on_file: Callable[[int, int], None] | None = None,
    rebuild: bool = False,
) -> RefreshSummary:
    """Bring the store up to date with every source; one summary, with a line per source, is recorded."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    summary = RefreshSummary()
    fetcher = PoliteFetcher(refresher.settings)  # one fetcher, so the rate limit holds across sources
    crawler = DisclosureLogCrawler(refresher, fetcher)
    importer = WhatDoTheyKnowImporter(refresher, fetcher)
    try:
        if rebuild:
            refresher.store.reset()
            refresher.ledger.reset()
            crawler.state.reset()
            importer.reset()
        files = [source for source in sources if not is_url(source) and not source.startswith(WDTK_PREFIX)
                 and not Path(source).is_dir()]
        if files:
            _merge(summary, _folder_run(refresher, "files" if len(files) > 1 else files[0], files, progress,
                                        on_file))
        for source in sources:
            if is_url(source):
                _merge(summary, crawler.crawl(source, progress))
            elif source.startswith(WDTK_PREFIX):
                _merge(summary, importer.import_authority(source.removeprefix(WDTK_PREFIX), progress=progress))
            elif source not in files:
                _merge(summary, _folder_run(refresher, source, [source], progress, on_file))
    finally:
        crawler.close()
        importer.close()
        fetcher.close()
    summary.seconds = sum(part.seconds for part in summary.sources)
    refresher.ledger.record_run(started, summary)
    return summary


def _folder_run(refresher: Refresher, label: str, paths: list[str], progress: ProgressReport | None,
                on_file: Callable[[int, int], None] | None) -> RefreshSummary:
    part = refresher.run([Path(path) for path in paths], progress=progress, on_file=on_file, record=False,
                         label=label)
    part.sources.append(SourceSummary(label, part.added, part.updated, part.removed, part.unchanged,
                                      list(part.failed), 0, part.seconds))
    return part


def _merge(total: RefreshSummary, part: RefreshSummary) -> None:
    total.added += part.added
    total.updated += part.updated
    total.removed += part.removed
    total.unchanged += part.unchanged
    total.failed += part.failed
    total.precedents_written += part.precedents_written
    total.requests += part.requests
    total.sources += part.sources
