"""Vietnamese text handling: everything stored is NFC (TCVN 6909 expects precomposed letters)."""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


NFCStr = Annotated[str, AfterValidator(lambda v: nfc(v).strip())]
