from __future__ import annotations

import json
from pathlib import Path

import pytest

from classify_svc.example_files import ExampleFileError, read_examples
from classify_svc.examples import Example


def test_reads_csv_with_optional_columns(tmp_path: Path) -> None:
    path = tmp_path / "examples.csv"
    path.write_text(
        "subject,text,category,channel,party_known,attachment_media_types,ignored\n"
        'Résiliation,"Je résilie,\nmerci",cancellation,Mail,yes,application/pdf; image/png,x\n'
        ",Where is my card?,card_arrival,,,,\n",
        encoding="utf-8",
    )
    assert read_examples(path) == [
        Example(
            "Résiliation",
            "Je résilie,\nmerci",
            "Mail",
            ("application/pdf", "image/png"),
            True,
            "cancellation",
        ),
        Example("", "Where is my card?", "", (), False, "card_arrival"),
    ]


def test_reads_a_minimal_csv_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "examples.csv"
    path.write_bytes("\ufefftext,category\nhello,greeting\n\nbye,farewell\n".encode())
    assert [e.category for e in read_examples(path)] == ["greeting", "farewell"]


def test_reads_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "examples.jsonl"
    records = [
        {
            "subject": "Sinistre",
            "text": "Dégât des eaux",
            "channel": "email",
            "attachment_media_types": ["image/jpeg"],
            "party_known": True,
            "category": "claim",
        },
        {"text": "Please cancel", "category": "cancellation"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    assert read_examples(path) == [
        Example("Sinistre", "Dégât des eaux", "email", ("image/jpeg",), True, "claim"),
        Example("", "Please cancel", "", (), False, "cancellation"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("body,category\nx,a\n", r"line 1: the header lacks the required column\(s\) text"),
        ("text,category\nx,a\ny\n", "line 3: 1 fields where the header has 2"),
        ("text,category\nx,a\n,b\n", "line 3, field 'text': empty"),
        ("text,category\nx,a\ny, \n", "line 3, field 'category': empty"),
        ("text,category,party_known\nx,a,maybe\n", "line 2, field 'party_known'"),
        ('text,category\nx,a\n"y,b\n', "line 3: malformed CSV"),
        ("text,category\n", "holds no example"),
    ],
)
def test_malformed_csv_names_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "examples.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExampleFileError, match=message):
        read_examples(path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "x", "category": "a"', "line 2: invalid JSON at column 30"),
        ('["x", "a"]', "line 2: expected a JSON object"),
        ('{"text": "x"}', "line 2, field 'category': missing"),
        ('{"text": 3, "category": "a"}', "line 2, field 'text': expected a string"),
        ('{"text": "x", "category": "a", "party_known": "yes"}', "field 'party_known'"),
        ('{"text": "x", "category": "a", "attachment_media_types": "a/b"}', "a list of strings"),
    ],
)
def test_malformed_jsonl_names_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "examples.jsonl"
    path.write_text('{"text": "ok", "category": "a"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ExampleFileError, match=message) as caught:
        read_examples(path)
    assert caught.value.line == 2


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "examples.csv"
    path.write_bytes(b"text,category\nok,a\nr\xe9siliation,b\n")
    with pytest.raises(ExampleFileError, match="line 3: not valid UTF-8"):
        read_examples(path)


def test_unknown_extension_and_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ExampleFileError, match=r"expected a \.csv or \.jsonl"):
        read_examples(tmp_path / "examples.xlsx")
    with pytest.raises(ExampleFileError, match="cannot be read"):
        read_examples(tmp_path / "absent.csv")
