"""Filling a DOCX report template, listing its placeholders and checking uploaded templates.

Templates are docxtpl documents rendered in a sandboxed, autoescaping Jinja
environment (:class:`reports.sandbox.ReportEnvironment`), in a child process
that is stopped after ``settings.REPORT_RENDER_TIMEOUT`` seconds or when it
asks for more than ``settings.REPORT_RENDER_MEMORY_MB`` of memory, and only
after the template passed the rules of :mod:`reports.template_rules`. The
context is::

    {"park": {"name": str, "code": str}, "year": int, "kind": str,
     "text": {block key: str}, "figures": {figure key: display str}}

Every string of the context is shown literally: it is XML-escaped here and
its braces and percent signs are written as character references, so text
such as ``{{ x }}`` or ``a & b < c`` can neither be interpreted by Jinja nor
break the XML. A line break in a string starts a new paragraph with the
style of the paragraph holding the placeholder (docxtpl's ``\\a``), so a body
block of several lines becomes several indented body paragraphs. The filled
document is then finished (:func:`reports.docx_layout.finish`: the title's
line breaks, the signature centred over the date).

Whatever goes wrong reaches the caller as :class:`TemplateProblem`, whose
messages are in the user's language and say where the problem is.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from markupsafe import Markup, escape

from . import docx_layout, outline, template_rules
from .models import MAX_BLOCK_CHARS
from .sandbox import ReportEnvironment, TemplateFailure, run_isolated
from .template_messages import failure_messages
from .template_rules import Source

#: Largest template accepted for upload.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
#: Largest total uncompressed size of an uploaded template's parts (a zip bomb guard).
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
#: Names outside ``text`` and ``figures`` that a template may use.
FIXED_PLACEHOLDERS = frozenset({"park.name", "park.code", "year", "kind"})
#: Document properties docxtpl fills in as templates too.
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

MACRO_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
#: Characters XML 1.0 cannot hold (tab and newline are handled separately).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARAGRAPH_BREAK = "\a"  # docxtpl: a new paragraph with the same paragraph and run properties
_SAMPLE_FIGURE = "123"

TemplateSource = bytes | str | PathLike


class TemplateProblem(Exception):
    """A template that cannot be used or filled in; ``messages`` say why, for the user."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def literal(value: str) -> Markup:
    """``value`` as XML text that docxtpl and Jinja leave alone, each line a paragraph of its own.

    Markup-escaped (``& < > " '``), with ``{ } %`` as character references so no
    template syntax survives (docxtpl also rewrites ``{_{`` after rendering), and
    characters XML cannot hold removed.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _XML_ILLEGAL.sub("", text).strip("\n")  # no empty paragraph before or after
    escaped = str(escape(text)).replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
    return Markup(escaped.replace("\n", _PARAGRAPH_BREAK))  # noqa: S704 — escaped just above


def prepare_context(value: Any) -> Any:
    """The context with every string made :func:`literal` (dicts and lists walked)."""
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, Mapping):
        return {key: prepare_context(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [prepare_context(item) for item in value]
    return value


def _bytes(template: TemplateSource) -> bytes:
    return template if isinstance(template, bytes) else Path(template).read_bytes()


def _isolated(work) -> bytes:
    """``work()`` in the render child, with the configured time and memory limits."""
    return run_isolated(
        work,
        timeout=getattr(settings, "REPORT_RENDER_TIMEOUT", 5),
        memory_mb=getattr(settings, "REPORT_RENDER_MEMORY_MB", 512),
    )


def render_report(template: TemplateSource, context: dict) -> bytes:
    """Fill ``template`` (DOCX bytes or a path) with ``context``; return the DOCX bytes.

    The template must keep the rules of :mod:`reports.template_rules` (a
    template uploaded before the rules is held to them too). Raises
    :class:`TemplateProblem` when it does not, or cannot be filled in within
    the time and memory allowed.
    """
    data = _bytes(template)
    prepared = prepare_context(context)

    def work() -> bytes:
        document = _document(data)
        problems, _unknown = template_rules.check(_sources(document), frozenset())
        if problems:
            raise TemplateFailure("rules", problems=[problem.as_dict() for problem in problems], unknown=[])
        return _fill(document, prepared)

    try:
        return _isolated(work)
    except TemplateFailure as failure:
        raise TemplateProblem(failure_messages(failure)) from None


def _document(data: bytes) -> DocxTemplate:
    try:
        document = DocxTemplate(io.BytesIO(data))
        document.init_docx()
    except Exception:  # python-docx and lxml raise many kinds of errors on broken packages
        raise TemplateFailure("damaged") from None
    return document


def _fill(document: DocxTemplate, prepared: dict) -> bytes:
    document.render(prepared, jinja_env=ReportEnvironment())
    park = prepared.get("park")
    park_name = html.unescape(str(park.get("name", ""))) if isinstance(park, Mapping) else ""
    docx_layout.finish(document.docx, park_name=park_name)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- placeholders ---------------------------------------------------------------------------


def _sources(document: DocxTemplate) -> list[Source]:
    """The Jinja sources docxtpl renders: body, headers, footers, footnotes (a line per paragraph), properties."""
    try:
        parts = [("body", document.get_xml())]
        for part_name, uri in (("header", document.HEADER_URI), ("footer", document.FOOTER_URI)):
            for _key, part in document.get_headers_footers(uri):
                parts.append((part_name, document.get_part_xml(part)))
        for part in document.docx.part.package.parts:
            if part.content_type == FOOTNOTES_TYPE:
                blob = part.blob
                parts.append(("footnotes", blob.decode("utf-8") if isinstance(blob, bytes) else blob))
        sources = [Source(name, re.sub(r"<w:p([ >])", r"\n<w:p\1", document.patch_xml(xml))) for name, xml in parts]
        properties = document.docx.core_properties
        sources += [
            Source("properties", value, name)
            for name in PROPERTIES
            if (value := getattr(properties, name) or "") and ("{" in value)
        ]
    except TemplateFailure:
        raise
    except Exception:
        raise TemplateFailure("damaged") from None
    return sources


def template_sources(template: TemplateSource) -> list[Source]:
    """The Jinja sources of a template (see :func:`_sources`)."""
    return _sources(_document(_bytes(template)))


def placeholders_in_source(source: str) -> set[str]:
    """Dotted names a Jinja source reads from its context (loop variables and ``set`` names left out)."""
    from jinja2 import meta

    tree = ReportEnvironment().parse(source)
    undeclared = meta.find_undeclared_variables(tree)
    found: set[str] = set()
    _collect(tree, found)
    return {name for name in found if name.split(".", 1)[0] in undeclared}


def _collect(node, found: set[str]) -> None:
    from jinja2 import nodes

    if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
        name = template_rules.dotted(node)
        if name is not None and (not isinstance(node, nodes.Name) or node.ctx == "load"):
            found.add(name)
            return
    for child in node.iter_child_nodes():
        _collect(child, found)


def template_placeholders(template: TemplateSource) -> set[str]:
    """Dotted names a DOCX template uses, e.g. ``{"text.intro", "figures.members_total", "park.name", "year"}``.

    Raises jinja2's ``TemplateSyntaxError`` when the template is not valid Jinja.
    """
    found: set[str] = set()
    for source in template_sources(template):
        found |= placeholders_in_source(source.text)
    return found


def known_placeholders(kind: str, figure_keys: Iterable[str]) -> frozenset[str]:
    """Every name a template of ``kind`` may use."""
    return (
        FIXED_PLACEHOLDERS
        | {f"text.{key}" for key in outline.text_keys(kind)}
        | {f"figures.{key}" for key in figure_keys}
    )


def sample_context(kind: str, figure_keys: Iterable[str] = (), *, park_name: str = "", year: int = 2023) -> dict:
    """A context with every name filled in, for test renders and the sample report."""
    text = {}
    for block in outline.outline(kind):
        sample = _("Sample text of “%(key)s”.") % {"key": block.key}
        text[block.key] = f"{sample}\n{sample}" if block.style == outline.BODY else sample
    return {
        "park": {"name": park_name or _("Sample park"), "code": "SAMPLE"},
        "year": year,
        "kind": kind,
        "text": text,
        "figures": dict.fromkeys(figure_keys, _SAMPLE_FIGURE),
    }


#: One line of the long test text: Chinese prose with the characters escaping must handle.
_LONG_LINE = "园区党建工作稳步推进，“两个覆盖”持续扩大 & 组织生活 <规范> {有序} 100% 落实。" * 3


def longest_context(kind: str, figure_keys: Iterable[str] = ()) -> dict:
    """The context with every section at the longest a draft may hold, in lines of about 120 characters.

    An upload is filled in with it, so a template that is slow or heavy on
    real text is refused when it is uploaded rather than when a report is due.
    """
    lines = []
    while sum(len(line) + 1 for line in lines) + len(_LONG_LINE) < MAX_BLOCK_CHARS:
        lines.append(_LONG_LINE)
    body = "\n".join(lines)
    return {
        "park": {"name": "园" * 100, "code": "P" * 32},
        "year": 2099,
        "kind": kind,
        "text": dict.fromkeys(outline.text_keys(kind), body),
        "figures": dict.fromkeys(figure_keys, "1,234,567.89（含下属园区）"),
    }


# --- validation of uploaded templates ---------------------------------------------------


def _package_errors(file_bytes: bytes) -> list[str]:
    """Errors of the file as a zip package: not a docx, corrupt, too large unpacked, macros."""
    if not zipfile.is_zipfile(io.BytesIO(file_bytes)):
        return [_("The file is not a Word document (.docx).")]
    try:
        with zipfile.ZipFile(io.BytesIO(file_bytes)) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return [_("The file is not a Word document (.docx).")]
            if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
                return [_("The document unpacks to more than 50 MB; it cannot be used as a template.")]
            content_types = package.read("[Content_Types].xml").decode("utf-8", "replace")
            if (
                MACRO_CONTENT_TYPE in content_types
                or any(name.lower().endswith("vbaproject.bin") for name in names)
                or "word/vbaData.xml" in names
            ):
                return [_("The document contains macros; save it as a plain Word document (.docx) and upload again.")]
            if package.testzip() is not None:
                return [_("The file is damaged and cannot be read.")]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, UnicodeError, NotImplementedError):
        return [_("The file is damaged and cannot be read.")]
    return []


def validate_template(file_bytes: bytes, kind: str, known_figure_keys: Iterable[str]) -> list[str]:
    """What is wrong with an uploaded template of ``kind``, as messages for the user; empty when it is fine.

    Checked in order, stopping at the first failing step: size (5 MB), the
    package (a .docx, readable, no macros), then in the render child: the
    rules of :mod:`reports.template_rules` and the known placeholders (each
    problem with its place, unknown names listed), and a test fill with every
    section at its longest (:func:`longest_context`) within the time and
    memory a report may take.
    """
    if len(file_bytes) > MAX_TEMPLATE_BYTES:
        return [_("The template is larger than 5 MB.")]
    errors = _package_errors(file_bytes)
    if errors:
        return errors
    figure_keys = list(known_figure_keys)
    known = known_placeholders(kind, figure_keys)
    longest = prepare_context(longest_context(kind, figure_keys))

    def work() -> bytes:
        document = _document(file_bytes)
        problems, unknown = template_rules.check(_sources(document), known)
        if problems or unknown:
            raise TemplateFailure("rules", problems=[problem.as_dict() for problem in problems], unknown=unknown)
        _fill(document, longest)
        return b""

    try:
        _isolated(work)
    except TemplateFailure as failure:
        return failure_messages(failure)
    return []
