"""PDF export through LibreOffice headless, when it is installed (Debian: libreoffice-writer-nogui
with fonts-liberation2, whose Liberation Serif is metric-compatible with Times New Roman)."""

import shutil
import subprocess
import tempfile
from pathlib import Path


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed here: PDF export is an optional feature."""


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise PdfUnavailable(
            "PDF export needs LibreOffice: apt-get install --no-install-recommends "
            "libreoffice-writer-nogui fonts-liberation2"
        )
    return found


def to_pdf(docx: bytes, timeout: float = 120) -> bytes:
    """Convert one document. Each conversion gets its own LibreOffice profile, so conversions
    may run side by side (one profile serves one soffice process at a time)."""
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="vinhdanh-pdf-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        profile = (folder / "profile").as_uri()
        options = ["--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={profile}"]
        command = [program, *options, "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        output = folder / "document.pdf"
        if result.returncode != 0 or not output.exists():
            raise RuntimeError(
                f"LibreOffice could not convert the document: {result.stderr.decode(errors='replace')}"
            )
        return output.read_bytes()
