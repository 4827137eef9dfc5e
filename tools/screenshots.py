"""Screenshots of the running demo for the README: log in, open each page in headless Chromium, save a PNG.

Driven through the Chrome DevTools protocol (``websocket-client``, as Odoo's own browser tests are), so the
pages are the real web client with the real data. ``./dev.sh screenshots`` starts the demo server and runs this.

    python tools/screenshots.py --url http://127.0.0.1:8069 --db collections_demo --company-xmlid \
        collections_addon.demo_company_br --out static/description/screenshots
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import websocket

# (file name, path after /odoo/, a selector that is on the page once its data is drawn)
PAGES = (
    ("dashboard.png", "action-collections_addon.collections_dashboard_action", ".o_collections_dashboard_card"),
    ("report_recovery.png", "action-collections_addon.collections_report_recovery_action", ".o_pivot table"),
    (
        "report_dso.png",
        "action-collections_addon.collections_report_dso_action?view_type=graph",
        ".o_graph_renderer canvas",
    ),
    ("report_forecast.png", "action-collections_addon.collections_report_forecast_action", ".o_graph_renderer canvas"),
)
WINDOW = (1440, 900)
TIMEOUT = 60


def _rpc(opener, url, route, params):
    request = urllib.request.Request(
        f"{url}{route}",
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with opener.open(request, timeout=TIMEOUT) as response:
        answer = json.load(response)
    if answer.get("error"):
        raise SystemExit(f"{route} failed: {answer['error'].get('data', {}).get('message') or answer['error']}")
    return answer["result"]


def log_in(url, db, login, password, company_xmlid):
    """(session id, company id) of a fresh session of ``login``."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _rpc(opener, url, "/web/session/authenticate", {"db": db, "login": login, "password": password})
    session_id = next(cookie.value for cookie in jar if cookie.name == "session_id")
    company_id = None
    if company_xmlid:
        module, name = company_xmlid.split(".")
        company_id = _rpc(
            opener,
            url,
            "/web/dataset/call_kw/ir.model.data/check_object_reference",
            {"model": "ir.model.data", "method": "check_object_reference", "args": [module, name], "kwargs": {}},
        )[1]
    return session_id, company_id


class Browser:
    """A headless Chromium and one page, spoken to over the DevTools protocol."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="collections_screens_")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size={WINDOW[0]},{WINDOW[1]}",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.time() + TIMEOUT
        while not port_file.exists() or not port_file.read_text().strip():
            if time.time() > deadline:
                raise SystemExit("Chromium did not start.")
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=TIMEOUT) as response:
            page = next(target for target in json.load(response) if target["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=TIMEOUT)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, selector):
        deadline = time.time() + TIMEOUT
        expression = f"!!document.querySelector({json.dumps(selector)})"
        while time.time() < deadline:
            if self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value"):
                return
            time.sleep(0.3)
        raise SystemExit(f"{selector} never appeared.")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=TIMEOUT)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--company-xmlid", help="the company to show (default: the user's)")
    parser.add_argument("--browser", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    session_id, company_id = log_in(args.url, args.db, args.login, args.password, args.company_xmlid)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser(args.browser)
    try:
        browser.call("Network.enable")
        host = args.url.split("://", 1)[1].split(":")[0]
        browser.call("Network.setCookie", name="session_id", value=session_id, domain=host, path="/")
        if company_id:
            browser.call("Network.setCookie", name="cids", value=str(company_id), domain=host, path="/")
        browser.call(
            "Emulation.setDeviceMetricsOverride", width=WINDOW[0], height=WINDOW[1], deviceScaleFactor=1, mobile=False
        )
        for name, path, selector in PAGES:
            browser.call("Page.navigate", url=f"{args.url}/odoo/{path}")
            browser.wait_for(selector)
            time.sleep(1.5)  # charts animate in
            shot = browser.call("Page.captureScreenshot", format="png")
            (out / name).write_bytes(base64.b64decode(shot["data"]))
            print(f"{out / name}")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
