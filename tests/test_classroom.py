"""make classroom (toolkit/classroom.py, toolkit/classroom_app.py, the class hand-ins of toolkit/handin.py).

Unit tests: the LAN address choice (never connecting to it), the codes, the Gate (codes, Host, Origin,
routes), hand-ins (unique names, atomic, a killed hand-in leaves the earlier ones whole), the teacher's
summary. Server tests (loopback only: --host 127.0.0.1 on a free port): 403 and no kernel without the
code, Host/Origin refused, no file API, server.json, the class-full page, the DataError message on the
page (classroom and make app) with broken data.

``classroom_server(...)`` starts a real server for these tests, tests/test_browser_classroom.py and the
benchmarks.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit import classroom, i18n
from toolkit.classroom import Gate, class_summary, lan_address, make_code
from toolkit.handin import CLASS_SUFFIX, classroom_handin, gradebook, read_handin, write_class_handin
from toolkit.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60  # s


# ---------------------------------------------------------------- a real server on loopback


@dataclass
class ClassServer:
    process: subprocess.Popen
    class_dir: Path
    info: dict  # server.json
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.info['port']}/"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def classroom_server(*flags: str, class_dir: Path | None = None, env: dict | None = None):
    """``python -m toolkit classroom --host 127.0.0.1`` on a free port (codes CLASS1 and TEACHER1 unless
    flags say otherwise); waits for server.json, stops the server and its kernels on exit."""
    with tempfile.TemporaryDirectory(prefix="smm-class-") as work:
        class_dir = Path(class_dir or Path(work) / "class")
        log = Path(work) / "classroom.log"
        command = [sys.executable, "-m", "toolkit", "classroom", "--host", "127.0.0.1", "--port", str(free_port()),
                   "--class-dir", str(class_dir)]
        if "--code" not in flags:
            command += ["--code", "CLASS1"]
        if "--teacher-code" not in flags:
            command += ["--teacher-code", "TEACHER1"]
        with open(log, "wb") as out:
            process = subprocess.Popen([*command, *flags], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                       stdin=subprocess.DEVNULL, start_new_session=True,
                                       env={**os.environ, **(env or {})})
        try:
            deadline = time.monotonic() + START_TIMEOUT
            server_json = class_dir / "server.json"
            while not server_json.is_file():
                if process.poll() is not None:
                    raise RuntimeError(f"classroom exited with {process.returncode}:\n{log.read_text()}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"classroom did not start within {START_TIMEOUT} s:\n{log.read_text()}")
                time.sleep(0.1)
            yield ClassServer(process, class_dir, json.loads(server_json.read_text(encoding="utf-8")), log)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def http(url: str, *, headers: dict | None = None, method: str = "GET", timeout: float = 60):
    """(status, headers, body text) of a request, without following redirects or using a proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", errors="replace")


def summary(server: ClassServer) -> dict:
    status, _headers, body = http(f"{server.url}teacher/summary.json", headers={"Cookie": "smm_teacher=TEACHER1"})
    assert status == 200, body[:300]
    return json.loads(body)


# ---------------------------------------------------------------- address and codes


class FakeSocket:
    """Stands in for socket.socket: records the connect, answers getsockname (nothing is sent)."""
    calls: list = []
    address = "192.168.1.23"
    fail = False

    def __init__(self, family, kind):
        FakeSocket.calls.append(("socket", family, kind))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connect(self, target):
        FakeSocket.calls.append(("connect", target))
        if FakeSocket.fail:
            raise OSError(101, "Network is unreachable")

    def getsockname(self):
        return (FakeSocket.address, 40000)


@pytest.fixture
def fake_socket(monkeypatch):
    FakeSocket.calls, FakeSocket.address, FakeSocket.fail = [], "192.168.1.23", False
    monkeypatch.setattr(classroom.socket, "socket", FakeSocket)
    return FakeSocket


def test_lan_address_is_the_default_route_interface_found_without_sending(fake_socket):
    assert lan_address() == ("192.168.1.23", None)
    assert fake_socket.calls[0] == ("socket", socket.AF_INET, socket.SOCK_DGRAM), "UDP: connect sends nothing"
    target = fake_socket.calls[1][1]
    assert target[0].startswith("192.0.2."), "a documentation address (RFC 5737), never a real host"


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0", "169.254.3.4"])
def test_lan_address_falls_back_to_loopback_with_a_message_when_there_is_no_usable_network(fake_socket, address):
    fake_socket.address = address
    host, why = lan_address()
    assert host == "127.0.0.1" and "only this laptop" in why and "--host" in why


