"""The README's screenshots: the main page of each role on the demo season, at a desktop's width
and a phone's (360 px), taken in Debian's Chromium through Playwright.

    make demo && make screenshots          # writes docs/screens/<role>-<width>.png

It serves the demo's database (`vinhdanh serve` reads var/demo/vinhdanh.env), logs in with the
demo's accounts (their passwords follow from the seed, demo/accounts.py) and shows each page as
its user sees it, with the demo's own data."""

import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo.accounts import password_for  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SEED, PORT = 2025, 8765
OUT = ROOT / "docs" / "screens"
SIZES = {"desktop": (1280, 900), "phone": (360, 780)}
# role → (a demo account of it, its main page): the province's people, who see the most
PAGES = {
    "unit-officer": ("snv.canbo", "/don-vi"),
    "council-member": ("hoidong.snv", "/hoi-dong"),
    "secretariat": ("qng.thuongtruc", "/thu-ky/tong-quan"),
    "authority": ("qng.lanhdao", "/ky-duyet"),
    "home": ("snv.canbo", "/"),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "vinhdanh"), "serve", "--port", str(PORT)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_for(base, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for role, (username, path) in PAGES.items():
                for size, (width, height) in SIZES.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(f"{base}/dang-nhap")
                    page.fill("#username", username)
                    page.fill("#password", password_for(username, SEED))
                    page.click("button[type=submit]")
                    page.wait_for_url(f"{base}/")  # logged in: the home page
                    if page.goto(base + path).status != 200 or "/dang-nhap" in page.url:
                        sys.exit(f"{path} as {username}: {page.url}")
                    page.screenshot(path=OUT / f"{role}-{size}.png", full_page=size == "desktop")
                    page.close()
                    print(f"{role} {size}: {base}{path} as {username}")
            browser.close()
    finally:
        server.terminate()
        server.wait()


def wait_for(base: str, server: subprocess.Popen) -> None:
    for _ in range(150):
        if server.poll() is not None:
            sys.exit("vinhdanh serve stopped: run `make demo` first")
        try:
            httpx.get(f"{base}/api/v1/health")
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit("vinhdanh serve did not answer")


if __name__ == "__main__":
    main()
