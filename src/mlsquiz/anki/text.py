"""Pure: Anki field HTML as plain terminal text. Markup goes, entities are decoded, media is named as not shown.

Linear in the field's length: a pattern that must find a closing `>`, `]`, `-->` or `</script>` is never tried
again and again where none follows (100 KB of unclosed `<img ` took 25-59 s that way); images are found by a
small scanner instead of one pattern with a lazy and a quoted part."""

import html
import re

_HIDDEN_START = re.compile(r"<(script|style)\b", re.IGNORECASE)
_HIDDEN_END = {"script": re.compile(r"</script\s*>", re.IGNORECASE),
               "style": re.compile(r"</style\s*>", re.IGNORECASE)}
_IMAGE_START = re.compile(r"<img\b", re.IGNORECASE)
_SOURCE = re.compile(r"\bsrc\s*=\s*", re.IGNORECASE)
_UNQUOTED = re.compile(r"[^\s>]*")


class _Pass:
    """One cleanup pass, called as a compiled pattern's `sub(replace, text)` is (the tests run every pass)."""

    def __init__(self, run, closer: str | None = None):
        self.run, self.closer = run, closer

    def sub(self, replace, text: str) -> str:
        if self.closer is None:
            return self.run(replace, text)
        # A match ends with `closer`: only up to its last one (after it every try would scan to the end and fail).
        last = text.rfind(self.closer)
        return text if last < 0 else self.run(replace, text[:last + 1]) + text[last + 1:]


def _without_hidden(replace, text: str) -> str:
    """<script> and <style> elements removed, with their content."""
    parts, position, unclosed = [], 0, set()
    while found := _HIDDEN_START.search(text, position):
        name = found.group(1).lower()
        end = None if name in unclosed else _HIDDEN_END[name].search(text, found.end())
        if end is None:
            unclosed.add(name)  # none closes later either
            parts.append(text[position:found.end()])
        else:
            parts += [text[position:found.start()], replace]
        position = found.end() if end is None else end.end()
    return "".join(parts) + text[position:]


def _without_comments(replace, text: str) -> str:
    parts, position = [], 0
    while (start := text.find("<!--", position)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        parts += [text[position:start], replace]
        position = end + 3
    return "".join(parts) + text[position:]


class _Source(tuple):
    def groups(self):
        return tuple(self)


def _images_named(replace, text: str) -> str:
    """Each <img> with a src replaced (a quoted name may hold a `>`); the scan never passes a `>` twice."""
    parts, position = [], 0
    while found := _IMAGE_START.search(text, position):
        start, tag_end = found.start(), text.find(">", found.end())
        if tag_end < 0:
            break  # no image tag closes after this one
        source = _SOURCE.search(text, found.end(), tag_end)
        value, end = None, tag_end + 1
        if source:
            at = source.end()
            quote = text[at] if text[at] in "\"'" else None
            closing = text.find(quote, at + 1) if quote else -1
            after = text.find(">", closing + 1) if closing >= 0 else -1
            if after >= 0:
                value, end = text[at + 1:closing], after + 1
            else:
                value = _UNQUOTED.match(text, at).group() or None
        if value is None:  # no usable src: left for the tag pass, as every <img inside this tag
            parts.append(text[position:tag_end])
            position = tag_end
            continue
        parts += [text[position:start], replace(_Source((value,)))]
        position = end
    return "".join(parts) + text[position:]


def _image(match) -> str:
    source = next((group for group in match.groups() if group), "?")
    return f"[image {html.unescape(source)}: not shown]"


_SOUND = _Pass(re.compile(r"\[sound:([^\]]*)\]").sub, closer="]")
_HIDDEN = _Pass(_without_hidden)
_COMMENT = _Pass(_without_comments)
_IMAGE = _Pass(_images_named)
_ITEM = _Pass(re.compile(r"<li\b[^>]*>", re.IGNORECASE).sub, closer=">")
_BREAK = _Pass(re.compile(r"</?(?:br|div|p|tr|h[1-6]|ul|ol|table|hr)\b[^>]*>", re.IGNORECASE).sub, closer=">")
_TAG = _Pass(re.compile(r"</?[A-Za-z][^>]*>").sub, closer=">")
_BLANK_LINES = re.compile(r"\n{3,}")


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
