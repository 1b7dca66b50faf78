"""Find, read and validate the configuration, then apply environment overrides.

Lookup order: an explicit path, then $CLAIMWATCH_CONFIG, then ./claimwatch.toml, then the defaults bundled
in this package. Secrets never live in the file: the database URL and SMTP credentials come from the
environment.
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .settings import Settings

ENV_CONFIG = "CLAIMWATCH_CONFIG"
ENV_DATABASE_URL = "CLAIMWATCH_DATABASE_URL"
ENV_DATA_DIR = "CLAIMWATCH_DATA_DIR"
LOCAL_CONFIG = Path("claimwatch.toml")
BUNDLED_CONFIG = "default.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the offending key."""


def bundled_config_text() -> str:
    """The bundled default configuration (the minerals-deal monitor), as TOML text."""
    return resources.files(__package__).joinpath(BUNDLED_CONFIG).read_text(encoding="utf-8")


def config_path(explicit: Path | None = None) -> Path | None:
    """The file that will be loaded, or None for the bundled defaults."""
    if explicit is not None:
        return explicit
    if env := os.environ.get(ENV_CONFIG):
        return Path(env)
    if LOCAL_CONFIG.is_file():
        return LOCAL_CONFIG
    return None


def load_config(path: Path | None = None) -> Settings:
    """Load and validate the configuration; raise ConfigError with the file and key on any problem."""
    source = config_path(path)
    label = str(source) if source else f"<bundled {BUNDLED_CONFIG}>"
    try:
        text = source.read_text(encoding="utf-8") if source else bundled_config_text()
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read config file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: config file is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: invalid TOML: {exc}") from exc
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(label, exc)) from exc
    return _apply_environment(settings, source)


def _describe(label: str, exc: ValidationError) -> str:
    lines = [f"{label}: {exc.error_count()} invalid setting(s):"]
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"]) or "(top level)"
        lines.append(f"  {key}: {err['msg']}")
    return "\n".join(lines)


def _apply_environment(settings: Settings, source: Path | None) -> Settings:
    updates: dict[str, object] = {"source_path": source}
    if env_dir := os.environ.get(ENV_DATA_DIR):
        updates["data_dir"] = Path(env_dir)
    elif source is not None and not settings.data_dir.is_absolute():
        # A relative data_dir belongs to the config file, not to whatever directory cron starts in.
        updates["data_dir"] = source.parent / settings.data_dir
    if env_url := os.environ.get(ENV_DATABASE_URL):
        updates["database"] = settings.database.model_copy(update={"url": env_url})
    return settings.model_copy(update=updates)
