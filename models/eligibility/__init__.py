"""Eligibility: does a subject's history meet an award's criteria, article by article."""

from models.eligibility.engine import (
    ELIGIBLE,
    INELIGIBLE,
    NEEDS_JUDGEMENT,
    SubjectMismatch,
    Verdict,
    check,
    check_many,
    review_year,
    verdict,
)
from models.eligibility.history import History, history_from_data

__all__ = [
    "ELIGIBLE",
    "INELIGIBLE",
    "NEEDS_JUDGEMENT",
    "History",
    "SubjectMismatch",
    "Verdict",
    "check",
    "check_many",
    "history_from_data",
    "review_year",
    "verdict",
]
