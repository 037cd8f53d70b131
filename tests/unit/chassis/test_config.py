"""Environment's typed readers and problem collection, load_common and dialable_address."""

from __future__ import annotations

from pathlib import Path

import pytest

from chassis.config import (
    DEFAULT_LISTEN_ADDRESS,
    SERVICE_NAMES,
    ConfigError,
    Environment,
    TlsSettings,
    dialable_address,
    load_common,
)


def _problems(env: Environment) -> str:
    with pytest.raises(ConfigError) as raised:
        env.check()
    return str(raised.value)


def _file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text("-----BEGIN TEST-----\n")
    return path


def test_check_passes_when_nothing_is_wrong() -> None:
    env = Environment({"A": "1"})
    env.integer("A", 0)

    env.check()


def test_values_default_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUX_TEST_VARIABLE", "from-os")

    assert Environment().text("CONFLUX_TEST_VARIABLE", "default") == "from-os"


def test_text_is_stripped_and_empty_means_default() -> None:
    env = Environment({"SET": "  value  ", "EMPTY": "", "BLANK": "   "})

    assert env.text("SET", "d") == "value"
    assert env.text("EMPTY", "d") == "d"
    assert env.text("BLANK", "d") == "d"
    assert env.text("UNSET", "d") == "d"


def test_integer_reads_a_value_at_least_its_minimum() -> None:
    env = Environment({"N": " 42 ", "LOW": "5"})

    assert env.integer("N", 1) == 42
    assert env.integer("LOW", 10, minimum=5) == 5
    assert env.integer("UNSET", 7) == 7
    env.check()


@pytest.mark.parametrize(
    ("raw", "expected_problem"),
    [
        ("twelve", "N='twelve' is not an integer"),
        ("1.5", "N='1.5' is not an integer"),
        ("-1", "N=-1 is below its minimum 0"),
    ],
)
def test_a_bad_integer_is_recorded_and_the_default_returned(
    raw: str, expected_problem: str
) -> None:
    env = Environment({"N": raw})

    assert env.integer("N", 3) == 3
    assert expected_problem in _problems(env)


def test_number_reads_decimals_at_least_the_minimum() -> None:
    env = Environment({"X": "2.5", "Y": "3"})

    assert env.number("X", 1.0) == 2.5
    assert env.number("Y", 1.0, minimum=3.0) == 3.0
    env.check()


@pytest.mark.parametrize(
    ("raw", "expected_problem"),
    [("soon", "X='soon' is not a number"), ("-0.5", "X=-0.5 is below its minimum 0.0")],
)
def test_a_bad_number_is_recorded_and_the_default_returned(raw: str, expected_problem: str) -> None:
    env = Environment({"X": raw})

    assert env.number("X", 1.5) == 1.5
    assert expected_problem in _problems(env)


def test_not_a_number_is_refused() -> None:
    env = Environment({"X": "nan"})

    assert env.number("X", 1.5) == 1.5
    assert "X" in _problems(env)


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " On "])
def test_flag_true_spellings(raw: str) -> None:
    env = Environment({"F": raw})

    assert env.flag("F", False) is True
    env.check()


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off"])
def test_flag_false_spellings(raw: str) -> None:
    env = Environment({"F": raw})

    assert env.flag("F", True) is False
    env.check()


def test_flag_defaults_when_unset() -> None:
    env = Environment({})

    assert env.flag("F", True) is True
    assert env.flag("G", False) is False


def test_a_bad_flag_is_recorded_and_the_default_returned() -> None:
    env = Environment({"F": "maybe"})

    assert env.flag("F", True) is True
    assert "F='maybe' is not a boolean" in _problems(env)


def test_choice_accepts_only_allowed_values() -> None:
    env = Environment({"GOOD": "json", "BAD": "xml"})

    assert env.choice("GOOD", "text", ("text", "json")) == "json"
    assert env.choice("BAD", "text", ("text", "json")) == "text"
    assert "BAD='xml' is not one of text, json" in _problems(env)


@pytest.mark.parametrize(
    "value", ["localhost:50051", "0.0.0.0:0", "[::]:8080", "identity.conflux.svc:65535"]
)
def test_address_accepts_host_and_port(value: str) -> None:
    env = Environment({"ADDR": value})

    assert env.address("ADDR", "default:1") == value
    env.check()


