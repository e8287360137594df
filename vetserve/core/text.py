"""Text helpers shared by every app: pinyin keys for search, full-width folding."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """Return (initials, full pinyin) for Chinese text: 张北县 -> ("zbx", "zhangbeixian").

    Latin letters and digits pass through lower-cased, so mixed names stay searchable.
    """
    syllables = [w for token in lazy_pinyin(text) for w in re.split(r"[^0-9A-Za-z]+", token) if w]
    full = "".join(s.lower() for s in syllables if s.isalnum())
    initials = "".join(s[0].lower() for s in syllables if s[:1].isalnum())
    return initials, full


def fold_width(text: str) -> str:
    """Full-width digits, letters and spaces (common in office files) to their ASCII forms."""
    return unicodedata.normalize("NFKC", text).strip()
