"""Dependencies a route names in its signature: the database session, the settings."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from models.config import Settings, get_settings
from models.db import app_engine


def get_session() -> Iterator[Session]:
    with Session(app_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
