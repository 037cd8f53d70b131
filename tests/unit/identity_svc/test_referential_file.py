"""Reading referential exports (CSV and JSON Lines) made here in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from identity_svc.referential import Identifier, Party, PartyKind
from identity_svc.referential_file import ReferentialFileError, read_parties

HEADER = (
    "party_id,kind,display_name,emails,phones,customer_numbers,contract_numbers,ibans,"
    "postal_address\n"
)


def _write(tmp_path: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding=encoding)
    return path


def test_a_csv_row_becomes_a_party_with_every_identifier(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "parties.csv",
        HEADER + "P-1,person,Jean Dupont,jean@example.fr; jd@example.fr ,06 12 34 56 78,"
        "CLI482913,CTR-2024 0871;CTR-2025 0001,FR76 3000 6000 0112 3456 7890 189,"
        '"1 rue de la Paix, Paris"\n',
    )

    (party,) = read_parties(path)

    assert party == Party(
        party_id="P-1",
        kind=PartyKind.PERSON,
        display_name="Jean Dupont",
        identifiers=tuple(
            Identifier(kind, value)
            for kind, value in (
                ("email", "jean@example.fr"),
                ("email", "jd@example.fr"),
                ("phone", "06 12 34 56 78"),
                ("customer_number", "CLI482913"),
                ("contract_number", "CTR-2024 0871"),
                ("contract_number", "CTR-2025 0001"),
                ("iban", "FR76 3000 6000 0112 3456 7890 189"),
            )
        ),
        postal_addresses=("1 rue de la Paix, Paris",),
    )


def test_only_party_id_and_display_name_are_required(tmp_path: Path) -> None:
    path = _write(tmp_path, "minimal.csv", "display_name,party_id\nACME SA,O-1\nJean,P-2\n")

    parties = list(read_parties(path))

    assert [(p.party_id, p.display_name, p.kind) for p in parties] == [
        ("O-1", "ACME SA", PartyKind.PERSON),
        ("P-2", "Jean", PartyKind.PERSON),
    ]
    assert all(p.identifiers == () and p.postal_addresses == () for p in parties)


def test_empty_cells_and_separators_give_no_identifier(tmp_path: Path) -> None:
    path = _write(tmp_path, "sparse.csv", HEADER + "P-1,,Jean,; ;,,,,,\n")

    (party,) = read_parties(path)

    assert party.identifiers == ()
    assert party.kind is PartyKind.PERSON


def test_kind_is_read_without_regard_to_case(tmp_path: Path) -> None:
    path = _write(tmp_path, "kinds.csv", "party_id,kind,display_name\nO-1, Organisation ,ACME\n")

    (party,) = read_parties(path)

    assert party.kind is PartyKind.ORGANISATION


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.csv", "party_id,display_name\nP-1,Jean\n", encoding="utf-8-sig")

    assert [p.party_id for p in read_parties(path)] == ["P-1"]


def test_values_are_kept_as_written_even_when_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path, "raw.csv", "party_id,display_name,emails\n,  ,not-an-address\n")

    (party,) = read_parties(path)

    assert (party.party_id, party.display_name) == ("", "")
    assert party.identifiers == (Identifier("email", "not-an-address"),)


def test_a_header_without_required_columns_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", "id,name,emails\nP-1,Jean,jean@example.fr\n")

    with pytest.raises(ReferentialFileError, match="display_name, party_id") as raised:
        list(read_parties(path))

    assert str(path) in str(raised.value)


def test_an_empty_csv_is_refused_for_its_missing_header(tmp_path: Path) -> None:
    with pytest.raises(ReferentialFileError, match="lacks the column"):
        list(read_parties(_write(tmp_path, "empty.csv", "")))


def test_a_bad_kind_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "kinds.csv", "party_id,kind,display_name\nP-1,person,Jean\nP-2,robot,R2\n"
    )
    parties = read_parties(path)

    assert next(parties).party_id == "P-1"
    with pytest.raises(ReferentialFileError) as raised:
        next(parties)

    assert str(raised.value) == f"{path}:3: kind 'robot' is not person or organisation"


def test_a_windows_1252_export_is_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "cp1252.csv", "party_id,display_name\nP-1,Hélène Lefèvre\n", encoding="cp1252"
    )

    assert [p.display_name for p in read_parties(path)] == ["Hélène Lefèvre"]


def test_bytes_that_do_not_fit_the_encoding_are_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    valid = "party_id,display_name\n" + "".join(f"P-{n},Hélène {n}\n" for n in range(5000))
    path.write_bytes(valid.encode() + b"P-x,\xff\xfe\n")

    with pytest.raises(ReferentialFileError, match=r"broken\.csv.*utf-8"):
        list(read_parties(path))


def test_jsonl_lines_become_parties(tmp_path: Path) -> None:
    records = [
        {
            "party_id": "P-1",
            "kind": "person",
            "display_name": "Jean Dupont",
            "emails": ["jean@example.fr", " ", "jd@example.fr"],
            "phones": "06 12 34 56 78;+33 1 23 45 67 89",
            "customer_numbers": [482913],
            "postal_address": " 1 rue de la Paix ",
        },
        {"party_id": "O-1", "kind": "organisation", "display_name": "ACME"},
    ]
    path = _write(tmp_path, "parties.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")

    first, second = read_parties(path)

    assert tuple((i.kind, i.value) for i in first.identifiers) == (
        ("email", "jean@example.fr"),
        ("email", "jd@example.fr"),
        ("phone", "06 12 34 56 78"),
        ("phone", "+33 1 23 45 67 89"),
        ("customer_number", "482913"),
    )
    assert first.postal_addresses == ("1 rue de la Paix",)
    assert (second.party_id, second.kind, second.identifiers) == (
        "O-1",
        PartyKind.ORGANISATION,
        (),
    )


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson", ".json", ".JSONL"])
def test_json_lines_suffixes(tmp_path: Path, suffix: str) -> None:
    path = _write(tmp_path, f"parties{suffix}", '{"party_id": "P-1", "display_name": "Jean"}\n')

    assert [p.party_id for p in read_parties(path)] == ["P-1"]


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    content = (
        '\n{"party_id": "P-1", "display_name": "A"}\n   \n{"party_id": "P-2", "display_name": "B"}'
    )
    path = _write(tmp_path, "gaps.jsonl", content)

    assert [p.party_id for p in read_parties(path)] == ["P-1", "P-2"]


def test_a_bad_json_line_is_named_with_its_number(tmp_path: Path) -> None:
    content = '{"party_id": "P-1", "display_name": "A"}\n\n{"party_id": "P-2", "display_name"\n'
    path = _write(tmp_path, "broken.jsonl", content)
    parties = read_parties(path)

    assert next(parties).party_id == "P-1"
    with pytest.raises(ReferentialFileError, match=r"broken\.jsonl:3: not valid JSON"):
        next(parties)


@pytest.mark.parametrize("line", ['["P-1", "Jean"]', '"P-1"', "42", "null"])
def test_a_json_line_that_is_not_an_object_is_refused(tmp_path: Path, line: str) -> None:
    path = _write(tmp_path, "lists.jsonl", line + "\n")

    with pytest.raises(ReferentialFileError, match=r"lists\.jsonl:1: a line must be a JSON object"):
        list(read_parties(path))


def test_a_bad_kind_in_json_lines_names_its_line(tmp_path: Path) -> None:
    content = '{"party_id": "P-1", "display_name": "A"}\n{"party_id": "P-2", "kind": "cat"}\n'
    path = _write(tmp_path, "kinds.jsonl", content)

    with pytest.raises(ReferentialFileError, match=r"kinds\.jsonl:2: kind 'cat'"):
        list(read_parties(path))


def test_names_birth_date_and_several_addresses_are_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "people.csv",
        "party_id,display_name,given_name,family_name,birth_date,postal_addresses\n"
        'P-1,Jean Dupont,Jean,Dupont,12/03/1975,"1 rue de la Paix, Paris;2 quai Sud, Lyon"\n',
    )

    (party,) = read_parties(path)

    assert (party.given_name, party.family_name, party.birth_date) == (
        "Jean",
        "Dupont",
        "12/03/1975",
    )
    assert party.postal_addresses == ("1 rue de la Paix, Paris", "2 quai Sud, Lyon")