def test_lan_address_without_any_network(fake_socket):
    fake_socket.fail = True
    host, why = lan_address()
    assert host == "127.0.0.1" and "no network found" in why and "hotspot" in why


def test_codes_are_short_random_and_unambiguous():
    codes = {make_code(6) for _ in range(200)}
    assert len(codes) > 190, "random"
    assert all(len(code) == 6 and not set(code) & set("0O1IL") for code in codes)
    assert classroom.check_code(" abc123 ", "--code") == "ABC123"
    with pytest.raises(ValueError, match="4 to 32 letters"):
        classroom.check_code("a b", "--code")


@pytest.mark.parametrize("idle, connected, busy, expected", [
    (classroom.CLOSED_AFTER - 1, False, False, False),
    (classroom.CLOSED_AFTER + 1, False, False, True),  # a closed page: gone within CLOSED_AFTER + CULL_INTERVAL
    (classroom.CLOSED_AFTER + 1, False, True, True),  # nobody will ever see what it computes
    (classroom.CLOSED_AFTER + 1, True, False, False),  # a page still open
    (1801, True, False, True),  # open but untouched for longer than --cull-after
    (1801, True, True, False),  # still computing
])
def test_which_kernels_are_shut_down(idle, connected, busy, expected):
    assert classroom.should_cull(idle, connected=connected, busy=busy, cull_after=1800) is expected
    assert classroom.CLOSED_AFTER + classroom.CULL_INTERVAL <= 60, "a closed page's kernel goes within a minute"


GATE = Gate("192.168.1.23", 8866, "CLASS1", "TEACHER1")
HOST = {"Host": "192.168.1.23:8866"}


@pytest.mark.parametrize("path, query, headers, cookies, expected", [
    ("/", "", HOST, {}, (403, "forbidden")),  # no code: refused before any handler (so no kernel)
    ("/", "code=WRONG1", HOST, {}, (403, "forbidden")),
    ("/", "code=class1", HOST, {}, None),  # the code, typed in lower case
    ("/voila/static/voila.js", "", HOST, {"smm_class": "CLASS1"}, None),  # then the cookie
    ("/api/kernels/a-b-c-d-e/channels", "", HOST, {}, (403, "forbidden")),  # websocket without the code
    ("/api/kernels/a-b-c-d-e/channels", "", {**HOST, "Origin": "http://192.168.1.23:8866"},
     {"smm_class": "CLASS1"}, None),
    ("/", "code=CLASS1", {"Host": "attacker.example:8866"}, {}, (403, "wrong_host")),  # DNS rebinding
    ("/", "code=CLASS1", {**HOST, "Origin": "http://attacker.example"}, {}, (403, "wrong_host")),
    ("/teacher", "code=CLASS1", HOST, {}, (403, "teacher_forbidden")),  # the class code is not the teacher's
    ("/teacher", "code=TEACHER1", HOST, {}, None),
    ("/teacher/summary.json", "", HOST, {"smm_teacher": "TEACHER1"}, None),
    ("/teacher/other", "", HOST, {"smm_teacher": "TEACHER1"}, (404, "not_found")),
    ("/api/contents/data", "", HOST, {"smm_class": "CLASS1"}, (404, "not_found")),  # no file API
    ("/voila/files/server.json", "", HOST, {"smm_class": "CLASS1"}, (404, "not_found")),
    ("/voila/tree", "", HOST, {"smm_class": "CLASS1"}, (404, "not_found")),
    ("/login", "", HOST, {"smm_class": "CLASS1"}, (404, "not_found")),
])
def test_gate(path, query, headers, cookies, expected):
    assert GATE.check(path, query, headers, cookies) == expected


def test_gate_sets_the_cookie_only_for_the_right_code():
    assert GATE.cookie_for("/", "code=CLASS1").startswith("smm_class=CLASS1; Path=/; HttpOnly; SameSite=Strict")
    assert GATE.cookie_for("/", "code=TEACHER1") is None
    assert GATE.cookie_for("/teacher", "code=TEACHER1").startswith("smm_teacher=TEACHER1; Path=/teacher")
    assert GATE.cookie_for("/", "") is None


# ---------------------------------------------------------------- hand-ins