@pytest.mark.parametrize("value", ["localhost", ":50051", "host:", "host:port", "host:65536"])
def test_a_bad_address_is_recorded_and_the_default_returned(value: str) -> None:
    env = Environment({"ADDR": value})

    assert env.address("ADDR", "default:1") == "default:1"
    assert f"ADDR={value!r} is not a host:port address" in _problems(env)


def test_existing_file_is_a_path_or_none(tmp_path: Path) -> None:
    present = _file(tmp_path, "cert.pem")
    env = Environment({"PRESENT": str(present)})

    assert env.existing_file("PRESENT") == present
    assert env.existing_file("UNSET") is None
    env.check()


@pytest.mark.parametrize("name", ["missing.pem", "."])
def test_a_missing_file_or_a_directory_is_recorded(tmp_path: Path, name: str) -> None:
    value = str(tmp_path / name)
    env = Environment({"FILE": value})

    assert env.existing_file("FILE") is None
    assert f"FILE={value!r} is not a readable file" in _problems(env)


@pytest.mark.parametrize(
    "url",
    ["sqlite:///var/ingest.sqlite3", "postgresql://db/conflux", "postgresql+psycopg://u@db/c"],
    # Neutral ids: the suite's conftest counts tests whose id starts with a backend's name.
    ids=["file", "server", "server-with-driver"],
)
def test_database_url_accepts_sqlite_and_postgresql(url: str) -> None:
    env = Environment({"DB": url})

    assert env.database_url("DB", "sqlite://") == url
    env.check()


def test_a_foreign_database_url_is_recorded() -> None:
    env = Environment({"DB": "mysql://db/conflux"})

    assert env.database_url("DB", "sqlite://") == "sqlite://"
    assert "DB='mysql://db/conflux' is not a sqlite:// or postgresql" in _problems(env)


def test_check_names_every_bad_variable_at_once() -> None:
    env = Environment({"A": "x", "B": "maybe", "C": "nowhere", "D": "json5"})
    env.integer("A", 1)
    env.flag("B", False)
    env.address("C", "h:1")
    env.choice("D", "text", ("text", "json"))
    env.problem("A and B disagree")

    message = _problems(env)

    for name in ("A=", "B=", "C=", "D=", "A and B disagree"):
        assert name in message
    assert message.count("\n") == 5


def test_load_common_defaults() -> None:
    env = Environment({})

    settings = load_common(env)

    env.check()
    assert settings.data_dir == Path("var").absolute()
    assert settings.server.listen_address == DEFAULT_LISTEN_ADDRESS
    assert settings.server.max_message_bytes == 32 * 1024 * 1024
    assert settings.server.drain_seconds == 15.0
    assert settings.server.tls is None
    assert settings.server.auth_token == ""
    assert settings.clients.addresses == {}
    assert settings.clients.ca_file is None
    assert settings.migrate_on_start is True
    assert (settings.log_level, settings.log_format) == ("INFO", "text")
    assert settings.opensearch_url == ""


def test_load_common_reads_every_variable(tmp_path: Path) -> None:
    cert, key, client_ca, ca = (
        _file(tmp_path, n) for n in ("cert.pem", "key.pem", "client-ca.pem", "ca.pem")
    )
    env = Environment(
        {
            "CONFLUX_DATA_DIR": str(tmp_path / "data"),
            "CONFLUX_LISTEN_ADDRESS": "0.0.0.0:6000",
            "CONFLUX_MAX_MESSAGE_BYTES": "2048",
            "CONFLUX_AUTH_TOKEN": "s3cret",
            "CONFLUX_TLS_CERT_FILE": str(cert),
            "CONFLUX_TLS_KEY_FILE": str(key),
            "CONFLUX_TLS_CLIENT_CA_FILE": str(client_ca),
            "CONFLUX_TLS_CA_FILE": str(ca),
            "CONFLUX_OCR_ADDRESS": "ocr:50051",
            "CONFLUX_GATEWAY_ADDRESS": "gateway:50051",
            "CONFLUX_DRAIN_SECONDS": "2.5",
            "CONFLUX_MIGRATE_ON_START": "off",
            "CONFLUX_LOG_LEVEL": "DEBUG",
            "CONFLUX_LOG_FORMAT": "json",
            "CONFLUX_OPENSEARCH_URL": "https://search:9200",
        }
    )

    settings = load_common(env)

    env.check()
    assert settings.data_dir == tmp_path / "data"
    assert settings.server.listen_address == "0.0.0.0:6000"
    assert settings.server.max_message_bytes == settings.clients.max_message_bytes == 2048
    assert settings.server.auth_token == settings.clients.auth_token == "s3cret"
    assert settings.server.tls == TlsSettings(cert, key, client_ca)
    assert settings.clients.ca_file == ca
    assert settings.clients.addresses == {"ocr": "ocr:50051", "gateway": "gateway:50051"}
    assert settings.server.drain_seconds == 2.5
    assert settings.migrate_on_start is False
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    assert settings.opensearch_url == "https://search:9200"


