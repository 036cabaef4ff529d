"""Word templates with Jinja2 tags, rendered fast.

A template is a real .docx a secretariat can edit in Word or LibreOffice. Its tags follow
docxtpl's syntax — `{{ name }}`, `{%p for row in rows %}` (the whole paragraph becomes the tag),
`{%tr … %}` (the whole table row), `{%r … %}` (the whole run) — so the same file renders with
either. Loading does the slow work once: it joins tags that Word split across runs, compiles the
XML parts that hold tags, checks every tag against the kind's context schema (a misspelled tag
fails here, naming it), and deflates every other part of the package once. Rendering then only
runs the compiled Jinja template and writes a zip around it.
"""

import html
import re
import struct
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin
from zipfile import ZipFile

from jinja2 import Environment, StrictUndefined, nodes
from pydantic import BaseModel


class TemplateError(ValueError):
    """A template does not fit its context schema (raised when it is loaded)."""


# ---------------------------------------------------------------------------- preparing XML

TAG = r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*"


def _join_split_tags(xml: str) -> str:
    """Word splits text into runs at will (spell-check, edits, formatting); a tag typed as one
    word may arrive as `{{ na</w:t></w:r><w:r><w:t>me }}`. Keep only the text inside tags."""
    xml = re.sub(r"(?<={)(<[^>]*>)+(?=[{%#])|(?<=[%}#])(<[^>]*>)+(?=})", "", xml, flags=re.DOTALL)

    def strip(match: re.Match) -> str:
        return re.sub(r"</w:t>.*?(<w:t>|<w:t [^>]*>)", "", match.group(0), flags=re.DOTALL)

    return re.sub(TAG, strip, xml, flags=re.DOTALL)


def _unescape_tags(xml: str) -> str:
    """Quotes and comparisons inside a tag were escaped as XML text; Jinja needs them back."""
    return re.sub(r"{%.*?%}|{{.*?}}", lambda m: html.unescape(m.group(0)), xml, flags=re.DOTALL)


def _lift_structural_tags(xml: str) -> str:
    """`{%p if … %}` stands for its whole paragraph, `{%tr for … %}` for its table row and
    `{%r … %}` for its run: the element is replaced by the plain tag."""
    for element in ("tr", "p", "r"):
        opening = rf"<w:{element}[ >](?:(?!<w:{element}[ >]).)*"
        pattern = opening + rf"({{%|{{{{){element} ([^}}%]*(?:%}}|}}}})).*?</w:{element}>"
        xml = re.sub(pattern, r"\1 \2", xml, flags=re.DOTALL)
    return xml


def _preserve_spaces(xml: str) -> str:
    return re.sub(
        r"<w:t>((?:(?!<w:t>).)*?)({{.*?}}|{%.*?%})", r'<w:t xml:space="preserve">\1\2', xml, flags=re.DOTALL
    )


def prepare(xml: str) -> str:
    return _lift_structural_tags(_preserve_spaces(_unescape_tags(_join_split_tags(xml))))


ENVIRONMENT = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)


# ------------------------------------------------------------------------ checking the tags


