"""The explorer in a real browser: JupyterLab on localhost, headless Chromium driven by Playwright.

Opens a parameterised copy of ``notebooks/01_explore.ipynb`` (tiny desk, quick mode), runs all
cells, checks that the charts render as images (not ``<Figure size ...>`` text) and the widgets
as controls, moves the agents slider, clicks **Run** and checks that the charts change. Writes
screenshots to ``outputs/browser-check/`` (the explorer's runs to ``runs/`` there) and exits
non-zero with the reason on failure.

``make test-browser`` installs what it needs and runs it; not part of ``make test``::

    .venv/bin/python tests/browser/check_explorer.py
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "outputs" / "browser-check"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PARAMETERS = {
    "scenario_path": str(ROOT / "params" / "baseline.yaml"),
    "overrides": {
        "calendar.horizon_days": 3,
        "customers.accounts": 2000,
        "customers.warm_start.burn_in_days": 0,
    },
    "replications": 2,
    "quick": True,
    "output_dir": str(OUT / "runs"),
}
LAB_SETTINGS = {  # every cell in the page (no windowing), no news or update checks
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
TIMEOUT_MS = 60_000
CHARTS = 3
"""Charts of one explorer run: intraday service level, staffing and queue, complaint funnel."""


class CheckFailedError(Exception):
    """What the browser showed is not what the explorer should show."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailedError(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(home: Path) -> Path:
    """A folder for JupyterLab with the parameterised notebook copy and fresh settings."""
    notebooks = home / "notebooks"
    notebooks.mkdir()
    nb = load_notebook_node(str(ROOT / "notebooks" / "01_explore.ipynb"))
    nbformat.write(parameterize_notebook(nb, PARAMETERS), notebooks / "01_explore.ipynb")
    for name, settings in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    return notebooks / "01_explore.ipynb"


