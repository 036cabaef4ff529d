"""The JSON API (/api/v1), one router per concern, and the types its routes share."""

from typing import Annotated

from fastapi import Path
from pydantic import Field

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers: anything larger names nothing, and overflows a query
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]  # an id in a request's body
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]  # an id in its path
# A code or id given as text (a tenant's code, a flow run's id) holds no control character: none
# names anything, and PostgreSQL cannot even compare text with a NUL in it.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
