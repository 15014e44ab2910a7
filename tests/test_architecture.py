"""The layer table of ARCHITECTURE.md, checked on the source: which package may import which.

Every ``import``/``from ... import`` of a ``runware_testkit`` module is read from the AST,
including imports inside functions. Imports under ``if TYPE_CHECKING:`` are annotations only
and may point anywhere. A layer may import itself and the layers listed for it; nothing else.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import runware_testkit

PACKAGE = Path(runware_testkit.__file__).parent
STDLIB_ONLY: frozenset[str] = frozenset()

# layer -> the layers it may import (besides itself). Keys are dotted paths under the package;
# a module belongs to the longest key that prefixes it.
ALLOWED: dict[str, frozenset[str]] = {
    "resources": STDLIB_ONLY,
    "schemagen": STDLIB_ONLY,
    "contract": frozenset({"resources"}),
    "models": frozenset({"contract"}),
    "validation": frozenset({"contract", "models"}),
    "strategies": frozenset({"contract", "validation"}),
    "lint": frozenset({"contract", "validation", "_version"}),
    "_version": STDLIB_ONLY,
    "cassettes": frozenset({"_version"}),
    "proxy": frozenset({"cassettes", "fake_server", "contract", "validation"}),
    "fake_server.engine": STDLIB_ONLY,
    "fake_server.journal": frozenset({"fake_server.engine"}),
    "fake_server.config": frozenset({"fake_server.engine"}),
    "fake_server.faults": frozenset({"fake_server.engine"}),
    "fake_server.media": frozenset({"fake_server.engine", "fake_server.config"}),
    "fake_server.protocol": frozenset(
        {"fake_server.engine", "fake_server.config", "contract", "validation"}
    ),
    "fake_server.outbound": frozenset(
        {
            "fake_server.engine",
            "fake_server.journal",
            "fake_server.media",
            "fake_server.protocol",
            "fake_server.handlers",
        }
    ),
    "fake_server.handlers": frozenset(
        {
            "fake_server.engine",
            "fake_server.config",
            "fake_server.media",
            "fake_server.faults",
            "fake_server.protocol",
            "contract",
            "validation",
        }
    ),
    "fake_server.control": frozenset(
        {
            "fake_server.engine",
            "fake_server.faults",
            "fake_server.journal",
            "fake_server.protocol",
            "fake_server.config",
        }
    ),
    "fake_server.inspector": frozenset(
        {
            "fake_server.engine",
            "fake_server.journal",
            "fake_server.faults",
            "fake_server.protocol",
            "fake_server.config",
            "fake_server.control",
            "fake_server.handlers",
            "contract",
        }
    ),
    "fake_server.transports": frozenset(
        {"fake_server.engine", "fake_server.handlers", "fake_server.protocol", "fake_server.config"}
    ),
    "verify": frozenset({"fake_server", "cassettes", "_version"}),
    "fake_server.replay": frozenset({"fake_server.engine", "fake_server.protocol", "cassettes"}),
    # The composition root: builds the parts and wires them together.
    "fake_server": frozenset({"fake_server", "contract", "validation"}),
    "testing": frozenset({"fake_server", "validation", "contract", "strategies"}),
    "pytest_plugin": frozenset({"testing", "fake_server", "contract", "cassettes", "proxy"}),
    "commands": frozenset(
        {
            "schemagen",
            "fake_server",
            "contract",
            "lint",
            "resources",
            "validation",
            "_version",
            "cassettes",
            "verify",
            "proxy",
        }
    ),
    "cli": frozenset({"commands", "contract", "_version"}),
    "__main__": frozenset({"cli"}),
}


def _layer(dotted: str) -> str | None:
    best = None
    for key in ALLOWED:
        if (dotted == key or dotted.startswith(key + ".")) and (
            best is None or len(key) > len(best)
        ):
            best = key
    return best


def _module_name(path: Path) -> tuple[str, str]:
    """(module path under the package, the package that relative imports start from)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                hidden.update(id(n) for n in ast.walk(inner))
    return hidden


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted target under the package) of every run-time import of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = _type_checking_nodes(tree)
    _, package = _module_name(path)
    found = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join([*base, *([node.module] if node.module else [])])
                targets = (
                    [stem] if node.module else [f"{stem}.{a.name}".lstrip(".") for a in node.names]
                )
            elif (node.module or "").startswith("runware_testkit"):
                stem = node.module.removeprefix("runware_testkit").lstrip(".")
                targets = [stem]
            else:
                continue
            found += [(node.lineno, t) for t in targets if t]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("runware_testkit."):
                    found.append((node.lineno, alias.name.removeprefix("runware_testkit.")))
    return found


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_schemas" not in p.parts)


def test_every_module_belongs_to_a_layer() -> None:
    homeless = [
        str(p.relative_to(PACKAGE))
        for p in _sources()
        if _module_name(p)[0] and _layer(_module_name(p)[0]) is None
    ]
    assert homeless == []


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layer_table(path: Path) -> None:
    module, _ = _module_name(path)
    own = _layer(module)
    if own is None:  # the package root: a lazy facade over the public API
        return
    allowed = ALLOWED[own] | {own}
    wrong = []
    for line, target in _imports(path):
        layer = _layer(target)
        if layer is None or not any(layer == a or layer.startswith(a + ".") for a in allowed):
            wrong.append(f"{path.name}:{line} imports {target} (layer {layer})")
    assert wrong == [], f"{own} may import only {sorted(allowed)}"


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    engine = ALLOWED["fake_server.engine"] | {"fake_server.engine"}
    assert _layer("fake_server.transports.rest") not in engine
    assert _layer("fake_server.engine.store") == "fake_server.engine"
    assert _layer("fake_server.state") == "fake_server"
