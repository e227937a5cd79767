"""In a browser: the teacher creates a class on /class, a student joins by code and the
map shows them only their own namespace (and the nodes)."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.waiting import wait_for


def test_a_student_joins_by_code_and_sees_only_their_namespace(browser, kubelab_server,
                                                               admin_api, page):
    name = f"j{uuid.uuid4().hex[:5]}"
    page.goto(f"{kubelab_server.url}/class")
    page.fill("input[name=name]", name)
    page.fill("input[name=students]", "2")
    page.click(".class-create button[type=submit]")
    row = page.locator(f'tr[data-student="{name}-01"]')
    expect(row).to_be_visible(timeout=15_000)
    code = row.locator(".code code").inner_text().strip()
    assert len(code) == 6

    mine, theirs = f"{name}-01", f"{name}-02"
    admin_api.pod(theirs, "not-yours", {"app": "x"})
    admin_api.pod(mine, "yours", {"app": "x"})

    student = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        student.goto(f"{kubelab_server.url}/join")
        student.fill("#code", code.lower())  # codes are forgiving about case
        student.click("button[type=submit]")
        student.wait_for_selector("#connection[data-status=live]", timeout=10_000)
        expect(student.locator(".who")).to_have_text(mine)
        expect(student.locator(f'.pod[data-ns="{mine}"][data-name="yours"]')).to_have_count(
            1, timeout=10_000)
        options = student.locator("#namespace-filter option")
        expect(options).to_have_count(2)  # "all" and their own
        assert options.nth(1).inner_text() == mine
        assert student.locator(f'.pod[data-ns="{theirs}"]').count() == 0
        assert student.locator(f'.pod:not([data-ns="{mine}"])').count() == 0
        # The teacher's page is not theirs.
        assert student.goto(f"{kubelab_server.url}/class").status == 403
    finally:
        student.context.close()

    # The teacher resets the whole class (after confirming): the pods go, the quota stays.
    page.on("dialog", lambda dialog: dialog.accept())
    page.click(f'article[data-class="{name}"] button.danger')
    page.wait_for_url(f"{kubelab_server.url}/class")
    for ns in (mine, theirs):
        wait_for(lambda ns=ns: admin_api.call("GET", f"/api/v1/namespaces/{ns}/pods")["items"]
                 == [], f"{ns} emptied", timeout=30)
        quotas = admin_api.call("GET", f"/api/v1/namespaces/{ns}/resourcequotas")["items"]
        assert [q["metadata"]["name"] for q in quotas] == ["student-quota"]


def test_a_wrong_code_is_refused_readably(browser, kubelab_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{kubelab_server.url}/join")
        page.fill("#code", "ZZZZZZ")
        page.click("button[type=submit]")
        expect(page.locator("p.error")).to_contain_text("That code is not known")
    finally:
        context.close()
