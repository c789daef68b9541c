"""Progress bars on standard error for long work: one line per stage of the work, each with done/total,
percentage, time left and rate, drawn as click's progressbar draws them (`_Line`).

Shown only when standard error is a terminal, the work is big enough to take a while, and `--quiet` was not
given; otherwise every call here is a no-op. The bar imports nothing: prompt_toolkit's import alone (~140 ms)
and click's (~35 ms, 3% of a 10,000-card import) cost more than all the drawing, at most every REDRAW_SECONDS."""

import contextlib
import os
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
        from .output import neutralise

        self.finish()
        if total is None:  # one opaque step (a call into a library): its name is all there is to show
            print(f"{neutralise(label)} ...", file=self.stream, flush=True)
            return self
        self.bar = _Line(self.stream, f"{neutralise(label):<18}", total, self._rate)
        self.bar.render()
        self.started = self.last_draw = time.monotonic()
        self.pending = 0
        self.bar.render()
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
            self.bar.close()
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
            bars.bar.close()  # end the line, show the cursor again
        raise


_BEFORE_BAR, _AFTER_BAR = ("\r", "\n") if os.name == "nt" else ("\r\033[?25l", "\033[?25h\n")  # click's


class _Line:
    """One stage's line exactly as click.progressbar(length, label, show_pos=True, show_percent=True,
    show_eta=True, width=24, item_show_func) draws it on a terminal: `label  [####----]  done/total  pct%
    eta  rate`, the cursor hidden until `close`; the time left is known once a second has passed."""

    WIDTH = 24

    def __init__(self, stream, label: str, length: int, item_show_func):
        self.stream, self.label, self.length, self.item_show_func = stream, label, length, item_show_func
        self.pos, self.unstepped, self.finished, self.avg, self.eta_known = 0, 0, False, [], False
        self.start = self.last_eta = time.time()
        self.max_width, self.last_line, self.is_tty = None, None, _isatty(stream)

    def update(self, steps: int) -> None:
        self.unstepped += steps  # as click's update_min_steps=1: steps are taken once they add up to one
        if self.unstepped >= 1:
            self._step(self.unstepped)
            self.render()
            self.unstepped = 0

    def _step(self, steps: int) -> None:
        self.pos += steps
        if self.pos >= self.length:
            self.finished = True
        if time.time() - self.last_eta >= 1.0:
            self.last_eta = time.time()
            step = (time.time() - self.start) / self.pos if self.pos else time.time() - self.start
            self.avg = self.avg[-6:] + [step]
            self.eta_known = True

    def line(self) -> str:
        fraction = 1.0 if self.finished else min(self.pos / (float(self.length or 1) or 1), 1.0)
        filled = int(fraction * self.WIDTH)
        info = [f"{self.pos}/{self.length}", f"{int(fraction * 100): 4}%"[1:]]
        if self.eta_known and not self.finished:
            info.append(_eta_text(sum(self.avg) / len(self.avg) * (self.length - self.pos) if self.avg else 0.0))
        info.append(self.item_show_func(None))
        return f"{self.label}  [{'#' * filled}{'-' * (self.WIDTH - filled)}]  {'  '.join(info)}".rstrip()

    def render(self) -> None:
        if not self.is_tty:  # as click: the label once
            if self.last_line != self.label:
                self.last_line = self.label
                self.stream.write(self.label + "\n")
                self.stream.flush()
            return
        clear_width = self.WIDTH if self.max_width is None else self.max_width
        line = self.line()
        if self.max_width is None or self.max_width < len(line):
            self.max_width = len(line)
        line = f"{_BEFORE_BAR}{line}{' ' * (clear_width - len(line))}"
        if line != self.last_line:  # drawn only when it changed
            self.last_line = line
            self.stream.write(line)
            self.stream.flush()

    def close(self) -> None:
        if self.unstepped:
            self._step(self.unstepped)
            self.unstepped = 0
            self.render()
        if self.is_tty:
            self.stream.write(_AFTER_BAR)
            self.stream.flush()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:  # noqa: BLE001 - as click: a stream that cannot tell is no terminal
        return False


def _eta_text(seconds: float) -> str:
    left = int(seconds)
    days, hours, minutes, secs = left // 86_400, left // 3600 % 24, left // 60 % 60, left % 60
    return f"{days}d {hours:02}:{minutes:02}:{secs:02}" if days > 0 else f"{hours:02}:{minutes:02}:{secs:02}"
