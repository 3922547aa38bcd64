"""The deployable requirements.txt must pin exactly what pyproject.toml pins."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> set[str]:
    lines = (ROOT / "cloud_function" / "requirements.txt").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_requirements_txt_matches_pyproject_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert _requirements() == set(project["dependencies"])


def test_every_dependency_is_pinned() -> None:
    assert all("==" in requirement for requirement in _requirements())


def _imports(*folders: str) -> set[str]:
    """Top-level modules imported by the Python files under the given folders."""
    names: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return names


def _declared(requirements: list[str]) -> set[str]:
    return {canonicalize_name(r.split("==")[0]) for r in requirements}


def _third_party(modules: set[str]) -> dict[str, set[str]]:
    """Each imported third-party module with the distributions that provide it."""
    provided = packages_distributions()
    local = {"jobmojito_sheets", "sandbox", "tests", "bench", "main"}
    return {
        module: {canonicalize_name(d) for d in provided.get(module, [])}
        for module in modules
        if module not in sys.stdlib_module_names and module not in local
    }


def test_every_package_the_function_imports_is_declared() -> None:
    declared = _declared(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    )
    for module, dists in _third_party(_imports("cloud_function")).items():
        assert dists & declared, f"{module} is imported by the function but not declared"


def test_every_package_the_tests_and_sandbox_import_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _declared(project["dependencies"] + project["optional-dependencies"]["dev"])
    for module, dists in _third_party(_imports("sandbox", "tests", "bench")).items():
        assert dists & declared, f"{module} is imported but not declared in pyproject.toml"
