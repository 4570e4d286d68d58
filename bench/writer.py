"""An editor saving follow-up through the app over HTTP, at a steady rate: the writer of the
bench's mixed workload (bench/mixed.py).

    .venv/bin/python bench/writer.py CONFIG.json   # stops when its standard input closes

CONFIG (written by bench/mixed.py): {"base": "http://127.0.0.1:port", "cookie": the editor's
Cookie header, "rate": writes per second, "targets": one per action, the paths of its forms
{"point": its point of the campaign year, "budget_line_create": a new budget line,
"budget_line_update": one of its lines}}. Write n opens, then posts, a form of target n (the
next one if a write under way still holds it), as a person would: the point, a new budget
line, the point again, an existing line, in turn.
Each form is read first (its CSRF token, its version field, what it shows), what the editor
types is changed (the point is set « en cours », its percentage kept, so that generated
points that disagree with their status pass) and the rest posted as shown.

Writes start on a fixed schedule, each in a thread of its own: a save that waits does not
hold back the next ones, so that a slow period shows in every save it delays (the latency of
writes that were never sent is not recorded as if they had been fast). Each write prints one
JSON line when done: its kind, when it started (epoch seconds), the form's and the save's
milliseconds, the save's status (a 302 to the action's page when saved; 0: no answer);
the last line, the number of writes started.
"""

import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

KINDS = ("point", "budget_line_create", "point", "budget_line_update")
TIMEOUT = 600  # seconds: a save stuck behind a long transaction is measured, not dropped
ENDS = 600  # seconds given to the writes under way once asked to stop
PRINTING = threading.Lock()


class FormReader(HTMLParser):
    """The fields a browser would post with the page's form that carries a version field:
    {name: value}, checked boxes and selected options only."""

    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {}
            self.forms.append(self.form)
        elif self.form is None or "name" not in attrs:
            if tag == "option" and self.select is not None:
                self.option(attrs)
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind not in {"submit", "button", "file", "image", "reset"}:
                self.form.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select":
            self.select = {"name": attrs["name"], "first": None, "chosen": []}
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.form[self.textarea] = [""]

    def option(self, attrs):
        value = attrs.get("value", "")
        if self.select["first"] is None:
            self.select["first"] = value
        if "selected" in attrs:
            self.select["chosen"].append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or [self.select["first"] or ""]
            if self.form is not None:
                self.form[self.select["name"]] = chosen
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None and self.form is not None:
            self.form[self.textarea][0] += data

    def versioned_form(self):
        """The fields of the form with a version field (None: the page has none)."""
        form = next((form for form in self.forms if "version" in form), None)
        for values in (form or {}).values():
            # The newline Django writes after <textarea> is not part of the value.
            if values and values[0].startswith("\n"):
                values[0] = values[0][1:]
        return form


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """The editor's cookies (kept whatever their Secure flag: the bench serves plain HTTP)."""

    opener = urllib.request.build_opener(NoRedirect)

    def __init__(self, cookie):
        self.cookies = dict(part.strip().split("=", 1) for part in cookie.split(";"))
        self.lock = threading.Lock()

    def send(self, url, data=None):
        """(status, body, milliseconds) of a GET, or of a POST of DATA."""
        with self.lock:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})
        started = time.perf_counter()
        try:
            response = self.opener.open(request, timeout=TIMEOUT)
        except urllib.error.HTTPError as error:
            response = error
        except OSError:
            return 0, "", (time.perf_counter() - started) * 1000
        text = response.read().decode("utf-8", errors="replace")
        milliseconds = (time.perf_counter() - started) * 1000
        self.keep(response.headers.get_all("Set-Cookie") or [])
        return response.status, text, milliseconds

    def keep(self, headers):
        with self.lock:
            for header in headers:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)


def changed(kind, fields, number):
    """FIELDS as read from the form, with what write NUMBER types in."""
    if kind == "point":
        fields.update(
            status=["en_cours"],
            achievements=[f"Point enregistré par le banc d'essai (saisie n° {number})."],
        )
    elif kind == "budget_line_create":
        fields.update(
            label=[f"Ligne du banc d'essai n° {number}"],
            planned=["120,00"],
            committed=["80,00"],
            spent=[""],
        )
    else:
        fields["spent"] = [f"{number % 50},50"]
    return fields


class Targets:
    """The targets in turn, skipping those a write under way still holds: two saves of the
    same form never overlap (the second would be refused as a concurrent edit, 409), however
    long a save waits, as long as fewer writes are under way than there are targets."""

    def __init__(self, targets):
        self.targets, self.busy, self.lock = targets, set(), threading.Lock()

    def take(self, number):
        with self.lock:
            first, count = number % len(self.targets), len(self.targets)
            index = next(
                (n % count for n in range(first, first + count) if n % count not in self.busy),
                first,
            )
            self.busy.add(index)
            return index, self.targets[index]

    def release(self, index):
        with self.lock:
            self.busy.discard(index)


def write(browser, base, targets, number, started):
    kind = KINDS[number % len(KINDS)]
    index, target = targets.take(number)
    record = {
        "n": number,
        "kind": kind,
        "target": index,
        "started": started,
        "form_ms": None,
        "form_status": None,
        "status": None,
        "ms": None,
    }
    try:
        url = base + target[kind]
        status, page, form_ms = browser.send(url)
        record.update(form_status=status, form_ms=round(form_ms, 1))
        if status == 200:
            reader = FormReader()
            reader.feed(page)
            fields = reader.versioned_form()
            if fields is None:
                record["status"] = "pas de formulaire"
            else:
                status, _, milliseconds = browser.send(url, changed(kind, fields, number))
                record.update(status=status, ms=round(milliseconds, 1))
    finally:
        targets.release(index)
        with PRINTING:
            print(json.dumps(record), flush=True)


def main():
    config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    browser, targets = Browser(config["cookie"]), Targets(config["targets"])
    browser.send(config["base"] + targets.targets[0]["point"])  # the CSRF cookie, once
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    interval, origin, number, writes = 1 / config["rate"], time.monotonic(), 0, []
    while not stop.wait(max(0.0, origin + number * interval - time.monotonic())):
        thread = threading.Thread(
            target=write, daemon=True, args=(browser, config["base"], targets, number, time.time())
        )
        thread.start()
        writes.append(thread)
        number += 1
    deadline = time.monotonic() + ENDS
    for thread in writes:
        thread.join(max(0.0, deadline - time.monotonic()))
    with PRINTING:  # the writes started: those without a line never ended
        print(json.dumps({"writes": number}), flush=True)


if __name__ == "__main__":
    main()
