"""The lesson pages in the browser: the error for a malformed file, a step's button and
check, follow-me from the teacher's browser to a student's, and applying from the editor."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from cluster.kubeconfig import token_in
from tests.lessons.conftest import login

CHECK_TIMEOUT = 30_000


@pytest.fixture(scope="module")
def student_token(lesson_cluster, tmp_path_factory) -> str:
    path = Path(tmp_path_factory.mktemp("student")) / "alice.kubeconfig"
    done = lesson_cluster.manage("create-student", "alice", "--kubeconfig", str(path))
    assert done.returncode == 0, done.stderr
    return token_in(path)


@pytest.fixture
def teacher(browser, lesson_cluster):
    page = login(browser, lesson_cluster.url, lesson_cluster.admin_token)
    yield page
    stop_leading(page)
    page.context.close()


@pytest.fixture
def student(browser, lesson_cluster, student_token):
    page = login(browser, lesson_cluster.url, student_token)
    yield page
    page.context.close()


def stop_leading(page) -> None:
    page.evaluate("""() => fetch('/ui/lessons/lead', {method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken':
                  document.cookie.match(/csrftoken=([^;]+)/)[1]},
        body: JSON.stringify({lesson: ''})})""")


def test_a_malformed_lesson_file_is_reported_on_the_lessons_page(teacher, lesson_cluster):
    teacher.goto(f"{lesson_cluster.url}/lessons")
    alert = teacher.locator(".lesson-errors")
    expect(alert).to_contain_text("99-broken.yaml")
    expect(alert).to_contain_text("YAML syntax error at line 5")
    expect(teacher.locator(".lesson-list a")).to_have_count(12)  # the others still load
    log = Path(lesson_cluster.log).read_text(errors="replace")
    assert "lesson file" in log and "99-broken.yaml is malformed" in log


def test_a_steps_button_turns_its_check_green(teacher, lesson_cluster):
    teacher.goto(f"{lesson_cluster.url}/lessons/anatomy#step-2")
    expect(teacher.locator("#step-counter")).to_have_text("Step 2 of 6")
    expect(teacher.locator("#lesson-check")).to_have_attribute("data-state", "waiting")
    teacher.click("button.lesson-action")
    expect(teacher.locator("#lesson-check")).to_have_attribute("data-state", "ok",
                                                               timeout=CHECK_TIMEOUT)
    teacher.click("#lesson-reset")
    expect(teacher.locator("#lesson-check")).to_have_attribute("data-state", "waiting",
                                                               timeout=CHECK_TIMEOUT)


def test_a_student_follows_the_teacher_to_step_3_and_applies_from_the_editor(
        teacher, student, lesson_cluster):
    url = lesson_cluster.url
    student.goto(f"{url}/lessons/self-healing")
    expect(student.locator("#follow-toggle")).to_be_checked()
    teacher.goto(f"{url}/lessons/self-healing")
    teacher.check("#lead-toggle")
    teacher.click("#step-next")
    teacher.click("#step-next")
    expect(teacher.locator("#step-counter")).to_have_text("Step 3 of 3")
    # Follow-me: the student's screen moves without a click.
    expect(student.locator("#step-counter")).to_have_text("Step 3 of 3", timeout=10_000)
    expect(student.locator("#lesson-check")).to_have_attribute("data-state", "waiting")

    with student.context.expect_page() as opened:
        student.click("#open-editor")
    editor = opened.value
    editor.wait_for_function("() => window.kubelabEditor !== undefined")
    assert "replicas: 5" in editor.evaluate("() => window.kubelabEditor.getValue()")
    expect(editor.locator("#editor-namespace")).to_have_value("alice")
    # The opened manifest is validated first; apply once that has settled.
    expect(editor.locator("#editor-status")).to_have_attribute("data-state", "ok",
                                                               timeout=15_000)
    editor.click("#apply-button")
    expect(editor.locator("#editor-status")).to_have_text("apply: done", timeout=10_000)

    expect(student.locator("#lesson-check")).to_have_attribute("data-state", "ok",
                                                               timeout=CHECK_TIMEOUT)
    expect(student.locator("#lesson-check")).to_contain_text("5 pods with app=web")
    # What the student applied by hand carries the lesson label, so reset removes it.
    student.click("#lesson-reset")
    expect(student.locator("#lesson-check")).to_have_attribute("data-state", "waiting",
                                                               timeout=CHECK_TIMEOUT)


def test_a_detached_student_stays_where_they_are(teacher, student, lesson_cluster):
    url = lesson_cluster.url
    student.goto(f"{url}/lessons/labels#step-1")
    student.uncheck("#follow-toggle")
    teacher.goto(f"{url}/lessons/labels")
    teacher.check("#lead-toggle")
    teacher.click("#step-next")
    expect(teacher.locator("#step-counter")).to_have_text("Step 2 of 4")
    student.wait_for_timeout(2500)  # more than two follow polls
    expect(student.locator("#step-counter")).to_have_text("Step 1 of 4")
    student.check("#follow-toggle")  # re-attached: back in step with the class
    expect(student.locator("#step-counter")).to_have_text("Step 2 of 4", timeout=10_000)


def test_the_presenter_view_shows_the_followed_step_and_a_join_qr_code(teacher,
                                                                       lesson_cluster):
    teacher.goto(f"{lesson_cluster.url}/lessons/pods")
    with teacher.expect_response("**/ui/lessons/lead"):
        teacher.check("#lead-toggle")
    teacher.goto(f"{lesson_cluster.url}/present")
    expect(teacher.locator("#present-title")).to_have_text("A pod with two containers")
    teacher.keyboard.press("ArrowRight")
    expect(teacher.locator("#present-title")).to_have_text("One IP for the whole pod")
    assert teacher.locator(".topbar").count() == 0  # no admin chrome
    teacher.keyboard.press("3")
    expect(teacher.locator("#join-link")).to_have_text(f"{lesson_cluster.url}/join")
    expect(teacher.locator("#focus-join .qr svg")).to_be_visible()
    resp = requests.get(f"{lesson_cluster.url}/ui/lessons/follow", timeout=5)
    assert resp.status_code == 401  # without a login nothing about the class is told
