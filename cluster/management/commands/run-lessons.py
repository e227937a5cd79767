"""`manage.py run-lessons [--lesson ID ...]`: every lesson end to end against this cluster.

Each step's actions are performed and its check awaited, as a class clicking through
would; the command exits non-zero when a lesson file is malformed or any step does not
turn green in time. Lessons that need real containers are skipped on a simulated cluster.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dashboard.lesson_model import catalogue
from dashboard.lesson_runner import run_lesson


class Command(BaseCommand):
    help = "Run lessons step by step (actions, then checks) and fail on any step that " \
           "does not turn green in time."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--lesson", action="append", default=[],
                            help="a lesson id (repeatable); default: every lesson")
        parser.add_argument("--speed", type=float, default=1.0,
                            help="multiply every step's timeout by this")

    def handle(self, *args, **options) -> None:
        cat = catalogue()
        for error in cat.errors:
            self.stderr.write(f"malformed lesson {error.path}: {error.message}")
        wanted = options["lesson"] or [lesson.id for lesson in cat.ordered()]
        unknown = [w for w in wanted if w not in cat.lessons]
        if unknown:
            raise CommandError(f"no lesson {', '.join(unknown)}; known: "
                               f"{', '.join(sorted(cat.lessons))}")
        outcomes = [run_lesson(cat.lessons[w], say=self._say, speed=options["speed"])
                    for w in wanted]
        failed = [o for o in outcomes if not o.ok]
        ran = [o for o in outcomes if not o.skipped]
        self.stdout.write(f"lessons: {len(ran) - len(failed)} passed, {len(failed)} failed, "
                          f"{len(outcomes) - len(ran)} skipped")
        for o in failed:
            self.stdout.write(f"FAILED {o.lesson}: {'; '.join(o.failures)}")
        if failed or cat.errors:
            raise CommandError("some lessons failed" if failed else "malformed lesson files")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
