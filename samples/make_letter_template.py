"""Write prompts/letter/template.docx: the A4, en-GB Word template foibot's letters use by default.

Run from the repository root: `.venv/bin/python samples/make_letter_template.py`. The result is
committed; an authority replaces it with its own letterhead through FOIBOT_LETTER_TEMPLATE. The
template's body is empty: letters are written into it with its styles (Title, Heading 1-4,
List Bullet, Normal), headers and footers.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "prompts" / "letter" / "template.docx"


def _british_english(document: Document) -> None:
    """en-GB as the language of every run that does not say otherwise (spelling and grammar checks)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is None:
        raise SystemExit("python-docx's default template has no run defaults to set the language on")
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    lang = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), "en-GB")
    properties.append(lang)


def main() -> None:
    """Build and save the template."""
    document = Document()
    for paragraph in list(document.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    _british_english(document)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    document.core_properties.language = "en-GB"
    document.core_properties.title = "Response to a request for information"
    document.core_properties.author = "foibot"
    document.save(str(OUT))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
