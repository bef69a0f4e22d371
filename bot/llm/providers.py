"""Chat models by settings: FOIBOT_LLM_PROVIDER picks a LangChain integration, built once at start.

Each integration is an optional extra (`pip install 'foibot[llm-openai]'` and so on), imported
only when its provider is configured. With FOIBOT_LLM_LOCAL_ONLY=true a model that would
send text outside the local network is refused here, before anything is sent.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from knowledge.exemptions import ExemptionLibrary
from knowledge.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from bot.llm.drafter import LLMDrafter

_EXTRAS = {
    "openai": ("langchain_openai", "langchain-openai", "llm-openai"),
    "openai-compatible": ("langchain_openai", "langchain-openai", "llm-openai"),
    "anthropic": ("langchain_anthropic", "langchain-anthropic", "llm-anthropic"),
    "ollama": ("langchain_ollama", "langchain-ollama", "llm-ollama"),
}
_DEFAULT_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "ollama": "http://localhost:11434",
}
_LOCAL_NETWORKS = tuple(ipaddress.ip_network(net) for net in (
    "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",  # loopback, RFC 1918, link-local
    "::1/128", "fc00::/7", "fe80::/10",
))


class LLMConfigError(Exception):
    """A language-model setting foibot cannot start with; the message is one line."""


def is_local_url(url: str) -> bool:
    """Whether a URL's host is on the local network: loopback, private, link-local, localhost or .local."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").rstrip(".").lower()
    if not host:
        return False
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # any other name could resolve anywhere: not provably local
    return any(address in network for network in _LOCAL_NETWORKS)


def model_url(settings: Settings) -> str:
    """The URL text would be sent to under these settings."""
    return settings.llm_base_url or _DEFAULT_URLS.get(settings.llm_provider, "")


