"""FOIBOT_LLM_TIMEOUT bounds the whole wait for a model, through the real langchain-openai client."""

from __future__ import annotations

import time

import pytest

from bot.llm.drafter import REJECTED
from tests.llm_fake import FakeOpenAI, Reply, answer
from tests.test_llm_integration import _draft, _fallback, _is_valid


def test_a_server_trickling_one_byte_a_second_is_cut_off_at_the_timeout() -> None:
    with FakeOpenAI(lambda body: Reply(answer("ncnd", "late", ["s24(2)"]), drip=1.0)) as server:
        started = time.perf_counter()
        draft = _draft(server, timeout=2)
        elapsed = time.perf_counter() - started
        sent = len(server.requests)
    _is_valid(draft)
    assert elapsed < 15, f"held {elapsed:.1f} s at a 2 s timeout"  # far below the reply's own time
    assert draft.wording == _fallback().wording
    assert draft.warnings[0].startswith(REJECTED)
    assert "timed out" in draft.warnings[0]
    assert sent == 1, "no repair request once the time is spent"


def test_a_hung_server_costs_one_timeout_not_one_per_client_retry() -> None:
    from bot.llm.providers import build_llm_drafter
    from knowledge.exemptions import load_library
    from knowledge.models import Regime
    from knowledge.settings import Settings
    from tests.test_llm_integration import HITS, QUESTION, cand

    with FakeOpenAI(lambda body: Reply(answer("ncnd", "late", ["s24(2)"]), delay=30)) as server:
        settings = Settings(_env_file=None, llm_provider="openai-compatible", llm_base_url=server.url,  # type: ignore[call-arg]
                            llm_model="fake-model", llm_timeout=2, llm_max_retries=2)
        drafter = build_llm_drafter(settings, load_library())
        assert drafter is not None
        started = time.perf_counter()
        draft = drafter.draft(QUESTION, [cand(h) for h in HITS], Regime.FOIA, _fallback())
        elapsed = time.perf_counter() - started
        sent = len(server.requests)
    assert draft.warnings[0].startswith(REJECTED)
    assert elapsed < 15, f"held {elapsed:.1f} s at a 2 s timeout with 2 client retries"  # half the hang
    assert sent == 1


def test_the_anthropic_client_is_bounded_in_total_too() -> None:
    pytest.importorskip("langchain_anthropic", reason="the llm-anthropic extra is not installed")
    from bot.llm.providers import build_llm_drafter
    from knowledge.exemptions import load_library
    from knowledge.models import Regime
    from knowledge.settings import Settings
    from tests.test_llm_integration import HITS, QUESTION, cand

    with FakeOpenAI(lambda body: Reply(answer("ncnd", "late", ["s24(2)"]), drip=1.0)) as server:
        settings = Settings(_env_file=None, llm_provider="anthropic", llm_base_url=server.url,  # type: ignore[call-arg]
                            llm_api_key="test-key", llm_model="claude-test", llm_timeout=2, llm_max_retries=2)
        drafter = build_llm_drafter(settings, load_library())
        assert drafter is not None
        started = time.perf_counter()
        draft = drafter.draft(QUESTION, [cand(h) for h in HITS], Regime.FOIA, _fallback())
        elapsed = time.perf_counter() - started
        sent = len(server.requests)
    assert elapsed < 15, f"held {elapsed:.1f} s at a 2 s timeout"  # far below the reply's own time
    assert draft.wording == _fallback().wording
    assert draft.warnings[0].startswith(REJECTED)
    assert sent == 1, "a call that ran out of time is not retried"
