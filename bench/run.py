"""Benchmarks: whole processes timed as a user runs them, each target printed as a ratio to a baseline of the same run.

Usage: make bench   (or .venv/bin/python bench/run.py [--quick])
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import add_history, add_memory_states, build_collection, write_deck  # noqa: E402

BIN = Path(sys.executable).parent
MLSQUIZ = str(BIN / "mlsquiz")
PYTHON = sys.executable
OUT = Path(__file__).parent / "out"
NOW = "2026-03-02 09:00"
TODAY = datetime.date(2026, 3, 2)


def timed(command: list[str], env: dict, runs: int, stdin=None) -> tuple[float, float, float]:
    """Median, min, max wall time in ms of `runs` runs after one warm-up."""
    samples = []
    for n in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=stdin, check=True)
        if n:
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def peak_rss_mib(command: list[str], env: dict) -> float:
    done = subprocess.run(["/usr/bin/time", "-v", *command], env=env, capture_output=True, text=True, check=True)
    kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return kib / 1024


def first_card_ms(db: Path, env: dict, runs: int, deck: str | None) -> tuple[tuple[float, float, float], float]:
    """Time from starting `mlsquiz quiz` in a pseudo-terminal to its first prompt, and the peak memory then."""
    import pexpect

    samples, peak = [], 0.0
    for n in range(runs + 1):
        args = ["--db", str(db), "quiz"] + (["--deck", deck] if deck else [])
        start = time.perf_counter()
        child = pexpect.spawn("/usr/bin/time", ["-v", MLSQUIZ, *args], env=env, dimensions=(30, 100), encoding="utf-8")
        child.expect(r"\?", timeout=60)  # questionary's prompt mark: the first card is on screen
        if n:
            samples.append((time.perf_counter() - start) * 1000)
        child.sendcontrol("c")
        child.expect(pexpect.EOF, timeout=30)
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", child.before or "")
        if found:
            peak = max(peak, int(found.group(1)) / 1024)
    return (statistics.median(samples), min(samples), max(samples)), peak


def answer_save_ms(db: Path, answers: int) -> tuple[float, float]:
    """Median and p99 of saving one answer (state + review row, one durable transaction), in process."""
    from mlsquiz.scheduling.sm2 import review
    from mlsquiz.store import open_collection
    from mlsquiz.store.study import due_card_rows, new_card_rows, record_answer

    collection = open_collection(db)  # the store alone: no bundled-deck sync
    cards = due_card_rows(collection, TODAY, None, answers) or new_card_rows(collection, None, answers)
    samples = []
    for n in range(answers):
        card = cards[n % len(cards)]["id"]
        start = time.perf_counter()
        record_answer(collection, card, 4, "review", f"2026-03-02T09:{n % 60:02d}:00.000+00:00", TODAY, 3000,
                      lambda state: review(state, 4, TODAY))
        samples.append((time.perf_counter() - start) * 1000)
    collection.close()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def backup_rows(big_db: Path, big: int, history: int, runs: int) -> list[str]:
    """Issue 24: the backup kept before a bulk change (SQLite's backup API, linked into place, the oldest pruned)
    against a plain file copy of the same collection, alternated run by run, in process."""
    from mlsquiz.store import open_collection
    from mlsquiz.store.backup import backup_before

    db, copied = OUT / "backup.db", OUT / "backup-copy.db"
    shutil.copy(big_db, db)
    collection = open_collection(db)
    moment = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    copies, backups = [], []
    for n in range(runs + 1):
        start = time.perf_counter()
        shutil.copyfile(db, copied)
        middle = time.perf_counter()
        backup_before(collection, "bench", moment)
        if n:
            copies.append((middle - start) * 1000)
            backups.append((time.perf_counter() - middle) * 1000)
    collection.close()
    plain = (statistics.median(copies), min(copies), max(copies))
    return [row(f"plain file copy (shutil.copyfile) of the {big:,}-card, {history:,}-review collection "
                f"({db.stat().st_size / 2**20:.0f} MiB, baseline)", plain, "", None, None),
            row("backup before a bulk change, same collection", (statistics.median(backups), min(backups),
                max(backups)), "copy", plain, None)]  # no target yet: the first figure is 3-5x (issue 24)


def bare_genanki_script(deck: Path, target: Path) -> list[str]:
    code = f"""
import tomllib, genanki
cards = tomllib.loads(open({str(deck)!r}, encoding='utf-8').read())['cards']
model = genanki.Model(1607392319, 'Basic', fields=[{{'name': 'Front'}}, {{'name': 'Back'}}],
    templates=[{{'name': 'Card 1', 'qfmt': '{{{{Front}}}}', 'afmt': '{{{{Back}}}}'}}])
deck = genanki.Deck(2059400110, 'bench')
for c in cards:
    deck.add_note(genanki.Note(model=model, fields=[c['prompt'], c['explanation']], guid=c['id']))
genanki.Package(deck).write_to_file({str(target)!r})
"""
    return [PYTHON, "-c", code]


def bare_review_loop(db: Path) -> list[str]:
    """The floor for recomputing states: read every review in card and time order with sqlite3, do nothing."""
    code = f"""
import sqlite3
conn = sqlite3.connect({str(db)!r})
query = "SELECT card, kind, grade, study_day, reviewed_at FROM reviews ORDER BY card, reviewed_at, uid"
for row in conn.execute(query):
    pass
"""
    return [PYTHON, "-c", code]


def scheduler_switch_ms(db: Path, env: dict, runs: int) -> tuple[float, float, float]:
    """`mlsquiz config scheduler`, alternating fsrs and sm2: each switch recomputes every state from the log."""
    samples = []
    for n in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([MLSQUIZ, "--db", str(db), "config", "scheduler", ("fsrs", "sm2")[n % 2]], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        if n:
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def bare_fit_script(db: Path) -> list[str]:
    """The floor for `mlsquiz optimize`: read the scheduled reviews, build fsrs-rs items, fit."""
    code = f"""
import datetime, sqlite3
from fsrs_rs_python import FSRS, FSRSItem, FSRSReview
items, card, reviews, previous = [], None, [], None
query = "SELECT card, study_day, grade FROM reviews WHERE kind = 'review' ORDER BY card, reviewed_at, uid"
for c, day, grade in sqlite3.connect({str(db)!r}).execute(query):
    day = datetime.date.fromisoformat(day)
    if c != card:
        card, reviews, previous = c, [], None
    gap = 0 if previous is None else max(0, (day - previous).days)
    reviews.append(FSRSReview(1 if grade < 3 else grade - 1, gap))
    if previous is not None and gap > 0:
        items.append(FSRSItem(list(reviews)))
    previous = day
FSRS([]).compute_parameters(items)
"""
    return [PYTHON, "-c", code]


def memory_model_rows(big_db: Path, deck: Path, history: int, env: dict, runs: int, quick: bool) -> list[str]:
    """Issue 14: a scheduler switch over the whole log, and `mlsquiz optimize` against a bare engine fit."""
    lines = []
    switch_db = OUT / "switch.db"
    shutil.copy(big_db, switch_db)
    bare_loop = timed(bare_review_loop(switch_db), env, runs)
    lines.append(row(f"bare sqlite3 loop over {history:,} reviews in card and time order (baseline)", bare_loop,
                     "", None, None))
    lines.append(row(f"scheduler switch (`config scheduler`), every state from {history:,} reviews",
                     scheduler_switch_ms(switch_db, env, runs), "loop", bare_loop, 5.0))
    fit_reviews = 20_000 if quick else 100_000
    fit_db = OUT / "optimize.db"
    build_collection(MLSQUIZ, fit_db, deck, env)
    add_history(fit_db, fit_reviews * 10 // 9 + 1, TODAY)  # every tenth review row is a re-drill
    bare_fit = timed(bare_fit_script(fit_db), env, runs)
    lines.append(row(f"bare fsrs-rs fit, {fit_reviews:,} reviews (baseline)", bare_fit, "", None, None))
    lines.append(row(f"`mlsquiz optimize`, {fit_reviews:,} reviews",
                     timed([MLSQUIZ, "--db", str(fit_db), "optimize"], env, runs), "fit", bare_fit, 2.0))
    return lines


def search_rows(small_db: Path, big_db: Path, big: int, env: dict, runs: int) -> list[str]:
    """Issue 12: `cards --search` over every prompt and answer of a big collection against `cards` on the bundled deck."""
    listing = timed([MLSQUIZ, "--db", str(small_db), "cards"], env, runs)
    search = [MLSQUIZ, "--db", str(big_db), "cards", "--search", f"number {big // 2} about"]
    return [row("`mlsquiz cards`, bundled deck (baseline)", listing, "", None, None),
            row(f"`mlsquiz cards --search TEXT`, {big:,} cards", timed(search, env, runs), "cards", listing, 2.0)]


def exam_rows(big_db: Path, big: int, history: int, env: dict, runs: int, python_sqlite) -> list[str]:
    """Issue 15: `exam plan` and `exam readiness` against `stats` on the same collection, with an exam date set;
    `due` with the exam date against bare Python."""
    exam_db = OUT / "exam.db"
    shutil.copy(big_db, exam_db)
    deck = ["--deck", f"bench-{big}"]
    subprocess.run([MLSQUIZ, "--db", str(exam_db), "exam", "date", str(TODAY + datetime.timedelta(days=78)), *deck],
                   env=env, check=True, capture_output=True)
    stats = timed([MLSQUIZ, "--db", str(exam_db), "stats", *deck], env, runs)
    lines = [row(f"`mlsquiz stats` with an exam date, {big:,} cards, {history:,} reviews (baseline)", stats, "", None,
                 None)]
    for action in ("plan", "readiness"):
        lines.append(row(f"`mlsquiz exam {action}`, same collection",
                         timed([MLSQUIZ, "--db", str(exam_db), "exam", action, *deck], env, runs), "stats", stats, 2.0))
    # plain `due` means the bundled deck here (two decks): give it an exam date too, so `due` runs the exam path
    subprocess.run([MLSQUIZ, "--db", str(exam_db), "exam", "date", str(TODAY + datetime.timedelta(days=78))],
                   env=env, check=True, capture_output=True)
    lines.append(row(f"`mlsquiz due` with an exam date, {big:,} cards",
                     timed([MLSQUIZ, "--db", str(exam_db), "due"], env, runs), "python", python_sqlite, 2.0))
    return lines


def calibration_rows(big_db: Path, big: int, history: int, env: dict, runs: int) -> list[str]:
    """Issue 27: `stats` with the model's calibration against the same `stats` with it switched off (in the same
    process start-up), and `exam readiness` with the kept plan's range against `stats`."""
    exam_db = OUT / "exam.db"  # exam_rows gave it an exam date
    without = [PYTHON, "-c", "import sys; import mlsquiz.commands.stats as s; s.calibration_figures = lambda *a: None; "
               "from mlsquiz.cli import main; sys.exit(main(sys.argv[1:]))", "--db", str(exam_db), "stats"]
    plain = timed(without, env, runs)
    return [row(f"`mlsquiz stats` without calibration, {big:,} cards, {history:,} reviews (baseline)", plain, "", None,
                None),
            row("`mlsquiz stats` with calibration (the latest cards' histories, up to 1,000 reviews), same collection",
                timed([MLSQUIZ, "--db", str(exam_db), "stats"], env, runs), "without", plain, 1.2),
            row("`mlsquiz exam readiness` with the kept plan's range and your record, same collection",
                timed([MLSQUIZ, "--db", str(exam_db), "exam", "readiness", "--deck", f"bench-{big}"], env, runs),
                "without", plain, 2.0)]


