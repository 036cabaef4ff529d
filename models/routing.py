"""Where a nomination goes: the units that handle each level of its award's route, and the
tenant (the province or ministry at the top of the nominating unit's tree)."""

from datetime import date
from functools import cached_property

from sqlalchemy import event
from sqlmodel import Session, col, select

from models.catalogue import Award, RuleSet
from models.errors import GuardFailed
from models.org import GRASSROOTS_KINDS, Unit, UnitKind

LEVEL_KINDS = {
    "district": {UnitKind.DISTRICT},
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
    UnitKind.DISTRICT: "Cấp huyện",
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
        self.read: dict[int, Unit | None] = {}  # the units read one at a time (`unit`)
        self.tenants: dict[tuple[int, date | None], str | None] = {}  # of each unit, on a day

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
        if unit_id not in self.read:
            self.read[unit_id] = self.session.get(Unit, unit_id)
        return self.read[unit_id]

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

    def top(self, unit_id: int, day: date | None = None) -> Unit | None:
        chain = self.ancestors(unit_id) if day is None else self.ancestors_on(unit_id, day)
        return next((u for u in chain if u.kind in LEVEL_KINDS["top"]), None)

    def tenant(self, unit_id: int, day: date | None = None) -> str | None:
        if (unit_id, day) not in self.tenants:
            top = self.top(unit_id, day)
            self.tenants[unit_id, day] = top.code if top else None
        return self.tenants[unit_id, day]

    def successor_on(self, unit_id: int | None, day: date) -> Unit | None:
        """The unit as it stands on `day`: itself, or the unit it was merged into after its last
        day (and so on, for a unit merged twice). A unit dissolved with no successor stays itself."""
        unit, seen = self.unit(unit_id), set()
        while unit is not None and unit.successor_id not in (None, *seen) and unit.ended_before(day):
            seen.add(unit.id)
            unit = self.unit(unit.successor_id)
        return unit

    def ancestors_on(self, unit_id: int, day: date) -> list[Unit]:
        """The unit and its ancestors as they stood on `day`, nearest first: a unit merged away
        by then is replaced by its successor, and the tree continues from the successor's place."""
        chain, unit = [], self.successor_on(unit_id, day)
        while unit is not None:
            chain.append(unit)
            unit = self.successor_on(unit.parent_id, day)
        return chain

    def predecessors(self, unit_id: int) -> list[Unit]:
        """The units merged into this one, at any remove: its own predecessors first."""
        found, todo = {}, [unit_id]
        while todo:
            merged = [u for u in self.merged_into.get(todo.pop(), []) if u not in found and u != unit_id]
            found.update((u, self.unit(u)) for u in merged)
            todo.extend(merged)
        return list(found.values())

    @cached_property
    def merged_into(self) -> dict[int, list[int]]:
        """Each successor's direct predecessors (a handful of rows: mergers are rare)."""
        found: dict[int, list[int]] = {}
        query = select(Unit.id, Unit.successor_id).where(col(Unit.successor_id).is_not(None))
        for unit_id, successor_id in self.session.exec(query.order_by(col(Unit.id))):
            found.setdefault(successor_id, []).append(unit_id)
        return found

    def route_levels(self, ruleset: RuleSet, award: Award, unit_id: int, day: date) -> list[tuple[str, Unit]]:
        """Each level of the award's route for a nomination from `unit_id` on `day`, with the unit
        handling it: the units as they stood that day (a merged unit's nominations go its
        successor's way), and the grassroots level's decider as the rule set in force names it
        for the unit's kind (a commune's Chiến sĩ thi đua cơ sở went to the district chairman
        until 30/6/2025, Law 06/2022 Art. 80(2)-(3); the commune chairman decides it since)."""
        chain = self.ancestors_on(unit_id, day)
        levels = list(award.route)
        grassroots = next((u for u in chain if u.kind in GRASSROOTS_KINDS), None)
        if levels == ["unit"] and grassroots is not None:
            levels += ruleset.decided_above(grassroots.kind, award.code)
        route = []
        for level in levels:
            if level == "unit":
                found = grassroots
            elif level in ("central", "state"):
                found = next((u for u in self.of_kind(LEVEL_KINDS[level]) if u.active_on(day)), None)
            else:
                found = next((u for u in chain if u.kind in LEVEL_KINDS[level]), None)
            if found is not None and found.valid_from and day < found.valid_from:
                raise GuardFailed(
                    "unit_not_founded",
                    f"{found.name} hoạt động từ ngày {found.valid_from:%d/%m/%Y}, "
                    f"chưa hoạt động vào ngày {day:%d/%m/%Y}",
                    unit=found.id,
                )
            if found is not None and not found.active_on(day):
                raise GuardFailed(
                    "unit_dissolved",
                    f"{found.name} không còn hoạt động vào ngày {day:%d/%m/%Y} và không sáp nhập "
                    f"vào đơn vị nào; hãy chuyển hồ sơ cho đơn vị tiếp nhận nhiệm vụ của đơn vị này",
                    unit=found.id,
                )
            if found is None:
                raise GuardFailed(
                    "no_route",
                    f"Không xác định được cấp '{level}' trên tuyến trình của {award.name} "
                    f"cho đơn vị {self.unit(unit_id).name} ({award.route_article})",
                    level=level,
                )
            route.append((level, found))
        return route

    def route_units(self, ruleset: RuleSet, award: Award, unit_id: int, day: date) -> list[Unit]:
        """The unit handling each level of the award's route (`route_levels`)."""
        return [unit for _, unit in self.route_levels(ruleset, award, unit_id, day)]

    @staticmethod
    def level_name(name: str, unit: Unit) -> str:
        """The catalogue level a route step stands for ('top' becomes province or ministry)."""
        return LEVEL_OF_KIND.get(unit.kind, name) if name == "top" else name


@event.listens_for(Session, "after_flush")
def _forget_org(session, _context) -> None:
    if any(isinstance(obj, Unit) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop("org", None)
