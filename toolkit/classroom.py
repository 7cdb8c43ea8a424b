"""Classroom mode: the teacher's laptop serves the explorer to the room (``make classroom``).

``python -m toolkit classroom [--host ADDR] [--port N] [--students N] [--class-dir DIR] [--code CODE]
[--teacher-code CODE] [--cull-after SECONDS] [--lang en|it] [--data DIR]``

Voila (standalone, in this process) serves ``app/classroom.ipynb`` (built from
``notebooks/src/en/classroom_app.md``; the page's widgets are :mod:`toolkit.classroom_app`) on the
laptop's LAN address (:func:`lan_address`; ``--host 127.0.0.1`` keeps it on this machine), with:

* **Codes.** Every route and websocket needs the class code (``/?code=CLASS`` once, then a cookie);
  ``/teacher*`` needs the teacher code. Without it: 403, and no kernel starts. A request whose
  ``Host`` or ``Origin`` is not the served address is refused (DNS rebinding). Only the routes the
  page needs are served: no contents, files or tree API, no login page; kernels refuse
  ``execute_request`` (Voila's list of allowed messages), so a student cannot run code.
* **Kernel hygiene** (:class:`ClassroomKernelManager`): a kernel with no page connected is shut
  down after ``CLOSED_AFTER`` s without activity (a closed tab: within a minute; Voila's own
  shutdown call on page close, which fails upstream for want of an ``_xsrf`` argument,
  voila-dashboards/voila#1458, is served here without it); a kernel whose page is open but untouched
  for ``--cull-after`` s (default 30 minutes) is shut down too; at ``--students`` kernels a new
  visitor gets a "class is full, try again in a minute" page (HTTP 503) instead of a kernel.
* **Hand-ins** go to ``<class-dir>/handins/`` (:func:`toolkit.handin.write_class_handin`), outside
  the served folder; the kernel learns the folder from ``TOOLKIT_CLASS_DIR``.
* **The teacher page** ``/teacher?code=TEACHER``: plain HTML and JavaScript served from here (no
  CDN), which fetches ``/teacher/summary.json`` (:func:`class_summary`) every few seconds, and
  ``/teacher/class.xlsx`` (the gradebook of :mod:`toolkit.handin`).
* **Offline**: Voila's page links Font Awesome from a CDN; those links are dropped (the icons the
  widgets use come with Voila's own bundle).

When listening it writes ``<class-dir>/server.json`` (mode 0600: the URLs, both codes, host, port,
pid), prints both URLs and the student URL's QR code (also ``<class-dir>/student_qr.png``).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as _dt
import html
import ipaddress
import json
import os
import re
import secrets
import socket
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

from . import i18n  # the catalogue: standard library only

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "app" / "classroom.ipynb"
DEFAULT_PORT = 8866
DEFAULT_STUDENTS = 40
DEFAULT_CULL_AFTER = 1800  # s: an open but untouched page's kernel is shut down after this
CLOSED_AFTER = 45  # s: a kernel with no page connected (a closed tab) is shut down after this
CULL_INTERVAL = 10  # s: how often kernels are checked (so a closed page's kernel goes within 55 s)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from a projector
CLASS_COOKIE, TEACHER_COOKIE = "smm_class", "smm_teacher"
ENV_CLASS_DIR, ENV_LANG, ENV_DATA = "TOOLKIT_CLASS_DIR", "TOOLKIT_LANG", "TOOLKIT_DATA_DIR"
HANDINS, JOINED = "handins", "joined"

# What a student's page may request (everything else: 404 before any handler runs). "/" renders the
# notebook in a new kernel; the rest are Voila's static files and the kernel's websocket.
STUDENT_PREFIXES = ("/voila/static/", "/voila/templates/", "/voila/labextensions/", "/voila/api/themes/",
                    "/voila/api/shutdown/", "/api/kernels/")
TEACHER_PATHS = ("/teacher", "/teacher/summary.json", "/teacher/class.xlsx", "/teacher/qr.png")

TEXTS = {
    "en": {
        "forbidden_title": "This page needs the class code",
        "forbidden": "Open the address your teacher gave you, with its code (…/?code=…). "
                     "If you typed it, check the code.",
        "teacher_forbidden": "The teacher page needs the teacher code (…/teacher?code=…): see the terminal "
                             "where the class was started, or server.json in the class folder.",
        "wrong_host_title": "Wrong address",
        "wrong_host": "This server answers only at {url}.",
        "full_title": "The class is full",
        "full": "The class is full, try again in a minute: {students} pages are open. "
                "This page tries again by itself every 30 seconds.",
        "not_found": "Nothing here: open the address your teacher gave you.",
        "teacher_title": "Class view",
        "student_link": "Students open",
        "open_pages": "Pages open now",
        "joined": "Students who joined",
        "handed_in": "Hand-ins",
        "per_service": "What students chose, per service",
        "service": "Service",
        "clauses": "Clauses chosen (besides those the law requires)",
        "clause": "Clause",
        "students": "Students",
        "net_benefit": "Net benefit of the decisions",
        "outliers": "To discuss: far from the others of the same firm",
        "class_table": "The class",
        "name": "Name",
        "firm": "Firm",
        "decision": "Outsourced",
        "benefit": "Net benefit",
        "words": "Words of justification",
        "time": "Handed in",
        "export": "Download the class table (Excel)",
        "updated": "Updated",
        "waiting": "No hand-in yet.",
        "none": "(none)",
        "offline": "The server does not answer: is it still running?",
        "reason_below": "net benefit far below the others of the same firm",
        "reason_above": "net benefit far above the others of the same firm",
        "reason_critical": "accepts critical risk",
        "skipped": "Files not read",
        "data_problem": "The data could not be loaded",
        "justification": "Justification",
        "reason": "Why",
        "sheet_class": "class",
        "sheet_services": "per service",
        "sheet_outliers": "to discuss",
        "sheet_files": "every hand-in",
    },
    "it": {
        "forbidden_title": "Questa pagina richiede il codice della classe",
        "forbidden": "Apri l'indirizzo che ti ha dato il docente, con il suo codice (…/?code=…). "
                     "Se l'hai digitato, controlla il codice.",
        "teacher_forbidden": "La pagina del docente richiede il codice del docente (…/teacher?code=…): "
                             "lo trovi nel terminale in cui hai avviato la classe, o in server.json nella "
                             "cartella della classe.",
        "wrong_host_title": "Indirizzo errato",
        "wrong_host": "Questo server risponde solo all'indirizzo {url}.",
        "full_title": "La classe è al completo",
        "full": "La classe è al completo, riprova tra un minuto: sono aperte {students} pagine. "
                "Questa pagina riprova da sola ogni 30 secondi.",
        "not_found": "Qui non c'è nulla: apri l'indirizzo che ti ha dato il docente.",
        "teacher_title": "La classe",
        "student_link": "Gli studenti aprono",
        "open_pages": "Pagine aperte ora",
        "joined": "Studenti entrati",
        "handed_in": "Consegne",
        "per_service": "Che cosa hanno scelto gli studenti, per servizio",
        "service": "Servizio",
        "clauses": "Clausole scelte (oltre a quelle richieste dalla legge)",
        "clause": "Clausola",
        "students": "Studenti",
        "net_benefit": "Beneficio netto delle decisioni",
        "outliers": "Da discutere: lontani dagli altri della stessa impresa",
        "class_table": "La classe",
        "name": "Nome",
        "firm": "Impresa",
        "decision": "Esternalizzati",
        "benefit": "Beneficio netto",
        "words": "Parole di motivazione",
        "time": "Consegnato",
        "export": "Scarica la tabella della classe (Excel)",
        "updated": "Aggiornato",
        "waiting": "Ancora nessuna consegna.",
        "none": "(nessuno)",
        "offline": "Il server non risponde: è ancora in funzione?",
        "reason_below": "beneficio netto molto sotto gli altri della stessa impresa",
        "reason_above": "beneficio netto molto sopra gli altri della stessa impresa",
        "reason_critical": "accetta un rischio critico",
        "skipped": "File non letti",
        "data_problem": "Impossibile caricare i dati",
        "justification": "Motivazione",
        "reason": "Perché",
        "sheet_class": "classe",
        "sheet_services": "per servizio",
        "sheet_outliers": "da discutere",
        "sheet_files": "tutte le consegne",
    },
}
# The recommendations in the words of the catalogue (toolkit/i18n.py), as the charts and notebooks say them.
for _lang, _words in TEXTS.items():
    _words.update({_key: i18n.STRINGS[_key][_lang]
                   for _key in ("outsource", "outsource_with_clauses", "keep_in_house")})


def text(key: str, lang: str = "en", **values) -> str:
    return TEXTS[lang if lang in TEXTS else "en"][key].format(**values)


# ---------------------------------------------------------------- address and codes


def lan_address(probe: tuple[str, int] = ("192.0.2.1", 9)) -> tuple[str, str | None]:
    """The laptop's address on the room's network: the address of the interface the default route
    leaves from, found by ``connect``ing a UDP socket (which sends nothing) towards ``probe`` (a
    documentation address, RFC 5737). Returns (address, None), or ("127.0.0.1", why) when there is
    no such interface (no network: the class cannot reach the laptop, say so)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(probe)
            address = sock.getsockname()[0]
    except OSError as exc:
        return "127.0.0.1", (f"no network found ({exc.strerror or exc}): serving on 127.0.0.1, which only this "
                             "laptop can open. Join the room's Wi-Fi (or a phone's hotspot) and start again, "
                             "or give --host ADDRESS")
    parsed = ipaddress.ip_address(address)
    if parsed.is_loopback or parsed.is_unspecified or parsed.is_link_local:
        return "127.0.0.1", (f"no usable network address (found {address}): serving on 127.0.0.1, which only "
                             "this laptop can open. Join the room's Wi-Fi (or a phone's hotspot) and start "
                             "again, or give --host ADDRESS")
    return address, None


