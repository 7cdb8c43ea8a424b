"""A student's page at the protocol level: HTTP and the kernel websocket, no browser.

What a Voila 0.5 page (and the classroom server, which serves the same page) does, from one asyncio
process, so that a load test measures the server and not Chromium:

1. ``GET`` the page (Voila runs the notebook in a new kernel while it streams the HTML); the kernel id
   and the widget views' model ids are read from the HTML; the cookies it sets are kept;
2. open the kernel's websocket ``/api/kernels/<id>/channels`` with those cookies, ask for the kernel's
   info (as @jupyterlab/services does on connect) and make the widgets live the way the ipywidgets 8
   manager does (``_loadFromKernel``): a ``jupyter.widget.control`` comm, ``request_states``, the
   ``update_states`` reply holding every model's state, then the control comm is closed;
3. change a control (a ``comm_msg`` ``update`` to its model), press a button (``custom`` ``click``),
   or send an ``execute_request`` (which a dashboard must refuse), and wait for the kernel's answer.

Every wait has a time-out (``asyncio.TimeoutError`` names what did not come). Used by
benchmarks/classroom_load.py ``--protocol`` and tests/test_classroom_kernels.py. Loopback only: the
URL is whatever the caller passes (the tests and benchmarks pass 127.0.0.1).
"""
from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit, urlunsplit

from jupyter_server.services.kernels.connection.base import deserialize_binary_message
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')
MODEL_ID = re.compile(r'"model_id"\s*:\s*"([0-9a-f]{32})"')
PROTOCOL_VERSION = "5.3"


def use_many_connections(limit: int = 400) -> None:
    """Tornado's HTTP client queues beyond 10 requests at once by default: let every student fetch at once."""
    AsyncHTTPClient.configure(None, max_clients=limit)


class Refused(Exception):
    """The server refused the page or the websocket (status: HTTP status, or 0 for a closed handshake)."""

    def __init__(self, what: str, status: int, body: str = ""):
        super().__init__(f"{what}: refused with HTTP {status} {body[:200]!r}".rstrip())
        self.status, self.body = status, body


@dataclass
class Page:
    """What the HTML of a page holds, and when its parts arrived (perf_counter seconds)."""
    url: str
    html: str = ""
    status: int = 0
    kernel_id: str | None = None
    model_ids: list[str] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)
    requested: float = 0.0
    first_byte: float | None = None
    kernel_seen: float | None = None
    complete: float | None = None

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


async def fetch_page(url: str, timeout: float) -> Page:
    """GET the page, streamed, noting the time of the first byte, of the kernel id and of the end.
    Raises Refused for a status other than 200."""
    page = Page(url)
    chunks: list[bytes] = []

    def on_chunk(chunk: bytes) -> None:
        now = time.perf_counter()
        if page.first_byte is None:
            page.first_byte = now
        chunks.append(chunk)
        if page.kernel_seen is None and KERNEL_ID.search(b"".join(chunks[-2:]).decode("utf-8", "replace")):
            page.kernel_seen = now

    def on_header(line: str) -> None:
        if line.lower().startswith("set-cookie:"):
            cookie = SimpleCookie()
            cookie.load(line.split(":", 1)[1].strip())
            page.cookies.update({name: morsel.value for name, morsel in cookie.items()})

    page.requested = time.perf_counter()
    request = HTTPRequest(url, request_timeout=timeout, connect_timeout=min(timeout, 30),
                          streaming_callback=on_chunk, header_callback=on_header, follow_redirects=False)
    try:
        response = await AsyncHTTPClient().fetch(request, raise_error=False)
    except HTTPClientError as exc:  # raised for 599 (time-out, connection) even with raise_error=False
        raise Refused(url, exc.code, str(exc)) from exc
    page.complete = time.perf_counter()
    page.status = response.code
    page.html = b"".join(chunks).decode("utf-8", "replace")
    if response.code == 599:
        raise asyncio.TimeoutError(f"{url}: no complete page within {timeout:.0f} s ({response.error})")
    if response.code != 200:
        raise Refused(url, response.code, page.html)
    found = KERNEL_ID.search(page.html)
    page.kernel_id = found.group(1) if found else None
    page.model_ids = list(dict.fromkeys(MODEL_ID.findall(page.html)))
    return page


