"""The house stays in order: no import circles, arrows point down between the layers of docs/ARCHITECTURE.md,
at most 10 modules at the package root, none over 400 lines. Read from the sources with ast: imports inside
functions count too. Each failure names its offenders."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mlsquiz"

# Higher imports lower; a folder may import itself; two folders of one rank may not import each other.
LAYERS = {
    "app": 9, "commands": 8, "exam": 7, "study": 6, "anki": 6, "store": 5, "scheduling": 4, "deckfile": 4,
    "terminal": 3, "runtime": 2, "shared": 1,
}
APP_MODULES = {"mlsquiz.cli", "mlsquiz.context", "mlsquiz.__main__"}
MAX_ROOT_MODULES = 10
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("mlsquiz", *path.relative_to(PACKAGE).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    if module in APP_MODULES:
        return "app"
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return "shared"


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph = {}
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    start = ".".join(base + ([node.module] if node.module else []))
                else:
                    start = node.module or ""
                targets = [start] + [f"{start}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                # a module inside a package does not depend on its own package's __init__ by living there
                if target and target != name and not name.startswith(target + "."):
                    edges.add(target)
        graph[name] = edges
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]

    def visit(root):
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_circles():
    found = circles(import_graph())
    assert not found, "import circles: " + "; ".join(" <-> ".join(c) for c in found)


def test_arrows_point_down_between_layers():
    upward = []
    for module, targets in import_graph().items():
        for target in targets:
            mine, theirs = layer(module), layer(target)
            if mine != theirs and LAYERS[theirs] >= LAYERS[mine]:
                upward.append(f"{module} ({mine}) -> {target} ({theirs})")
    assert not upward, "imports that do not point down:\n" + "\n".join(sorted(upward))


def test_every_folder_is_a_known_layer_with_a_docstring():
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    unknown = [f for f in folders if f not in LAYERS]
    assert not unknown, f"folders without a layer in tests/test_architecture.py: {unknown}"
    undocumented = [f for f in folders if not ast.get_docstring(ast.parse((PACKAGE / f / "__init__.py").read_text()))]
    assert not undocumented, f"folders whose __init__.py says nothing of what lives there: {undocumented}"


def test_at_most_ten_modules_at_the_package_root():
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, f"{len(root)} modules at the package root: {root}"


def test_no_module_over_400_lines():
    long = sorted(f"{name} ({n} lines)" for name, path in modules().items()
                  if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES)
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_checker_sees_a_circle_and_an_upward_arrow():
    """The test above can fail: a made-up graph with both faults is caught."""
    graph = {"mlsquiz.store.a": {"mlsquiz.store.b"}, "mlsquiz.store.b": {"mlsquiz.store.a", "mlsquiz.commands.x"},
             "mlsquiz.commands.x": set()}
    assert circles(graph) == [["mlsquiz.store.a", "mlsquiz.store.b"]]
    assert LAYERS[layer("mlsquiz.commands.x")] > LAYERS[layer("mlsquiz.store.b")]
