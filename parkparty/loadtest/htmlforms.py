"""A page's forms as a browser would submit them, with the standard library only.

The simulated editors of the load test GET an edit page, read every field
of its form (the hidden ``version`` included) and POST them back with one
value changed, exactly as a person pressing "Save" would. :func:`judge_save`
tells an accepted save (302 to the record) from a refusal as stale (400 with
the form's own error and no field marked invalid). This module runs inside
locust's process, so it imports nothing from Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Inputs a browser never submits as text (a file input sends an empty part, which Django reads as no file).
_NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}
# Elements without an end tag.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class HtmlForm:
    """One ``<form>``: its method, action and the fields a browser would send, in page order."""

    method: str = "get"
    action: str = ""
    enctype: str = "application/x-www-form-urlencoded"
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: The texts of the form's own error blocks (``role="alert"``), e.g. the stale-edit message.
    errors: list[str] = field(default_factory=list)
    #: The fields marked invalid (``is-invalid``), by name.
    invalid: list[str] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        """The first value sent under ``name``, or None when the form sends none."""
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def with_value(self, name: str, value: str) -> list[tuple[str, str]]:
        """The fields to send, with ``name`` set to ``value`` (added when the form has no such field)."""
        sent = [(key, value if key == name else old) for key, old in self.fields]
        if all(key != name for key, _ in self.fields):
            sent.append((name, value))
        return sent


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None
        self._alert: list | None = None  # [depth, text] of the error block being read

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self._form = HtmlForm(
                method=attributes.get("method", "get").lower(),
                action=attributes.get("action", ""),
                enctype=attributes.get("enctype", "application/x-www-form-urlencoded").lower(),
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if self._alert is not None:
            if tag not in _VOID:
                self._alert[0] += 1
        elif attributes.get("role") == "alert":
            self._alert = [1, ""]
        name = attributes.get("name")
        disabled = "disabled" in attributes
        if name and "is-invalid" in attributes.get("class", "").split():
            self._form.invalid.append(name)
        if tag == "input" and name and not disabled:
            kind = attributes.get("type", "text").lower()
            if kind in _NOT_SUBMITTED:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self._form.fields.append((name, attributes.get("value", "on")))
                return
            self._form.fields.append((name, attributes.get("value", "")))
        elif tag == "select":
            self._select = {"name": name, "disabled": disabled, "multiple": "multiple" in attributes, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attributes.get("value"), "selected": "selected" in attributes, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": name, "disabled": disabled, "text": ""}

    def handle_data(self, data):
        if self._alert is not None:
            self._alert[1] += data
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if self._alert is not None and tag not in _VOID:
            self._alert[0] -= 1
            if self._alert[0] == 0:
                if self._form is not None:
                    self._form.errors.append(" ".join(self._alert[1].split()))
                self._alert = None
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            self._close_select()
        elif tag == "textarea" and self._textarea is not None:
            area, self._textarea = self._textarea, None
            if area["name"] and not area["disabled"] and self._form is not None:
                text = area["text"]
                # Browsers drop one newline right after <textarea> (Django's widget writes one).
                if text.startswith("\r\n"):
                    text = text[2:]
                elif text.startswith("\n"):
                    text = text[1:]
                self._form.fields.append((area["name"], text))

    def _close_select(self):
        select, self._select, self._option = self._select, None, None
        if not select["name"] or select["disabled"] or self._form is None or not select["options"]:
            return
        values = [o["value"] if o["value"] is not None else o["text"].strip() for o in select["options"]]
        chosen = [v for v, o in zip(values, select["options"], strict=True) if o["selected"]]
        if select["multiple"]:
            self._form.fields.extend((select["name"], value) for value in chosen)
        else:
            # A single select sends its last selected option, or its first option when none is.
            self._form.fields.append((select["name"], chosen[-1] if chosen else values[0]))


def parse_forms(html: str) -> list[HtmlForm]:
    """Every form of the page, in order."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def post_form(html: str, required_field: str) -> HtmlForm | None:
    """The page's first POST form that sends ``required_field`` (e.g. the record form's ``version``)."""
    for form in parse_forms(html):
        if form.method == "post" and form.value(required_field) is not None:
            return form
    return None


def judge_save(status: int, location: str, html: str, target: dict) -> tuple[str, str]:
    """``accepted`` (302 to the record's page), ``refused`` (400 with only the stale-edit error) or ``unexpected``."""
    detail = f"/{target['model']}/{target['pk']}/"
    if status == 302 and urlsplit(location).path == detail:
        return "accepted", ""
    if status == 400:
        forms = [f for f in parse_forms(html) if f.value("version") is not None]
        if forms and forms[0].errors and not forms[0].invalid:
            return "refused", forms[0].errors[0][:300]
        problems = forms[0].invalid if forms else ["no form"]
        return "unexpected", f"HTTP 400 that is not a stale-edit refusal (fields: {', '.join(problems)})"
    return "unexpected", f"HTTP {status} {location}".strip()
