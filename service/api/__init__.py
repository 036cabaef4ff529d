"""The JSON API (/api/v1), one router per concern, and the types its routes share."""

from typing import Annotated

from fastapi import Path
from pydantic import Field

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers: anything larger names nothing, and overflows a query
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]  # an id in a request's body
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]  # an id in its path