def make_code(length: int = 6) -> str:
    """A random code from an unambiguous alphabet (no 0/O, 1/I/L), e.g. 'K7MQ2X'."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def check_code(code: str, what: str) -> str:
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{4,32}", code):
        raise ValueError(f"{what} {code!r}: expected 4 to 32 letters or digits")
    return code


def _same(given: str | None, expected: str) -> bool:
    return bool(given) and secrets.compare_digest(str(given).strip().upper().encode(), expected.encode())


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class Gate:
    """Who may have what: the served address (Host/Origin) and the codes. ``check(method, path, query,
    headers, cookies)`` returns None (let through) or (status, message key)."""

    def __init__(self, host: str, port: int, class_code: str, teacher_code: str):
        self.class_code, self.teacher_code = class_code, teacher_code
        names = {_url_host(host)}
        if ipaddress.ip_address(host).is_loopback:
            names |= {"localhost", "127.0.0.1"}
        self.hosts = {f"{name}:{port}" for name in names}
        self.origins = {f"http://{netloc}" for netloc in self.hosts}
        self.url = f"http://{_url_host(host)}:{port}/"

    @staticmethod
    def is_teacher_path(path: str) -> bool:
        return path == "/teacher" or path.startswith("/teacher/")

    def check(self, path: str, query: str, headers, cookies: dict) -> tuple[int, str] | None:
        if (headers.get("Host") or "").lower() not in self.hosts:
            return 403, "wrong_host"
        origin = headers.get("Origin")
        if origin is not None and origin.lower() not in self.origins:
            return 403, "wrong_host"
        given = (parse_qs(query).get("code") or [None])[0]
        if self.is_teacher_path(path):
            if not (_same(given, self.teacher_code) or _same(cookies.get(TEACHER_COOKIE), self.teacher_code)):
                return 403, "teacher_forbidden"
            return None if path in TEACHER_PATHS else (404, "not_found")
        if not (_same(given, self.class_code) or _same(cookies.get(CLASS_COOKIE), self.class_code)):
            return 403, "forbidden"
        if path == "/" or path.startswith(STUDENT_PREFIXES):
            return None
        return 404, "not_found"

    def cookie_for(self, path: str, query: str) -> str | None:
        """The Set-Cookie value that lets the page's later requests (static files, websocket) through
        once the code was given in the URL; None when the URL carried no valid code."""
        given = (parse_qs(query).get("code") or [None])[0]
        if self.is_teacher_path(path) and _same(given, self.teacher_code):
            return f"{TEACHER_COOKIE}={self.teacher_code}; Path=/teacher; HttpOnly; SameSite=Strict"
        if not self.is_teacher_path(path) and _same(given, self.class_code):
            return f"{CLASS_COOKIE}={self.class_code}; Path=/; HttpOnly; SameSite=Strict"
        return None


# ---------------------------------------------------------------- the class folder


def default_class_dir() -> Path:
    """``classroom/<today>`` in the working folder: one folder a day, so a restarted server keeps the
    hand-ins of the same lesson."""
    return Path("classroom") / _dt.date.today().isoformat()


def write_server_json(class_dir: Path, info: dict) -> Path:
    """server.json, readable by the teacher only (mode 0600 on POSIX; Windows keeps the folder's
    permissions), written atomically by toolkit.handin's writer."""
    from .handin import _write_atomic

    path = class_dir / "server.json"
    _write_atomic(path, json.dumps(info, indent=1))
    return path


