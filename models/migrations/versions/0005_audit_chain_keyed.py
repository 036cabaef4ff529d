"""audit chain keyed: the events written before the key are sealed under it

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 21:40:00

Until 0004 the audit chain was plain SHA-256, which anyone writing to the database could
recompute. Upgrading seals every existing event under the audit key (models/audit.py) once, in
order, and writes a checkpoint of the newest one outside the database; from then on no event
passes `verify` without a MAC under the key, so there is no "unkeyed" event a forger could pass
off. What the plain chain proved up to the upgrade is checked first and a break is logged:
sealing takes the log as it stands, as the plain chain already did.

The upgrade leaves a log alone whose first event is already sealed under the key: run again
after someone set the schema version back, it would otherwise seal their forgeries; and a log
rewritten from its first event on, then sealed again that way, contradicts the checkpoint
written here.
"""

import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models import audit
from models.config import get_settings

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 5000  # events read and rewritten at a time: a long log does not have to fit in memory

event = sa.table(
    "event",
    sa.column("id", sa.Integer),
    sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("actor_id", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("reason", sa.String),
    sa.column("data", sa.JSON),
    sa.column("flow_run_id", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
head = sa.table("audithead", sa.column("id", sa.Integer), sa.column("last_hash", sa.String))

Seal = Callable[[Mapping], str]


def plain(fields: Mapping) -> str:
    return hashlib.sha256(audit.canonical(fields)).hexdigest()


def keyed(key: hmac.HMAC) -> Seal:
    return lambda fields: audit.seal(key, fields)


def rechain(connection: sa.Connection, now: Seal, was: Seal | None = None) -> tuple[int | None, int, str]:
    """Seal every event again with `now`, in order. The first event that did not verify under
    `was` (None if all did), the last event's id and its new seal."""
    broken, previous_was, previous, last = None, audit.GENESIS, audit.GENESIS, 0
    rewrite = (
        event.update()
        .where(event.c.id == sa.bindparam("event_id"))
        .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash"))
    )
    batch = sa.select(event).order_by(event.c.id).limit(BATCH)
    while rows := connection.execute(batch.where(event.c.id > last)).mappings().all():
        changes = []
        for row in rows:
            if was and broken is None and (row["prev_hash"] != previous_was or was(row) != row["hash"]):
                broken = row["id"]
            previous_was, last = row["hash"], row["id"]
            resealed = {**row, "prev_hash": previous}
            previous = now(resealed)
            changes.append({"event_id": row["id"], "new_prev": resealed["prev_hash"], "new_hash": previous})
        connection.execute(rewrite, changes)
    connection.execute(head.update().values(last_hash=previous))
    return broken, last, previous


def upgrade() -> None:
    connection = op.get_bind()
    first = connection.execute(sa.select(event).order_by(event.c.id).limit(1)).mappings().first()
    if first is None:
        return  # a new log: its first event will be sealed under the key
    key = audit.signer(create=True)
    if hmac.compare_digest(audit.seal(key, first), first["hash"]):
        return  # sealed already (see above)
    broken, last, mac = rechain(connection, keyed(key), was=plain)
    if broken is not None:
        logging.getLogger(__name__).warning(
            "audit log: the plain SHA-256 chain was already broken at event %s before it was sealed "
            "under the key; compare with a backup taken before this upgrade",
            broken,
        )
    audit.append_checkpoint(get_settings().audit_checkpoint_path, last, mac)


def downgrade() -> None:
    rechain(op.get_bind(), plain)  # back to the chain the code before 0005 checks
