"""What a report template may say, checked before the template is used.

A report template puts the report's texts and figures into a document staff
laid out in Word; it needs no logic beyond showing a passage only when
something holds. So a template may use exactly:

* ``{{ … }}`` placeholders naming a known value (``text.<section>``,
  ``figures.<figure>``, ``park.name``, ``park.code``, ``year``, ``kind``),
  optionally through the filters ``default`` (``d``), ``trim``, ``upper`` and
  ``lower``;
* ``{% if … %}`` / ``{% elif … %}`` / ``{% else %}`` / ``{% endif %}``, also in
  docxtpl's paragraph, table-row, table-cell and run forms (``{%p if … %}``,
  ``{%tr if … %}``, ``{%tc if … %}``, ``{%r if … %}``, which docxtpl turns
  into plain ``{% if %}`` before Jinja reads them), over those values,
  constants, comparisons (``==`` ``!=`` ``<`` ``>`` ``<=`` ``>=`` ``in``),
  ``and`` / ``or`` / ``not``, ``a if c else b`` and the tests ``is defined``,
  ``is undefined``, ``is none``, ``is number``, ``is string``;
* comments ``{# … #}``.

Everything else is refused with the place it is in: other statements
(``for``, ``set``, ``macro``, ``include``, …: the report has no lists to
loop over), calls of any function or method (``range()``, ``lipsum()``,
``.format()``), calculations (``*``, ``+``, ``~``, …), names starting with
``_``, other filters and tests. A syntax error is reported in the same way,
never with Jinja's own English text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from jinja2 import TemplateSyntaxError, nodes

from .sandbox import FILTERS, TESTS, ReportEnvironment

COMPARISONS = frozenset({"eq", "ne", "lt", "gt", "lteq", "gteq", "in", "notin"})
#: Problems reported for one template at most (the first ones, in document order).
MAX_PROBLEMS = 20

_STATEMENTS = {
    nodes.For: "for",
    nodes.Assign: "set",
    nodes.AssignBlock: "set",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.FilterBlock: "filter",
    nodes.With: "with",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from",
    nodes.Extends: "extends",
    nodes.Block: "block",
    nodes.ExprStmt: "do",
    nodes.Continue: "continue",
    nodes.Break: "break",
    nodes.ScopedEvalContextModifier: "autoescape",
    nodes.EvalContextModifier: "autoescape",
}
_PLAIN = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.If, nodes.CondExpr)
_PLAIN += (nodes.Tuple, nodes.List)


@dataclass(frozen=True)
class Source:
    """Jinja source docxtpl renders: a document part (one line a paragraph) or one document property."""

    part: str  # body, header, footer, footnotes or properties
    text: str
    name: str = ""  # the property's name


@dataclass(frozen=True)
class Problem:
    """One thing a template may not do, where it is, and what it is (``detail``: a tag, a name, an operator)."""

    code: str  # syntax, unclosed, print, orphan, statement, call, private, filter, test, operator, expression
    part: str
    paragraph: int  # 1 for the first paragraph of the part; 0 for a document property
    text: str  # the paragraph's text, or the property's name
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def dotted(node: nodes.Node) -> str | None:
    """``text.intro`` for ``text.intro`` / ``text["intro"]``; None when the chain is not names and constants."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = dotted(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = dotted(node.node)
        return f"{base}.{node.arg.value}" if base else None
    return None


def check(sources: Iterable[Source], known: frozenset[str]) -> tuple[list[Problem], list[str]]:
    """The problems of every source, and the unknown placeholder names (sorted), for a template of ``known`` names."""
    problems: list[Problem] = []
    unknown: set[str] = set()
    env = ReportEnvironment()
    for source in sources:
        lines = source.text.splitlines() or [""]

        def where(lineno: int | None, _source=source, _lines=lines) -> tuple[str, int, str]:
            if _source.part == "properties":
                return _source.part, 0, _source.name
            number = min(max((lineno or 1), 1), len(_lines))
            return _source.part, max(number - 1, 1), _paragraph_text(_lines[number - 1])

        try:
            tree = env.parse(source.text)
        except TemplateSyntaxError as exc:
            line = lines[min(max(exc.lineno or 1, 1), len(lines)) - 1]
            code, detail = _syntax(exc, line)
            problems.append(Problem(code, *where(exc.lineno), detail=detail))
            continue
        _Walker(known, problems, unknown, where).visit(tree)
    unique = list(dict.fromkeys(problems))
    return unique[:MAX_PROBLEMS], sorted(unknown)