def qr_code(url: str, png: Path | None = None) -> str:
    """The QR code of url as text for a terminal (and as a PNG when png is given); without segno (the
    optional extra ``classroom``, which ``make classroom`` installs) a line saying how to get it."""
    try:
        import segno
    except ImportError:
        return ("(No QR code: the Python package segno is missing. `make classroom` installs it, or: "
                f"{Path(sys.executable).parent / 'pip'} install segno)\n")
    code = segno.make(url, error="m")
    if png is not None:
        code.save(str(png), scale=10, border=4)
    buffer = __import__("io").StringIO()
    code.terminal(out=buffer, compact=True)
    return buffer.getvalue()


# ---------------------------------------------------------------- the teacher's summary


def _choice_counts(content: dict) -> dict:
    """service -> 'outsource' | 'outsource_with_clauses' | 'keep_in_house' for one hand-in."""
    decision = content.get("decision") or {}
    choices = decision.get("choices")
    if isinstance(choices, dict):
        return {str(k): str(v) for k, v in choices.items()}
    services = set(decision.get("services") or [])
    kind = "outsource_with_clauses" if decision.get("clauses") else "outsource"
    return {service: kind for service in services}


def _class_handins(handins: Path) -> tuple[list, dict]:
    """Every readable hand-in file of the class as (path, content), and each student's latest content
    (by name, as toolkit.handin's gradebook keys them). Unreadable files are left to debrief's skipped."""
    from .handin import _key, read_handin

    every, latest = [], {}
    for path in sorted(handins.glob("*.json")) if handins.is_dir() else []:
        try:
            content = read_handin(path)
        except (OSError, ValueError):
            continue
        every.append((path, content))
        key = _key(content["name"])
        if key not in latest or str(content.get("saved", "")) >= str(latest[key].get("saved", "")):
            latest[key] = content
    return every, latest