@contextmanager
def jupyterlab(home: Path, port: int, token: str) -> Iterator[str]:
    """JupyterLab serving ``home`` on localhost; yields its base URL."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    command = [
        *(sys.executable, "-m", "jupyterlab", "--no-browser"),
        *("--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0"),
        *(f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}"),
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.extension_manager=readonly",  # no package index to ask (the network is closed)
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    log = (home / "jupyterlab.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            check(server.poll() is None, f"JupyterLab exited: see {home / 'jupyterlab.log'}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                check(time.monotonic() < deadline, "JupyterLab did not answer within 60 s")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def image_sources(area: Any) -> list[str]:
    """The ``src`` of every image in a part of the page."""
    return area.locator("img").evaluate_all("images => images.map(i => i.src)")


def run(page: Any, url: str, token: str) -> None:
    """Run all cells, check what they show, move the agents slider, click Run, check again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.goto(f"{url}/lab/tree/notebooks/01_explore.ipynb?token={token}")
    page.wait_for_function(
        "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel"
        "?.status === 'idle'",
        timeout=TIMEOUT_MS,
    )
    start = time.monotonic()
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    try:
        page.wait_for_function(  # the last cell ran (both buttons drawn), or a cell failed
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
            " === 'idle' && (document.querySelectorAll('button.jupyter-button').length >= 2"
            " || [...document.querySelectorAll('.jp-OutputArea-output')]"
            ".some(o => o.innerText.includes('Traceback')))",
            timeout=TIMEOUT_MS,
        )
    except PlaywrightTimeoutError:
        raise CheckFailedError(
            f"the cells did not finish within {TIMEOUT_MS // 1000} s, or the widgets did not "
            "render as controls (shown as text: is jupyterlab_widgets installed?)"
        ) from None
    text = " ".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    check("<Figure size" not in text, "a chart is shown as text (<Figure size ...>), not a picture")
    check("Traceback" not in text, f"a cell failed:\n{text[-3000:]}")
    charts = image_sources(page.locator(".jp-Cell-outputArea .jp-RenderedImage"))
    check(len(charts) == CHARTS, f"expected {CHARTS} charts as images, found {len(charts)}")
    check(all(src.startswith("data:image/png") for src in charts), "a chart is not a PNG")
    check("Saved to " in text, "the run did not say where it was saved")
    check(page.locator("table.dataframe").count() == 1, "the Erlang calculator shows no table")
    print(f"all cells ran in {time.monotonic() - start:.0f} s; the charts are pictures")
    page.screenshot(path=OUT / "1-run-all-cells.png")
    page.locator(".jp-RenderedImage img").first.scroll_into_view_if_needed()
    page.screenshot(path=OUT / "2-first-chart.png")

    explorer = page.locator(".widget-interact").first
    explorer.scroll_into_view_if_needed()
    output = explorer.locator(".widget-output")
    run_button = explorer.locator("button.jupyter-button", has_text="Run")
    check(run_button.count() == 1, "no Run button in the explorer's controls")
    run_button.click()
    output.locator("img").nth(CHARTS - 1).wait_for(timeout=TIMEOUT_MS)
    before = image_sources(output)

    slider = explorer.locator(".widget-slider", has_text="agents ×")
    readout = slider.locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("1.3")
    page.keyboard.press("Enter")
    check(readout.inner_text().strip() == "1.30", f"agents × reads {readout.inner_text()!r}")
    run_button.click()
    page.wait_for_function(
        "([area, old]) => { const now = [...area.querySelectorAll('img')].map(i => i.src);"
        " return now.length === old.length && now.every((src, i) => src !== old[i]); }",
        arg=[output.element_handle(), before],
        timeout=TIMEOUT_MS,
    )
    after = image_sources(output)
    check(len(after) == CHARTS, f"expected {CHARTS} charts after Run, found {len(after)}")
    check(all(a != b for a, b in zip(before, after, strict=True)), "the charts did not change")
    print("agents × moved to 1.30 and Run clicked: the charts changed")
    saved = output.inner_text()
    check("__agents-1.3__" in saved, f"the run is not saved under its settings: {saved!r}")
    output.locator("img").first.scroll_into_view_if_needed()
    page.screenshot(path=OUT / "3-after-run-agents-1.3.png")
    calculator = page.locator(".widget-interact").nth(1)
    calculator.locator("button.jupyter-button", has_text="Calculate").click()
    calculator.locator("table.dataframe").wait_for(timeout=TIMEOUT_MS)
    calculator.scroll_into_view_if_needed()
    page.screenshot(path=OUT / "4-erlang-calculator.png")


def main() -> int:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser check: Playwright is missing; run `make test-browser`", file=sys.stderr)
        return 2
    if not CHROMIUM.is_file():
        print(f"browser check: no Chromium at {CHROMIUM}; run `make test-browser`", file=sys.stderr)
        return 2
    start = time.monotonic()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    token = os.urandom(16).hex()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        home = Path(tmp)
        prepare(home)
        page = None
        try:
            with jupyterlab(home, free_port(), token) as url:
                browser = p.chromium.launch_persistent_context(
                    str(home / "profile"),
                    executable_path=str(CHROMIUM),
                    headless=True,
                    args=CHROMIUM_ARGS,
                    viewport={"width": 1400, "height": 1000},
                )
                page = browser.pages[0] if browser.pages else browser.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                run(page, url, token)
                browser.close()
        except (CheckFailedError, PlaywrightError) as exc:
            if page is not None and not page.is_closed():
                page.screenshot(path=OUT / "failure.png")
            if (home / "jupyterlab.log").is_file():
                shutil.copy(home / "jupyterlab.log", OUT / "jupyterlab.log")
            print(f"browser check FAILED: {exc}", file=sys.stderr)
            print(f"screenshot and JupyterLab log in {OUT}", file=sys.stderr)
            return 1
    print(f"browser check passed in {time.monotonic() - start:.0f} s; screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
