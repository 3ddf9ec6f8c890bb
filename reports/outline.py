"""The outline of the two built-in annual report kinds.

A report is a sequence of blocks. Every block is one editable text of the
draft (``text.<key>`` in a DOCX template) shown with one of four styles: the
title, a first-level heading (黑体), a second-level heading (楷体), or body
text (仿宋). Body text may hold several paragraphs, one per line.

The outline follows the structure of the seed reports (DESIGN.md, "Annual
reports"): ``situation`` is 工作现状 (four sub-sections) / 存在的问题 / 工作建议,
``duty`` is 主要工作情况 / 存在的问题和原因分析 / 下一步工作计划. The words
are the drafts' (``reports.drafting``); the outline only fixes order and style.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TITLE = "title"
HEADING1 = "heading1"
HEADING2 = "heading2"
BODY = "body"
CLOSING = "closing"  # the signature and date lines, right-aligned

STYLES = (TITLE, HEADING1, HEADING2, BODY, CLOSING)


@dataclass(frozen=True)
class Block:
    key: str
    style: str


SITUATION = "situation"
DUTY = "duty"
KINDS = (SITUATION, DUTY)

OUTLINES: dict[str, tuple[Block, ...]] = {
    SITUATION: (
        Block("title", TITLE),
        Block("intro", BODY),
        Block("h_status", HEADING1),
        Block("status_overview", BODY),
        Block("h_status_1", HEADING2),
        Block("status_1", BODY),
        Block("h_status_2", HEADING2),
        Block("status_2", BODY),
        Block("h_status_3", HEADING2),
        Block("status_3", BODY),
        Block("h_status_4", HEADING2),
        Block("status_4", BODY),
        Block("h_problems", HEADING1),
        Block("problems_intro", BODY),
        Block("problems", BODY),
        Block("h_suggestions", HEADING1),
        Block("suggestions", BODY),
        Block("signature", CLOSING),
        Block("date", CLOSING),
    ),
    DUTY: (
        Block("title", TITLE),
        Block("intro", BODY),
        Block("h_work", HEADING1),
        Block("h_work_1", HEADING2),
        Block("work_1", BODY),
        Block("h_work_2", HEADING2),
        Block("work_2", BODY),
        Block("h_work_3", HEADING2),
        Block("work_3", BODY),
        Block("h_problems", HEADING1),
        Block("problems", BODY),
        Block("causes", BODY),
        Block("h_plans", HEADING1),
        Block("plans", BODY),
        Block("signature", CLOSING),
        Block("date", CLOSING),
    ),
}

# Names a DOCX template may use besides ``text.<key>`` and ``figures.<key>``.
CONTEXT_NAMES = ("park", "year", "kind", "text", "figures")


def outline(kind: str) -> tuple[Block, ...]:
    """The blocks of a report kind, in order (KeyError for an unknown kind)."""
    return OUTLINES[kind]


def text_keys(kind: str) -> tuple[str, ...]:
    return tuple(block.key for block in OUTLINES[kind])


STYLE_LABELS = {
    TITLE: _("Title"),
    HEADING1: _("Heading"),
    HEADING2: _("Sub-heading"),
    BODY: _("Text"),
    CLOSING: _("Closing line"),
}
