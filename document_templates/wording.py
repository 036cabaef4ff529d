"""The phrases official documents are made of: names of authorities, people and collectives as
a decision lists them, counts, the signing block. One place, so every document words them alike."""

from datetime import date

from sqlmodel import Session, col, select

from document_templates.contexts import Header, Signature, signature
from models.catalogue import Award
from models.org import Membership, Person, Unit, UnitKind

TOP = {UnitKind.PROVINCE, UnitKind.MINISTRY}


def header(session: Session, unit: Unit, number: int | None, symbol: str, day: date | None) -> Header:
    """Boxes 1–4 for a document of `unit`: a department names its province or ministry above
    itself (the parent body, cơ quan chủ quản)."""
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    parent_body = parent.name.upper() if parent is not None and parent.kind in TOP else ""
    place = unit.place or (parent.place if parent else "")
    return Header(
        parent_body=parent_body, issuer=unit.name.upper(), number=number, symbol=symbol, place=place, day=day
    )


def posting(session: Session, person_id: int, year: int) -> tuple[str, Unit | None]:
    """A person's post and unit during the year (the latest posting that year)."""
    row = session.exec(
        select(Membership.post, Unit)
        .join(Unit, col(Unit.id) == Membership.unit_id)
        .where(Membership.person_id == person_id, Membership.start_on <= date(year, 12, 31))
        .order_by(col(Membership.start_on).desc(), col(Membership.id).desc())
    ).first()
    return (row[0], row[1]) if row else ("", None)


def unit_path(session: Session, unit: Unit | None) -> str:
    """'Phòng Ngân sách, Sở Tài chính': a unit followed by its parents up to the department."""
    parts = []
    while unit is not None and unit.kind not in TOP | {UnitKind.CENTRAL, UnitKind.STATE}:
        parts.append(unit.name)
        unit = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return ", ".join(parts)


def salutation(person: Person) -> str:
    return "Bà" if person.gender.lower() in {"nữ", "nu", "female"} else "Ông"


def person_entry(session: Session, person: Person, year: int) -> tuple[str, str]:
    """('Ông Nguyễn Văn An', 'Chuyên viên, Phòng Ngân sách, Sở Tài chính') as lists print them."""
    post, unit = posting(session, person.id, year)
    detail = ", ".join(part for part in (post, unit_path(session, unit)) if part)
    return f"{salutation(person)} {person.full_name}", detail


def collective_entry(session: Session, unit: Unit) -> str:
    return unit_path(session, unit)


def count_text(collectives: int, individuals: int) -> str:
    """'02 tập thể và 05 cá nhân' (numbers below 10 with a leading zero, as decisions write them)."""
    parts = [f"{n:02d} {label}" for n, label in ((collectives, "tập thể"), (individuals, "cá nhân")) if n]
    return " và ".join(parts)


def conferring(award: Award, year: int) -> tuple[str, str]:
    """(verb phrase, what): 'Công nhận danh hiệu', '“Lao động tiên tiến” năm 2025' for a title;
    'Tặng', 'Bằng khen của …' for a form."""
    if award.kind == "title":
        return "Công nhận danh hiệu", f"“{award.name}” năm {year}"
    return "Tặng", award.name


def signing_block(session: Session, unit: Unit, signer_id: int | None, year: int) -> Signature:
    """The block under the text: the head's own title, KT. for a deputy, TL. otherwise."""
    signer = session.get(Person, signer_id) if signer_id else None
    if signer is None:
        return Signature(lines=[(unit.head_title or "Thủ trưởng").upper()], name="")
    post, _ = posting(session, signer.id, year)
    return signature(unit.head_title or post, post or unit.head_title, signer.full_name)


def sentence_list(items: list[str]) -> list[str]:
    """Entries of a list or of the legal bases: each ends with ';', the last with '.'."""
    items = [item.rstrip(" ;.") for item in items]
    return [item + (";" if i < len(items) - 1 else ".") for i, item in enumerate(items)]