def class_summary(class_dir, dataset, lang: str = "en", *, read: tuple | None = None) -> dict:
    """What the teacher page shows, as JSON-able data, in words (names, not ids): students joined and
    handed in, per service how many chose each option, the clauses chosen, the net benefits, the
    outliers within the same firm (toolkit.debrief) and one row per student (the latest hand-in).
    ``read``: what :func:`_class_handins` returned for this folder, when the caller has it already."""
    from . import i18n
    from .debrief import CRITICAL, FAR_ABOVE, FAR_BELOW, debrief
    from .handin import _key

    class_dir = Path(class_dir)
    handins, joined_dir = class_dir / HANDINS, class_dir / JOINED
    joined = set()
    if joined_dir.is_dir():
        for path in joined_dir.glob("*.json"):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                joined.add(_key(str(json.loads(path.read_text(encoding="utf-8"))["name"])))
    summary = {"joined": 0, "handed_in": 0, "hand_in_files": 0, "services": [], "clauses": [],
               "net_benefits": [], "outliers": [], "students": [], "skipped": []}
    services = list(dataset.services.index)
    if handins.is_dir() and any(handins.glob("*.json")):
        result = debrief(handins, dataset)
        every, latest = read or _class_handins(handins)
        summary["hand_in_files"] = len(every)
        counts = {service: dict.fromkeys(("outsource", "outsource_with_clauses", "keep_in_house"), 0)
                  for service in services}
        clause_counts = {}
        for content in latest.values():
            chosen = _choice_counts(content)
            in_scope = (content.get("scenario") or {}).get("services") or services
            for service in services:
                if service in in_scope:
                    kind = chosen.get(service, "keep_in_house")
                    if kind in counts[service]:
                        counts[service][kind] += 1
            for clause in (content.get("decision") or {}).get("clauses") or []:
                clause_counts[clause] = clause_counts.get(clause, 0) + 1
        summary["services"] = [{"name": i18n.name(dataset, "services", s, lang), **counts[s]} for s in services]
        summary["clauses"] = sorted(
            ({"name": i18n.name(dataset, "clauses", c, lang) if c in dataset.clauses.index else c, "students": n}
             for c, n in clause_counts.items()), key=lambda row: (-row["students"], row["name"]))
        students = result.students
        reasons = {FAR_BELOW: text("reason_below", lang), FAR_ABOVE: text("reason_above", lang),
                   CRITICAL: text("reason_critical", lang)}
        for student, row in result.outliers.iterrows():
            summary["outliers"].append({
                "name": str(student),
                "reason": "; ".join(reasons.get(part, part) for part in str(row["reason"]).split("; ")),
                "net_benefit": i18n.eur(float(row.get("decision_net_benefit", 0) or 0), lang)})
        for student, row in students.iterrows():
            content = latest.get(_key(str(student)), {})
            decision = content.get("decision") or {}
            outsourced = [i18n.name(dataset, "services", s, lang) for s in decision.get("services", [])
                          if s in dataset.services.index]
            profile = row["profile"]
            summary["students"].append({
                "name": str(student),
                "firm": i18n.name(dataset, "profiles", profile, lang) if profile in dataset.profiles.index else profile,
                "decision": ", ".join(outsourced) or text("none", lang),
                "net_benefit": i18n.eur(float(row["decision_net_benefit"]), lang),
                "words": len(str(decision.get("justification", "")).split()),
                "time": _local_time(content.get("saved"))})
            summary["net_benefits"].append(round(float(row["decision_net_benefit"])))
        summary["handed_in"] = len(students)
        summary["skipped"] = [f"{name}: {reason}" for name, reason in result.skipped]
        joined |= set(latest)
    summary["joined"] = len(joined)
    return summary


def _local_time(saved) -> str:
    """'14:05' (this laptop's time) from a hand-in's ISO time stamp; '' if there is none."""
    try:
        return _dt.datetime.fromisoformat(str(saved)).astimezone().strftime("%H:%M")
    except ValueError:
        return ""


# ---------------------------------------------------------------- the server


def should_cull(idle: float, *, connected: bool, busy: bool, cull_after: float) -> bool:
    """Whether to shut down a kernel idle for ``idle`` seconds: with no page connected (a closed tab, a
    page that never connected) after CLOSED_AFTER s, busy or not; with a page open but untouched after
    ``cull_after`` s, unless it is computing."""
    if not connected:
        return idle > CLOSED_AFTER
    return not busy and idle > cull_after


def _page(title: str, body: str, lang: str, status_extra: str = "") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">{status_extra}'
            f"<title>{html.escape(title)}</title><style>body{{font-family:system-ui,sans-serif;max-width:40em;"
            f"margin:3em auto;padding:0 1em;line-height:1.5}}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(body)}</p></body></html>")


