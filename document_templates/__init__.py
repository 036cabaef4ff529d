"""Official documents from Word templates: `render(kind, context) -> bytes`.

A secretariat replaces a template by putting a .docx of the same name in the override folder
(VINHDANH_TEMPLATE_DIR, or its <TENANT>/ subfolder): it is picked up at the next render, checked
against the kind's schema when loaded, and refused, naming the tag, when a tag does not fit.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from document_templates.contexts import KINDS
from document_templates.engine import DocxTemplate, TemplateError
from models.config import get_settings

BUILT_IN = Path(__file__).parent / "templates"

__all__ = ["KINDS", "Rendered", "TemplateError", "load", "merge", "render", "render_parts"]


def template_path(kind: str, tenant: str | None = None) -> Path:
    if kind not in KINDS:
        raise TemplateError(f"unknown document kind {kind!r}; kinds: {', '.join(KINDS)}")
    override = get_settings().template_dir
    candidates = []
    if override:
        candidates += [override / tenant / f"{kind}.docx"] if tenant else []
        candidates.append(override / f"{kind}.docx")
    return next((p for p in candidates if p.is_file()), BUILT_IN / f"{kind}.docx")


@lru_cache(maxsize=64)
def _load(path: Path, kind: str, _mtime: int) -> DocxTemplate:
    return DocxTemplate(path, KINDS[kind])


def load(kind: str, tenant: str | None = None) -> DocxTemplate:
    """The template for a kind, loaded and checked once per file version."""
    path = template_path(kind, tenant)
    return _load(path, kind, path.stat().st_mtime_ns)


@dataclass(frozen=True)
class Rendered:
    template: DocxTemplate
    parts: dict[str, str]


def render_parts(kind: str, context: BaseModel, tenant: str | None = None) -> Rendered:
    template = load(kind, tenant)
    return Rendered(template, template.render_parts(context))


def render(kind: str, context: BaseModel, tenant: str | None = None) -> bytes:
    return load(kind, tenant).render(context)


BODY = re.compile(r"(.*?<w:body>)(.*)(<w:sectPr[ >].*?</w:sectPr>)(\s*</w:body>.*)", re.DOTALL)
REFERENCES = re.compile(r"<w:(?:header|footer)Reference [^>]*/>")


def merge(documents: Sequence[Rendered], restart_page_numbers: bool = True) -> bytes:
    """Documents one after another in one file, each in its own section: a decision and its
    list (pages numbered again from 1, Decree 30/2020 App. I §III.1(đ)), or a print file of
    certificates. Appended sections keep the first document's header and styles."""
    if not documents:
        raise ValueError("nothing to merge")
    pieces = []
    for index, document in enumerate(documents):
        match = BODY.match(document.parts["word/document.xml"])
        if match is None:
            raise TemplateError(f"{document.template.path.name}: no document body to merge")
        head, body, section, tail = match.groups()
        if index == 0:
            first_head, first_tail = head, tail
        else:
            if "r:id=" in body or "r:embed=" in body:
                name = document.template.path.name
                raise TemplateError(f"{name}: cannot append a document with links or images")
            section = REFERENCES.sub("", section)
            if restart_page_numbers:
                section = re.sub(r"<w:pgNumType[^>]*/>", "", section).replace(
                    "</w:sectPr>", '<w:pgNumType w:start="1"/></w:sectPr>'
                )
        last = index == len(documents) - 1
        pieces.append(body + (section if last else f"<w:p><w:pPr>{section}</w:pPr></w:p>"))
    xml = first_head + "".join(pieces) + first_tail
    first = documents[0]
    return first.template.package({**first.parts, "word/document.xml": xml})
