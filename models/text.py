"""Vietnamese text handling: everything stored is NFC (TCVN 6909 expects precomposed letters)
and free of the control characters XML 1.0 forbids — a name pasted from Word can carry its
line break (U+000B), which would make every document it appears in unreadable."""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

SPACES = re.compile("[\x0b\x0c]")  # Word's manual line and page breaks, as pasted text carries them
FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def nfc(value: str) -> str:
    """Precomposed, with XML-forbidden characters removed (a pasted line break becomes a space)."""
    return FORBIDDEN.sub("", SPACES.sub(" ", unicodedata.normalize("NFC", value)))


NFCStr = Annotated[str, AfterValidator(lambda v: nfc(v).strip())]