def _unwrap(annotation: Any) -> Any:
    """list[X] → ('list', X); X | None → X; anything else as is."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        real = [a for a in get_args(annotation) if a is not type(None)]
        return _unwrap(real[0]) if len(real) == 1 else Any
    return annotation


def _item_type(annotation: Any) -> Any:
    annotation = _unwrap(annotation)
    if get_origin(annotation) in (list, tuple) and get_args(annotation):
        return _unwrap(get_args(annotation)[0])
    return Any


def _attribute_type(model: type[BaseModel], name: str) -> Any:
    """The type of `model.name`, or raise KeyError when the model has no such field or property."""
    if name in model.model_fields:
        return _unwrap(model.model_fields[name].annotation)
    member = getattr(model, name, None)
    if isinstance(member, property | cached_property) or callable(member):
        return Any
    raise KeyError(name)


class _Checker:
    """Walks a template's syntax tree with the type each name stands for, so that
    `{{ row.nmae }}` inside `{%tr for row in rows %}` is caught as well as `{{ nmae }}`."""

    def __init__(self, schema: type[BaseModel], template_name: str):
        self.schema, self.template_name = schema, template_name
        self.errors: list[str] = []

    def type_of(self, node: nodes.Node, scope: Mapping[str, Any]) -> Any:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.schema.model_fields:
                return _unwrap(self.schema.model_fields[node.name].annotation)
            self.errors.append(f"{{{{ {node.name} }}}} (line {node.lineno}) is not in the context")
            return Any
        if isinstance(node, nodes.Getattr):
            owner = self.type_of(node.node, scope)
            if isinstance(owner, type) and issubclass(owner, BaseModel):
                try:
                    return _attribute_type(owner, node.attr)
                except KeyError:
                    self.errors.append(
                        f"{{{{ ….{node.attr} }}}} (line {node.lineno}): {owner.__name__} has no '{node.attr}'"
                    )
            return Any
        for child in node.iter_child_nodes():
            self.walk(child, scope)
        return Any

    def walk(self, node: nodes.Node, scope: Mapping[str, Any]) -> None:
        if isinstance(node, nodes.For):
            item = _item_type(self.type_of(node.iter, scope))
            inner = {**scope, "loop": Any, **{n.name: item for n in self._targets(node.target)}}
            for child in (*node.body, *node.else_, *([node.test] if node.test else [])):
                self.walk(child, inner)
            return
        if isinstance(node, nodes.Assign):
            self.type_of(node.node, scope)
            scope = dict(scope)  # names set in a template hold whatever they were set to
            for target in self._targets(node.target):
                scope[target.name] = Any
            return
        if isinstance(node, nodes.Name | nodes.Getattr):
            self.type_of(node, scope)
            return
        local = dict(scope)
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Assign):
                for target in self._targets(child.target):
                    local[target.name] = Any
            self.walk(child, local)

    @staticmethod
    def _targets(target: nodes.Node) -> Iterable[nodes.Name]:
        return (
            [target]
            if isinstance(target, nodes.Name)
            else [n for n in target.iter_child_nodes() if isinstance(n, nodes.Name)]
        )

    def check(self, source: str) -> None:
        self.walk(ENVIRONMENT.parse(source), {})
        if self.errors:
            raise TemplateError(f"{self.template_name}: " + "; ".join(dict.fromkeys(self.errors)))


# ------------------------------------------------------------------------------- packaging


@dataclass(frozen=True)
class Member:
    """A zip member deflated once: its bytes are copied into every rendered package."""

    name: bytes
    crc: int
    size: int
    data: bytes


def deflate(name: str, content: bytes, level: int = 6) -> Member:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return Member(name.encode(), zlib.crc32(content), len(content), data)


def package(members: Iterable[Member]) -> bytes:
    """A zip archive of already-deflated members, with fixed timestamps (1 January 1980): the
    same content gives the same bytes, so a document's checksum identifies it."""
    out, directory, offset = [], [], 0
    for m in members:
        # flags (UTF-8 names), method (deflate), time, date, CRC, sizes, name length
        fields = (0x0800, 8, 0, 1 << 5 | 1, m.crc, len(m.data), m.size, len(m.name))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *fields, 0)
        out += [header, m.name, m.data]
        entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, *fields, 0, 0, 0, 0, 0, offset)
        directory.append(entry + m.name)
        offset += len(header) + len(m.name) + len(m.data)
    central = b"".join(directory)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), len(central), offset, 0)
    return b"".join(out) + central + end


# -------------------------------------------------------------------------------- templates


class DocxTemplate:
    """One loaded template: compiled tagged parts, pre-deflated static parts."""

    def __init__(self, path: Path, schema: type[BaseModel]):
        self.path, self.schema = path, schema
        self.order: list[str] = []
        self.static: dict[str, Member] = {}
        self.sources: dict[str, str] = {}
        with ZipFile(path) as archive:
            for info in archive.infolist():
                self.order.append(info.filename)
                content = archive.read(info)
                prepared = prepare(content.decode("utf-8")) if info.filename.endswith(".xml") else ""
                if "{{" in prepared or "{%" in prepared:
                    self.sources[info.filename] = prepared
                else:
                    self.static[info.filename] = deflate(info.filename, content)
        for name, source in self.sources.items():
            _Checker(schema, f"{path.name}:{name}").check(source)
        self.compiled = {name: ENVIRONMENT.from_string(source) for name, source in self.sources.items()}

    def render_parts(self, context: BaseModel) -> dict[str, str]:
        """The tagged parts rendered, as XML text (merging documents works on these)."""
        if not isinstance(context, self.schema):
            raise TypeError(f"{self.path.name} needs a {self.schema.__name__}, not {type(context).__name__}")
        values = {name: getattr(context, name) for name in type(context).model_fields}
        return {name: template.render(values) for name, template in self.compiled.items()}

    def package(self, parts: Mapping[str, str]) -> bytes:
        level = lambda text: 1 if len(text) > 1_000_000 else 6  # noqa: E731 - big lists: speed over size
        rendered = {name: deflate(name, text.encode("utf-8"), level(text)) for name, text in parts.items()}
        return package(rendered.get(name) or self.static[name] for name in self.order)

    def render(self, context: BaseModel) -> bytes:
        return self.package(self.render_parts(context))
