"""Colour arithmetic for a municipality's brand colour (WCAG 2.1 relative luminance)."""

from __future__ import annotations

WHITE = "#ffffff"
BLACK = "#000000"


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of a colour written as six hexadecimal digits (a leading #
    is allowed)."""
    digits = colour.removeprefix("#")
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or black, whichever reads better on the background. One of them always reaches
    WCAG's 4.5:1 for text: their contrasts multiply to 21, so the better one is at least 4.58."""
    on_white = contrast_ratio(background, WHITE)
    return WHITE if on_white >= contrast_ratio(background, BLACK) else BLACK