def check_settings(settings: Settings) -> None:
    """Raise LLMConfigError for settings that cannot work or that break FOIBOT_LLM_LOCAL_ONLY."""
    provider = settings.llm_provider
    if provider == "none":
        return
    if not settings.llm_model.strip():
        raise LLMConfigError(f"FOIBOT_LLM_PROVIDER={provider} needs FOIBOT_LLM_MODEL (the model's name)")
    if provider == "openai-compatible" and not settings.llm_base_url:
        raise LLMConfigError("FOIBOT_LLM_PROVIDER=openai-compatible needs FOIBOT_LLM_BASE_URL "
                             "(e.g. http://127.0.0.1:8000/v1)")
    url = model_url(settings)
    if settings.llm_base_url and urlsplit(url).scheme not in ("http", "https"):
        raise LLMConfigError(f"FOIBOT_LLM_BASE_URL must be an http(s) URL, not {url[:60]!r}")
    if settings.llm_local_only and not is_local_url(url):
        raise LLMConfigError(f"FOIBOT_LLM_LOCAL_ONLY is set but the model is at {urlsplit(url).hostname or url!r}, "
                             "outside the local network (loopback, 10/8, 172.16/12, 192.168/16, link-local, "
                             ".local or localhost)")


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None when FOIBOT_LLM_PROVIDER=none."""
    check_settings(settings)
    provider = settings.llm_provider
    if provider == "none":
        return None
    module, package, extra = _EXTRAS[provider]
    try:
        __import__(module)
    except ImportError:
        raise LLMConfigError(f"FOIBOT_LLM_PROVIDER={provider} needs {package}: "
                             f"pip install 'foibot[{extra}]'") from None
    key = settings.llm_api_key or None
    if provider in ("openai", "openai-compatible"):
        from langchain_openai import ChatOpenAI

        if key is None and (provider == "openai-compatible" or not os.environ.get("OPENAI_API_KEY")):
            # Local servers ignore the key, but the client insists on one.
            key = "not-needed" if provider == "openai-compatible" else None
        if provider == "openai" and key is None:
            raise LLMConfigError("FOIBOT_LLM_PROVIDER=openai needs FOIBOT_LLM_API_KEY or OPENAI_API_KEY")
        # The integrations' constructors are typed differently across versions (and untyped
        # where an extra is not installed): build through Any, return the common interface.
        openai_class: Any = ChatOpenAI
        openai_model: BaseChatModel = openai_class(
            model=settings.llm_model, base_url=settings.llm_base_url or None, api_key=key,
            timeout=settings.llm_timeout, max_retries=settings.llm_max_retries, temperature=0,
            http_client=_deadline_client(settings.llm_timeout),
        )
        return openai_model
    if provider == "anthropic":
        from langchain_anthropic import ChatAnthropic

        if key is None and not os.environ.get("ANTHROPIC_API_KEY"):
            raise LLMConfigError("FOIBOT_LLM_PROVIDER=anthropic needs FOIBOT_LLM_API_KEY or ANTHROPIC_API_KEY")
        options: dict[str, Any] = {"base_url": settings.llm_base_url} if settings.llm_base_url else {}
        if key is not None:
            options["api_key"] = key
        anthropic_class: Any = ChatAnthropic
        anthropic_model: Any = anthropic_class(
            model=settings.llm_model, timeout=settings.llm_timeout, max_retries=settings.llm_max_retries,
            temperature=0, **options,
        )
        # langchain-anthropic builds its HTTP client itself (a cached property) with per-read timeouts;
        # the same client with the deadline transport takes its place, so the timeout bounds the whole call.
        import anthropic
        import httpx2

        params = dict(anthropic_model._client_params)
        anthropic_model.__dict__["_client"] = anthropic.Client(
            **params, http_client=_deadline_client(settings.llm_timeout, httpx2))
        chat: BaseChatModel = anthropic_model
        return chat
    from langchain_ollama import ChatOllama

    ollama_class: Any = ChatOllama
    ollama_model: BaseChatModel = ollama_class(
        model=settings.llm_model, base_url=model_url(settings), temperature=0,
        client_kwargs={"timeout": settings.llm_timeout,
                       "transport": _deadline_transport(httpx)(settings.llm_timeout)},
    )
    return ollama_model


def build_llm_drafter(settings: Settings, library: ExemptionLibrary) -> LLMDrafter | None:
    """The LLM drafter for these settings, or None when FOIBOT_LLM_PROVIDER=none."""
    model = build_chat_model(settings)
    if model is None:
        return None
    from bot.llm.drafter import LLMDrafter

    return LLMDrafter(model, library, name=f"{settings.llm_provider}:{settings.llm_model}",
                      timeout=settings.llm_timeout, concurrency=settings.llm_concurrency,
                      structured=settings.llm_structured_output)


def _deadline_client(seconds: float, http: Any = httpx) -> Any:
    """An HTTP client of the `http` package (httpx, or the httpx2 the Anthropic SDK uses) whose every
    request is bounded by `seconds` in total."""
    return http.Client(timeout=seconds, transport=_deadline_transport(http)(seconds))


@functools.cache
def _deadline_transport(http: Any) -> Any:
    """The deadline transport class for one HTTP package (they share httpx's API, not its classes)."""

    class Stream(http.SyncByteStream):  # type: ignore[misc]
        """A response body that stops at the deadline and closes the connection it came on."""

        def __init__(self, chunks: Iterator[bytes], response: Any) -> None:
            self._chunks = chunks
            self._response = response

        def __iter__(self) -> Iterator[bytes]:
            yield from self._chunks

        def close(self) -> None:
            self._response.close()

    class DeadlineTransport(http.BaseTransport):  # type: ignore[misc]
        """HTTP whose every request is bounded by FOIBOT_LLM_TIMEOUT in total, not per read.

        httpx's timeouts are per socket operation, so a server that sends its headers and then a
        byte a second never trips them. Here a whole answer must arrive within the time; a request
        that runs out comes back as a 408 marked `x-should-retry: false`, so the client's retries
        (meant for quick failures) do not wait the whole time again. Streamed answers are cut off
        mid-stream instead, with a read timeout.
        """

        def __init__(self, seconds: float) -> None:
            self.seconds = seconds
            self._inner = http.HTTPTransport()

        def handle_request(self, request: Any) -> Any:
            """Send one request; the answer, a 408 when time ran out, or a stream that stops at the deadline."""
            deadline = time.monotonic() + self.seconds
            try:
                response = self._inner.handle_request(request)
            except http.TimeoutException:
                return self._timed_out(request)
            chunks = _until(deadline, response.stream, self.seconds, http)
            if b'"stream": true' in request.content or b'"stream":true' in request.content:
                return http.Response(response.status_code, headers=response.headers, stream=Stream(chunks, response),
                                     extensions=response.extensions, request=request)
            try:
                body = b"".join(chunks)
            except http.TimeoutException:
                return self._timed_out(request)
            finally:
                response.close()
            return http.Response(response.status_code, headers=response.headers, content=body,
                                 extensions=response.extensions, request=request)

        def _timed_out(self, request: Any) -> Any:
            message = {"error": {"message": f"timed out after {self.seconds:g} s (FOIBOT_LLM_TIMEOUT)"}}
            return http.Response(408, headers={"x-should-retry": "false", "content-type": "application/json"},
                                 content=json.dumps(message).encode(), request=request)

        def close(self) -> None:
            """Close the connections."""
            self._inner.close()

    return DeadlineTransport


def _until(deadline: float, stream: Any, seconds: float, http: Any) -> Iterator[bytes]:
    for chunk in stream:
        if time.monotonic() > deadline:
            raise http.ReadTimeout(f"timed out after {seconds:g} s (FOIBOT_LLM_TIMEOUT)")
        yield chunk
