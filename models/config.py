"""Settings: environment variables prefixed VINHDANH_, with embedded defaults."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VINHDANH_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    tenant_dir: Path | None = None  # extra tenant overrides (<tenant>.toml) beside the shipped ones
    template_dir: Path | None = (
        None  # Word templates replacing the built-in ones (<kind>.docx, <TENANT>/<kind>.docx)
    )
    max_upload_bytes: int = 20 * 1024 * 1024

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'vinhdanh.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
