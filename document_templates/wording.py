"""The phrases official documents are made of: names of authorities, people and collectives as
a decision lists them, counts, the signing block. One place, so every document words them alike."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, inspect
from sqlmodel import Session, col, select

from document_templates.contexts import Header, Signature, signature
from models.catalogue import Award
from models.db import chunks
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


def load(session: Session, model, ids: Iterable[int | None]) -> dict:
    """The rows of these ids, read with one IN query per chunk, except those the session holds
    already: a document reads its people and units at once, not one by one as it writes them."""
    wanted = sorted({i for i in ids if i is not None})
    found, missing = {}, []
    for key in wanted:
        held = session.identity_map.get(session.identity_key(model, key))
        if held is None or inspect(held).expired:
            missing.append(key)
        else:
            found[key] = held
    for part in chunks(missing):
        found |= {row.id: row for row in session.exec(select(model).where(col(model.id).in_(part)))}
    return found


def with_parents(session: Session, unit_ids: Iterable[int | None]) -> dict[int, Unit]:
    """These units and every unit above them, a level of the tree per query: walking up from
    any of them (`unit_path`) then reads nothing more."""
    found: dict[int, Unit] = {}
    todo = set(unit_ids)
    while todo:
        level = load(session, Unit, todo)
        found |= level
        todo = {u.parent_id for u in level.values() if u.parent_id} - found.keys()
    return found


# Built once, its values bound at each call: a report form reads one person's post, and building
# the IN (…) anew cost more than running it.
POSTS = select(
    Membership.person_id, Membership.start_on, Membership.id, Membership.post, Membership.unit_id
).where(
    col(Membership.person_id).in_(bindparam("people", expanding=True)),
    Membership.start_on <= bindparam("end"),
)


def postings(session: Session, person_ids: Iterable[int], year: int) -> dict[int, tuple[str, Unit | None]]:
    """Each person's post and unit during the year (the latest posting that year), for all of
    them with one query over their memberships; the units and those above them read with them."""
    ids = sorted(set(person_ids))
    latest: dict[int, tuple] = {}
    for part in chunks(ids):
        for person_id, *row in session.exec(POSTS, params={"people": part, "end": date(year, 12, 31)}):
            latest[person_id] = max(latest.get(person_id, row), row)
    units = with_parents(session, [unit_id for *_, unit_id in latest.values()])
    return {p: (latest[p][2], units[latest[p][3]]) if p in latest else ("", None) for p in ids}


def posting(session: Session, person_id: int, year: int) -> tuple[str, Unit | None]:
    """A person's post and unit during the year (the latest posting that year)."""
    return postings(session, [person_id], year)[person_id]


def unit_path(session: Session, unit: Unit | None) -> str:
    """'Phòng Ngân sách, Sở Tài chính': a unit followed by its parents up to the department; an
    office named after its parent's kind joins it ('Văn phòng Sở' of 'Sở Tài chính' is 'Văn phòng
    Sở Tài chính')."""
    parts: list[str] = []
    while unit is not None and unit.kind not in TOP | {UnitKind.CENTRAL, UnitKind.STATE}:
        kind_word = unit.name.split(" ")[0]
        if parts and parts[-1].endswith(f" {kind_word}"):
            parts[-1] = parts[-1][: -len(kind_word)] + unit.name
        else:
            parts.append(unit.name)
        unit = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return ", ".join(parts)


# A head's title ends with the word that opens the name of the unit it heads: "Trưởng phòng" of
# "Phòng Ngân sách" writes "Trưởng phòng Ngân sách", "Chánh Văn phòng" of "Văn phòng Sở Tài
# chính" writes "Chánh Văn phòng Sở Tài chính".
HEADED = ("Văn phòng", "Phòng")


def post_at(post: str, path: str) -> str:
    """A post and the unit it is held in, as a Vietnamese document writes them: 'Trưởng phòng
    Ngân sách, Sở Tài chính', 'Chuyên viên Phòng Ngân sách, Sở Tài chính', 'Giám đốc Sở Tài
    chính'; a post that already names its unit is not followed by it again."""
    if not path:
        return post
    if not post:
        return path
    unit, _, rest = path.partition(", ")
    tail = f", {rest}" if rest else ""
    if unit.lower() in post.lower():
        return post + tail
    for kind_word in HEADED:
        if unit.startswith(f"{kind_word} ") and post.lower().endswith(kind_word.lower()):
            return post + unit[len(kind_word) :] + tail
    return f"{post}, {path}" if "," in post else f"{post} {path}"


