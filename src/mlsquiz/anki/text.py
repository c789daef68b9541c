"""Pure: Anki field HTML as plain terminal text. Markup goes, entities are decoded, media is named as not shown."""

import html
import re

_SOUND = re.compile(r"\[sound:([^\]]*)\]")
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))[^>]*>", re.IGNORECASE)
_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_BREAK = re.compile(r"</?(?:br|div|p|tr|h[1-6]|ul|ol|table|hr)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def _image(match: re.Match) -> str:
    source = next((group for group in match.groups() if group), "?")
    return f"[image {html.unescape(source)}: not shown]"


def html_to_text(field: str) -> str:
    """A field's text as a person reads it: one space between words, at most one blank line between blocks."""
    text = _SOUND.sub(lambda m: f"[sound {m.group(1)}: not played]", field) if "[sound:" in field else field
    if "<" in text:
        # Each pass only where its markup can be: a deck has thousands of fields, most with one or two tags.
        lowered = text.lower()
        if "<script" in lowered or "<style" in lowered:
            text = _HIDDEN.sub("", text)
        if "<!--" in text:
            text = _COMMENT.sub("", text)
        if "<img" in lowered:
            text = _IMAGE.sub(_image, text)
        if "<li" in lowered:
            text = _ITEM.sub("\n- ", text)
        text = _TAG.sub("", _BREAK.sub("\n", text))  # a closing </li> goes too: the next item starts a line
    if "&" in text:
        text = html.unescape(text)  # once, after the markup is gone: "&amp;lt;" stays "&lt;"
    text = text.replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
