"""What a user reads when a report template is refused or cannot be filled in: where, and what is wrong."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .sandbox import FILTERS, TemplateFailure


def failure_messages(failure: TemplateFailure) -> list[str]:
    """The messages for a :class:`~reports.sandbox.TemplateFailure`, in the user's language."""
    details = failure.details
    if failure.kind == "rules":
        messages = [problem_message(problem) for problem in details.get("problems", [])]
        if details.get("unknown"):
            messages.append(
                _("Unknown placeholders: %(names)s. Use the names listed for this report kind.")
                % {"names": "、".join(details["unknown"])}
            )
        return messages
    if failure.kind == "timeout":
        return [
            _(
                "Filling in the template took longer than %(seconds)s seconds and was stopped. Simplify the "
                "template, or use the built-in one, and try again."
            )
            % {"seconds": details.get("seconds", 5)}
        ]
    if failure.kind == "memory":
        return [
            _(
                "Filling in the template needed more memory than a report may use and was stopped. Simplify the "
                "template, or use the built-in one, and try again."
            )
        ]
    if failure.kind == "loop":
        return [
            _("The template repeats a passage more than %(count)s times; a report template may not loop.")
            % {"count": f"{details.get('count', 0):,}"}
        ]
    if failure.kind == "size":
        return [
            _("The template builds a text of more than %(count)s characters; a report template may not calculate.")
            % {"count": f"{details.get('count', 0):,}"}
        ]
    if failure.kind in ("call", "private", "operator", "security"):
        return [
            _(
                "The template uses something report templates may not use (functions, calculations or names "
                "starting with “_”). Check it against the rules on the report templates page."
            )
        ]
    if failure.kind == "damaged":
        return [_("The file is damaged and cannot be read.")]
    if failure.kind == "template":
        return [_("The template could not be filled in: check its placeholders against the built-in template.")]
    return [_("The template could not be filled in: the document structure is not supported.")]


def problem_message(problem: dict) -> str:
    """One :class:`~reports.template_rules.Problem` (as a dict) as a sentence naming its place."""
    return _("%(where)s: %(problem)s") % {"where": _where(problem), "problem": _what(problem)}


def _where(problem: dict) -> str:
    if problem["part"] == "properties":
        return _("the document property “%(name)s”") % {"name": problem["text"]}
    parts = {
        "body": _("paragraph %(number)d of the body"),
        "header": _("paragraph %(number)d of a header"),
        "footer": _("paragraph %(number)d of a footer"),
        "footnotes": _("paragraph %(number)d of the footnotes"),
    }
    place = parts.get(problem["part"], parts["body"]) % {"number": problem["paragraph"]}
    if problem["text"]:
        return _("%(place)s (“%(text)s”)") % {"place": place, "text": problem["text"]}
    return place


def _what(problem: dict) -> str:
    code, detail = problem["code"], problem["detail"]
    if code == "unclosed":
        return _("placeholder syntax error: {%% %(tag)s %%} is not closed; add {%% end%(tag)s %%}.") % {"tag": detail}
    if code == "print":
        return _("placeholder syntax error: a {{ is not closed with }}.")
    if code == "orphan":
        return _("placeholder syntax error: {%% %(tag)s %%} has no matching opening tag.") % {"tag": detail}
    if code == "syntax":
        return _("placeholder syntax error; check the braces, quotes and brackets of the placeholder.")
    if code == "statement":
        return _(
            "{%% %(tag)s %%} may not be used; a report template has {{ placeholders }} and "
            "{%% if %%} … {%% endif %%} only."
        ) % {"tag": detail}
    if code == "call":
        return _("“%(name)s(…)” calls a function; report templates may not call functions or methods.") % {
            "name": detail
        }
    if code == "private":
        return _("“%(name)s” is a hidden attribute; names starting with “_” may not be used.") % {"name": detail}
    if code == "filter":
        return _("the filter “%(name)s” may not be used; the filters allowed are %(allowed)s.") % {
            "name": detail,
            "allowed": "、".join(name for name in FILTERS if name != "d"),
        }
    if code == "test":
        return _("the test “is %(name)s” may not be used.") % {"name": detail}
    if code == "operator":
        return _("calculations (“%(operator)s”) may not be used in a report template.") % {"operator": detail}
    return _("this expression may not be used; write placeholders such as {{ text.intro }} or {{ park.name }}.")
