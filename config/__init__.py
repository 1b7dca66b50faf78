"""Configuration: one validated TOML file, bundled defaults, environment overrides for secrets."""

from .loader import ConfigError, bundled_config_text, config_path, load_config
from .settings import Settings

__all__ = ["ConfigError", "Settings", "bundled_config_text", "config_path", "load_config"]
