"""Where report templates run: a locked-down Jinja sandbox, in a child process with a time and a memory limit.

Uploaded templates are checked when they are uploaded (:mod:`reports.template_rules`);
this module is the second line, for whatever a check could miss:

* :class:`ReportEnvironment`, a sandboxed, autoescaping Jinja environment
  with no globals (no ``range``, ``lipsum``, ``cycler``, ``joiner``,
  ``namespace``, ``dict``), a handful of plain filters and tests, no calls at
  all, an error (not an empty string) on a hidden attribute, at most
  :data:`MAX_LOOP_ITERATIONS` loop passes a render, and no ``*``, ``+`` or
  ``**`` producing more than :data:`MAX_RESULT_LENGTH` items.
* :func:`run_isolated`, which runs the render in a forked child process that
  is killed when it runs longer than ``settings.REPORT_RENDER_TIMEOUT``
  seconds or asks for more than ``settings.REPORT_RENDER_MEMORY_MB`` of
  memory (an address-space limit set with ``resource.setrlimit``). The child
  sends back the document or what went wrong; the parent never waits longer
  than the timeout and never reads more than :data:`MAX_OUTPUT_BYTES`.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable, Iterable, Iterator

from jinja2 import TemplateError, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.filters import do_default, do_lower, do_trim, do_upper
from jinja2.sandbox import SandboxedEnvironment

#: Loop passes one render may make (all loops together).
MAX_LOOP_ITERATIONS = 10_000
#: Characters (or items) a ``*``, ``+`` or ``**`` may produce.
MAX_RESULT_LENGTH = 200_000
#: The largest document the child may send back.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024

#: Filters a template may use: plain ones whose output is no longer than their input and a default.
FILTERS = {"default": do_default, "d": do_default, "trim": do_trim, "upper": do_upper, "lower": do_lower}
#: Tests a template may use (``{% if figures.x is defined %}``).
TESTS = ("defined", "undefined", "none", "number", "string")
_BOUNDED = "report_bounded_loop"


class TemplateFailure(Exception):
    """A template that cannot be used: ``kind`` and the ``details`` its message names (JSON-safe)."""

    def __init__(self, kind: str, **details):
        super().__init__(kind, details)
        self.kind = kind
        self.details = details


class ReportEnvironment(SandboxedEnvironment):
    """The Jinja environment every report template renders in (one per render: it counts loop passes)."""

    intercepted_binops = frozenset({"*", "+", "**", "%", "//"})

    def __init__(self):
        super().__init__(autoescape=True)
        self.globals.clear()
        self.filters = dict(FILTERS)
        self.filters[_BOUNDED] = self._bounded
        self.tests = {name: test for name, test in self.tests.items() if name in TESTS}
        self.iterations = 0

    def _parse(self, source, name, filename):
        """The template's syntax tree, every loop's sequence passed through the pass counter."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _BOUNDED, [], [], None, None, lineno=loop.lineno)
        return tree

    def _bounded(self, iterable: Iterable) -> Iterator:
        for item in iterable:
            self.iterations += 1
            if self.iterations > MAX_LOOP_ITERATIONS:
                raise TemplateFailure("loop", count=MAX_LOOP_ITERATIONS)
            yield item

    def unsafe_undefined(self, obj, attribute):
        raise TemplateFailure("private", name=str(attribute)[:100])

    def call(__self, __context, __obj, *args, **kwargs):  # Jinja's own signature
        raise TemplateFailure("call", name=getattr(__obj, "__name__", type(__obj).__name__)[:100])

    def call_binop(self, context, operator, left, right):
        if operator == "%" and isinstance(left, str):
            raise TemplateFailure("operator", operator="%")
        if operator == "**" and (abs(_number(right)) > 64 or abs(_number(left)) > 10**6):
            raise TemplateFailure("size", count=MAX_RESULT_LENGTH)
        if operator == "*" and max(_length(left) * _number(right), _length(right) * _number(left)) > MAX_RESULT_LENGTH:
            raise TemplateFailure("size", count=MAX_RESULT_LENGTH)
        if operator == "+" and _length(left) + _length(right) > MAX_RESULT_LENGTH:
            raise TemplateFailure("size", count=MAX_RESULT_LENGTH)
        return super().call_binop(context, operator, left, right)


def _number(value) -> float:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _length(value) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


# --- the child process --------------------------------------------------------------------------


def run_isolated(work: Callable[[], bytes], *, timeout: float, memory_mb: int) -> bytes:
    """``work()`` in a forked child: its bytes, or :class:`TemplateFailure` (``timeout``, ``memory``, …).

    The child inherits everything it needs (no pickling), lowers its own
    address-space limit, writes its outcome to a pipe and exits without
    running any clean-up of the parent's (database connections included).
    """
    if not hasattr(os, "fork"):  # not on Linux: no isolation to be had
        return _outcome_bytes(_attempt(work))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            gc.disable()  # a collection would touch every object the parent has, copying its memory page by page
            os.close(read_end)
            _limit_memory(memory_mb)
            payload = _attempt(work)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        payload = _collect(read_end, timeout)
    finally:
        os.close(read_end)
        status = _reap(pid)
    if not payload:  # the child died without a word
        raise TemplateFailure("memory" if os.WIFSIGNALED(status) else "structure")
    return _outcome_bytes(payload)


def _limit_memory(memory_mb: int) -> None:
    """Allow the child ``memory_mb`` more address space than it starts with (a fork shares the parent's)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
    except OSError:  # no /proc (not Linux): the time limit still holds
        return
    limit = pages * os.sysconf("SC_PAGE_SIZE") + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _attempt(work: Callable[[], bytes]) -> bytes:
    """The outcome to send: ``O`` and the document, or ``F`` and what went wrong as JSON."""
    try:
        return b"O" + work()
    except TemplateFailure as failure:
        outcome = {"kind": failure.kind, "details": failure.details}
    except MemoryError:
        outcome = {"kind": "memory", "details": {}}
    except SecurityError:
        outcome = {"kind": "security", "details": {}}
    except (TemplateSyntaxError, UndefinedError, TemplateError):
        outcome = {"kind": "template", "details": {}}
    except RecursionError:
        outcome = {"kind": "memory", "details": {}}
    except Exception:  # python-docx and lxml raise many kinds of errors on documents they cannot handle
        outcome = {"kind": "structure", "details": {}}
    return b"F" + json.dumps(outcome).encode()


def _collect(read_end: int, timeout: float) -> bytes:
    """Everything the child writes, within ``timeout`` seconds and :data:`MAX_OUTPUT_BYTES`."""
    deadline = time.monotonic() + timeout
    chunks = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([read_end], [], [], remaining)[0]:
            raise TemplateFailure("timeout", seconds=timeout)
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_OUTPUT_BYTES:
            raise TemplateFailure("memory")
        chunks.append(chunk)


def _reap(pid: int) -> int:
    """Kill the child if it still runs and collect it (no zombie left behind); its exit status."""
    finished, status = os.waitpid(pid, os.WNOHANG)
    if not finished:
        os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
    return status


def _outcome_bytes(payload: bytes) -> bytes:
    if payload[:1] == b"O":
        return payload[1:]
    try:
        outcome = json.loads(payload[1:])
        failure = TemplateFailure(str(outcome["kind"]), **dict(outcome["details"]))
    except (ValueError, KeyError, TypeError):
        failure = TemplateFailure("structure")
    raise failure