def build_server(*, host: str, port: int, students: int, class_dir: Path, class_code: str, teacher_code: str,
                 cull_after: int, lang: str, notebook: Path = NOTEBOOK, port_retries: int = 0):
    """The Voila application of the classroom, configured but not started (``.start()`` serves)."""
    import tornado.web
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from tornado.web import OutputTransform
    from traitlets.config import Config
    from voila.app import Voila
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.tornado.handler import TornadoVoilaHandler

    gate = Gate(host, port, class_code, teacher_code)
    cdn_link = re.compile(r"<link[^>]*//cdn\.jsdelivr\.net/[^>]*>\s*")

    class ClassroomKernelManager(AsyncMappingKernelManager):
        """Culls a kernel no page is connected to after CLOSED_AFTER s without activity, and one whose
        page is open but untouched after cull_after s."""

        async def cull_kernel_if_idle(self, kernel_id):
            kernel = self._kernels.get(kernel_id)
            if kernel is None or not hasattr(kernel, "last_activity"):
                return
            if getattr(kernel, "execution_state", None) == "dead":
                await self.shutdown_kernel(kernel_id)
                return
            idle = (_dt.datetime.now(_dt.timezone.utc) - kernel.last_activity).total_seconds()
            connected = self._kernel_connections.get(kernel_id, 0) > 0
            busy = getattr(kernel, "execution_state", None) == "busy"
            if should_cull(idle, connected=connected, busy=busy, cull_after=cull_after):
                self.log.info("Shutting down kernel %s: %s for %d s", kernel_id,
                              "open but untouched" if connected else "no page connected", idle)
                await self.shutdown_kernel(kernel_id)

        async def cull_kernels(self):
            # All at once, not one after the other as jupyter_server does: with many tabs closed together
            # the last kernel would otherwise go well after the first (measured: 48 s to 61 s).
            await asyncio.gather(*(self._cull_safely(kernel_id) for kernel_id in list(self._kernels)))

        async def _cull_safely(self, kernel_id):
            try:
                await self.cull_kernel_if_idle(kernel_id)
            except Exception:  # one kernel's trouble must not stop the others being culled
                self.log.exception("Could not check or shut down kernel %s", kernel_id)

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._starting = set()  # ids of the kernels being started now

        async def start_kernel(self, **kwargs):
            # The cap, checked and reserved in one step on the event loop: a burst of students joining at
            # once cannot all pass the check before the first kernel appears. The kernel gets its id here,
            # so that a kernel jupyter_server already lists while it starts is counted once, not twice.
            if self.open_kernels() >= students:
                raise tornado.web.HTTPError(503, "class full")
            kernel_id = kwargs.get("kernel_id") or self.new_kernel_id()
            kwargs["kernel_id"] = kernel_id
            self._starting.add(kernel_id)
            try:
                return await super().start_kernel(**kwargs)
            finally:
                self._starting.discard(kernel_id)

        def open_kernels(self) -> int:
            return len(set(self._kernels) | self._starting)

    class ShutdownHandler(VoilaShutdownKernelHandler):
        """Voila's page-close call, without the _xsrf argument the page cannot send (voila#1458): the
        class cookie (SameSite=Strict) and the Origin check stand in for it."""

        def check_xsrf_cookie(self):
            return None

        async def post(self, kernel_id):
            if kernel_id in self.kernel_manager:
                await self.kernel_manager.shutdown_kernel(kernel_id)
            self.set_status(204)
            self.finish()

    def full_page() -> str:
        return _page(text("full_title", lang), text("full", lang, students=students), lang,
                     '<meta http-equiv="refresh" content="30">')

    class PageHandler(TornadoVoilaHandler):
        """The student's page: Voila's, without the links to a CDN; the class-full page when the kernel
        manager refuses a kernel at the cap."""

        def write(self, chunk):
            if isinstance(chunk, str) and "cdn.jsdelivr.net" in chunk:
                chunk = cdn_link.sub("", chunk)
            return super().write(chunk)

        def write_error(self, status_code, **kwargs):
            if status_code != 503:
                return super().write_error(status_code, **kwargs)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(full_page())

    class Refused(tornado.web.RequestHandler):
        def initialize(self, status, key):
            self.status, self.key = status, key

        def prepare(self):
            self.set_status(self.status)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            title = text("wrong_host_title" if self.key == "wrong_host" else "forbidden_title", lang)
            self.finish(_page(title, text(self.key, lang, url=gate.url), lang))

    class Full(tornado.web.RequestHandler):
        def prepare(self):
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(full_page())

    class TeacherPage(tornado.web.RequestHandler):
        def get(self):
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(teacher_page(lang, student_url=server.student_url))

    class TeacherSummary(tornado.web.RequestHandler):
        cache: dict = {}

        async def get(self):
            import asyncio

            from .data import DataError

            try:
                summary = await asyncio.get_running_loop().run_in_executor(None, self.summary)
            except DataError as problem:  # the students' pages say it too (classroom_app.data_problem)
                summary = {"problem": f"{text('data_problem', lang)}: {problem}"}
            summary["open_pages"] = server.kernel_manager.open_kernels()
            summary["updated"] = _dt.datetime.now().strftime("%H:%M:%S")
            self.set_header("Cache-Control", "no-store")
            self.finish(summary)

        def summary(self) -> dict:
            # Recomputed only when a file of the class folder changed (the page asks every few seconds).
            stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for folder in (HANDINS, JOINED)
                                 if (class_dir / folder).is_dir() for p in (class_dir / folder).glob("*.json")))
            if self.cache.get("stamp") != stamp:
                self.cache.update(stamp=stamp, summary=class_summary(class_dir, server.dataset(), lang))
            return dict(self.cache["summary"])

    class TeacherExcel(tornado.web.RequestHandler):
        async def get(self):
            import asyncio

            data = await asyncio.get_running_loop().run_in_executor(None, class_workbook, class_dir,
                                                                    server.dataset(), lang)
            self.set_header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            self.set_header("Content-Disposition", 'attachment; filename="class.xlsx"')
            self.set_header("Cache-Control", "no-store")
            self.finish(data)

    class TeacherQR(tornado.web.RequestHandler):
        def get(self):
            png = class_dir / "student_qr.png"
            if not png.is_file():
                raise tornado.web.HTTPError(404)
            self.set_header("Content-Type", "image/png")
            self.finish(png.read_bytes())

    class CookieTransform(OutputTransform):
        """Sets the class (or teacher) cookie on the answer to a URL that carried the right code."""

        def __init__(self, request):
            super().__init__(request)
            self.cookie = gate.cookie_for(request.path, request.query)

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            if self.cookie and status_code < 400:
                headers.add("Set-Cookie", self.cookie)
            return status_code, headers, chunk

    class GatedApplication(tornado.web.Application):
        """Every request passes the Gate before any handler (and so any kernel) is chosen."""

        def find_handler(self, request, **kwargs):
            cookies = {name: morsel.value for name, morsel in request.cookies.items()}
            refused = gate.check(request.path, request.query, request.headers, cookies)
            if refused is not None:
                return self.get_handler_delegate(request, Refused, {"status": refused[0], "key": refused[1]})
            if request.path == "/" and server.kernel_manager.open_kernels() >= students:
                return self.get_handler_delegate(request, Full)
            return super().find_handler(request, **kwargs)

    class ClassroomVoila(Voila):
        def dataset(self):
            if not hasattr(self, "_dataset"):
                from .data import load_dataset

                self._dataset = load_dataset(os.environ.get(ENV_DATA) or None)
            return self._dataset

        def init_handlers(self):
            handlers = []
            for pattern, handler, *rest in super().init_handlers():
                if "/voila/files/" in pattern or "/login" in pattern or "/logout" in pattern:
                    continue  # no file by path, no login page
                if handler is VoilaShutdownKernelHandler:
                    handler = ShutdownHandler
                elif handler is TornadoVoilaHandler:
                    handler = PageHandler
                handlers.append((pattern, handler, *rest))
            teacher = [("/teacher", TeacherPage), ("/teacher/summary.json", TeacherSummary),
                       ("/teacher/class.xlsx", TeacherExcel), ("/teacher/qr.png", TeacherQR)]
            return teacher + handlers

        def start(self):
            self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
            settings = self.init_settings()
            self.kernel_manager.cull_idle_timeout = CLOSED_AFTER  # turns the culler on; the rules are above
            self.kernel_manager.cull_interval = CULL_INTERVAL
            settings["xsrf_cookies"] = False
            self.app = GatedApplication(**settings)
            self.app.settings.update(self.tornado_settings)
            self.app.add_handlers(".*$", self.init_handlers())
            self.app.add_transform(CookieTransform)
            self.listen()

        def listen(self):
            import tornado.ioloop

            self.app.listen(self.port, self.ip)
            self.on_listening()
            self.kernel_manager.initialize_culler()
            self.ioloop = tornado.ioloop.IOLoop.current()
            try:
                self.ioloop.start()
            except KeyboardInterrupt:
                self.log.info("Stopping...")
            finally:
                self.stop()

        def on_listening(self):
            info = {"student_url": self.student_url, "teacher_url": self.teacher_url, "class_code": class_code,
                    "teacher_code": teacher_code, "host": host, "port": port, "pid": os.getpid()}
            write_server_json(class_dir, info)
            qr = qr_code(self.student_url, class_dir / "student_qr.png")
            print(announcement(info, qr, students=students, cull_after=cull_after, class_dir=class_dir, lang=lang),
                  flush=True)

    config = Config()
    config.VoilaConfiguration.multi_kernel_manager_class = ClassroomKernelManager
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.file_allowlist = []
    server = ClassroomVoila(config=config)
    server.student_url = f"{gate.url}?code={class_code}"
    server.teacher_url = f"{gate.url}teacher?code={teacher_code}"
    server.initialize([str(notebook), "--no-browser", f"--Voila.ip={host}", f"--port={port}",
                       f"--Voila.port_retries={port_retries}"])
    return server