def retention_rows(big: int, env: dict, runs: int) -> list[str]:
    """Issue 27: `exam plan --retention` with four desired retentions against `exam plan`, same collection."""
    exam_db = OUT / "exam.db"  # exam_rows gave it an exam date
    plan = [MLSQUIZ, "--db", str(exam_db), "exam", "plan", "--deck", f"bench-{big}"]
    baseline = timed(plan, env, runs)
    return [row(f"`mlsquiz exam plan`, {big:,} cards (baseline)", baseline, "", None, None),
            row("`mlsquiz exam plan --retention 0.80,0.85,0.90,0.95`, same collection",
                timed([*plan, "--retention", "0.80,0.85,0.90,0.95"], env, runs), "plan", baseline, 2.0)]


def row(name, measured, baseline_name, baseline, target):
    median, low, high = measured
    ratio = median / baseline[0] if baseline else None
    verdict = "" if target is None else ("met" if ratio <= target else "MISSED")
    ratio_text = f"{ratio:.2f}x {baseline_name}" if ratio else "-"
    target_text = f"<= {target}x" if target else "-"
    return f"| {name} | {median:.1f} | {low:.1f} | {high:.1f} | {ratio_text} | {target_text} | {verdict} |"


def imports_in_a_terminal_ms(small_db: Path, deck: Path, env: dict, runs: int, variants: list[list[str]]):
    """`mlsquiz import` of `deck` into a copy of `small_db`, run in a pseudo-terminal (util-linux `script`), once
    with each of `variants` (extra arguments) in turn per run, so that a shared machine's slow minutes fall on
    every variant alike: (median, min, max) ms of each."""
    samples = [[] for _ in variants]
    for n in range(runs + 1):
        for extra, taken in zip(variants, samples):
            db = OUT / "import-tty.db"
            shutil.copy(small_db, db)
            command = " ".join([MLSQUIZ, "--db", str(db), "import", str(deck), *extra])
            start = time.perf_counter()
            subprocess.run(["script", "-qec", command, "/dev/null"], env={**env, "PROMPT_TOOLKIT_NO_CPR": "1"},
                           check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            if n:
                taken.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(taken), min(taken), max(taken)) for taken in samples]


