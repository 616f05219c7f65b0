"""How many SMS segments a text takes (3GPP TS 23.038 / 23.040).

A text in the GSM 7-bit default alphabet (which has æ, ø, å, Æ, Ø, Å, so Norwegian fits)
takes 160 characters in one segment and 153 per segment when concatenated; characters of
the alphabet's extension table ({ } [ ] ~ \\ | ^ €) take two. Any other character (an
emoji, a typographic quote, a letter outside the alphabet) makes the whole text UCS-2: 70
characters in one segment, 67 per segment when concatenated (characters outside the Basic
Multilingual Plane take two)."""

from __future__ import annotations

import math
from dataclasses import dataclass

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "\x0c^{}\\[~]|€"


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def count_segments(text: str) -> SegmentCount:
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        units = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    segments = 1 if units <= single else math.ceil(units / multi)
    return SegmentCount(encoding, units, segments)
