"""Dependencies a route names in its signature: the database session, the settings."""

from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from sqlalchemy import Engine
from sqlmodel import Session

from models.config import Settings, get_settings
from models.db import make_engine


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().db_url)


def get_session() -> Iterator[Session]:
    with Session(get_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