def _paragraph_text(xml_line: str) -> str:
    text = re.sub(r"<[^>]+>", "", xml_line).strip()
    return text if len(text) <= 60 else text[:60] + "…"


def _syntax(exc: TemplateSyntaxError, line: str) -> tuple[str, str]:
    """Jinja's syntax error (on ``line``) as a problem code and detail; its English message is never shown."""
    message = exc.message or ""
    unknown_tag = re.match(r"Encountered unknown tag '(\w+)'", message)
    if unknown_tag:
        tag = unknown_tag.group(1)
        return ("orphan", tag) if tag.startswith(("end", "el")) else ("statement", tag)
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if innermost:
        return "unclosed", innermost.group(1)
    if "end of print statement" in message or line.rfind("{{") > line.rfind("}}"):
        return "print", ""
    return "syntax", ""


class _Walker:
    """Walks a template's syntax tree, noting what it may not do."""

    def __init__(self, known, problems, unknown, where):
        self.known = known
        self.problems = problems
        self.unknown = unknown
        self.where = where

    def note(self, node: nodes.Node, code: str, detail: str = "") -> None:
        self.problems.append(Problem(code, *self.where(node.lineno), detail=detail))

    def visit(self, node: nodes.Node) -> None:
        statement = _STATEMENTS.get(type(node))
        if statement is not None:
            self.note(node, "statement", statement)
        elif isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.visit_reference(node)
        elif isinstance(node, nodes.Call):
            self.note(node, "call", dotted(node.node) or getattr(node.node, "attr", None) or "…")
        elif isinstance(node, nodes.Concat):
            self.note(node, "operator", "~")
        elif isinstance(node, nodes.And | nodes.Or | nodes.Not):
            self.visit_children(node)
        elif isinstance(node, nodes.BinExpr | nodes.UnaryExpr):
            self.note(node, "operator", node.operator)
        elif isinstance(node, nodes.Filter):
            if node.name not in FILTERS or node.dyn_args is not None or node.dyn_kwargs is not None:
                self.note(node, "filter", node.name)
            else:
                self.visit_children(node)
        elif isinstance(node, nodes.Test):
            if node.name not in TESTS or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
                self.note(node, "test", node.name)
            else:
                self.visit_children(node)
        elif isinstance(node, nodes.Compare):
            if any(operand.op not in COMPARISONS for operand in node.ops):
                self.note(node, "operator", next(o.op for o in node.ops if o.op not in COMPARISONS))
            else:
                self.visit(node.expr)
                for operand in node.ops:
                    self.visit(operand.expr)
        elif isinstance(node, nodes.Keyword):
            self.visit(node.value)
        elif isinstance(node, _PLAIN):
            self.visit_children(node)
        else:
            self.note(node, "expression")

    def visit_children(self, node: nodes.Node) -> None:
        for child in node.iter_child_nodes():
            self.visit(child)

    def visit_reference(self, node: nodes.Name | nodes.Getattr | nodes.Getitem) -> None:
        """A placeholder: every step a plain name not starting with ``_``, the whole a known name."""
        step = node
        while isinstance(step, nodes.Getattr | nodes.Getitem):
            key = step.attr if isinstance(step, nodes.Getattr) else getattr(step.arg, "value", None)
            if isinstance(key, str) and key.startswith("_"):
                self.note(node, "private", key)
                return
            if isinstance(step, nodes.Getitem) and not isinstance(step.arg, nodes.Const):
                self.note(node, "expression")
                return
            step = step.node
        name = dotted(node)
        if name is None:  # a constant's attribute, e.g. ''.upper
            self.note(node, "expression")
        elif name not in self.known:
            self.unknown.add(name)
