"""Drives the back office in real Chromium (Debian's `chromium` and `chromium-driver`, headless)
against `roster demo`, started in an empty directory as a new user would.

Screenshots of every step go to ``$ROSTER_ARTIFACTS`` (default ``.build/browser-artifacts``).
"""
import os
import pathlib
import shutil
import sys
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "Compatibility"))
from test_demo import field, free_port, start_demo  # noqa: E402  (the demo's start-up is shared with that suite)

# Tests never reach the internet: Selenium Manager neither looks for drivers nor sends statistics.
os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = pathlib.Path(os.environ.get("ROSTER_ARTIFACTS", ROOT / ".build" / "browser-artifacts"))


@pytest.fixture(scope="module")
def demo():
    """`roster demo` on free loopback ports in a temporary directory; what it printed, parsed."""
    directory = tempfile.mkdtemp(prefix="roster-browser-")
    port, sandbox_port = free_port(), free_port()
    process, printed = start_demo(directory, port, sandbox_port)
    try:
        yield {
            "directory": directory,
            "url": f"http://127.0.0.1:{port}",
            "token": field(printed, "api token"),
            "organiser": printed.split("organiser login:")[1].split("\n")[0].strip().split(" / "),
            "sandbox_username": field(printed, "username"),
            "sandbox_password": field(printed, "password"),
            "sandbox_url": f"http://127.0.0.1:{sandbox_port}",
            "consumer_key": field(printed, "consumer key"),
            "consumer_secret": field(printed, "consumer secret"),
        }
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900",
                     "--disable-gpu", "--lang=en-US", "--disable-popup-blocking"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def artifacts():
    """One run's screenshots, numbered in order across the suite's modules, nothing older."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return [0]


@pytest.fixture(scope="module")
def shoot(browser, artifacts):
    """Saves a screenshot of the current window as ``NN-name.png``."""
    def take(name, element=None):
        """`element`, when given, is scrolled to the middle of the window first."""
        if element is not None:
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        artifacts[0] += 1
        path = ARTIFACTS / f"{artifacts[0]:02d}-{name}.png"
        browser.save_screenshot(str(path))
        return path

    return take
