"""The load: each simulated person is one of the signed-in bench users and asks for that user's
pages (weighted), waiting the think time between requests. Read by `locust -f`; the targets come
from the JSON file named by BENCH_TARGETS (written by bench.run)."""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant, task

TARGETS = json.loads(Path(os.environ["BENCH_TARGETS"]).read_text(encoding="utf-8"))
_people = itertools.cycle(TARGETS["users"])
_numbers = itertools.count()


class Person(HttpUser):
    wait_time = constant(float(TARGETS["think_s"]))

    def on_start(self) -> None:
        me = next(_people)
        self.client.cookies.update(me["cookies"])
        self.pages = me["pages"]
        self.weights = [page["weight"] for page in self.pages]
        # Each simulated person has a mix of their own, the same from run to run.
        self.chooser = random.Random(TARGETS["seed"] * 1000 + next(_numbers))

    @task
    def ask(self) -> None:
        page = self.chooser.choices(self.pages, self.weights)[0]
        with self.client.get(page["url"], name=page["name"], catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {page['url']}")
