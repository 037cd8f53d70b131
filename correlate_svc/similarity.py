"""Content similarity of two requests, computed the same way whatever the search engine.

Texts are folded (lower case, accents removed), split into words, stripped of French and English
function words, and compared as log-scaled term-frequency vectors by cosine. The search engine's
BM25 only finds candidates; this measure decides, so that tantivy and OpenSearch give the same
decision for the same request.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

_WORD = re.compile(r"[a-z0-9]{2,}")
# The five blocks of combining diacritical marks: what NFKD splits off accented letters.
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_STOPWORDS = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "est",
        "sont",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "etre",
        "avoir",
        "fait",
        "faire",
        "bonjour",
        "madame",
        "monsieur",
        "merci",
        "cordialement",
        "salutations",
        "veuillez",
        "agreer",
        "sincerement",
        "bien",
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "hello",
        "dear",
        "regards",
        "thanks",
        "thank",
        "please",
        "sincerely",
    ]
)


def fold(text: str) -> str:
    """Lower case without accents: how texts are compared."""
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.lower()))


def term_vector(text: str) -> dict[str, float]:
    """Log-scaled term frequencies of the content words of ``text``."""
    counts = Counter(w for w in _WORD.findall(fold(text)) if w not in _STOPWORDS)
    return {word: 1.0 + math.log(count) for word, count in counts.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine similarity of two term vectors, in [0, 1]."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b.get(word, 0.0) for word, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return min(1.0, dot / norm) if norm else 0.0