def progress_bar_rows(small_db: Path, deck: Path, env: dict, runs: int) -> list[str]:
    """Issue 17: what the progress bar costs, the same import on a terminal with and without it."""
    if shutil.which("script") is None:
        return ["| progress bar rows skipped: util-linux `script` is not installed | | | | | | |"]
    quiet, shown = imports_in_a_terminal_ms(small_db, deck, env, runs, [["--quiet"], []])
    return [row("`mlsquiz import --quiet`, 10,000 cards, on a terminal (baseline)", quiet, "", None, None),
            row("`mlsquiz import` with its progress bar, 10,000 cards, on a terminal", shown, "quiet", quiet, 1.05)]


def practice_start_rows(big_db: Path, big: int, env: dict, runs: int) -> list[str]:
    """Issue 26: starting a 65-question practice exam (the draw included) to its start screen, against the quiz's
    start to its first card on the same collection, measured in the same run."""
    import pexpect

    practice_db = OUT / "practice.db"
    shutil.copy(big_db, practice_db)
    deck = f"bench-{big}"
    commands = {"quiz": (["quiz", "--deck", deck], r"\?"),
                "practice": (["exam", "practice", "--deck", deck, "--questions", "65"], "Start the exam")}
    samples = {name: [] for name in commands}
    for n in range(runs + 1):
        for name, (args, ready) in commands.items():  # alternating, so a slow minute falls on both alike
            start = time.perf_counter()
            child = pexpect.spawn(MLSQUIZ, ["--db", str(practice_db), *args], env={**env, "PROMPT_TOOLKIT_NO_CPR": "1"},
                                  dimensions=(30, 100), encoding="utf-8")
            child.expect(ready, timeout=60)
            if n:
                samples[name].append((time.perf_counter() - start) * 1000)
            child.sendcontrol("c")
            child.sendcontrol("c")
            child.expect(pexpect.EOF, timeout=30)
    quiz, practice = ((statistics.median(s), min(s), max(s)) for s in samples.values())
    return [row(f"quiz start to first card, {big:,} cards (baseline)", quiz, "", None, None),
            row(f"`mlsquiz exam practice --questions 65` to its start screen (draw included), {big:,} cards",
                practice, "quiz", quiz, 1.2)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs, to try the script")
    options = parser.parse_args()
    runs = 3 if options.quick else 7
    sizes = (1_000, 10_000) if options.quick else (1_000, 10_000, 100_000)
    history = 100_000 if options.quick else 1_000_000
    big = sizes[-1]
    OUT.mkdir(exist_ok=True)
    env = {**os.environ, "MLSQUIZ_NOW": NOW, "TZ": "UTC", "HOME": str(OUT), "XDG_DATA_HOME": str(OUT / "data")}
    env.pop("MLSQUIZ_DB", None)

    print(f"Preparing decks of {', '.join(map(str, sizes))} cards and {history:,} reviews of history...", file=sys.stderr)
    decks = {n: write_deck(OUT / f"deck-{n}.toml", n) for n in sizes}
    small_db = OUT / "bundled.db"
    small_db.unlink(missing_ok=True)
    subprocess.run([MLSQUIZ, "--db", str(small_db), "decks"], env=env, check=True, capture_output=True)
    big_db = OUT / f"collection-{big}.db"
    build_collection(MLSQUIZ, big_db, decks[big], env)
    add_history(big_db, history, TODAY)
    add_memory_states(big_db)  # so `stats` computes predicted retention over every studied card

    lines = ["| what | median ms | min | max | ratio | target | |", "|---|---:|---:|---:|---|---|---|"]
    python_sqlite = timed([PYTHON, "-c", "import sqlite3"], env, runs)
    lines.append(row('`python -c "import sqlite3"` (baseline)', python_sqlite, "", None, None))
    lines.append(row(f"`mlsquiz due`, {big:,} cards", timed([MLSQUIZ, "--db", str(big_db), "due"], env, runs),
                     "python", python_sqlite, 2.0))
    lines.append(row("`mlsquiz --help`", timed([MLSQUIZ, "--help"], env, runs), "python", python_sqlite, 3.0))
    stats_small = timed([MLSQUIZ, "--db", str(small_db), "stats"], env, runs)
    lines.append(row("`mlsquiz stats`, bundled deck (baseline)", stats_small, "", None, None))
    lines.append(row(f"`mlsquiz stats` with predicted retention, {big:,} cards, {history:,} reviews",
                     timed([MLSQUIZ, "--db", str(big_db), "stats"], env, runs), "bundled", stats_small, 2.0))
    lines += search_rows(small_db, big_db, big, env, runs)
    lines += exam_rows(big_db, big, history, env, runs, python_sqlite)

    quiz_small, _ = first_card_ms(small_db, env, runs, None)
    quiz_big, quiz_peak = first_card_ms(big_db, env, runs, f"bench-{big}")
    lines.append(row("quiz start to first card, bundled deck (baseline)", quiz_small, "", None, None))
    lines.append(row(f"quiz start to first card, {big:,} cards", quiz_big, "bundled", quiz_small, 1.3))

    export_db = OUT / "export-10000.db"
    build_collection(MLSQUIZ, export_db, decks[10_000], env)
    bare = timed(bare_genanki_script(decks[10_000], OUT / "bare.apkg"), env, runs)
    lines.append(row("bare genanki script, 10,000 notes (baseline)", bare, "", None, None))
    lines.append(row("`mlsquiz export`, 10,000 cards",
                     timed([MLSQUIZ, "--db", str(export_db), "export", "--deck", "bench-10000", "-o",
                            str(OUT / "bench.apkg")], env, runs), "genanki", bare, 1.3))

    parse_only = timed([PYTHON, "-c", f"import tomllib; tomllib.load(open({str(decks[10_000])!r}, 'rb'))"], env, runs)
    lines.append(row("tomllib parse of the 10,000-card file (baseline)", parse_only, "", None, None))
    fresh_samples = []
    for n in range(runs + 1):
        db = OUT / "import.db"
        shutil.copy(small_db, db)
        start = time.perf_counter()
        subprocess.run([MLSQUIZ, "--db", str(db), "import", str(decks[10_000])], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        if n:
            fresh_samples.append((time.perf_counter() - start) * 1000)
    fresh = (statistics.median(fresh_samples), min(fresh_samples), max(fresh_samples))
    lines.append(row("`mlsquiz import`, 10,000-card deck into a collection", fresh, "parse", parse_only, 2.0))
    lines.append(row("`mlsquiz import` again, unchanged",
                     timed([MLSQUIZ, "--db", str(OUT / "import.db"), "import", str(decks[10_000])], env, runs),
                     "parse", parse_only, 1.2))

    lines += progress_bar_rows(small_db, decks[10_000], env, runs)
    validate = f"from mlsquiz.deckfile.reading import load_deck; load_deck({str(decks[10_000])!r})"
    validate_only = timed([PYTHON, "-c", validate], env, runs)  # issue 25: `check` is this plus the quality pass
    lines.append(row("reading and validating the 10,000-card file, no quality pass (baseline)", validate_only, "", None,
                     None))
    lines.append(row("`mlsquiz check` with its quality warnings, 10,000 cards",
                     timed([MLSQUIZ, "check", str(decks[10_000])], env, runs), "validate", validate_only, 1.5))
    lines += memory_model_rows(big_db, decks[10_000], history, env, runs, options.quick)
    from anki_bench import anki_import_rows  # issue 16: Anki package import against real Anki

    lines += anki_import_rows(OUT, MLSQUIZ, PYTHON, env, runs, row)
    lines += calibration_rows(big_db, big, history, env, runs)
    lines += backup_rows(big_db, big, history, runs)
    lines += practice_start_rows(big_db, big, env, runs)
    lines += retention_rows(big, env, runs)

    median, p99 = answer_save_ms(big_db, 200 if options.quick else 1000)
    rss = f"{quiz_peak:.1f} MiB"
    print("\n".join(lines))
    print()
    print(f"- Saving one answer on {big:,} cards (durable transaction, in process): median {median:.2f} ms "
          f"(target < 1 ms), p99 {p99:.2f} ms (target < 5 ms)")
    print(f"- Peak memory of the quiz on {big:,} cards: {rss} (target < 100 MiB)")
    print(f"- Python {sys.version.split()[0]}, {os.cpu_count()} cores; {runs} runs after a warm-up; "
          f"peak memory via /usr/bin/time -v")
    return 0


if __name__ == "__main__":
    sys.exit(main())