def _handin(dataset, name="Ada", profile="small", choices=None, justification="Because.", **changes):
    scenario = Scenario(profile=profile, **changes)
    choices = choices or {"blog": "outsource", "seo": "outsource_with_clauses", "brand": "keep_in_house"}
    return classroom_handin(dataset, scenario, name=name, choices=choices, justification=justification)


def test_class_handins_never_overwrite_and_keep_earlier_ones(dataset, tmp_path):
    first = write_class_handin(tmp_path, _handin(dataset, "Ada Rossi"))
    same_name = write_class_handin(tmp_path, _handin(dataset, "Ada Rossi", justification="Another Ada."))
    again = write_class_handin(tmp_path, _handin(dataset, "Ada Rossi", choices={"blog": "keep_in_house"}))
    assert len({first, same_name, again}) == 3 and all(p.name.endswith(CLASS_SUFFIX) for p in (first, again))
    assert first.name.startswith("ada-rossi-")
    assert read_handin(first)["decision"]["services"] == ["blog", "seo"]
    assert read_handin(again)["decision"]["services"] == []
    assert not list(tmp_path.glob(".*")), "no temporary file left"
    book = gradebook(tmp_path)  # the gradebook reads them; the latest counts
    assert len(book.rows) == 1 and book.rows.loc["Ada Rossi", "services"] == ""
    assert book.rows.loc["Ada Rossi", "case"] == "small", "no case: the firm stands for it"


