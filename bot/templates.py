"""Loading and filling the templates in `prompts/`, failing loudly on a missing value."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template


class TemplateError(Exception):
    """A template is missing, or a value it needs was not given."""


@cache
def load_template(name: str) -> Template:
    """The template file `prompts/<name>`."""
    try:
        text = resources.files("prompts").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"no template prompts/{name}") from None
    return Template(text)


def render(name: str, **values: object) -> str:
    """Fill `prompts/<name>` with `values`; every $placeholder must be given."""
    template = load_template(name)
    try:
        return template.substitute({key: str(value) for key, value in values.items()})
    except KeyError as error:
        raise TemplateError(f"prompts/{name} needs a value for {error.args[0]!r}") from None
    except ValueError as error:
        raise TemplateError(f"prompts/{name} is malformed: {error}") from None
