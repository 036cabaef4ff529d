"""Debian's Chromium as the browser tests and docs/screenshots.py start it (a module of its own:
importing the tests' conftest would point the process at the tests' database)."""

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home, which floods a closed network.
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