def announcement(info: dict, qr: str, *, students: int, cull_after: int, class_dir: Path, lang: str) -> str:
    lines = ["", "Classroom: the explorer is served to the room.", "",
             f"  Students open:   {info['student_url']}",
             f"  (class code {info['class_code']}; the QR code below and {class_dir / 'student_qr.png'} hold the address)",
             f"  Your class view: {info['teacher_url']}   (keep this code to yourself)", "",
             f"  Up to {students} pages at once; a closed page's kernel stops within a minute, an untouched "
             f"one after {cull_after // 60} minutes.",
             f"  Hand-ins: {class_dir / HANDINS}/ ; server details: {class_dir / 'server.json'}",
             "  Stop with Ctrl+C.", ""]
    return "\n".join(lines) + ("\n" + qr if qr else "")


def class_workbook(class_dir, dataset, lang: str = "en") -> bytes:
    """The class table as an xlsx file, in words: one row per student (the latest hand-in: firm,
    horizon, risk accepted, each service's choice, the optional clauses, net benefit, justification,
    time), the counts per service, the students to discuss, and every hand-in file (earlier ones too)."""
    import io

    import pandas as pd

    from . import i18n

    words = TEXTS[lang]
    read = _class_handins(Path(class_dir) / HANDINS)
    every, latest = read
    rows = []
    for content in sorted(latest.values(), key=lambda c: c["name"].lower()):
        scenario, decision = content.get("scenario") or {}, content.get("decision") or {}
        profile = scenario.get("profile")
        chosen = _choice_counts(content)
        in_scope = scenario.get("services") or list(dataset.services.index)
        row = {words["name"]: content["name"],
               words["firm"]: i18n.name(dataset, "profiles", profile, lang) if profile in dataset.profiles.index
               else profile,
               i18n.t("horizon_months", lang): scenario.get("horizon_months"),
               i18n.t("risk_appetite", lang): i18n.t(scenario["risk_appetite"], lang)
               if scenario.get("risk_appetite") in i18n.STRINGS else scenario.get("risk_appetite")}
        for service in dataset.services.index:
            row[i18n.name(dataset, "services", service, lang)] = (
                words[chosen.get(service, "keep_in_house")] if service in in_scope else "")
        row[words["clauses"]] = ", ".join(i18n.name(dataset, "clauses", c, lang) if c in dataset.clauses.index
                                          else c for c in decision.get("clauses", []))
        row[words["benefit"]] = decision.get("net_benefit")
        row[words["justification"]] = decision.get("justification", "")
        row[words["time"]] = _local_time(content.get("saved"))
        rows.append(row)
    summary = class_summary(class_dir, dataset, lang, read=read)
    per_service = pd.DataFrame(summary["services"]).rename(columns={
        "name": words["service"], "outsource": words["outsource"],
        "outsource_with_clauses": words["outsource_with_clauses"], "keep_in_house": words["keep_in_house"]})
    outliers = pd.DataFrame(summary["outliers"]).rename(columns={
        "name": words["name"], "reason": words["reason"], "net_benefit": words["benefit"]})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame(rows, columns=list(rows[0]) if rows else [words["name"]]).to_excel(
            writer, sheet_name=words["sheet_class"], index=False)
        per_service.to_excel(writer, sheet_name=words["sheet_services"], index=False)
        outliers.to_excel(writer, sheet_name=words["sheet_outliers"], index=False)
        pd.DataFrame([{words["name"]: content["name"], words["time"]: _local_time(content.get("saved")),
                       words["benefit"]: (content.get("decision") or {}).get("net_benefit"), "file": path.name}
                      for path, content in every],
                     columns=[words["name"], words["time"], words["benefit"], "file"]).to_excel(
            writer, sheet_name=words["sheet_files"], index=False)
    return buffer.getvalue()


