"""The student's page of ``make classroom`` (app/classroom.ipynb), and the data-problem message of the apps.

``student_page()`` builds, in the language ``TOOLKIT_LANG`` says (English by default):

1. a name (or pseudonym) box, typed once: **Join** locks it and shows the rest;
2. the explorer without its save-to-file row (``widgets.explorer(..., files=False)``);
3. **Download my scenario** (a link whose ``data:`` URL holds the scenario's JSON, made afresh at each
   change: the browser saves it, nothing is written on the laptop) and **Upload a scenario**
   (``ipywidgets.FileUpload``: the file goes from the browser to this kernel's memory only);
4. the decision: per service in scope, outsource / outsource with clauses / keep in house (set to the
   explorer's recommendation until the student changes it), a justification and **Hand in**, which
   stores the hand-in in the class folder (``TOOLKIT_CLASS_DIR``) under a new unique name
   (:func:`toolkit.handin.write_class_handin`).

``data_problem(error, lang)``: what an app shows instead of a dashboard when ``data/`` is broken (the
file, line, column and what was expected), not Voila's generic "There was an error when executing cell".
"""
from __future__ import annotations

import base64
import html
import json
import os
import secrets
import time
import warnings
from pathlib import Path

import ipywidgets as widgets

from . import i18n
from .data import DataError, load_dataset
from .classroom import ENV_CLASS_DIR, ENV_DATA, ENV_LANG, HANDINS, JOINED  # the server sets them (stdlib only)
from .scenario import ReplacedClauseWarning, Scenario

MAX_UPLOAD = 100_000  # bytes: a scenario file is a few hundred

TEXTS = {
    "en": {
        "title": "SMM outsourcing: the trade-off explorer in class",
        "intro": "Type your name, explore, decide for each service, then hand in. A teaching aid, not legal advice.",
        "name": "Your name",
        "name_placeholder": "name or pseudonym",
        "join": "Join",
        "name_needed": "Type your name (or a pseudonym) first, then press Join.",
        "joined_as": "You are <b>{name}</b>. Explore, decide, then hand in at the bottom of the page.",
        "download": "Download my scenario",
        "upload": "Upload a scenario",
        "uploaded": "Loaded {file}.",
        "upload_error": "Could not load {file}: {problem}",
        "decision": "Your decision",
        "decision_help": "For each service: what would you do? (It starts as the explorer's recommendation.)",
        "justification": "Why? (a few sentences)",
        "handin": "Hand in",
        "handed_in": "Handed in at {time}: {services}. You may change your mind and hand in again: the last one counts.",
        "handin_error": "Not handed in: {problem}",
        "fix_inputs": "the explorer's inputs cannot be evaluated: fix what its message says, then hand in.",
        "no_class": "Hand-in is not available: this page is not served by `make classroom` (no class folder).",
        "none": "no service outsourced",
        "data_title": "The data could not be loaded, so the explorer cannot start.",
        "data_fix": "Fix the file named above (or ask your teacher), then reload this page.",
        "file": "file", "line": "line", "column": "column",
    },
    "it": {
        "title": "Esternalizzare il social media marketing: l'esploratore in aula",
        "intro": "Scrivi il tuo nome, esplora, decidi per ogni servizio, poi consegna. Uno strumento didattico, "
                 "non una consulenza legale.",
        "name": "Il tuo nome",
        "name_placeholder": "nome o pseudonimo",
        "join": "Entra",
        "name_needed": "Scrivi prima il tuo nome (o uno pseudonimo), poi premi Entra.",
        "joined_as": "Sei <b>{name}</b>. Esplora, decidi, poi consegna in fondo alla pagina.",
        "download": "Scarica il mio scenario",
        "upload": "Carica uno scenario",
        "uploaded": "Caricato {file}.",
        "upload_error": "Impossibile caricare {file}: {problem}",
        "decision": "La tua decisione",
        "decision_help": "Per ogni servizio: che cosa faresti? (Parte dalla raccomandazione dell'esploratore.)",
        "justification": "Perché? (qualche frase)",
        "handin": "Consegna",
        "handed_in": "Consegnato alle {time}: {services}. Puoi cambiare idea e consegnare di nuovo: vale l'ultima.",
        "handin_error": "Non consegnato: {problem}",
        "fix_inputs": "gli input dell'esploratore non si possono valutare: correggi ciò che dice il suo messaggio, "
                      "poi consegna.",
        "no_class": "La consegna non è disponibile: questa pagina non è servita da `make classroom` "
                    "(manca la cartella della classe).",
        "none": "nessun servizio esternalizzato",
        "data_title": "Impossibile caricare i dati: l'esploratore non può partire.",
        "data_fix": "Correggi il file indicato qui sopra (o chiedi al docente), poi ricarica la pagina.",
        "file": "file", "line": "riga", "column": "colonna",
    },
}
# The recommendations in the words of the catalogue (toolkit/i18n.py), as the charts and notebooks say them.
for _lang, _words in TEXTS.items():
    _words.update({_key: i18n.STRINGS[_key][_lang]
                   for _key in ("outsource", "outsource_with_clauses", "keep_in_house")})


