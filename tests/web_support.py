"""Helpers for driving the built web app (``web/dist``) in Debian Chromium: building it, launching the browser,
accessibility audits with axe-core and fixed-size screenshots. Used by the E2E driver and ``bench.web``."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT

WEB_ROOT = REPO_ROOT / "web"
AXE_JS = WEB_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 860}
BLOCKING_IMPACTS = ("serious", "critical")


def web_problem() -> str | None:
    """Why the web app cannot be built and audited here, or ``None`` when it can."""
    if shutil.which("npm") is None:
        return "npm is not installed"
    if not (WEB_ROOT / "node_modules" / ".bin" / "vite").exists():
        return "web/node_modules is not installed (cd web && npm ci)"
    if not AXE_JS.exists():
        return f"axe-core not installed at {AXE_JS}"
    return None


def build_web(out_dir: Path) -> Path:
    """Build the web app from the current sources into ``out_dir`` (not web/dist) and return it."""
    subprocess.run(
        ["npm", "run", "--silent", "build", "--", "--outDir", str(out_dir), "--emptyOutDir"],
        cwd=WEB_ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    if not (out_dir / "index.html").is_file():
        raise RuntimeError(f"the web build wrote no index.html into {out_dir}")
    return out_dir


def launch(pw: Any, profile: Path, extra_args: Sequence[str] = ()) -> Any:
    """A headless Debian Chromium context at :data:`VIEWPORT` with its own profile directory."""
    return pw.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=[*CHROMIUM_ARGS, *extra_args],
        viewport=VIEWPORT,
    )


_RUN_AXE = """async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({
            target: n.target.join(" "),
            html: n.html.slice(0, 160),
            why: (n.failureSummary || "").slice(0, 300),
        })),
        count: v.nodes.length,
    }));
}"""


def audit(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (rule, impact, help, first nodes, node count).

    axe is evaluated through the DevTools protocol rather than added with ``page.add_script_tag``: the app's
    CSP (``script-src 'self'``) rightly blocks an inline script tag, and bypassing CSP would hide violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(f"{AXE_JS.read_text()}\n;undefined")
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE)
    return violations


def blocking(violations: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations that fail the audit: ``serious`` or ``critical`` impact."""
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
