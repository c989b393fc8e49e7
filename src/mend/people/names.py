"""How names are compared: folded for exact keys, folded further for how they sound, and measured
by trigram similarity (the measure PostgreSQL's pg_trgm uses, so that SQLite can rank the same way).

- `name_key("Siân O'Neill")` is "sianoneill": letters only, for exact comparisons.
- `search_name("Siân O'Neill")` is "sian o neill": words kept, for trigram similarity.
- `sound_name("Ryan Lloyd")` is "rian loid", as is `sound_name("Rian Loyd")`: Welsh and English
  spellings that sound alike fold together (ll/l, ff/ph/f, rh/r, c/k/ck, y/i, doubled letters).
- `block("Lloyd")` is "ld": how a name's first word starts, by its sound's first letter and the
  next two consonants (vowels, w and h left out, v as f), so that a vowel typed wrongly or two
  letters swapped still give the same block: "Llyod", "Llywelyn" and "Llewellyn", "Dafydd" and
  "David", "Sean" and "Shaun". Search looks only at people whose first or last name has the block
  of a word typed (or of two words typed together: "O Neill" is O'Neill), an index finds them,
  then ranks those by similarity: comparing with every person of the organisation reads far too
  much at a national scale. A first letter typed wrongly ("Jeraint") is not found.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

# Applied in order to each folded word. Welsh "ll", "ff", "rh" and "dd" are single sounds;
# y and i, c and k, ph and f, tch and ch are spelled either way in names people are given and typed.
_SOUNDS = [
    ("tch", "ch"),
    ("ph", "f"),
    ("ck", "k"),
    ("rh", "r"),
    ("c", "k"),
    ("q", "k"),
    ("y", "i"),
]
_DOUBLED = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z]+")


def _ascii_lower(value: str) -> str:
    return unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().lower()


def name_key(value: str) -> str:
    """Lower-case ASCII letters only: 'Siân O'Neill' and 'sian oneill' match."""
    return _NOT_LETTER.sub("", _ascii_lower(value))


def postcode_key(value: str) -> str:
    return re.sub(r"\s", "", (value or "").upper())


_APOSTROPHES = re.compile(r"['\u2019]")


def search_name(*parts: str) -> str:
    """The words of a name, lower-case ASCII, one space apart ("O'Neill" is one word)."""
    folded = _APOSTROPHES.sub("", _ascii_lower(" ".join(parts)))
    return " ".join(_NOT_LETTER.sub(" ", folded).split())


def _sound_word(word: str) -> str:
    for spelled, sound in _SOUNDS:
        word = word.replace(spelled, sound)
    return _DOUBLED.sub(r"\1", word)


def sound_name(*parts: str) -> str:
    """The words of a name as they sound, so that spellings of the same name compare equal."""
    return " ".join(_sound_word(word) for word in search_name(*parts).split())


BLOCK = 3
# A word this short may be the first part of a name typed apart ("O", "Mc", "Ap", "Van").
PARTICLE = 3
_QUIET = frozenset("aeiouwh")


def _skeleton(word: str) -> str:
    """A sounded word's first letter and its next consonants, BLOCK letters at most."""
    word = word.replace("v", "f")
    consonants = [letter for letter in word[1:] if letter not in _QUIET]
    return (word[:1] + "".join(consonants))[:BLOCK]


def block(name: str) -> str:
    """How the name's first word starts, by sound ("" for no letters)."""
    words = sound_name(name).split()
    return _skeleton(words[0]) if words else ""


def blocks(text: str) -> set[str]:
    """The blocks of the words typed, leaving out initials (one letter says too little), and of a
    short word and the next as one word ("o neill", "mc donald", "ap rhys")."""
    words = sound_name(text).split()
    found = {_skeleton(word) for word in words if len(word) > 1}
    found.update(_skeleton(_sound_word(a + b)) for a, b in pairwise(words) if len(a) <= PARTICLE)
    return found


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    found: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of either text (0 to 1)."""
    left, right = trigrams(a), trigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


# pg_trgm's default `similarity_threshold`: the `%` operator (and `trigram_similar`) keeps
# pairs at least this similar.
SIMILAR = 0.3