def text(key: str, lang: str = "en", **values) -> str:
    return TEXTS[lang if lang in TEXTS else "en"][key].format(**values)


def _alert(message: str, colour: str = "#D55E00") -> str:
    return (f'<div role="alert" style="border-left:4px solid {colour};padding:4px 10px;background:#fdf1ea;'
            f'max-width:60em">{message}</div>')


def _note(message: str) -> str:
    return (f'<div role="status" style="border-left:4px solid #009E73;padding:4px 10px;background:#eef8f4;'
            f'max-width:60em">{message}</div>')


def data_problem(error: Exception, lang: str = "en"):
    """The message an app shows for broken data: where (file, line, column) and what was expected. A
    plain HTML output (not a widget), so that it is in the page Voila sends, whatever the widgets do."""
    from IPython.display import HTML

    lang = lang if lang in TEXTS else "en"
    details = []
    if isinstance(error, DataError):
        if error.path is not None:
            details.append(f"<li>{text('file', lang)} <code>{html.escape(str(error.path))}</code></li>")
        if error.line is not None:
            details.append(f"<li>{text('line', lang)} {error.line}</li>")
        if error.column is not None:
            details.append(f"<li>{text('column', lang)} <code>{html.escape(str(error.column))}</code></li>")
        details.append(f"<li>{html.escape(str(error.problem))}</li>")
    else:
        details.append(f"<li>{html.escape(str(error))}</li>")
    return HTML(_alert(f'<p class="smm-data-error"><b>{html.escape(text("data_title", lang))}</b></p>'
                               f"<ul>{''.join(details)}</ul><p>{html.escape(text('data_fix', lang))}</p>"))


def app_lang() -> str:
    lang = os.environ.get(ENV_LANG, "en")
    return lang if lang in TEXTS else "en"


def app_dataset():
    """The dataset of an app: ``TOOLKIT_DATA_DIR`` if set (the classroom's --data), else the bundled data/."""
    return load_dataset(os.environ.get(ENV_DATA) or None)


def _app(build, lang: str | None):
    """build(dataset, lang) on the app's dataset, or the data problem in words when it cannot be loaded."""
    lang = lang or app_lang()
    try:
        dataset = app_dataset()
    except DataError as problem:
        return data_problem(problem, lang)
    return build(dataset, lang)


def explorer_app(lang: str | None = None):
    """``make app``'s page: the explorer, or the data problem in words."""
    from . import widgets as dashboards

    return _app(lambda dataset, lang: dashboards.explorer(dataset, lang=lang), lang)


