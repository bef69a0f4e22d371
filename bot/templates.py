"""Loading and filling the templates in `prompts/`, failing loudly on a missing variable.

An authority can replace any letter wording with its own: `render_from(folder, name)` reads
`folder/<file name>` (e.g. `closing.md` for `letter/closing.md`) when that file exists, else the
shipped template. An override gets the same values and fails the same way on a value it needs
that is not given.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
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


def _override(folder: Path, name: str) -> tuple[Template, str] | None:
    path = folder / Path(name).name
    if not path.is_file():
        return None
    try:
        return Template(path.read_text(encoding="utf-8")), str(path)
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(f"cannot read the letter wording {path}: {error}") from None


def render(name: str, **values: object) -> str:
    """Fill `prompts/<name>` with `values`; every $placeholder must be given."""
    return render_from(None, name, **values)


def render_from(overrides: Path | None, name: str, **values: object) -> str:
    """Fill the override of `prompts/<name>` in `overrides` when there is one, else the template itself."""
    found = _override(overrides, name) if overrides is not None else None
    template, where = found if found is not None else (load_template(name), f"prompts/{name}")
    try:
        return template.substitute({key: str(value) for key, value in values.items()})
    except KeyError as error:
        raise TemplateError(f"{where} needs a value for {error.args[0]!r}") from None
    except ValueError as error:
        raise TemplateError(f"{where} is malformed: {error}") from None
