"""Locust users for bench/load.py: signed-in committee members who save drafts of their LMU's
hearing responses and submit them, catalogue after catalogue (then read the dashboard).

Started by bench/load.py (not on its own): it writes the members and their hearings to the
file in BENCH_LOAD_PLAN and reads back, from BENCH_LOAD_ACKS, what the server acknowledged
(the last draft and the submission per response), which it compares with the database."""

import itertools
import json
import os
import random
import re
import threading
import time

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115 (read once at start)
STANCES = ["support", "no_remarks", "concerns", "oppose"]
_members = itertools.count()
_acks = {}  # "<slug>/<committee id>" -> {"draft": text, "submitted": text}
_timings = []  # [request, start (epoch s), ms, failed]: bench/load.py --broker-outage splits them by phase
_lock = threading.Lock()


@events.request.add_listener
def record_timing(request_type, name, response_time, exception, start_time=None, **kwargs):
    with _lock:
        _timings.append([f"{request_type} {name}", start_time or time.time(), response_time, exception is not None])


def acknowledge(key, kind, text):
    with _lock:
        _acks.setdefault(key, {})[kind] = text


@events.test_stop.add_listener
def write_acknowledgements(environment, **kwargs):
    """What the server acknowledged, and locust's figures per request kind (ms)."""
    stats = environment.stats
    entries = sorted(stats.entries.values(), key=lambda entry: (entry.method, entry.name))
    figures = [
        {
            "request": f"{entry.method} {entry.name}",
            "count": entry.num_requests,
            "errors": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "max": entry.max_response_time,
        }
        for entry in [*entries, stats.total]
    ]
    figures[-1]["request"] = "all"
    figures[-1]["per_second"] = stats.total.total_rps
    with open(os.environ["BENCH_LOAD_ACKS"], "w") as out:
        json.dump({"acks": _acks, "stats": figures, "timings": _timings}, out, indent=1, sort_keys=True)


def hidden_fields(html):
    """The response form's hidden inputs (CSRF token and whatever else the page carries)."""
    fields = {}
    for tag in re.findall(r"<input[^>]+type=\"hidden\"[^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


# Seconds between a member's requests ("min,max"); bench/load.py --broker-outage sets a longer one.
WAIT = [float(x) for x in os.environ.get("BENCH_LOAD_WAIT", "0.5,1.5").split(",")]


class CommitteeMember(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        self.member = PLAN["members"][next(_members) % len(PLAN["members"])]
        self.hearings = list(self.member["hearings"])
        self.drafts_left = random.randint(2, 4)
        self.draft_number = 0
        # Signed in already (a session as single sign-on leaves one; bench/load.py made it).
        self.client.cookies.set("sessionid", self.member["session"])
        with self.client.get("/", name="/ (oversigt)", catch_response=True) as response:
            if response.url.rstrip("/") != self.host.rstrip("/"):
                response.failure(f"not signed in: {response.url}")

    @task
    def write_or_read(self):
        if not self.hearings:
            self.client.get("/", name="/ (oversigt)")
            return
        hearing = self.hearings[0]
        url = f"/forloeb/{hearing['slug']}/hoeringssvar/{hearing['committee']}/"
        key = f"{hearing['slug']}/{hearing['committee']}"
        page = self.client.get(url, name="/forloeb/…/hoeringssvar/…/")
        submit = self.drafts_left == 0
        self.draft_number += 1
        text = f"{self.member['username']}: {'indsendt' if submit else 'kladde'} {self.draft_number}"
        data = hidden_fields(page.text)
        data["general_comment"] = text
        for proposal in hearing["proposals"]:
            data[f"stance_{proposal}"] = random.choice(STANCES)
            data[f"comment_{proposal}"] = f"Bemærkning {self.draft_number}"
        if submit:
            data["action"] = "submit"
            data["confirm_submit"] = "on"
        expected = "Høringssvaret er indsendt." if submit else "Kladden er gemt."
        name = "/forloeb/…/hoeringssvar/…/ (indsend)" if submit else "/forloeb/…/hoeringssvar/…/ (kladde)"
        with self.client.post(url, data=data, name=name, catch_response=True) as response:
            if response.status_code != 200 or expected not in response.text:
                response.failure(f"{response.status_code}: «{expected}» not on the page")
                return
        acknowledge(key, "submitted" if submit else "draft", text)
        if submit:
            self.hearings.pop(0)
            self.drafts_left = random.randint(2, 4)
        else:
            self.drafts_left -= 1
