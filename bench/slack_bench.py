"""Slack benchmark against a local fake Slack Web API, the real Bolt app served over HTTP.

    python bench/slack_bench.py [--concurrent 50] [--json]

Prints ack latency p50/p99 for N concurrent `/foi draft` commands (target p99 under 100 ms)
and the time from a 7-question `/foi draft` to the last question's message in its thread
(target under 2 s, warm).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from waitress.server import create_server

from bot.cases import CaseStore
from bot.service import CaseService
from bot.slack.app import Core, build_app, wsgi_app
from knowledge.embeddings import SentenceEmbeddings
from knowledge.exemptions import load_library
from knowledge.refresh import Refresher
from knowledge.settings import Settings
from knowledge.store import KnowledgeStore
from tests.slack_fake import FakeSlack, post, slash_command_body

SECRET = "bench-secret"
CORPUS = Path(__file__).resolve().parent.parent / "samples" / "corpus"
SEVEN = ("1. How many drones does the force own?\n2. Has the force used drones for covert surveillance?\n"
         "3. How many stop and search records were made in 2023?\n4. What is the overtime budget for 2024?\n"
         "5. How many firearms licences were revoked last year?\n6. Please provide the taser policy.\n"
         "7. How many officers were vetted in 2024?")


def _load(url: str, concurrent: int, response_url: str) -> int:
    """Send `concurrent` signed /foi draft commands at once; print each ack's latency in ms."""
    bodies = [slash_command_body(text=f"draft {n}. How many drones does the force own?", trigger_id=f"load-{n}",
                                 response_url=response_url) for n in range(concurrent)]
    barrier = threading.Barrier(concurrent)

    def one(body: str) -> float:
        barrier.wait()
        started = time.perf_counter()
        status, _ = post(url, body, SECRET)
        assert status == 200
        return 1000 * (time.perf_counter() - started)

    with ThreadPoolExecutor(max_workers=concurrent) as pool:
        print(json.dumps(list(pool.map(one, bodies))))
    return 0


def main() -> int:
    """Start the bot on the fake API, then measure acks under load and one threaded draft."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--response-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        return _load(args.load, args.concurrent, args.response_url)

    work = Path(tempfile.mkdtemp(prefix="foibot-slack-bench-"))
    with FakeSlack() as slack:
        settings = Settings(_env_file=None, data_dir=work / "data", slack_bot_token="xoxb-bench",  # type: ignore[call-arg]
                            slack_workers=int(os.environ.get("FOIBOT_SLACK_WORKERS", "2")),
                            slack_signing_secret=SECRET, slack_api_url=slack.url)
        embeddings = SentenceEmbeddings(settings.embedding_model)
        store = KnowledgeStore(settings)
        Refresher(settings, store, embeddings).run([CORPUS])
        service = CaseService(settings, store, embeddings, load_library(), CaseStore(settings.case_database_url))
        app, _ = build_app(Core(settings, service, store, embeddings, load_library()))
        server = create_server(wsgi_app(app, settings), host="127.0.0.1", port=0, threads=64)
        threading.Thread(target=server.run, daemon=True).start()
        url = f"http://127.0.0.1:{server.effective_port}/slack/events"

        def command(text: str, trigger: str) -> float:
            body = slash_command_body(text=f"draft {text}", trigger_id=trigger, response_url=slack.response_url())
            started = time.perf_counter()
            status, _ = post(url, body, SECRET)
            assert status == 200
            return 1000 * (time.perf_counter() - started)

        command("How many speed cameras are there?", "warm-up")
        slack.wait_for("chat.postMessage", count=2, timeout=60)
        time.sleep(1)

        slack.reset()
        started = time.time()
        command(SEVEN, "seven")
        posts = slack.wait_for("chat.postMessage", count=8, timeout=120)
        to_last = posts[7].at - started

        slack.reset()
        # The load comes from another process, as Slack's would: no shared interpreter lock.
        load = subprocess.run(
            [sys.executable, __file__, "--load", url, "--concurrent", str(args.concurrent),
             "--response-url", slack.response_url()],
            capture_output=True, text=True, check=True, timeout=600,
        )
        acks = json.loads(load.stdout)
        slack.wait_for("chat.postMessage", count=2 * args.concurrent, timeout=600)
        server.close()

    ordered = sorted(acks)
    figures = {
        "concurrent_commands": args.concurrent,
        "ack_ms_p50": round(statistics.median(acks), 1),
        "ack_ms_p99": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1),
        "ack_ms_max": round(ordered[-1], 1),
        "seven_question_draft_to_last_message_s": round(to_last, 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:40} {value}")
        print(f"\ntargets: ack p99 < 100 ms ({figures['ack_ms_p99']}), "
              f"7 questions to last message < 2 s ({figures['seven_question_draft_to_last_message_s']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
