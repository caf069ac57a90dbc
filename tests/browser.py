"""A small driver for headless Chromium over the DevTools protocol, for the browser tests.

Chromium is started with ``--remote-debugging-pipe``: it reads commands from file
descriptor 3 and writes answers and events to 4, each a JSON message ended by a NUL byte.
No extra Python package and no port. Everything the page does is recorded as events:
console messages, exceptions, dialogs (``alert``), network requests.

    with Browser() as browser:
        browser.open("file:///tmp/report.html")
        browser.evaluate("document.title")
        png = browser.screenshot()
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

CHROMIUM = os.environ.get("DEDUP_CHROMIUM", "/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)
#: A safety limit for one answer or one page load (never a way to wait for something).
TIMEOUT = 60.0


class BrowserError(RuntimeError):
    pass


def _high(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Browser:
    def __init__(self, executable: str = CHROMIUM, *, width: int = 1280, height: int = 1000) -> None:
        self.profile = tempfile.mkdtemp(prefix="dedup-chromium-")
        self.stderr = open(Path(self.profile) / "stderr.log", "wb")
        to_browser_r, self._out = os.pipe()
        self._in, from_browser_w = os.pipe()
        # Move the browser's ends above 9, so that "3<&x 4>&y" below cannot overwrite one with the other.
        to_browser_r, from_browser_w = (_high(fd) for fd in (to_browser_r, from_browser_w))
        # fd 3: the browser reads commands; fd 4: it writes answers (bash sets them up: dash takes fds 0-9 only).
        self.proc = subprocess.Popen(
            ["/bin/bash", "-c", f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w}', executable, *FLAGS,
             "--remote-debugging-pipe", f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
             "about:blank"],
            pass_fds=(to_browser_r, from_browser_w),
            stdin=subprocess.DEVNULL,
            stdout=self.stderr,
            stderr=self.stderr,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._lock = threading.Condition()
        self._answers: dict[int, dict] = {}
        self._next_id = 0
        self._closed = False
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = self._attach(width, height)

    # ------------------------------------------------------------------ protocol

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._in, "rb", buffering=0) as pipe:
            while True:
                chunk = pipe.read(1 << 16)
                if not chunk:
                    break
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                with self._lock:
                    for raw in messages:
                        msg = json.loads(raw)
                        if "id" in msg:
                            self._answers[msg["id"]] = msg
                        else:
                            self.events.append(msg)
                    self._lock.notify_all()
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    def send(self, method: str, params: dict | None = None, *, session: str | None = None) -> dict:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        msg = {"id": ident, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        with self._lock:
            if not self._lock.wait_for(lambda: ident in self._answers or self._closed, timeout=TIMEOUT):
                raise BrowserError(f"no answer to {method} in {TIMEOUT} s")
            if ident not in self._answers:
                raise BrowserError(f"the browser closed during {method}: {self.log()[-2000:]}")
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def page(self, method: str, params: dict | None = None) -> dict:
        return self.send(method, params, session=self.session)

    def wait_for_event(self, method: str, *, after: int = 0) -> dict:
        """The first event ``method`` of the page recorded at position ``after`` or later."""

        def found():
            return next(
                (e for e in self.events[after:] if e.get("method") == method and e.get("sessionId") == self.session),
                None,
            )

        with self._lock:
            if not self._lock.wait_for(lambda: found() is not None or self._closed, timeout=TIMEOUT):
                raise BrowserError(f"no {method} in {TIMEOUT} s")
            event = found()
        if event is None:
            raise BrowserError(f"the browser closed before {method}")
        return event

    def _attach(self, width: int, height: int) -> str:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        return session

    # ------------------------------------------------------------------ what tests use

    def open(self, url: str) -> None:
        """Load ``url`` and return once its load event has fired."""
        mark = len(self.events)
        answer = self.page("Page.navigate", {"url": url})
        if answer.get("errorText"):
            raise BrowserError(f"cannot open {url}: {answer['errorText']}")
        self.wait_for_event("Page.loadEventFired", after=mark)

    def evaluate(self, expression: str):
        answer = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def press(self, key: str) -> None:
        """Type one character key (``j``, ``k``, ``e``, ``?``) into the page."""
        code = f"Key{key.upper()}" if key.isalpha() else ""
        common = {"key": key, "code": code, "windowsVirtualKeyCode": ord(key.upper())}
        self.page("Input.dispatchKeyEvent", {"type": "keyDown", "text": key, **common})
        self.page("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    #: Named keys for :meth:`key`: (DOM key and code, virtual key code, text typed).
    KEYS = {"Tab": ("Tab", 9, ""), "Enter": ("Enter", 13, "\r")}

    def key(self, name: str, *, shift: bool = False) -> None:
        """Press a named key (``Tab``, ``Enter``) as a user would: the browser moves the focus or
        activates the focused control itself."""
        key, code, text = self.KEYS[name]
        common = {"key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": 8 if shift else 0}
        self.page("Input.dispatchKeyEvent", {"type": "keyDown", "text": text, **common} if text else
                  {"type": "rawKeyDown", **common})
        self.page("Input.dispatchKeyEvent", {"type": "keyUp", **common})

    def click(self, selector: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def screenshot(self, *, full_page: bool = False) -> bytes:
        """The viewport as PNG, or with ``full_page`` the whole page top to bottom."""
        params: dict = {"format": "png"}
        if full_page:
            size = self.page("Page.getLayoutMetrics")["cssContentSize"]
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        return base64.b64decode(self.page("Page.captureScreenshot", params)["data"])

    def page_events(self, *methods: str) -> list[dict]:
        with self._lock:
            return [e for e in self.events if e.get("method") in methods and e.get("sessionId") == self.session]

    def clear_events(self) -> None:
        with self._lock:
            self.events.clear()

    def log(self) -> str:
        self.stderr.flush()
        return (Path(self.profile) / "stderr.log").read_text(errors="replace")

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._out)
        self.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
