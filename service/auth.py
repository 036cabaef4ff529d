"""Who is calling: `Authorization: Bearer <token>` (issued by `vinhdanh token issue`), resolved
to the person and the roles they hold at each unit."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from models.access import Actor, load_actor
from models.db import reads_only
from models.errors import Unauthorized
from models.tokens import person_of
from service.deps import SessionDep

bearer = HTTPBearer(auto_error=False, description="a token from `vinhdanh token issue`")


def current_actor(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Actor:
    if credentials is None:
        raise Unauthorized("Cần đăng nhập: gửi kèm 'Authorization: Bearer <token>'")
    # Only reads, in a transaction of its own: a request that writes takes SQLite's write lock in
    # its route, which commits in the same turn of the threadpool, not across the turns between.
    with reads_only(session):
        person_id = person_of(session, credentials.credentials)
        if person_id is None:
            raise Unauthorized("Token không hợp lệ hoặc đã bị thu hồi")
        return load_actor(session, person_id)


ActorDep = Annotated[Actor, Depends(current_actor)]