def _download_link(scenario: Scenario, lang: str) -> str:
    payload = base64.b64encode(scenario.to_json().encode("utf-8")).decode("ascii")
    return (f'<a class="smm-download" download="my_scenario.json" href="data:application/json;base64,{payload}" '
            f'style="display:inline-block;padding:4px 12px;border:1px solid #0072B2;border-radius:3px;'
            f'text-decoration:none;color:#0072B2">⬇ {html.escape(text("download", lang))}</a>')


class StudentPage(widgets.VBox):
    """The classroom page (see the module docstring). ``.explorer``, ``.name``, ``.choices`` (service ->
    Dropdown), ``.justification``, ``.handin_button``, ``.status``; ``.hand_in()`` does what the button does."""

    def __init__(self, dataset, lang: str = "en", class_dir=None):
        from . import widgets as dashboards

        self.dataset, self.lang = dataset, lang
        self.class_dir = Path(class_dir) if class_dir else None
        self.session = secrets.token_hex(6)
        self.student = ""
        self.name = widgets.Text(description=text("name", lang), placeholder=text("name_placeholder", lang),
                                 style={"description_width": "8em"}, layout=widgets.Layout(width="28em"))
        self.join_button = widgets.Button(description=text("join", lang), button_style="primary")
        self.join_status = widgets.HTML()
        self.explorer = dashboards.explorer(dataset, lang=lang, files=False)  # no save-to-file row: see download
        self.download = widgets.HTML()
        self.upload = widgets.FileUpload(accept=".json,application/json", multiple=False,
                                         description=text("upload", lang), layout=widgets.Layout(width="auto"))
        self.file_status = widgets.HTML()
        self.choices, self._touched, self._setting = {}, set(), False
        options = [(text(kind, lang), kind) for kind in ("outsource", "outsource_with_clauses", "keep_in_house")]
        rows, self._rows = [], {}
        for service in dataset.services.index:
            # The service's name beside its choice, wrapped rather than cut (a Dropdown's description is cut).
            label = widgets.HTML(html.escape(i18n.name(dataset, "services", service, lang)),
                                 layout=widgets.Layout(width="24em"))
            box = widgets.Dropdown(options=options, value="keep_in_house", layout=widgets.Layout(width="18em"),
                                   tooltip=i18n.name(dataset, "services", service, lang))  # its accessible name
            box.observe(lambda change, s=service: self._chose(s), names="value")
            self.choices[service] = box
            self._rows[service] = widgets.HBox([label, box], layout=widgets.Layout(align_items="center"))
            rows.append(self._rows[service])
        self.justification = widgets.Textarea(placeholder=text("justification", lang),
                                              layout=widgets.Layout(width="50em", height="6em"))
        self.handin_button = widgets.Button(description=text("handin", lang), button_style="success",
                                            icon="check")
        self.status = widgets.HTML()
        self.work = widgets.VBox([
            self.explorer,
            widgets.HBox([self.download, self.upload, self.file_status],
                         layout=widgets.Layout(align_items="center", flex_flow="row wrap", grid_gap="1em")),
            widgets.HTML(f"<h3>{html.escape(text('decision', lang))}</h3>"
                         f"<p>{html.escape(text('decision_help', lang))}</p>"),
            *rows,
            widgets.HTML(f"<b>{html.escape(text('justification', lang))}</b>"),
            self.justification, self.handin_button, self.status,
        ], layout=widgets.Layout(display="none"))
        heading = widgets.HTML(f"<h1>{html.escape(text('title', lang))}</h1><p>{html.escape(text('intro', lang))}</p>")
        super().__init__([heading, widgets.HBox([self.name, self.join_button]), self.join_status, self.work])
        self.join_button.on_click(lambda _b: self.join())
        self.handin_button.on_click(lambda _b: self.hand_in())
        self.upload.observe(self._uploaded, names="value")
        for control in self.explorer._all_controls():
            control.observe(lambda _change: self._follow(), names="value")
        self._follow()

    # -- joining
    def join(self) -> None:
        name = " ".join(self.name.value.split())
        if not name:
            self.join_status.value = _alert(html.escape(text("name_needed", self.lang)))
            return
        self.student = name
        self.name.value, self.name.disabled, self.join_button.layout.display = name, True, "none"
        self.join_status.value = _note(text("joined_as", self.lang, name=html.escape(name)))
        self.work.layout.display = None
        if self.class_dir is None:
            self.status.value = _alert(html.escape(text("no_class", self.lang)))
            return
        joined = self.class_dir / JOINED
        try:
            joined.mkdir(parents=True, exist_ok=True)
            (joined / f"{self.session}.json").write_text(
                json.dumps({"name": name, "joined": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, ensure_ascii=False),
                encoding="utf-8")
        except OSError:
            pass  # the teacher's count of who joined is a convenience; the hand-in says what matters

    # -- the decision follows the explorer until the student changes it
    def _chose(self, service) -> None:
        if not self._setting:
            self._touched.add(service)

    def _follow(self) -> None:
        try:
            scenario = self.explorer.scenario()
        except ValueError:
            return
        self.download.value = _download_link(scenario, self.lang)
        evaluation = getattr(self.explorer, "evaluation", None)
        in_scope = set(evaluation.index) if evaluation is not None else set()
        self._setting = True
        try:
            for service, box in self.choices.items():
                self._rows[service].layout.display = None if service in in_scope else "none"
                if service in in_scope and service not in self._touched:
                    box.value = evaluation.loc[service, "recommendation"]
        finally:
            self._setting = False

    # -- upload
    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0] if isinstance(files, (list, tuple)) else next(iter(files.values()))
        filename = str(upload.get("name", "?"))
        try:
            content = bytes(upload["content"])
            if len(content) > MAX_UPLOAD:
                raise ValueError(f"larger than {MAX_UPLOAD // 1000} kB: not a scenario file")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ReplacedClauseWarning)
                loaded = Scenario.from_dict(json.loads(content.decode("utf-8")))
            loaded.check(self.dataset)
        except (ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:
            self.file_status.value = _alert(html.escape(text("upload_error", self.lang, file=filename,
                                                              problem=str(exc))))
            return
        for key, control in self.explorer.controls.items():
            value = getattr(loaded, key, None)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and hasattr(control, "max"):
                control.max, control.min = max(control.max, value), min(control.min, value)
        self.explorer._scenario = loaded
        self.explorer.set_scenario(loaded)
        self.file_status.value = _note(html.escape(text("uploaded", self.lang, file=filename)))

    # -- hand in
    def hand_in(self) -> Path | None:
        from .handin import classroom_handin, write_class_handin

        if self.class_dir is None:
            self.status.value = _alert(html.escape(text("no_class", self.lang)))
            return None
        try:
            if not self.student:
                raise ValueError(text("name_needed", self.lang))
            try:
                scenario = self.explorer.scenario()
            except ValueError:  # the explorer already says what to fix, beside its cause
                raise ValueError(text("fix_inputs", self.lang)) from None
            evaluation = self.explorer.evaluation
            choices = {service: box.value for service, box in self.choices.items() if service in evaluation.index}
            content = classroom_handin(self.dataset, scenario, name=self.student, choices=choices,
                                       justification=self.justification.value, lang=self.lang)
            path = write_class_handin(self.class_dir / HANDINS, content)
        except (ValueError, OSError) as exc:
            self.status.value = _alert(html.escape(text("handin_error", self.lang, problem=str(exc))))
            return None
        names = [i18n.name(self.dataset, "services", s, self.lang) for s in content["decision"]["services"]]
        self.status.value = _note(html.escape(text("handed_in", self.lang, time=time.strftime("%H:%M"),
                                                   services=", ".join(names) or text("none", self.lang))))
        return path


def student_page(lang: str | None = None):
    """The classroom page (or the data problem), in TOOLKIT_LANG, handing in to TOOLKIT_CLASS_DIR."""
    return _app(lambda dataset, lang: StudentPage(dataset, lang, os.environ.get(ENV_CLASS_DIR) or None), lang)
