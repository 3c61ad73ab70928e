"""No code path of ours makes the browser ``eval`` (the Content-Security-Policy has no
'unsafe-eval': such a script would be blocked, and the feature silently broken).

- ``rx.call_script("…")`` is always a string that Reflex's client runs with ``eval``.
- Any script-running event *returned by a server handler* (``rx.run_script``,
  ``rx.call_function``, ``rx.scroll_to``, ``rx.toast``…) travels as a string and is eval'd
  too; in a component trigger, ``rx.run_script`` compiles to a real function and is fine.
  States use ``state.navigation`` + ``components.browser`` instead.

The browser test tests/e2e/test_security_headers.py checks the pages under the policy.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mystage"

ALWAYS_EVAL = {"call_script"}
EVAL_FROM_SERVER = {
    "run_script",
    "call_function",
    "scroll_to",
    "console_log",
    "window_alert",
    "set_clipboard",
    "toast",
    "noop",
    "back",
}


def _rx_uses(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        (node.lineno, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "rx"
    ]


def test_no_call_script_anywhere():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line} rx.{name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, name in _rx_uses(path)
        if name in ALWAYS_EVAL
    ]
    assert not found, found


def test_states_return_no_script():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line} rx.{name}"
        for path in sorted((PACKAGE / "state").rglob("*.py"))
        for line, name in _rx_uses(path)
        if name in EVAL_FROM_SERVER | ALWAYS_EVAL
    ]
    assert not found, found