def teacher_page(lang: str, student_url: str) -> str:
    """The live class view: plain HTML and JavaScript, fetching summary.json every 3 s (no CDN)."""
    words = json.dumps(TEXTS[lang], ensure_ascii=False)
    esc = html.escape
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(text("teacher_title", lang))}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1em 2em;color:#222}}
h1{{margin:.2em 0}} h2{{margin:1.2em 0 .3em;font-size:1.15em}}
.counts{{display:flex;gap:2em;flex-wrap:wrap}} .count b{{font-size:2em;display:block}}
table{{border-collapse:collapse}} td,th{{border:1px solid #bbb;padding:3px 8px}} th{{background:#eee;text-align:left}}
td.n{{text-align:right}} .bar{{display:inline-block;height:.9em;vertical-align:middle}}
.o{{background:#0072B2}} .c{{background:#E69F00}} .k{{background:#999999}}
#status{{color:#555}} .top{{display:flex;gap:2em;align-items:flex-start;flex-wrap:wrap}} .qr img{{width:180px}}
code{{font-size:1.1em}}
</style></head><body>
<div class="top"><div>
<h1>{esc(text("teacher_title", lang))}</h1>
<p>{esc(text("student_link", lang))}: <code id="student-url">{esc(student_url)}</code></p>
<div class="counts">
 <div class="count" id="open"><b>–</b>{esc(text("open_pages", lang))}</div>
 <div class="count" id="joined"><b>–</b>{esc(text("joined", lang))}</div>
 <div class="count" id="handed"><b>–</b>{esc(text("handed_in", lang))}</div>
</div>
<p><a href="/teacher/class.xlsx" download>{esc(text("export", lang))}</a> · <span id="status"></span></p>
</div><div class="qr"><img src="/teacher/qr.png" alt="QR: {esc(student_url)}" onerror="this.remove()"></div></div>
<h2>{esc(text("per_service", lang))}</h2><div id="services"></div>
<h2>{esc(text("clauses", lang))}</h2><div id="clauses"></div>
<h2>{esc(text("net_benefit", lang))}</h2><div id="benefits"></div>
<h2>{esc(text("outliers", lang))}</h2><div id="outliers"></div>
<h2>{esc(text("class_table", lang))}</h2><div id="students"></div>
<div id="skipped"></div>
<script>
const W = {words};
const LOCALE = {json.dumps("it-IT" if lang == "it" else "en-GB")};
const esc = s => String(s).replace(/[&<>"']/g, c => ({{'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}})[c]);
function table(headers, rows, empty) {{
  if (!rows.length) return '<p>' + esc(empty || W.waiting) + '</p>';
  return '<table><tr>' + headers.map(h => '<th>' + h + '</th>').join('') + '</tr>' +
    rows.map(r => '<tr>' + r.map(c => typeof c === 'number' ? '<td class="n">' + c.toLocaleString(LOCALE) + '</td>'
                                                           : '<td>' + c + '</td>').join('') + '</tr>').join('') + '</table>';
}}
function bars(s) {{
  const u = 14;
  return '<span class="bar o" style="width:' + s.outsource * u + 'px"></span>' +
         '<span class="bar c" style="width:' + s.outsource_with_clauses * u + 'px"></span>' +
         '<span class="bar k" style="width:' + s.keep_in_house * u + 'px"></span>';
}}
function histogram(values) {{
  if (!values.length) return '<p>' + esc(W.waiting) + '</p>';
  const lo = Math.min(...values), hi = Math.max(...values);
  const n = hi > lo ? Math.min(8, values.length) : 1, step = (hi - lo) / n, counts = new Array(n).fill(0);
  values.forEach(v => counts[n === 1 ? 0 : Math.min(n - 1, Math.floor((v - lo) / step))]++);
  const fmt = v => LOCALE === 'it-IT' ? Math.round(v).toLocaleString(LOCALE) + ' EUR'
                                      : 'EUR ' + Math.round(v).toLocaleString(LOCALE);
  return table([esc(W.net_benefit), esc(W.students)], counts.map((c, i) =>
    [esc(n === 1 ? fmt(lo) : fmt(lo + i * step) + ' – ' + fmt(lo + (i + 1) * step)),
     '<span class="bar o" style="width:' + c * 14 + 'px"></span> ' + c]));
}}
async function refresh() {{
  try {{
    const r = await fetch('/teacher/summary.json', {{cache: 'no-store', credentials: 'same-origin'}});
    if (!r.ok) throw new Error(r.status);
    const d = await r.json();
    if (d.problem) {{ document.getElementById('status').textContent = d.problem; return; }}
    document.querySelector('#open b').textContent = d.open_pages;
    document.querySelector('#joined b').textContent = d.joined;
    document.querySelector('#handed b').textContent = d.handed_in;
    document.getElementById('services').innerHTML = table(
      [esc(W.service), '<span class="bar o" style="width:.9em"></span> ' + esc(W.outsource),
       '<span class="bar c" style="width:.9em"></span> ' + esc(W.outsource_with_clauses),
       '<span class="bar k" style="width:.9em"></span> ' + esc(W.keep_in_house), ''],
      d.services.map(s => [esc(s.name), s.outsource, s.outsource_with_clauses, s.keep_in_house, bars(s)]));
    document.getElementById('clauses').innerHTML = table([esc(W.clause), esc(W.students)],
      d.clauses.map(c => [esc(c.name), c.students]), d.handed_in ? W.none : W.waiting);
    document.getElementById('benefits').innerHTML = histogram(d.net_benefits);
    document.getElementById('outliers').innerHTML = d.outliers.length ? table([esc(W.name), esc(W.net_benefit), ''],
      d.outliers.map(o => [esc(o.name), esc(o.net_benefit), esc(o.reason)])) : '<p>' + esc(W.none) + '</p>';
    document.getElementById('students').innerHTML = table([W.name, W.firm, W.decision, W.benefit, W.words, W.time].map(esc),
      d.students.map(s => [esc(s.name), esc(s.firm), esc(s.decision), esc(s.net_benefit), s.words, esc(s.time)]));
    document.getElementById('skipped').innerHTML = d.skipped.length ?
      '<h2>' + esc(W.skipped) + '</h2><ul>' + d.skipped.map(s => '<li>' + esc(s) + '</li>').join('') + '</ul>' : '';
    document.getElementById('status').textContent = W.updated + ' ' + d.updated;
  }} catch (e) {{
    document.getElementById('status').textContent = W.offline;
  }}
}}
refresh(); setInterval(refresh, 3000);
</script></body></html>"""


# ---------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to serve on (default: this laptop's address on the room's network; "
                                       "127.0.0.1 keeps it on this laptop)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--students", type=int, default=DEFAULT_STUDENTS,
                        help=f"most pages open at once, one kernel each (default {DEFAULT_STUDENTS})")
    parser.add_argument("--class-dir", metavar="DIR", help="where hand-ins and server.json go "
                                                           "(default: classroom/<today>)")
    parser.add_argument("--code", help="the class code (default: a new random one)")
    parser.add_argument("--teacher-code", help="the teacher page's code (default: a new random one)")
    parser.add_argument("--cull-after", type=int, default=DEFAULT_CULL_AFTER, metavar="SECONDS",
                        help=f"shut down a page's kernel untouched this long (default {DEFAULT_CULL_AFTER})")
    parser.add_argument("--lang", choices=["en", "it"], default="en", help="language of the pages")
    parser.add_argument("--data", metavar="DIR", help="folder of CSV files laid out like data/ (default: bundled)")


def run(args) -> int:
    try:
        class_code = check_code(args.code, "--code") if args.code else make_code(6)
        teacher_code = check_code(args.teacher_code, "--teacher-code") if args.teacher_code else make_code(8)
        if teacher_code == class_code:
            raise ValueError("--teacher-code must differ from the class code")
        if args.students < 1:
            raise ValueError(f"--students {args.students}: expected 1 or more")
        if args.cull_after < 60:
            raise ValueError(f"--cull-after {args.cull_after}: expected 60 seconds or more")
        if args.host:
            ipaddress.ip_address(args.host)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    host = args.host
    if not host:
        host, why = lan_address()
        if why:
            print(f"warning: {why}", file=sys.stderr)
    class_dir = Path(args.class_dir) if args.class_dir else default_class_dir()
    class_dir = class_dir.resolve()
    served = NOTEBOOK.parent.resolve()
    if class_dir == served or served in class_dir.parents:
        print(f"error: --class-dir {class_dir} is inside the served folder {served}: choose another", file=sys.stderr)
        return 2
    if not NOTEBOOK.is_file():
        print(f"error: {NOTEBOOK} is missing: run `make notebooks`", file=sys.stderr)
        return 2
    for folder in (class_dir, class_dir / HANDINS, class_dir / JOINED):
        folder.mkdir(parents=True, exist_ok=True)
    os.environ[ENV_CLASS_DIR] = str(class_dir)
    os.environ[ENV_LANG] = args.lang
    if args.data:
        os.environ[ENV_DATA] = str(Path(args.data).resolve())
    server = build_server(host=host, port=args.port, students=args.students, class_dir=class_dir,
                          class_code=class_code, teacher_code=teacher_code, cull_after=args.cull_after,
                          lang=args.lang)
    try:
        server.start()
    except OSError as exc:
        print(f"error: cannot serve on {host}:{args.port}: {exc.strerror or exc}. Another program may use the "
              "port: give --port N", file=sys.stderr)
        return 2
    return 0
