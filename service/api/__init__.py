"""The JSON API (/api/v1), one router per concern, and the types its routes share."""

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, Field

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers: anything larger names nothing, and overflows a query
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]  # an id in a request's body
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]  # an id in its path
# A code or id given as text (a tenant's code, a flow run's id) holds no control character: none
# names anything, and PostgreSQL cannot even compare text with a NUL in it.
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"


class Refusal(BaseModel):
    """How the API refuses a request (service/app.py): a code, a message a person can act on and,
    for a refusal of the domain, its details (the article, the field)."""

    error: str
    message: str
    details: dict[str, Any] = {}
    problems: list[str] = []  # invalid input: each field and what is wrong with it


class Unparsable(BaseModel):
    """FastAPI's own answer to a body it cannot decode."""

    detail: str


REFUSALS = {
    400: (Unparsable, "The body could not be decoded"),
    401: (Refusal, "No token, or one that is not valid or was revoked"),
    403: (Refusal, "The caller's roles do not allow the step"),
    404: (Refusal, "No such record, or none the caller may see"),
    409: (Refusal, "A stale version, or a step the record's state does not allow"),
    413: (Refusal, "The body is larger than VINHDANH_MAX_REQUEST_BYTES"),
    422: (Refusal, "Invalid input, or a rule of the law or the catalogue refuses the step"),
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The refusals a router's routes may answer with, as OpenAPI documents them."""
    return {s: {"model": REFUSALS[s][0], "description": REFUSALS[s][1]} for s in statuses}
