"""parse_email over every file of the public email corpus: refusals are fine, crashes are not."""

from pathlib import Path

import pytest

from ingest_svc.email_parsing import EmailLimitExceededError, MalformedEmailError, parse_email

EMAIL_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "email"
FOLDERS = sorted(path.name for path in EMAIL_CORPUS.iterdir()) if EMAIL_CORPUS.is_dir() else []

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not FOLDERS, reason=f"{EMAIL_CORPUS} is absent"),
]


@pytest.mark.parametrize("folder", [name for name in FOLDERS if (EMAIL_CORPUS / name).is_dir()])
def test_every_file_is_parsed_or_refused_with_a_domain_error(folder: str) -> None:
    crashes: list[str] = []
    for path in sorted((EMAIL_CORPUS / folder).rglob("*")):
        if not path.is_file():
            continue
        try:
            parsed = parse_email(path.read_bytes())
        except (MalformedEmailError, EmailLimitExceededError):
            continue
        except Exception as error:  # every crash is reported at once, not only the first
            crashes.append(f"{path.relative_to(EMAIL_CORPUS)}: {error!r}")
            continue
        assert parsed.sent_time is None or parsed.sent_time.utcoffset() is not None, path
        assert "\x00" not in parsed.body_text, path

    assert crashes == []
