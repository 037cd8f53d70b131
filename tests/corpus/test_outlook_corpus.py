"""Real Outlook files of the public corpus: Apache POI's .msg files and tnefparse's TNEF streams.

Every file is read or refused with a domain error; files whose content is known (from the
suites' own tests) are checked field by field.
"""

from pathlib import Path

import pytest

from ingest_svc.outlook import parse_outlook_message
from ingest_svc.parsed_email import (
    FORWARDED_SEPARATOR,
    EmailLimitExceededError,
    MalformedEmailError,
    ParsedEmail,
)
from ingest_svc.tnef import MalformedTnefError, TnefFile, unpack_tnef

EMAIL_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "email"
MSG_FOLDER = EMAIL_CORPUS / "apache_poi_hsmf_msg"
TNEF_FOLDER = EMAIL_CORPUS / "tnefparse"

pytestmark = pytest.mark.corpus


def _msg(name: str) -> ParsedEmail:
    if not MSG_FOLDER.is_dir():
        pytest.skip(f"{MSG_FOLDER} is absent")
    return parse_outlook_message((MSG_FOLDER / name).read_bytes())


def _tnef_files(name: str) -> list[TnefFile]:
    if not TNEF_FOLDER.is_dir():
        pytest.skip(f"{TNEF_FOLDER} is absent")
    message = unpack_tnef((TNEF_FOLDER / name).read_bytes())
    return [part for part in message.attachments if isinstance(part, TnefFile)]


def test_every_msg_is_read_or_refused_with_a_domain_error() -> None:
    if not MSG_FOLDER.is_dir():
        pytest.skip(f"{MSG_FOLDER} is absent")
    read, crashes = 0, []
    for path in sorted(MSG_FOLDER.glob("*.msg")):
        try:
            parsed = parse_outlook_message(path.read_bytes())
        except (MalformedEmailError, EmailLimitExceededError):
            continue
        except Exception as error:  # every crash is reported at once, not only the first
            crashes.append(f"{path.name}: {error!r}")
            continue
        read += 1
        assert "\x00" not in parsed.body_text + parsed.subject + parsed.sender_name, path
        assert parsed.sent_time is None or parsed.sent_time.utcoffset() is not None, path

    assert crashes == []
    assert read >= 40


def test_a_simple_message_is_read_field_by_field() -> None:
    parsed = _msg("simple_test_msg.msg")

    assert (parsed.sender, parsed.sender_name) == ("travis@overwrittenstack.com", "Travis Ferguson")
    assert parsed.recipients == ("travis@overwrittenstack.com",)
    assert parsed.subject == "test message"
    assert parsed.body_text == "This is a test message."
    assert parsed.message_id == "PGEFIIKPGDMKMJKEOPLDIEBICAAA.travis@overwrittenstack.com"


def test_an_embedded_message_and_a_pdf_are_found() -> None:
    parsed = _msg("attachment_msg_pdf.msg")

    assert FORWARDED_SEPARATOR in parsed.body_text
    assert [(a.file_name, a.media_type, a.nesting_path) for a in parsed.attachments] == [
        ("smbprn.00009008.KdcPjl.pdf", "application/pdf", "")
    ]


def test_inline_images_keep_their_content_ids() -> None:
    parsed = _msg("attachment_msg_inlineImg.msg")

    images = [(a.file_name, a.content_id, a.inline) for a in parsed.attachments]
    assert ("image001.png", "image001.png@01D0A524.96D40F30", True) in images


def test_an_html_body_is_decoded_in_the_message_code_page() -> None:
    assert _msg("HTMLBodyBinary_CP1251.msg").body_text == "HTML автоматически"


def test_every_tnef_is_unpacked_or_refused_with_a_domain_error() -> None:
    if not TNEF_FOLDER.is_dir():
        pytest.skip(f"{TNEF_FOLDER} is absent")
    crashes = []
    for path in sorted(TNEF_FOLDER.glob("*.tnef")):
        try:
            unpack_tnef(path.read_bytes())
        except MalformedTnefError:
            continue
        except Exception as error:  # every crash is reported at once, not only the first
            crashes.append(f"{path.name}: {error!r}")

    assert crashes == []


@pytest.mark.parametrize(
    ("name", "files"),
    [
        ("two-files.tnef", [("AUTHORS", 244), ("README", 893)]),
        ("umlaut.tnef", [("TBZ PARIV GmbH.jpg", 44764), ("image003.jpg", 1001),
                         ("UmlautAnhang-äüö.txt", 14)]),
        ("bad_checksum.tnef", [("image001.png", 1533127)]),
    ],
)  # fmt: skip
def test_tnef_files_come_out_with_their_names(name: str, files: list[tuple[str, int]]) -> None:
    assert [(file.file_name, len(file.data)) for file in _tnef_files(name)] == files


def test_a_tnef_rtf_body_is_made_readable() -> None:
    if not TNEF_FOLDER.is_dir():
        pytest.skip(f"{TNEF_FOLDER} is absent")
    message = unpack_tnef((TNEF_FOLDER / "long-filename.tnef").read_bytes())

    assert message.subject == "RE: license file"
    assert message.body_text.startswith("I've attached a temp. license for QARun 4.7.")
