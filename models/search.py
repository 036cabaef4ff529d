"""Finding people and units by name, whatever the accents and the case: "nguyen van anh",
"NGUYỄN văn ánh", "van anh" or "Anh" (typed in NFC or NFD) all find "Nguyễn Văn Ánh".

Each name is kept folded (no diacritics, lower case, đ as d) in `NameToken`, one row from each of
its words to its end ("nguyen van anh", "van anh", "anh"), its primary key (entity, token,
entity_id) a B-tree. A query is first read as words in the name's order, the last one perhaps
unfinished: one range of the index, `token >= 'van an' AND token < 'van ao'`, which finds the few
people named so however common each word is ("nguyen", "van", "thi" begin a third of all
Vietnamese names). Only when no name has them so does each word match the start of a word of the
name, all of them in any order ("anh nguyen", "ng v a"): one range per word, intersected, dearer
for common words. Both databases answer a range from the index without the caveats of LIKE (SQLite
uses its LIKE optimisation only under PRAGMA case_sensitive_like or a NOCASE column; a pattern
needs its % and _ escaped). For the range to be exactly the words beginning with the prefix,
tokens compare by code point: SQLite's BINARY collation, and the "C" collation on PostgreSQL (a
linguistic collation may order "anh-" or digits elsewhere).

The rows follow Person.full_name and Unit.name/abbreviation through a flush listener; rows
written by bulk Core inserts (a load script) bypass it: call `reindex` after them."""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Field, Session, SQLModel, col, select

from models.org import Person, Unit

TOKEN_LENGTH = 200  # a name from one of its words on, cut there (no name comes near)
MAX_WORDS = 8  # of a query: a name has fewer words; more would only make the query dearer
WORD = re.compile(r"[^\W_]+")
Token = sa.String(TOKEN_LENGTH).with_variant(sa.String(TOKEN_LENGTH, collation="C"), "postgresql")


class NameToken(SQLModel, table=True):
    """One folded word of a person's name or of a unit's name or abbreviation."""

    entity: str = Field(primary_key=True, max_length=10)  # "person" | "unit"
    token: str = Field(primary_key=True, sa_type=Token)
    entity_id: int = Field(primary_key=True)

    __table_args__ = (sa.Index("ix_nametoken_entity", "entity", "entity_id"),)


def fold(text: str) -> str:
    """Without diacritics, in lower case, đ as d: 'Nguyễn Văn Ánh' → 'nguyen van anh'."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, in order: its letters and digits only. Folded a piece between
    spaces at a time, each piece once (_folded): the names of a list share a few thousand words,
    and folding them letter by letter was a tenth of the time an import took to write 100,000
    people."""
    return [word for piece in text.split() for word in _folded(piece)]


@lru_cache(maxsize=20_000)
def _folded(piece: str) -> tuple[str, ...]:
    return tuple(WORD.findall(fold(piece)))


def phrases(text: str) -> list[str]:
    """What is indexed of a name: its folded words from each one on to the end, each once."""
    found = words(text)
    return list(dict.fromkeys(" ".join(found[i:])[:TOKEN_LENGTH] for i in range(len(found))))


# What is indexed of each kind of record.
INDEXED = {
    Person: ("person", lambda p: p.full_name),
    Unit: ("unit", lambda u: f"{u.name} {u.abbreviation}"),
}


def _after(prefix: str) -> str:
    """The first string after every string beginning with `prefix`, by code point."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _starting(entity: str, prefix: str) -> sa.Select:
    """The ids of the records with an indexed phrase beginning with `prefix`."""
    return select(NameToken.entity_id).where(
        NameToken.entity == entity, NameToken.token >= prefix, NameToken.token < _after(prefix)
    )


def matching(session: Session, entity: str, query: str) -> sa.Select | None:
    """The ids of the `entity` records whose name has the query's words in its order, else has
    a word beginning with each of them (None when the query has no word: letters and digits
    only count)."""
    wanted = words(query)[:MAX_WORDS]
    if not wanted:
        return None
    in_order = _starting(entity, " ".join(wanted)[:TOKEN_LENGTH])
    if len(wanted) == 1 or session.exec(in_order.limit(1)).first() is not None:
        return in_order
    return sa.intersect(*(_starting(entity, w[:TOKEN_LENGTH]) for w in dict.fromkeys(wanted)))


def token_rows(kind: str, names: Iterable[tuple[int, str]]) -> list[dict]:
    """The NameToken rows of these (id, name) of one kind of record, for a bulk insert."""
    return [{"entity": kind, "entity_id": i, "token": p} for i, name in names for p in phrases(name)]


def _rows(entity: type, records: Iterable) -> list[dict]:
    kind, name_of = INDEXED[entity]
    return token_rows(kind, ((r.id, name_of(r)) for r in records))


def _forget(connection: sa.Connection, kind: str, ids: list[int]) -> None:
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        connection.execute(
            sa.delete(NameToken).where(NameToken.entity == kind, col(NameToken.entity_id).in_(chunk))
        )


def reindex(session: Session, entity: type | None = None) -> None:
    """Index every person's and unit's name again (after bulk loads that bypass the listener)."""
    for kind in [entity] if entity else INDEXED:
        session.execute(sa.delete(NameToken).where(NameToken.entity == INDEXED[kind][0]))
        rows = _rows(kind, session.exec(select(kind)))
        if rows:
            session.execute(sa.insert(NameToken), rows)


def _renamed(obj) -> bool:
    state = sa_inspect(obj)
    fields = ("full_name",) if isinstance(obj, Person) else ("name", "abbreviation")
    return any(state.attrs[f].history.has_changes() for f in fields)


@event.listens_for(Session, "after_flush")
def _follow_names(session, _context) -> None:
    """Keep the tokens of the people and units this flush added, renamed or deleted."""
    for entity, (kind, _) in INDEXED.items():
        changed = [o for o in session.new if isinstance(o, entity)]
        changed += [o for o in session.dirty if isinstance(o, entity) and _renamed(o)]
        gone = [o.id for o in session.deleted if isinstance(o, entity)]
        if changed or gone:
            connection = session.connection()
            _forget(connection, kind, [o.id for o in changed] + gone)
            if rows := _rows(entity, changed):
                connection.execute(sa.insert(NameToken), rows)
