"""The house's direction holds in the code itself (docs/architecture.md).

import-linter (`lint-imports`, run by scripts/test) checks the layers and cycles;
these tests check what it cannot see: imports hidden inside functions, and
templates that rely on tag libraries nobody loaded.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = ("site_config", "people", "research", "publications")


def _python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _imports_inside_functions(tree):
    """(line, function name) of every import statement below a def."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            elif isinstance(child, ast.Import | ast.ImportFrom) and function:
                found.append((child.lineno, function))
            visit(child, inner)

    visit(tree, None)
    return found


def test_no_import_sits_inside_a_function():
    # AppConfig.ready() is where Django wants signal receivers imported, once
    # the app registry is ready; nothing else may hide an import in a body.
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, function in _imports_inside_functions(tree):
            if function != "ready":
                offenders.append(f"{path.relative_to(ROOT)}:{line} in {function}()")
    assert offenders == []


def test_no_template_library_is_a_builtin():
    # Templates load what they use ({% load publications %}), so a page's
    # template says which app's tags it depends on.
    for engine in settings.TEMPLATES:
        assert not engine.get("OPTIONS", {}).get("builtins")
