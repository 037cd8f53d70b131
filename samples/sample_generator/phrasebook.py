"""The shape of a phrasebook: the fragments a labelled example is assembled from, per language.

Fragments are `str.format` templates; the slots they may use are listed in SLOTS and filled by
the training set builder with invented names and numbers.
"""

from collections.abc import Mapping
from dataclasses import dataclass

CATEGORIES = (
    "address_change",
    "claim",
    "cancellation",
    "billing",
    "document_request",
    "complaint",
    "contract_change",
    "payment_issue",
)
SLOTS = (
    "name",
    "title",
    "customer",
    "contract",
    "invoice",
    "amount",
    "reading",
    "day",
    "address",
    "product",
    "phone",
)


@dataclass(frozen=True)
class CategoryPhrases:
    """What customers write about one category, in one language.

    demands state the request in the first person; details add context (some of them borrow
    the vocabulary of other categories on purpose, as real messages do); call_notes are the
    third-person summaries an agent types after a call; subjects are email and letter subjects;
    form_topic is the entry of the web form's drop-down list that matches the category.
    """

    subjects: tuple[str, ...]
    demands: tuple[str, ...]
    details: tuple[str, ...]
    call_notes: tuple[str, ...]
    form_topic: str


@dataclass(frozen=True)
class Phrasebook:
    """Every fragment of one language: the categories and the phrases they share.

    shared_remarks and generic_subjects fit any category, so that no single word gives the
    category away; shorthands are (long, short) pairs that SMS and chat writers abbreviate;
    titles are the courtesy titles of a woman and of a man, in that order;
    names, streets and towns (city, postcode) are invented and kept apart from the sample
    referential's; town_format, letter_date, subject_label and reference_label lay out letters.
    """

    language: str
    categories: Mapping[str, CategoryPhrases]
    greetings: tuple[str, ...]
    closings: tuple[str, ...]
    letter_openings: tuple[str, ...]
    letter_closings: tuple[str, ...]
    generic_subjects: tuple[str, ...]
    shared_remarks: tuple[str, ...]
    signature_lines: tuple[str, ...]
    call_openings: tuple[str, ...]
    call_followups: tuple[str, ...]
    chat_openings: tuple[str, ...]
    form_other_topic: str
    form_labels: tuple[str, str]
    titles: tuple[str, str]
    women_first_names: tuple[str, ...]
    men_first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    months: tuple[str, ...]
    products: tuple[str, ...]
    streets: tuple[str, ...]
    towns: tuple[tuple[str, str], ...]
    town_format: str
    letter_date: str
    subject_label: str
    reference_label: str
    shorthands: tuple[tuple[str, str], ...]
