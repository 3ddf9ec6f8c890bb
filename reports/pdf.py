"""A report's PDF, made from its DOCX by LibreOffice on the server, and PNG pictures of its pages.

:func:`docx_to_pdf` runs ``soffice --headless --convert-to pdf`` in a
temporary folder of its own with a LibreOffice profile of its own (two
conversions at once never share a profile, which LibreOffice cannot do),
in a process group that is killed when it takes longer than
``settings.REPORT_PDF_TIMEOUT`` seconds. :func:`pdf_pages_png` draws the
pages with poppler's ``pdftoppm`` for the preview in the editor.

Whatever goes wrong — LibreOffice not installed, a crash, a timeout — is a
:class:`PdfProblem` whose message, in the user's language, says so; the
DOCX does not depend on it. The fonts LibreOffice lays the report out with
are the server's (README, "Deployment": the official fonts or the free
stand-ins of ``reports/fonts/``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

#: The largest PDF accepted back from LibreOffice.
MAX_PDF_BYTES = 50 * 1024 * 1024
#: Pages drawn for the preview, at most.
MAX_PREVIEW_PAGES = 30
#: Resolution of the preview pictures (dots per inch): an A4 page 620 × 877 pixels.
PREVIEW_DPI = 75
PDF_CONTENT_TYPE = "application/pdf"


class PdfProblem(Exception):
    """No PDF could be made; ``str()`` is the reason, for the user."""


def soffice_path() -> str | None:
    """The LibreOffice program: ``settings.REPORT_SOFFICE`` if set, else ``soffice`` or ``libreoffice`` on PATH."""
    configured = getattr(settings, "REPORT_SOFFICE", "")
    if configured:
        return configured if Path(configured).is_file() and os.access(configured, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(command: list[str], *, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    """Run ``command`` in a new process group, killing the whole group when it outlives ``timeout``."""
    process = subprocess.Popen(  # noqa: S603 — a fixed program and our own arguments, no shell
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "HOME": str(cwd), "TMPDIR": str(cwd), "SAL_USE_VCLPLUGIN": "svp"},
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise
    finally:
        if process.poll() is None:
            _kill_group(process)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


#: LibreOffice's paragraph setting for punctuation at a line's end, as it reads it from a DOCX.
HANGING_WRAP = b'style:punctuation-wrap="hanging"'
SIMPLE_WRAP = b'style:punctuation-wrap="simple"'


def _without_hanging_punctuation(odt: Path) -> None:
    """Turn off hanging punctuation in an ODT's styles and paragraphs, in place.

    LibreOffice 7.4 hangs a line-ending 。 past the margin when the line is exactly full of our
    condensed 3号 characters, and then draws nothing: the full stop disappears from the PDF. It
    ignores ``w:overflowPunct`` in a DOCX, so the setting is changed in its own format. A line then
    holds 27 characters where a 28th would be followed by punctuation that may not begin a line,
    as typeset Chinese does without hanging punctuation.
    """
    patched = odt.with_name("patched.odt")
    with zipfile.ZipFile(odt) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in ("styles.xml", "content.xml"):
                content = content.replace(HANGING_WRAP, SIMPLE_WRAP)
            target.writestr(item, content)  # keeps each member's compression (mimetype stays stored, first)
    patched.replace(odt)


def docx_to_pdf(data: bytes, *, timeout: float | None = None) -> bytes:
    """The PDF of a DOCX document, made by LibreOffice; :class:`PdfProblem` when it cannot be made.

    Two conversions: DOCX to ODT (where hanging punctuation is switched off, see
    :func:`_without_hanging_punctuation`), then ODT to PDF, within one time limit.
    """
    program = soffice_path()
    if program is None:
        raise PdfProblem(
            _(
                "LibreOffice is not installed on the server, so no PDF was made; the Word document is "
                "available. Ask the administrator to install LibreOffice (see the deployment notes)."
            )
        )
    seconds = timeout if timeout is not None else getattr(settings, "REPORT_PDF_TIMEOUT", 60)
    with tempfile.TemporaryDirectory(prefix="parkparty-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(data)
        options = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
        ]
        deadline = time.monotonic() + seconds
        try:
            _run([*options, "--convert-to", "odt", "--outdir", str(work), str(source)], cwd=work, timeout=seconds)
            odt = work / "report.odt"
            if not odt.is_file():
                raise PdfProblem(_("LibreOffice could not turn the report into a PDF; the Word document is available."))
            _without_hanging_punctuation(odt)
            remaining = max(deadline - time.monotonic(), 1)
            command = [*options, "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work), str(odt)]
            _run(command, cwd=work, timeout=remaining)
        except subprocess.TimeoutExpired:
            raise PdfProblem(
                _("LibreOffice did not finish the PDF within %(seconds)s seconds; the Word document is available.")
                % {"seconds": seconds}
            ) from None
        except OSError:
            raise PdfProblem(
                _("LibreOffice could not be started on the server, so no PDF was made; the Word document is available.")
            ) from None
        target = work / "report.pdf"
        if not target.is_file() or target.stat().st_size > MAX_PDF_BYTES:
            raise PdfProblem(_("LibreOffice could not turn the report into a PDF; the Word document is available."))
        pdf = target.read_bytes()
    if not pdf.startswith(b"%PDF"):
        raise PdfProblem(_("LibreOffice could not turn the report into a PDF; the Word document is available."))
    return pdf


def pdftoppm_path() -> str | None:
    return shutil.which("pdftoppm")


def pdf_pages_png(pdf: bytes, *, dpi: int = PREVIEW_DPI, timeout: float = 30) -> list[bytes]:
    """PNG pictures of the PDF's pages (at most :data:`MAX_PREVIEW_PAGES`); empty without poppler's pdftoppm."""
    program = pdftoppm_path()
    if program is None:
        return []
    with tempfile.TemporaryDirectory(prefix="parkparty-png-") as folder:
        work = Path(folder)
        (work / "report.pdf").write_bytes(pdf)
        command = [program, "-png", "-r", str(dpi), "-l", str(MAX_PREVIEW_PAGES), "report.pdf", "page"]
        try:
            result = _run(command, cwd=work, timeout=timeout)
        except (subprocess.TimeoutExpired, OSError):
            return []
        if result.returncode != 0:
            return []
        pages = sorted(work.glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        return [page.read_bytes() for page in pages]


def as_requested(docx: bytes, target: Path) -> bytes:
    """The DOCX, or its PDF when ``target`` ends in ``.pdf`` (for the commands); CommandError when no PDF."""
    if target.suffix.lower() != ".pdf":
        return docx
    from django.core.management.base import CommandError

    try:
        return docx_to_pdf(docx)
    except PdfProblem as problem:
        raise CommandError(str(problem)) from None