def _base(url: str) -> str:
    """scheme://host:port/ of url."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def websocket_url(page_url: str, kernel_id: str, session_id: str, query: str = "") -> str:
    """The kernel channels URL for a page; query: more query parameters (e.g. the class code)."""
    parts = urlsplit(page_url)
    extra = f"&{query}" if query else ""
    return urlunsplit(("ws" if parts.scheme == "http" else "wss", parts.netloc,
                       f"/api/kernels/{kernel_id}/channels", f"session_id={session_id}{extra}", ""))


@dataclass
class Received:
    at: float
    message: dict


class KernelSocket:
    """One open kernel websocket: send messages, wait for the kernel's, read the widget models."""

    def __init__(self, connection, session_id: str, username: str = "student"):
        self.connection, self.session, self.username = connection, session_id, username
        self.received: list[Received] = []
        self.states: dict[str, dict] = {}  # model_id -> {"model_name", "state", ...} (kept up to date)
        self.closed = asyncio.Event()
        self._waiters: list[tuple] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, page_url: str, kernel_id: str, cookies: str = "", timeout: float = 30,
                   query: str = "", headers: dict | None = None) -> "KernelSocket":
        """Connect (raises Refused when the handshake is refused, asyncio.TimeoutError after timeout)."""
        session_id = uuid.uuid4().hex
        all_headers = {"Origin": _base(page_url).rstrip("/"), **({"Cookie": cookies} if cookies else {}),
                       **(headers or {})}
        request = HTTPRequest(websocket_url(page_url, kernel_id, session_id, query), headers=all_headers,
                              connect_timeout=timeout, request_timeout=timeout)
        try:
            connection = await asyncio.wait_for(websocket_connect(request), timeout)
        except HTTPClientError as exc:
            raise Refused(f"websocket of kernel {kernel_id}", exc.code, str(exc)) from exc
        return cls(connection, session_id)

    # ---------------------------------------------------------------- receiving

    async def _read(self) -> None:
        try:
            while True:
                data = await self.connection.read_message()
                if data is None:
                    break
                message = deserialize_binary_message(data) if isinstance(data, bytes) else json.loads(data)
                now = time.perf_counter()
                self.received.append(Received(now, message))
                self._track_state(message)
                for waiter in list(self._waiters):
                    predicate, future = waiter
                    if not future.done() and predicate(message):
                        future.set_result(Received(now, message))
                        self._waiters.remove(waiter)
        finally:
            self.closed.set()
            for _predicate, future in self._waiters:
                if not future.done():
                    future.set_exception(ConnectionError("the kernel's websocket closed"))

    def _track_state(self, message: dict) -> None:
        if message.get("msg_type") != "comm_msg":
            return
        content = message["content"]
        data = content.get("data", {})
        if data.get("method") in ("update", "echo_update") and content.get("comm_id") in self.states:
            self.states[content["comm_id"]]["state"].update(data.get("state", {}))

    def expect(self, predicate) -> asyncio.Future:
        """A future for the next message matching predicate (register it BEFORE sending what causes it)."""
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return future

    async def wait(self, future: asyncio.Future, timeout: float, what: str) -> Received:
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise asyncio.TimeoutError(f"no {what} within {timeout:.0f} s") from None

    # ---------------------------------------------------------------- sending

    async def send(self, msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None,
                   msg_id: str | None = None) -> str:
        msg_id = msg_id or uuid.uuid4().hex
        message = {"header": {"msg_id": msg_id, "msg_type": msg_type, "username": self.username,
                              "session": self.session, "date": "", "version": PROTOCOL_VERSION},
                   "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": channel,
                   "buffers": []}
        await self.connection.write_message(json.dumps(message))
        return msg_id

    @staticmethod
    def _answer(msg_id: str, msg_type: str):
        """A predicate: the kernel's message of that type answering msg_id."""
        return lambda m: m.get("msg_type") == msg_type and m.get("parent_header", {}).get("msg_id") == msg_id

    @staticmethod
    def _idle(msg_id: str):
        """A predicate: the kernel went idle after handling msg_id."""
        return lambda m: (m.get("msg_type") == "status" and m["content"].get("execution_state") == "idle"
                          and m.get("parent_header", {}).get("msg_id") == msg_id)

    async def kernel_info(self, timeout: float) -> dict:
        msg_id = uuid.uuid4().hex
        future = self.expect(self._answer(msg_id, "kernel_info_reply"))
        await self.send("kernel_info_request", {}, msg_id=msg_id)
        return (await self.wait(future, timeout, "kernel_info_reply")).message["content"]

    async def load_widgets(self, timeout: float) -> dict[str, dict]:
        """ipywidgets 8's _loadFromKernel: every model's state through the jupyter.widget.control comm."""
        comm_id = uuid.uuid4().hex
        future = self.expect(lambda m: m.get("msg_type") == "comm_msg" and m["content"].get("comm_id") == comm_id
                             and m["content"].get("data", {}).get("method") == "update_states")
        await self.send("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
                        metadata={"version": "1.0.0"})
        await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        reply = await self.wait(future, timeout, "update_states reply on the widget control comm")
        await self.send("comm_close", {"comm_id": comm_id, "data": {}})
        self.states = {model_id: {**info, "state": dict(info.get("state", {}))}
                       for model_id, info in reply.message["content"]["data"]["states"].items()}
        return self.states

    def models(self, model_name: str, **state) -> list[str]:
        """Model ids of the given kind (e.g. "IntSliderModel") whose state has the given values."""
        return [model_id for model_id, info in self.states.items()
                if info.get("model_name") == model_name
                and all(info["state"].get(key) == value for key, value in state.items())]

    def find(self, model_name: str, description: str | re.Pattern) -> str | None:
        """The first model of that kind whose description (or placeholder) matches."""
        for model_id, info in self.states.items():
            if info.get("model_name") != model_name:
                continue
            texts = [str(info["state"].get("description", "")), str(info["state"].get("placeholder", ""))]
            if any(description.search(text) if isinstance(description, re.Pattern) else text == description
                   for text in texts):
                return model_id
        return None

    async def set_value(self, model_id: str, value, watch: set[str], timeout: float) -> tuple[float, float]:
        """Send a control's new value as the frontend does; return (seconds to the first update of a model in
        `watch` (the chart), seconds to the kernel's idle after the change)."""
        msg_id = uuid.uuid4().hex
        watched = self.expect(lambda m: m.get("msg_type") == "comm_msg" and m["content"].get("comm_id") in watch
                              and m["content"].get("data", {}).get("method") == "update"
                              and m.get("parent_header", {}).get("msg_id") == msg_id)
        idle = self.expect(self._idle(msg_id))
        started = time.perf_counter()
        await self.send("comm_msg", {"comm_id": model_id,
                                     "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}},
                        msg_id=msg_id)
        chart = await self.wait(watched, timeout, "update of the chart after the change")
        done = await self.wait(idle, timeout, "idle after the change")
        return chart.at - started, done.at - started

    async def set_state(self, model_id: str, state: dict, timeout: float) -> float:
        """Send new trait values of a model (a text box's value); seconds until the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        idle = self.expect(self._idle(msg_id))
        started = time.perf_counter()
        await self.send("comm_msg", {"comm_id": model_id, "data": {"method": "update", "state": state,
                                                                   "buffer_paths": []}}, msg_id=msg_id)
        return (await self.wait(idle, timeout, "idle after the change")).at - started

    async def click(self, model_id: str, timeout: float) -> float:
        """Press a button (ipywidgets' custom 'click' message); seconds until the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        idle = self.expect(self._idle(msg_id))
        started = time.perf_counter()
        await self.send("comm_msg", {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}},
                        msg_id=msg_id)
        return (await self.wait(idle, timeout, "idle after the click")).at - started

    async def execute(self, code: str, timeout: float) -> dict:
        """An execute_request; returns the execute_reply's content (or {"status": "no reply"} after timeout:
        a server may drop it silently, which counts as refused too)."""
        msg_id = uuid.uuid4().hex
        future = self.expect(self._answer(msg_id, "execute_reply"))
        await self.send("execute_request", {"code": code, "silent": False, "store_history": False,
                                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                        msg_id=msg_id)
        try:
            return (await asyncio.wait_for(future, timeout)).message["content"]
        except asyncio.TimeoutError:
            return {"status": "no reply"}

    async def close(self) -> None:
        """Close the websocket, as a closed browser tab does."""
        self.connection.close()
        self._reader.cancel()
        try:
            await asyncio.wait_for(self._reader, 5)
        except (asyncio.CancelledError, asyncio.TimeoutError):
            pass


@dataclass
class Student:
    """One simulated student: the page, its kernel websocket and the times measured."""
    url: str
    page: Page | None = None
    socket: KernelSocket | None = None
    live_at: float | None = None

    async def join(self, timeout: float, ws_query: str = "") -> "Student":
        """Open the page and make its widgets live (raises on refusal or time-out)."""
        self.page = await fetch_page(self.url, timeout)
        if not self.page.kernel_id:
            raise LookupError(f"{self.url}: the page holds no kernel id (first 300 characters: "
                              f"{_text(self.page.html)[:300]!r})")
        self.socket = await KernelSocket.open(self.url, self.page.kernel_id, self.page.cookie_header,
                                              timeout=timeout, query=ws_query)
        await self.socket.kernel_info(timeout)
        await self.socket.load_widgets(timeout)
        missing = [model_id for model_id in self.page.model_ids if model_id not in self.socket.states]
        if missing:
            raise LookupError(f"{len(missing)} widget(s) of the page have no model in the kernel: {missing[:3]}")
        self.live_at = time.perf_counter()
        return self

    # ---------------------------------------------------------------- the explorer's and the classroom's widgets

    def horizon_slider(self) -> str:
        """The explorer's horizon slider (the one IntSlider of 6..60 months by 6)."""
        found = self.socket.models("IntSliderModel", min=6, max=60, step=6)
        if not found:
            raise LookupError("no horizon slider (IntSlider 6..60 by 6) among the page's widgets")
        return found[0]

    def charts(self) -> set[str]:
        """The explorer's charts: Image widgets, or HTML widgets holding the chart's <img class="widget-image">."""
        return {model_id for model_id, info in self.socket.states.items()
                if info.get("model_name") == "ImageModel"
                or (info.get("model_name") == "HTMLModel" and "widget-image" in str(info["state"].get("value", "")))}

    async def move_slider(self, timeout: float) -> tuple[float, float]:
        """Move the horizon to another value: (seconds to the new chart, seconds to the kernel's idle)."""
        slider = self.horizon_slider()
        charts = self.charts()
        if not charts:
            raise LookupError("no chart among the page's widgets")
        current = self.socket.states[slider]["state"].get("value")
        value = next(v for v in (48, 12, 36, 24) if v != current)
        return await self.socket.set_value(slider, value, charts, timeout)

    def _widget(self, model_name: str, *descriptions: str) -> str:
        for description in descriptions:
            found = self.socket.find(model_name, description)
            if found:
                return found
        raise LookupError(f"no {model_name} described {' or '.join(map(repr, descriptions))} on the page")

    async def hand_in(self, name: str, justification: str, timeout: float) -> float:
        """The classroom page: type the name, press Join, write the justification, press Hand in.
        Seconds from the first keystroke to the kernel's idle after Hand in."""
        started = time.perf_counter()
        await self.socket.set_state(self._widget("TextModel", "Your name", "Il tuo nome"), {"value": name}, timeout)
        await self.socket.click(self._widget("ButtonModel", "Join", "Entra"), timeout)
        textareas = self.socket.models("TextareaModel")
        if not textareas:
            raise LookupError("no justification box (Textarea) on the page")
        await self.socket.set_state(textareas[0], {"value": justification}, timeout)
        await self.socket.click(self._widget("ButtonModel", "Hand in", "Consegna"), timeout)
        return time.perf_counter() - started

    @property
    def render_s(self) -> float | None:
        return self.live_at - self.page.requested if self.page and self.live_at else None

    async def leave(self, shutdown: bool = False, timeout: float = 30) -> None:
        """Close the page: with shutdown, first the call Voila's page makes when its tab closes
        (POST /voila/api/shutdown/<kernel id>); then the websocket closes."""
        if shutdown and self.page is not None and self.page.kernel_id:
            response = await AsyncHTTPClient().fetch(HTTPRequest(
                f"{_base(self.url)}voila/api/shutdown/{self.page.kernel_id}", method="POST", body=b"",
                headers={"Cookie": self.page.cookie_header, "Origin": _base(self.url).rstrip("/")},
                request_timeout=timeout), raise_error=False)
            if response.code >= 400:
                raise Refused(f"shutdown of kernel {self.page.kernel_id}", response.code,
                              (response.body or b"").decode("utf-8", "replace"))
        if self.socket is not None:
            await self.socket.close()


def _text(html: str) -> str:
    """The visible words of an HTML page (rough: tags and scripts dropped)."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


page_text = _text


# ---------------------------------------------------------------- the classroom server, for tests and benchmarks


@dataclass
class Classroom:
    """A running ``python -m toolkit classroom`` (see :func:`classroom_server`)."""
    server: object  # browser_support.Server: process, log_tail(), stop()
    class_dir: object  # Path
    info: dict  # server.json

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.info['port']}/"

    @property
    def student_url(self) -> str:
        return f"{self.url}?code={self.info['class_code']}"

    @property
    def pid(self) -> int:
        return self.server.process.pid

    @property
    def handins(self):
        return self.class_dir / "handins"


def classroom_missing_reason() -> str | None:
    """Why the classroom server cannot be started here (None when it can)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    if not (root / "toolkit" / "classroom.py").is_file():
        return "toolkit/classroom.py is not there yet"
    if not (root / "app" / "classroom.ipynb").is_file():
        return "app/classroom.ipynb is missing (make notebooks builds it)"
    return None


def classroom_server(*, students: int = 40, cull_after: int = 1800, class_code: str = "CLASS1",
                     teacher_code: str = "TEACHER1", extra: tuple = ()):
    """``python -m toolkit classroom --host 127.0.0.1`` on a free port, in its own process group, with its
    class folder in a temporary directory; ready once it wrote server.json (at most
    browser_support.SERVER_START_TIMEOUT s); on exit the process group is stopped and any kernel left
    is killed (browser_support's harness)."""
    import contextlib
    import sys
    import tempfile
    from pathlib import Path

    import browser_support as support

    @contextlib.contextmanager
    def run():
        with tempfile.TemporaryDirectory(prefix="smm-classload-") as work:
            class_dir = Path(work) / "class"
            port = support.free_port()
            command = [sys.executable, "-m", "toolkit", "classroom", "--host", "127.0.0.1", "--port", str(port),
                       "--students", str(students), "--class-dir", str(class_dir), "--code", class_code,
                       "--teacher-code", teacher_code, "--cull-after", str(cull_after), *extra]
            with support._serve("classroom", command, port=port, workdir=work,
                                ready=lambda _s: (class_dir / "server.json").is_file()) as server:
                info = json.loads((class_dir / "server.json").read_text(encoding="utf-8"))
                yield Classroom(server, class_dir, info)

    return run()


def kernel_pids(server_pid: int) -> set[int]:
    """The pids of the kernels (ipykernel_launcher) under a server process."""
    import psutil

    found = set()
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return found
    for process in children:
        try:
            if "ipykernel_launcher" in " ".join(process.cmdline()):
                found.add(process.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


async def teacher_summary(classroom: Classroom, timeout: float = 30) -> dict:
    """The teacher page's summary.json (open_pages: the server's own count of kernels)."""
    response = await AsyncHTTPClient().fetch(
        HTTPRequest(f"{classroom.url}teacher/summary.json?code={classroom.info['teacher_code']}",
                    request_timeout=timeout), raise_error=False)
    if response.code != 200:
        raise Refused("teacher/summary.json", response.code, response.body.decode("utf-8", "replace"))
    return json.loads(response.body)
