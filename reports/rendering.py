"""Filling a DOCX report template, listing its placeholders and checking uploaded templates.

Templates are docxtpl documents rendered in a sandboxed, autoescaping Jinja
environment. The context is::

    {"park": {"name": str, "code": str}, "year": int, "kind": str,
     "text": {block key: str}, "figures": {figure key: display str}}

Every string of the context is shown literally: it is XML-escaped here and
its braces and percent signs are written as character references, so text
such as ``{{ x }}`` or ``a & b < c`` can neither be interpreted by Jinja nor
break the XML. A line break in a string starts a new paragraph with the
style of the paragraph holding the placeholder (docxtpl's ``\\a``), so a body
block of several lines becomes several indented body paragraphs.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from . import outline

#: Largest template accepted for upload.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
#: Largest total uncompressed size of an uploaded template's parts (a zip bomb guard).
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
#: Names outside ``text`` and ``figures`` that a template may use.
FIXED_PLACEHOLDERS = frozenset({"park.name", "park.code", "year", "kind"})

MACRO_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
#: Characters XML 1.0 cannot hold (tab and newline are handled separately).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARAGRAPH_BREAK = "\a"  # docxtpl: a new paragraph with the same paragraph and run properties
_SAMPLE_FIGURE = "123"

TemplateSource = bytes | str | PathLike


def environment() -> SandboxedEnvironment:
    """The Jinja environment every report template renders in."""
    return SandboxedEnvironment(autoescape=True)


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


def _source(template: TemplateSource):
    return io.BytesIO(template) if isinstance(template, bytes) else template


def render_report(template: TemplateSource, context: dict) -> bytes:
    """Fill ``template`` (DOCX bytes or a path) with ``context``; return the DOCX bytes.

    Raises jinja2's ``TemplateError`` (including ``SecurityError`` from the sandbox)
    when the template cannot be rendered.
    """
    document = DocxTemplate(_source(template))
    document.render(prepare_context(context), jinja_env=environment())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- placeholders ---------------------------------------------------------------------------


def _template_sources(template: TemplateSource) -> list[str]:
    """The Jinja source of the body, headers and footers, as docxtpl renders it (a line per paragraph)."""
    document = DocxTemplate(_source(template))
    document.init_docx()
    parts = [document.get_xml()]
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        for _key, part in document.get_headers_footers(uri):
            parts.append(document.get_part_xml(part))
    return [re.sub(r"<w:p([ >])", r"\n<w:p\1", document.patch_xml(xml)) for xml in parts]


def _dotted(node: nodes.Node) -> str | None:
    """``text.intro`` for ``text.intro`` / ``text["intro"]``; None when the chain is not names and constants."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _dotted(node.node)
        return f"{base}.{node.arg.value}" if base else None
    return None


def _collect(node: nodes.Node, found: set[str]) -> None:
    if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
        name = _dotted(node)
        if name is not None and (not isinstance(node, nodes.Name) or node.ctx == "load"):
            found.add(name)
            return
    for child in node.iter_child_nodes():
        _collect(child, found)


def placeholders_in_source(source: str, env: SandboxedEnvironment | None = None) -> set[str]:
    """Dotted names a Jinja source reads from its context (loop variables and ``set`` names left out)."""
    tree = (env or environment()).parse(source)
    undeclared = meta.find_undeclared_variables(tree)
    found: set[str] = set()
    _collect(tree, found)
    return {name for name in found if name.split(".", 1)[0] in undeclared}


def template_placeholders(template: TemplateSource) -> set[str]:
    """Dotted names a DOCX template uses, e.g. ``{"text.intro", "figures.members_total", "park.name", "year"}``.

    Raises ``TemplateSyntaxError`` when the template is not valid Jinja.
    """
    env = environment()
    found: set[str] = set()
    for source in _template_sources(template):
        found |= placeholders_in_source(source, env)
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


# --- validation of uploaded templates ---------------------------------------------------


def _strip_tags(xml_line: str) -> str:
    return re.sub(r"<[^>]+>", "", xml_line).strip()


def _syntax_error_message(exc: TemplateSyntaxError, source: str) -> str:
    lines = source.splitlines()
    near = _strip_tags(lines[exc.lineno - 1]) if exc.lineno and exc.lineno <= len(lines) else ""
    if near:
        return _("Placeholder syntax error: %(error)s, in the paragraph “%(paragraph)s”.") % {
            "error": exc.message,
            "paragraph": near[:200],
        }
    return _("Placeholder syntax error: %(error)s.") % {"error": exc.message}


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

    Checked in order, stopping at the first failing step: size (5 MB), the package (a .docx,
    readable, no macros), placeholder syntax, unknown placeholders (each named), and a test render
    with a sample context.
    """
    if len(file_bytes) > MAX_TEMPLATE_BYTES:
        return [_("The template is larger than 5 MB.")]
    errors = _package_errors(file_bytes)
    if errors:
        return errors
    try:
        sources = _template_sources(file_bytes)
    except Exception:  # python-docx and lxml raise many kinds of errors on broken packages
        return [_("The file is damaged and cannot be read.")]
    env = environment()
    used: set[str] = set()
    for source in sources:
        try:
            used |= placeholders_in_source(source, env)
        except TemplateSyntaxError as exc:
            errors.append(_syntax_error_message(exc, source))
    if errors:
        return errors
    figure_keys = list(known_figure_keys)
    unknown = sorted(used - known_placeholders(kind, figure_keys))
    if unknown:
        return [
            _("Unknown placeholders: %(names)s. Use the names listed for this report kind.")
            % {"names": "、".join(unknown)}
        ]
    try:
        render_report(file_bytes, sample_context(kind, figure_keys))
    except TemplateError as exc:
        return [_("The template could not be filled in: %(error)s") % {"error": exc.message or type(exc).__name__}]
    except Exception:
        return [_("The template could not be filled in: the document structure is not supported.")]
    return []
