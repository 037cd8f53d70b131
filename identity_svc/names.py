"""Names of people and organisations as matching reads them, French and English alike.

A person's name is split into given and family names: from the CRM's own fields when it has
them, otherwise from how it is written ("Jean DUPONT" and "DUPONT Jean": the capitals are the
family name, as French forms write it; "Dupont, Jean": family name first; "Jean Dupont": the last
word). Titles ("M.", "Mme", "Dr", "Maître", "Mrs") are not part of a name, nor legal forms
("SARL", "SAS", "Inc.", "Ltd") of an organisation's.

Fuzzy retrieval through a search engine that only matches exact terms uses the symmetric
deletion scheme: a word is indexed with every form of it missing one letter, and a query word
is looked up the same way, so that two words within two edits of each other ("lemaire",
"lemare", "lenaire") share a key.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity_svc.words import folded_words

TITLES = frozenset(
    {
        "m", "mr", "mrs", "ms", "mme", "mmes", "mlle", "mlles", "mm", "miss", "mister", "monsieur",
        "madame", "mademoiselle", "messieurs", "dr", "docteur", "doctor", "pr", "prof",
        "professeur", "professor", "me", "maitre", "sir", "dame", "lady", "lord", "rev",
        "mx", "jr", "sr", "esq",
    }
)  # fmt: skip
LEGAL_FORMS = frozenset(
    {
        "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "scp", "selarl", "gie", "eirl",
        "ei", "inc", "incorporated", "llc", "llp", "ltd", "limited", "plc", "corp",
        "corporation", "co", "gmbh", "ag", "bv", "nv", "srl", "spa",
    }
)  # fmt: skip
# Words that join the significant words of a name and say nothing about who it is.
JOINING_WORDS = frozenset(
    {
        "de", "du", "des", "la", "le", "les", "d", "l", "et", "and", "of", "the", "for", "a",
        "au", "aux", "en", "s",
    }
)  # fmt: skip
_MIN_KEYED_LENGTH = 2
_MIN_DELETION_LENGTH = 4


@dataclass(frozen=True)
class NameForm:
    """A name as compared: given-name words and family-name words (an organisation's words
    are all "family"), folded, without titles, legal forms or joining words."""

    given: tuple[str, ...]
    family: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        """Every significant word, given names first."""
        return self.given + self.family


def significant(words: list[str]) -> tuple[str, ...]:
    """``words`` without titles, legal forms and joining words."""
    return tuple(
        w for w in words if w not in TITLES and w not in LEGAL_FORMS and w not in JOINING_WORDS
    )


def person_name(display_name: str, given_name: str = "", family_name: str = "") -> NameForm:
    """The name of a person, from the CRM's given and family names when it has them, else
    read from ``display_name``."""
    if family_name.strip():
        return NameForm(
            significant(folded_words(given_name)), significant(folded_words(family_name))
        )
    text = display_name.strip()
    if "," in text:
        family, _, given = text.partition(",")
        return NameForm(significant(folded_words(given)), significant(folded_words(family)))
    raw = [w for w in text.replace(".", " ").split() if any(c.isalpha() for c in w)]
    capitals = [w for w in raw if len(w) > 1 and w.isupper()]
    if capitals and len(capitals) < len(raw):
        given_words = [w for w in raw if w not in capitals]
        return NameForm(
            significant(folded_words(" ".join(given_words))),
            significant(folded_words(" ".join(capitals))),
        )
    words = significant(folded_words(text))
    if len(words) < 2:
        return NameForm((), words)
    return NameForm(words[:-1], words[-1:])


def organisation_name(display_name: str) -> NameForm:
    """The name of an organisation: its significant words, each once (CRM exports often
    repeat an agency's name before the site's)."""
    return NameForm((), tuple(dict.fromkeys(significant(folded_words(display_name)))))


def deletion_keys(word: str) -> set[str]:
    """The retrieval keys of a word: itself, and itself missing each one letter (words of at
    least four letters; shorter ones would match too much)."""
    if len(word) < _MIN_KEYED_LENGTH:
        return set()
    keys = {word}
    if len(word) >= _MIN_DELETION_LENGTH:
        keys.update(word[:i] + word[i + 1 :] for i in range(len(word)))
    return keys
