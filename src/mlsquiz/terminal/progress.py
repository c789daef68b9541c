"""Progress bars on standard error for long work: click's bar (click comes with sqlite-utils), one line per
stage of the work, each with done/total, percentage, rate and time left.

Shown only when standard error is a terminal, the work is big enough to take a while, and `--quiet` was not
given; otherwise every call here is a no-op and click is never imported. prompt_toolkit's bar was measured
first: its import alone (~140 ms) cost more than the 5% of a 10,000-card import the bar may take."""

import contextlib
import sys
import time

QUIET = False  # set from --quiet by cli.py
SHOW_FROM = 2_000  # items: below this the work takes well under a second, and a bar would only flicker
SHOW_FROM_BYTES = 2_000_000  # for work measured by the size of the file it reads (Anki packages, collections)
REDRAW_SECONDS = 0.1


class _Silent:
    shown = False

    def advance(self, count: int = 1) -> None:
        pass

    def stage(self, label: str, total: int | None) -> "_Silent":
        return self


class _Bars:
    """The current stage's bar; a new stage completes the previous one and starts below it."""

    shown = True

    def __init__(self, stream):
        self.stream, self.bar, self.pending, self.started, self.last_draw = stream, None, 0, 0.0, 0.0

    def stage(self, label: str, total: int | None) -> "_Bars":
        import click

        from .output import neutralise

        self.finish()
        if total is None:  # one opaque step (a call into a library): its name is all there is to show
            print(f"{neutralise(label)} ...", file=self.stream, flush=True)
            return self
        self.bar = click.progressbar(length=total, label=f"{neutralise(label):<18}", file=self.stream,
                                     show_eta=True, show_percent=True, show_pos=True, width=24,
                                     item_show_func=self._rate)
        self.bar.__enter__()
        self.started = self.last_draw = time.monotonic()
        self.pending = 0
        self.bar.render_progress()
        return self

    def _rate(self, _item) -> str:
        elapsed = time.monotonic() - self.started
        return f"{self.bar.pos / elapsed:,.0f}/s" if elapsed > 0 and self.bar.pos else ""

    def advance(self, count: int = 1) -> None:
        # Counting is nearly free; the line is redrawn at most every REDRAW_SECONDS.
        if self.bar is None:
            return
        self.pending += count
        now = time.monotonic()
        if now - self.last_draw >= REDRAW_SECONDS:
            self.bar.update(self.pending)
            self.pending, self.last_draw = 0, now

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.length - self.bar.pos)
            self.bar.__exit__(None, None, None)
            self.bar = None


def wanted(size: int | None, show_from: int = SHOW_FROM) -> bool:
    return not QUIET and (size is None or size >= show_from) and sys.stderr.isatty()


@contextlib.contextmanager
def progress(title: str, size: int | None, show_from: int = SHOW_FROM):
    """`with progress("importing big.toml", cards) as bars: bars.stage("reading", n); bars.advance(k)`.

    `size` (items, or bytes with show_from=SHOW_FROM_BYTES) decides whether a bar is worth showing (None:
    unknown, show it). The bars draw in the working thread, so Ctrl-C is an ordinary KeyboardInterrupt and the
    caller's transaction rolls back."""
    if not wanted(size, show_from):
        yield _Silent()
        return
    from .output import neutralise, unprotected

    stream = unprotected(sys.stderr)  # click draws the bar; the labels are neutralised above
    print(neutralise(title), file=stream, flush=True)
    bars = _Bars(stream)
    try:
        yield bars
        bars.finish()
    except BaseException:
        if bars.bar is not None:
            bars.bar.__exit__(None, None, None)  # end the line, show the cursor again
        raise
