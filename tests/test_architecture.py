"""The house rules that a reader checks by eye, checked here: the floors of the README's
"Architecture" section, no import circle, no private module used outside its package, small
modules, nothing binary tracked."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("sedg", "evaluation", "search", "cluster")
#: What each package may import from the house: data flows one way (README, "Architecture").
ALLOWED = {
    "sedg": {"sedg"},
    "evaluation": {"sedg", "evaluation"},
    "cluster": {"sedg", "cluster"},
    "search": {"sedg", "evaluation", "search", "cluster"},
}
#: The rooms of ``search``, each a sub-package with one job (README, "Architecture").
SEARCH_ROOMS = ("experiment", "tune", "confirmation", "report", "tracking", "cli")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(path: Path) -> set[str]:
    """Every house module ``path`` imports: at the top, inside functions, and under
    ``TYPE_CHECKING`` (a circle through type hints is still a circle for a reader)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(filter(None, map(_resolve, names)))
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in GRAPH[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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

    for node in GRAPH:
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_imports_of_every_kind():
    """The check could pass by seeing nothing: it sees a top-level, a function-level and a
    type-checking import."""
    assert "evaluation._config" in GRAPH["evaluation.protocol"]  # top level
    assert "sedg.synthesis" in GRAPH["evaluation._trial"]  # inside a function
    assert "sedg.datasets" in GRAPH["search.recipe"]  # under TYPE_CHECKING


def test_no_import_circle():
    assert _circles() == []


@pytest.mark.parametrize("package", PACKAGES)
def test_layers_import_only_downwards(package):
    wrong = sorted((name, other) for name, imports in GRAPH.items() if name.split(".")[0] == package
                   for other in imports if other.split(".")[0] not in ALLOWED[package])
    assert wrong == []


def _owner(module: str) -> str | None:
    """The package whose private module ``module`` is (None: a public module)."""
    parts = module.split(".")
    private = [i for i, part in enumerate(parts) if part.startswith("_") and part != "__init__"]
    return ".".join(parts[: private[0]]) if private else None


def test_no_private_module_is_imported_from_outside_its_package():
    wrong = sorted((name, other) for name, imports in GRAPH.items() for other in imports
                   if (owner := _owner(other)) and not (name == owner or name.startswith(owner + ".")))
    assert wrong == []


def test_the_readme_draws_the_floors_and_rooms_this_test_checks():
    readme = (REPO / "README.md").read_text()
    assert "## Architecture" in readme
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    for package in PACKAGES:
        assert f"{package}/" in section, package
    for room in SEARCH_ROOMS:
        assert f"`search/{room}/`" in section, room
        assert (REPO / "search" / room / "__init__.py").is_file(), room


def test_sedg_imports_no_ray():
    """A user can pip install and use a sampler in a Pipeline: no Ray below the search layer."""
    for name, path in MODULES.items():
        if name.split(".")[0] in ("sedg", "evaluation"):
            tree = ast.parse(path.read_text())
            names = {alias.name.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, (ast.Import, ast.ImportFrom))
                     for alias in (node.names if isinstance(node, ast.Import) else
                                   [ast.alias(node.module or "")])}
            assert "ray" not in names, name


def test_no_module_over_the_limit():
    paths = [*MODULES.values(), *REPO.glob("benchmarks/**/*.py")]
    long = {str(path.relative_to(REPO)): count for path in paths
            if (count := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_no_binary_package_or_build_output_is_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout
    if not tracked:
        pytest.skip("not a git checkout")
    binary = [name for name in tracked.splitlines()
              if name.endswith((".whl", ".tar.gz", ".egg", ".so", ".pyc", ".zip"))]
    assert binary == []
