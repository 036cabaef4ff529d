"""Where a nomination goes: the units that handle each level of its award's route, and the
tenant (the province or ministry at the top of the nominating unit's tree)."""

from datetime import date
from functools import cached_property

from sqlalchemy import event
from sqlmodel import Session, col, select

from models.catalogue import Award
from models.errors import GuardFailed
from models.org import GRASSROOTS_KINDS, Unit, UnitKind

LEVEL_KINDS = {
    "province": {UnitKind.PROVINCE},
    "ministry": {UnitKind.MINISTRY},
    "top": {UnitKind.PROVINCE, UnitKind.MINISTRY},
    "central": {UnitKind.CENTRAL},
    "state": {UnitKind.STATE},
}
LEVEL_OF_KIND = {UnitKind.PROVINCE: "province", UnitKind.MINISTRY: "ministry"}
# The level a unit of each kind reviews at, as reports name it.
LEVEL_LABELS = {
    UnitKind.AGENCY: "Đơn vị cơ sở",
    UnitKind.ENTERPRISE: "Đơn vị cơ sở",
    UnitKind.COMMUNE: "Đơn vị cơ sở",
    UnitKind.PROVINCE: "Cấp tỉnh",
    UnitKind.MINISTRY: "Cấp Bộ",
    UnitKind.CENTRAL: "Trung ương",
    UnitKind.STATE: "Chủ tịch nước",
}


class Org:
    """The unit tree, read once per session (and again after units change) by what needs all of
    it; what needs one nomination's route reads only the units on it (`unit`, `of_kind`): a
    province has a thousand units, and reading them all was most of a nomination page's time."""

    def __init__(self, session: Session):
        self.session = session

    @classmethod
    def of(cls, session: Session) -> "Org":
        org = session.info.get("org")
        if org is None:
            org = session.info["org"] = cls(session)
        return org

    @cached_property
    def units(self) -> dict[int, Unit]:
        return {unit.id: unit for unit in self.session.exec(select(Unit))}

    def unit(self, unit_id: int | None) -> Unit | None:
        if unit_id is None:
            return None
        if "units" in self.__dict__:  # the whole tree is read already
            return self.units.get(unit_id)
        return self.session.get(Unit, unit_id)

    def of_kind(self, kinds: set[UnitKind]) -> list[Unit]:
        if "units" in self.__dict__:
            return [u for u in self.units.values() if u.kind in kinds]
        return list(self.session.exec(select(Unit).where(col(Unit.kind).in_(kinds)).order_by(col(Unit.id))))

    def ancestors(self, unit_id: int) -> list[Unit]:
        """The unit and its ancestors, nearest first."""
        chain, unit = [], self.unit(unit_id)
        while unit is not None:
            chain.append(unit)
            unit = self.unit(unit.parent_id)
        return chain

    @cached_property
    def children(self) -> dict[int | None, list[int]]:
        """Each unit's children, from the tree's (id, parent) pairs alone: what `below` needs is
        not worth a thousand records."""
        tree: dict[int | None, list[int]] = {}
        for unit_id, parent_id in self.session.exec(select(Unit.id, Unit.parent_id)):
            tree.setdefault(parent_id, []).append(unit_id)
        return tree

    def below(self, unit_ids: set[int]) -> set[int]:
        """These units (those that exist) and every unit under them."""
        found, stack = set(), [u for u in unit_ids if u in self.parents]
        while stack:
            found.add(unit := stack.pop())
            stack.extend(self.children.get(unit, []))
        return found

    @cached_property
    def parents(self) -> dict[int, int | None]:
        return {child: parent for parent, children in self.children.items() for child in children}

    def grassroots(self, unit_id: int) -> Unit | None:
        """The nearest unit whose head decides grassroots titles (Law 06/2022 Art. 80)."""
        return next((u for u in self.ancestors(unit_id) if u.kind in GRASSROOTS_KINDS), None)

    def top(self, unit_id: int) -> Unit | None:
        return next((u for u in self.ancestors(unit_id) if u.kind in LEVEL_KINDS["top"]), None)

    def tenant(self, unit_id: int) -> str | None:
        top = self.top(unit_id)
        return top.code if top else None

    def route_units(self, award: Award, unit_id: int, day: date) -> list[Unit]:
        """The unit handling each level of the award's route for a nomination from `unit_id`,
        each one in existence on `day` (reorganisations are effective dates on units)."""
        units = []
        for level in award.route:
            if level == "unit":
                found = self.grassroots(unit_id)
            elif level in ("central", "state"):
                found = next((u for u in self.of_kind(LEVEL_KINDS[level]) if u.active_on(day)), None)
            else:
                found = next((u for u in self.ancestors(unit_id) if u.kind in LEVEL_KINDS[level]), None)
            if found is not None and not found.active_on(day):
                raise GuardFailed(
                    "unit_dissolved",
                    f"{found.name} không còn hoạt động từ sau ngày {found.valid_to:%d/%m/%Y}; "
                    f"hãy chuyển hồ sơ cho đơn vị kế thừa",
                    unit=found.id,
                )
            if found is None:
                raise GuardFailed(
                    "no_route",
                    f"Không xác định được cấp '{level}' trên tuyến trình của {award.name} "
                    f"cho đơn vị {self.unit(unit_id).name} ({award.route_article})",
                    level=level,
                )
            units.append(found)
        return units

    def level_name(self, award: Award, level: int, unit: Unit) -> str:
        """The catalogue level a route step stands for ('top' becomes province or ministry)."""
        name = award.route[level]
        return LEVEL_OF_KIND.get(unit.kind, name) if name == "top" else name


@event.listens_for(Session, "after_flush")
def _forget_org(session, _context) -> None:
    if any(isinstance(obj, Unit) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop("org", None)
