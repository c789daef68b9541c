"""Issue 16: importing a modern Anki package (10,000 notes, 100,000 reviews) against real Anki doing the same."""

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

MAKE_PACKAGE = r"""
import random, sys
from anki.collection import AddNoteRequest, Collection, ExportAnkiPackageOptions
notes, reviews, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
col = Collection(folder + "/source.anki2")
basic = col.models.by_name("Basic")
decks = [col.decks.id(f"Bench::Part {n}") for n in range(10)]
requests = []
for n in range(notes):
    note = col.new_note(basic)
    note["Front"], note["Back"] = f"<b>Question {n}</b> &amp; more", f"Answer {n}<br>[sound:a{n}.mp3]"
    note.tags = ["bench", f"part{n % 10}"]
    requests.append(AddNoteRequest(note=note, deck_id=decks[n % 10]))
col.add_notes(requests)
cards = [row[0] for row in col.db.all("SELECT id FROM cards ORDER BY id")]
rng, start, rows = random.Random(16), 1767268800000, []
per_card = reviews // len(cards)
for index, card in enumerate(cards):
    for k in range(per_card):
        moment = start + (k * 5 + index % 7) * 86_400_000 + index * 1000
        rows.append((moment, card, -1, rng.choice([1, 3, 3, 3, 4, 2]), 5 * k, 5 * (k - 1), 2500, 8000, 1 if k else 0))
col.db.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
col.db.execute("UPDATE cards SET type = 2, queue = 2, ivl = 20, factor = 2500, due = 100, reps = ?", per_card)
col.export_anki_package(out_path=folder + "/bench.apkg", options=ExportAnkiPackageOptions(
    with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False), limit=None)
col.close()
"""

ANKI_IMPORT = r"""
import sys
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
col = Collection(sys.argv[1])
col.import_anki_package(ImportAnkiPackageRequest(package_path=sys.argv[2],
    options=ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=True)))
col.close()
"""


def _paired_runs(pairs, runs: int, env: dict) -> list[tuple[float, float, float]]:
    """(median, min, max) ms of each (command, prepare) of `pairs`, their runs taking turns after one warm-up
    each: a shared machine's slow minutes then fall on both sides of the ratio alike."""
    samples = [[] for _ in pairs]
    for n in range(runs + 1):
        for (command, prepare), taken in zip(pairs, samples):
            prepare()
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
            if n:
                taken.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(taken), min(taken), max(taken)) for taken in samples]


def anki_import_rows(out: Path, mlsquiz: str, python: str, env: dict, runs: int, row) -> list[str]:
    folder = out / "anki16"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run([python, "-c", MAKE_PACKAGE, "10000", "100000", str(folder)], env=env, check=True,
                   capture_output=True)
    package = folder / "bench.apkg"
    empty_anki = folder / "empty.anki2"
    subprocess.run([python, "-c", "import sys; from anki.collection import Collection; Collection(sys.argv[1]).close()",
                    str(empty_anki)], env=env, check=True)
    empty_mlsquiz = folder / "empty.db"
    subprocess.run([mlsquiz, "--db", str(empty_mlsquiz), "decks"], env=env, check=True, capture_output=True)
    target_anki, target_mlsquiz = folder / "target.anki2", folder / "target.db"

    def fresh_anki():
        for leftover in folder.glob("target.anki2*"):
            leftover.unlink()
        shutil.copy(empty_anki, target_anki)

    def fresh_mlsquiz():
        for leftover in folder.glob("target.db*"):  # the collection, its -wal/-shm, and its backups folder
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        shutil.copy(empty_mlsquiz, target_mlsquiz)

    anki, ours = _paired_runs([
        ([python, "-c", ANKI_IMPORT, str(target_anki), str(package)], fresh_anki),
        ([mlsquiz, "--db", str(target_mlsquiz), "import", str(package), "--with-progress"], fresh_mlsquiz),
    ], runs, env)
    return [
        row("real Anki importing a modern package, 10,000 notes, 100,000 reviews, empty collection (baseline)",
            anki, "", None, None),
        row("`mlsquiz import --with-progress` of that package", ours, "Anki", anki, 2.0),
    ]


if __name__ == "__main__":  # on its own: .venv/bin/python bench/anki_bench.py
    import os

    sys.path.insert(0, str(Path(__file__).parent))
    from run import MLSQUIZ, OUT, PYTHON, row

    OUT.mkdir(exist_ok=True)
    env = {**os.environ, "MLSQUIZ_NOW": "2026-03-02 09:00", "TZ": "UTC", "HOME": str(OUT),
           "XDG_DATA_HOME": str(OUT / "data")}
    env.pop("MLSQUIZ_DB", None)
    print("\n".join(anki_import_rows(OUT, MLSQUIZ, PYTHON, env, int(sys.argv[1]) if sys.argv[1:] else 3, row)))