def test_a_failure_mid_write_leaves_no_partial_handin_and_the_earlier_one_whole(dataset, tmp_path, monkeypatch):
    earlier = write_class_handin(tmp_path, _handin(dataset, "Bea"))
    before = earlier.read_bytes()

    def broken_fsync(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        write_class_handin(tmp_path, _handin(dataset, "Bea", justification="second try"))
    assert sorted(tmp_path.iterdir()) == [earlier] and earlier.read_bytes() == before


def test_a_handin_killed_mid_way_leaves_the_earlier_one_whole(dataset, tmp_path):
    handins = tmp_path / "handins"
    earlier = write_class_handin(handins, _handin(dataset, "Cleo"))
    before = earlier.read_bytes()
    # A kernel killed (SIGKILL) after writing the temporary file, before the file gets its name.
    script = (
        "import os, time\n"
        "import toolkit\n"
        "from toolkit import handin\n"
        "from toolkit.scenario import Scenario\n"
        "content = handin.classroom_handin(toolkit.load_dataset(), Scenario(), name='Cleo',\n"
        "                                  choices={'blog': 'keep_in_house'})\n"
        "def stuck(*args):\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
        "os.link = stuck\n"
        f"handin.write_class_handin({str(handins)!r}, content)\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=ROOT)
    try:
        assert process.stdout.readline().strip() == b"writing"
    finally:
        process.kill()
        process.wait(timeout=10)
    assert earlier.read_bytes() == before
    assert [p for p in handins.iterdir() if p.name.endswith(".json")] == [earlier], "no half hand-in"
    assert [p.suffix for p in handins.iterdir() if p != earlier] == [".partial"], "what the kill left: ignored"
    assert class_summary(tmp_path, dataset)["handed_in"] == 1
    assert gradebook(handins).rows.loc["Cleo", "services"] == "blog, seo", "the earlier hand-in counts"


def test_classroom_handin_refuses_an_empty_name_and_unknown_choices(dataset):
    with pytest.raises(ValueError, match="name: empty"):
        _handin(dataset, "  ")
    with pytest.raises(ValueError, match="unknown choice"):
        _handin(dataset, choices={"blog": "maybe"})
    with pytest.raises(ValueError, match="justification: 10,001 characters; at most 10,000"):
        _handin(dataset, justification="x" * 10_001)


# ---------------------------------------------------------------- the teacher's summary


def test_teacher_summary_in_words(dataset, tmp_path):
    handins = tmp_path / "handins"
    write_class_handin(handins, _handin(dataset, "Ada", clauses=("dpa_art28",), justification="one two three"))
    write_class_handin(handins, _handin(dataset, "Bruno", choices={"blog": "keep_in_house", "seo": "outsource"}))
    write_class_handin(handins, _handin(dataset, "Bruno", choices={"blog": "outsource", "seo": "outsource"}))
    (tmp_path / "joined").mkdir()
    for index, name in enumerate(["Ada", "Bruno", "Carla"]):
        (tmp_path / "joined" / f"{index}.json").write_text(json.dumps({"name": name}), encoding="utf-8")
    (handins / "broken.handin.json").write_text("{", encoding="utf-8")
    result = class_summary(tmp_path, dataset)
    assert result["joined"] == 3 and result["handed_in"] == 2 and result["hand_in_files"] == 3
    blog = next(row for row in result["services"] if row["name"] == i18n.name(dataset, "services", "blog", "en"))
    assert (blog["outsource"], blog["outsource_with_clauses"]) == (2, 0), "Bruno's latest hand-in counts"
    seo = next(row for row in result["services"] if row["name"] == i18n.name(dataset, "services", "seo", "en"))
    assert (seo["outsource"], seo["outsource_with_clauses"]) == (1, 1)
    assert result["clauses"] == [{"name": i18n.name(dataset, "clauses", "dpa_art28", "en"), "students": 1}]
    ada = next(row for row in result["students"] if row["name"] == "Ada")
    assert ada["words"] == 3 and ada["net_benefit"].startswith("EUR ")
    assert ada["firm"] == i18n.name(dataset, "profiles", "small", "en")
    assert "blog" not in ada["decision"], "names, not ids"
    assert len(result["net_benefits"]) == 2 and all(isinstance(v, int) for v in result["net_benefits"])
    assert result["skipped"] and "broken.handin.json" in result["skipped"][0]
    italian = class_summary(tmp_path, dataset, lang="it")
    assert italian["students"][0]["net_benefit"].endswith(" EUR")


def test_class_workbook_in_words(dataset, tmp_path):
    import io

    import pandas as pd

    handins = tmp_path / "handins"
    write_class_handin(handins, _handin(dataset, "Ada", justification="Prima consegna."))
    write_class_handin(handins, _handin(dataset, "Ada", clauses=("nda",), justification="Il blog fuori."))
    write_class_handin(handins, _handin(dataset, "Bruno", horizon_months=36))
    sheets = pd.read_excel(io.BytesIO(classroom.class_workbook(tmp_path, dataset, "it")), sheet_name=None)
    assert list(sheets) == ["classe", "per servizio", "da discutere", "tutte le consegne"]
    table = sheets["classe"].set_index("Nome")
    assert list(table.index) == ["Ada", "Bruno"], "one row per student"
    assert table.loc["Ada", "Motivazione"] == "Il blog fuori.", "the latest hand-in"
    assert table.loc["Ada", "Clausole scelte (oltre a quelle richieste dalla legge)"] == \
        i18n.name(dataset, "clauses", "nda", "it")
    assert table.loc["Ada", i18n.name(dataset, "services", "blog", "it")] == "Esternalizzare"
    assert table.loc["Bruno", i18n.t("horizon_months", "it")] == 36
    assert len(sheets["tutte le consegne"]) == 3, "earlier hand-ins are listed too"
    empty = pd.read_excel(io.BytesIO(classroom.class_workbook(tmp_path / "none", dataset)), sheet_name=None)
    assert list(empty) == ["class", "per service", "to discuss", "every hand-in"] and empty["class"].empty


def test_teacher_summary_names_outliers_within_the_same_firm(dataset, tmp_path):
    for index in range(4):
        write_class_handin(tmp_path / "handins", _handin(dataset, f"S{index}", choices={"blog": "outsource"}))
    write_class_handin(tmp_path / "handins", _handin(dataset, "Odd", choices={
        "blog": "outsource", "seo": "outsource", "content": "outsource", "profiles": "outsource",
        "social_pages": "outsource", "reputation": "outsource"}))
    outliers = class_summary(tmp_path, dataset, lang="it")["outliers"]
    assert [row["name"] for row in outliers] == ["Odd"]
    assert "stessa impresa" in outliers[0]["reason"]


# ---------------------------------------------------------------- the real server (loopback)


@pytest.fixture(scope="module")
def server():
    with classroom_server() as running:
        yield running


def test_without_the_code_403_and_no_kernel(server):
    for url in (server.url, f"{server.url}?code=WRONG1", f"{server.url}voila/static/voila.js",
                f"{server.url}api/kernels/00000000-0000-0000-0000-000000000000"):
        status, _headers, body = http(url)
        assert status == 403, url
        assert "class code" in body
    status, _headers, _body = http(f"{server.url}teacher?code=CLASS1")
    assert status == 403, "the class code does not open the teacher page"
    assert summary(server)["open_pages"] == 0, "no kernel was started"


def test_other_hosts_and_origins_are_refused(server):
    port = server.info["port"]
    status, _h, body = http(f"{server.url}?code=CLASS1", headers={"Host": f"attacker.example:{port}"})
    assert status == 403 and "Wrong address" in body
    status, _h, _b = http(f"{server.url}teacher/summary.json", headers={
        "Cookie": "smm_teacher=TEACHER1", "Origin": "http://attacker.example"})
    assert status == 403
    assert summary(server)["open_pages"] == 0


def test_no_file_api(server):
    for path in ("api/contents", "api/contents/data", "voila/files/server.json", "voila/tree", "files/data",
                 "api/kernels", "api/sessions", "login"):
        status, _h, _b = http(f"{server.url}{path}", headers={"Cookie": "smm_class=CLASS1"})
        assert status == 404, path


def test_server_json_is_private_and_says_where(server):
    path = server.class_dir / "server.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert server.info["student_url"] == f"{server.url}?code=CLASS1"
    assert server.info["teacher_url"] == f"{server.url}teacher?code=TEACHER1"
    assert {"class_code", "teacher_code", "host", "port", "pid"} <= set(server.info)
    assert (server.class_dir / "student_qr.png").read_bytes()[:4] == b"\x89PNG"
    assert "Students open:" in server.log.read_text()


def test_the_page_with_the_code_and_the_teacher_export(server):
    status, headers, body = http(f"{server.url}?code=CLASS1")
    assert status == 200, server.log_tail()
    assert "smm_class=CLASS1" in headers.get("Set-Cookie", "")
    assert "cdn.jsdelivr.net" not in body, "nothing from the internet"
    assert "There was an error" not in body
    assert summary(server)["open_pages"] == 1
    status, headers, data = http(f"{server.url}teacher?code=TEACHER1")
    assert status == 200 and "summary.json" in data
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"{server.url}teacher/class.xlsx", headers={"Cookie": "smm_teacher=TEACHER1"})
    with opener.open(request, timeout=60) as response:
        assert response.read()[:2] == b"PK", "an xlsx file"


def _broken_data(data_copy: Path) -> Path:
    costs = data_copy / "costs.csv"
    lines = costs.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[1] = "lots"
    lines[1] = ",".join(cells)
    costs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data_copy


def _burst(server: ClassServer, count: int) -> list:
    """count GET /?code= sent together on count connections (all written before any answer is read);
    the (status, headers, body) of each."""
    import http.client

    connections = [http.client.HTTPConnection("127.0.0.1", server.info["port"], timeout=120) for _ in range(count)]
    try:
        for connection in connections:
            connection.connect()
        for connection in connections:
            connection.putrequest("GET", "/?code=CLASS1")
            connection.endheaders()
        answers = []
        for connection in connections:
            response = connection.getresponse()
            answers.append((response.status, response.headers, response.read().decode("utf-8", "replace")))
        return answers
    finally:
        for connection in connections:
            connection.close()


def test_broken_data_in_words_on_the_classroom_page_and_the_cap_holds_in_a_burst(data_copy):
    broken = _broken_data(data_copy)
    with classroom_server("--data", str(broken), "--students", "1") as running:
        # Six students at once against a cap of 1 (--students 1): every request is sent before the server
        # reads any, then one page, five "class is full", and one kernel.
        answers = _burst(running, 6)
        statuses = sorted(status for status, _h, _b in answers)
        assert statuses == [200, 503, 503, 503, 503, 503], f"{statuses}: the cap let more in\n{running.log_tail(8)}"
        _status, _h, body = next(answer for answer in answers if answer[0] == 200)
        assert "There was an error when executing cell" not in body
        assert "costs.csv" in body and "line 2" in body and "smm-data-error" in body
        for status, headers, body in answers:
            if status == 503:
                assert "The class is full, try again in a minute" in body and headers.get("Retry-After") == "60"
        teacher = summary(running)
        assert teacher["open_pages"] == 1 and "costs.csv" in teacher["problem"], "the teacher is told too"


def test_broken_data_is_shown_in_words_by_make_app(data_copy, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import browser_support as support

    broken = _broken_data(data_copy)
    port = support.free_port()
    with open(tmp_path / "voila.log", "wb") as log:
        process = subprocess.Popen(support.app_command(port), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, env={**os.environ, "TOOLKIT_DATA_DIR": str(broken)})
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not support._listening(port):
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "voila.log").read_text()
            time.sleep(0.2)
        status, _h, body = http(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert "There was an error when executing cell" not in body
        assert "costs.csv" in body and "line 2" in body and "smm-data-error" in body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


# ---------------------------------------------------------------- the student's page, in Python


def test_student_page_join_decide_download_upload_and_hand_in(dataset, tmp_path):
    import base64
    import datetime
    import re

    from toolkit.classroom_app import StudentPage

    page = StudentPage(dataset, "it", tmp_path)
    assert page.work.layout.display == "none", "nothing but the name before joining"
    page.join()
    assert "Scrivi prima il tuo nome" in page.join_status.value and not page.student
    page.name.value = "  Ada   Rossi "
    page.join()
    assert page.student == "Ada Rossi" and page.name.disabled and page.work.layout.display is None
    assert [json.loads(p.read_text())["name"] for p in (tmp_path / "joined").glob("*.json")] == ["Ada Rossi"]

    evaluation = page.explorer.evaluation
    assert all(page.choices[s].value == evaluation.loc[s, "recommendation"] for s in evaluation.index)
    page.choices["blog"].value = "keep_in_house"  # the student's own choice stays when the scenario changes
    page.explorer.controls["horizon_months"].value = 12
    assert page.choices["blog"].value == "keep_in_house"
    encoded = re.search(r'href="data:application/json;base64,([^"]+)"', page.download.value).group(1)
    assert json.loads(base64.b64decode(encoded))["horizon_months"] == 12, "the download is the scenario now"

    other = dataset.profiles.index[-1]
    upload = json.dumps({"profile": other, "horizon_months": 36}).encode()
    page.upload.value = ({"name": "s.json", "type": "application/json", "size": len(upload),
                          "content": memoryview(upload), "last_modified": datetime.datetime.now(datetime.timezone.utc)},)
    assert page.explorer.scenario().profile == other and page.explorer.controls["horizon_months"].value == 36
    assert "Caricato s.json" in page.file_status.value
    page.upload.value = ({"name": "bad.json", "type": "", "size": 3, "content": memoryview(b"{x"),
                          "last_modified": datetime.datetime.now(datetime.timezone.utc)},)
    assert "Impossibile caricare bad.json" in page.file_status.value
    assert page.explorer.scenario().profile == other, "a bad file changes nothing"

    page.justification.value = "Il blog resta in casa."
    path = page.hand_in()
    content = read_handin(path)
    assert content["name"] == "Ada Rossi" and content["lang"] == "it" and content["case"] is None
    assert content["decision"]["choices"]["blog"] == "keep_in_house" and "blog" not in content["decision"]["services"]
    assert content["scenario"]["profile"] == other and content["decision"]["justification"] == "Il blog resta in casa."
    assert "Consegnato alle" in page.status.value and "blog" not in page.status.value, "names, not ids"
    assert page.hand_in() != path, "handing in again: a new file"


def test_student_page_without_a_class_folder_says_so(dataset):
    from toolkit.classroom_app import StudentPage

    page = StudentPage(dataset, "en", None)
    page.name.value = "Ada"
    page.join()
    assert page.hand_in() is None and "not served by `make classroom`" in page.status.value


def test_student_page_hand_in_with_inputs_that_cannot_be_evaluated_says_so_in_words(dataset, tmp_path):
    from toolkit.classroom_app import StudentPage

    page = StudentPage(dataset, "en", tmp_path)
    page.name.value = "Ada"
    page.join()
    for box in page.explorer.controls["services"].values():
        box.value = False
    assert page.hand_in() is None
    assert "fix what its message says" in page.status.value and "Scenario field" not in page.status.value
    assert not (tmp_path / "handins").exists() or not list((tmp_path / "handins").iterdir())


@pytest.mark.parametrize("flags, message", [
    (["--students", "0"], "--students 0: expected 1 or more"),
    (["--cull-after", "10"], "--cull-after 10: expected 60 seconds or more"),
    (["--code", "a b"], "--code 'A B': expected 4 to 32 letters or digits"),
    (["--code", "SAME11", "--teacher-code", "same11"], "--teacher-code must differ"),
    (["--host", "my-laptop"], "does not appear to be an IPv4 or IPv6 address"),
    (["--host", "127.0.0.1", "--class-dir", str(ROOT / "app" / "class")], "inside the served folder"),
])
def test_command_line_mistakes_are_one_line_errors(flags, message, capsys):
    from toolkit import cli

    assert cli.main(["classroom", *flags]) == 2
    assert message in capsys.readouterr().err
