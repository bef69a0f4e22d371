"""Optional language-model drafting through LangChain chat models (FOIBOT_LLM_PROVIDER).

The precedent drafter stays the default and the fallback: with no model configured nothing
here is used, and with one every model answer is validated before it becomes a draft.

    providers.py   settings -> a LangChain chat model (optional extras), the local-only check
    drafter.py     the LLM drafter: prompts, streaming, one repair, fallback
    validation.py  what an answer must satisfy
    privacy.py     redaction of everything sent to a model

Nothing is imported here, so that the CLI starts without LangChain when no model is used.
"""