def test_tls_without_client_ca_does_not_require_client_certificates(tmp_path: Path) -> None:
    cert, key = _file(tmp_path, "cert.pem"), _file(tmp_path, "key.pem")
    env = Environment({"CONFLUX_TLS_CERT_FILE": str(cert), "CONFLUX_TLS_KEY_FILE": str(key)})

    settings = load_common(env)

    env.check()
    assert settings.server.tls == TlsSettings(cert, key, None)


@pytest.mark.parametrize("alone", ["CONFLUX_TLS_CERT_FILE", "CONFLUX_TLS_KEY_FILE"])
def test_a_certificate_without_its_key_is_refused(tmp_path: Path, alone: str) -> None:
    env = Environment({alone: str(_file(tmp_path, "half.pem"))})

    settings = load_common(env)

    assert settings.server.tls is None
    assert "CONFLUX_TLS_CERT_FILE and CONFLUX_TLS_KEY_FILE must be set together" in _problems(env)


def test_a_client_ca_without_a_server_certificate_is_refused(tmp_path: Path) -> None:
    env = Environment({"CONFLUX_TLS_CLIENT_CA_FILE": str(_file(tmp_path, "ca.pem"))})

    load_common(env)

    assert "CONFLUX_TLS_CLIENT_CA_FILE needs CONFLUX_TLS_CERT_FILE" in _problems(env)


def test_load_common_names_every_bad_variable(tmp_path: Path) -> None:
    env = Environment(
        {
            "CONFLUX_LISTEN_ADDRESS": "nowhere",
            "CONFLUX_MAX_MESSAGE_BYTES": "100",
            "CONFLUX_TLS_CERT_FILE": str(tmp_path / "absent.pem"),
            "CONFLUX_IDENTITY_ADDRESS": "identity",
            "CONFLUX_MIGRATE_ON_START": "perhaps",
            "CONFLUX_LOG_LEVEL": "LOUD",
        }
    )

    settings = load_common(env)
    message = _problems(env)

    for name in (
        "CONFLUX_LISTEN_ADDRESS",
        "CONFLUX_MAX_MESSAGE_BYTES",
        "CONFLUX_TLS_CERT_FILE",
        "CONFLUX_IDENTITY_ADDRESS",
        "CONFLUX_MIGRATE_ON_START",
        "CONFLUX_LOG_LEVEL",
    ):
        assert name in message
    assert settings.server.listen_address == DEFAULT_LISTEN_ADDRESS
    assert settings.clients.addresses == {"identity": ""}


def test_every_service_address_is_read() -> None:
    env = Environment({f"CONFLUX_{name.upper()}_ADDRESS": f"{name}:1" for name in SERVICE_NAMES})

    settings = load_common(env)

    assert settings.clients.addresses == {name: f"{name}:1" for name in SERVICE_NAMES}


def test_address_of_falls_back_to_this_process() -> None:
    settings = load_common(Environment({"CONFLUX_OCR_ADDRESS": "ocr:50051"}))

    assert settings.clients.address_of("ocr", "127.0.0.1:7000") == "ocr:50051"
    assert settings.clients.address_of("identity", "127.0.0.1:7000") == "127.0.0.1:7000"


def test_database_url_of_a_service(tmp_path: Path) -> None:
    env = Environment(
        {
            "CONFLUX_DATA_DIR": str(tmp_path),
            "CONFLUX_CORRELATE_DATABASE_URL": "postgresql+psycopg://db/correlate",
        }
    )
    settings = load_common(env)

    assert settings.database_url(env, "identity") == f"sqlite:///{tmp_path}/identity.sqlite3"
    assert settings.database_url(env, "correlate") == "postgresql+psycopg://db/correlate"
    env.check()


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        ("0.0.0.0:0", "127.0.0.1:4321"),
        ("[::]:0", "127.0.0.1:4321"),
        ("localhost:50051", "localhost:4321"),
        ("10.1.2.3:50051", "10.1.2.3:4321"),
        ("[::1]:50051", "[::1]:4321"),
    ],
)
def test_dialable_address(listen: str, expected: str) -> None:
    assert dialable_address(listen, 4321) == expected