def salutation(person: Person) -> str:
    return "Bà" if person.gender.lower() in {"nữ", "nu", "female"} else "Ông"


def person_entries(session: Session, people: list[Person], year: int) -> dict[int, tuple[str, str]]:
    """Each person's ('Ông Nguyễn Văn An', 'Chuyên viên Phòng Ngân sách, Sở Tài chính') as lists
    print them, their posts read together."""
    posts = postings(session, [p.id for p in people], year)
    return {p.id: named(session, p, *posts[p.id]) for p in people}


def named(session: Session, person: Person, post: str, unit: Unit | None) -> tuple[str, str]:
    """('Ông Nguyễn Văn An', 'Chuyên viên Phòng Ngân sách, Sở Tài chính'): a person with a post held."""
    return f"{salutation(person)} {person.full_name}", post_at(post, unit_path(session, unit))


def count_text(collectives: int, individuals: int) -> str:
    """'02 tập thể và 05 cá nhân' (numbers below 10 with a leading zero, as decisions write them)."""
    parts = [f"{n:02d} {label}" for n, label in ((collectives, "tập thể"), (individuals, "cá nhân")) if n]
    return " và ".join(parts)


def award_name(award: Award, authority: str = "", body: str = "") -> str:
    """The award as its decision names it, with who gives it: 'Bằng khen của Bộ trưởng Bộ Công
    Thương', 'Giấy khen của Giám đốc Sở Tài chính', 'Cờ thi đua của Ủy ban nhân dân tỉnh …',
    'Chiến sĩ thi đua Bộ Công Thương' (Law 06/2022 Arts. 72, 75: the catalogue's names are
    generic); `authority` is who decides, `body` the body it heads."""
    for form in ("Bằng khen", "Giấy khen"):
        if authority and award.name.startswith(form):
            return f"{form} của {authority}"
    for generic in ("Bộ, ban, ngành", "Ủy ban nhân dân tỉnh"):
        if award.name.endswith(generic) and body.startswith(generic.split(",")[0]):
            return award.name[: -len(generic)] + body
    return award.name


def conferring(award: Award, year: int, decider: Unit | None = None) -> tuple[str, str]:
    """(verb phrase, what): 'Công nhận danh hiệu', '“Lao động tiên tiến” năm 2025' for a title;
    'Tặng', 'Bằng khen của …' for a form, named after `decider`, the unit whose head gives it."""
    name = award_name(award, decider.authority, decider.name) if decider else award.name
    if award.kind == "title":
        return "Công nhận danh hiệu", f"“{name}” năm {year}"
    return "Tặng", name


# Bodies that decide collectively: their head signs on the body's behalf, "TM. ỦY BAN NHÂN DÂN"
# (Decree 30/2020 Art. 13(1), App. I §II.7(b)).
COLLECTIVE_BODIES = {UnitKind.PROVINCE: "Ủy ban nhân dân", UnitKind.COMMUNE: "Ủy ban nhân dân"}


def signing_block(
    session: Session, unit: Unit, signer_id: int | None, year: int, on_behalf: bool = False
) -> Signature:
    """The block under the text: the head's own title, KT. for a deputy, TL. otherwise; with
    `on_behalf`, a document the collective body issues (a province's Tờ trình) opens with TM.
    A decision the Chairman takes in his own name (Law 06/2022 Art. 79) is signed without it."""
    body = COLLECTIVE_BODIES.get(unit.kind, "") if on_behalf else ""
    head = unit.head_title or "Thủ trưởng"
    signer = session.get(Person, signer_id) if signer_id else None
    if signer is None:
        return signature(head, head, "", body)
    post, _ = posting(session, signer.id, year)
    return signature(unit.head_title or post, post or unit.head_title, signer.full_name, body)


def sentence_list(items: list[str]) -> list[str]:
    """Entries of a list or of the legal bases: each ends with ';', the last with '.'."""
    items = [item.rstrip(" ;.") for item in items]
    return [item + (";" if i < len(items) - 1 else ".") for i, item in enumerate(items)]
