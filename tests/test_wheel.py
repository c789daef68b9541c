"""The bundled deck works from a normal, non-editable install: built wheel, installed apart from the source tree."""

import subprocess
import sys
import zipfile

from conftest import REPO


def test_installed_wheel_ships_and_loads_the_bundled_deck(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO],
                   check=True, capture_output=True)
    wheel = next(dist.glob("mlsquiz-*.whl"))
    assert "mlsquiz/decks/aws-ml-specialty.toml" in zipfile.ZipFile(wheel).namelist()
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target, wheel],
                   check=True, capture_output=True)
    # The installed copy comes first on the path, so the source tree's deck folder cannot be what is read.
    script = (
        f"import sys; sys.path.insert(0, {str(target)!r});"
        "import mlsquiz, mlsquiz.deckfile.bundled as b;"
        "raw, where = b.bundled_deck_bytes();"
        "print(mlsquiz.__file__); print(where);"
        "from mlsquiz.cli import main; sys.exit(main(['decks']))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={"MLSQUIZ_DB": str(tmp_path / "c.db"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    module_file, deck_file, *table = done.stdout.splitlines()
    assert module_file.startswith(str(target)) and deck_file.startswith(str(target))
    assert any(line.startswith("aws-ml-specialty") for line in table)
