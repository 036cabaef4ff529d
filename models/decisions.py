"""Decisions (Quyết định) and the document register that numbers them (Decree 30/2020 Art. 15)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.db import enum_type, utcnow


class DecisionState(StrEnum):
    DRAFT = "draft"  # prepared by the secretariat
    SIGNED = "signed"  # signed by the authority, waiting for its number
    ISSUED = "issued"  # numbered, conferred, in the nominees' history


class Decision(SQLModel, table=True):
    """A decision conferring one award on a list of nominees."""

    id: int | None = Field(default=None, primary_key=True)
    issuer_unit_id: int = Field(foreign_key="unit.id", index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    award_code: str = Field(max_length=20)
    state: DecisionState = Field(default=DecisionState.DRAFT, sa_type=enum_type(DecisionState))
    number: int | None = None  # from the register when signed
    year: int | None = None
    symbol: str = Field(default="", max_length=40)  # "QĐ-UBND"
    signed_on: date | None = None
    signer_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    issued_at: datetime | None = None

    @property
    def reference(self) -> str:
        """'05/QĐ-UBND': numbers below 10 take a leading zero (Decree 30/2020 App. I §II.3)."""
        return f"{self.number:02d}/{self.symbol}" if self.number else ""


class Register(SQLModel, table=True):
    """Sổ đăng ký văn bản: one series per issuer, year and document type, starting at 01."""

    __table_args__ = (UniqueConstraint("issuer_unit_id", "year", "doc_type"),)
    id: int | None = Field(default=None, primary_key=True)
    issuer_unit_id: int = Field(foreign_key="unit.id")
    year: int
    doc_type: str = Field(max_length=10)  # QĐ, TTr, BB (Decree 30/2020 App. III)
    last_number: int = 0


class GeneratedDocument(SQLModel, table=True):
    """A document the engine produced: one per kind and owner, so producing it again (a retry,
    a second worker) finds it instead of making another."""

    __table_args__ = (UniqueConstraint("kind", "owner"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)  # quyet_dinh, to_trinh, bien_ban, bang_khen, in_bang_khen, …
    owner: str = Field(max_length=60, index=True)  # "decision:12", "nomination:7", …
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    size: int
    generated_at: datetime = Field(default_factory=utcnow)
    generated_by: str = Field(default="", max_length=200)  # the actor or the flow run
