"""The county coordinator's day, in a browser: filter completions, download CSV, XLSX and the
donor PDF, enrol a class from a CSV with a due date, and fail to reach another county."""

import csv
import datetime
import io
import subprocess

import pytest
from django.utils import timezone
from wagtail.users.models import UserProfile

from ..elearning.factories import PASSWORD
from .conftest import axe_on_report, in_combinations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The admin's Content-Security-Policy applies, and a violation fails the journey (conftest).
ENFORCE_CSP = True

TEXT = {
    "ro": {
        "apply": "Aplicați filtrele",
        "csv": "Descărcați CSV",
        "xlsx": "Pregătiți XLSX",
        "pdf": "Pregătiți sinteza PDF pentru finanțatori",
        "ready": "Fișierul este gata.",
        "download": "Descărcați",
        "enrol": "Verificați și înscrieți",
        "done": "Gata:",
        "bad": "Selectați o opțiune validă",
        "chart": "Persoane instruite pe lună",
        "completed": "Finalizat",  # one learner's course: singular ("Finalizate" is a heading)
        "role": "Rol: Cadru didactic sau personal școlar",
        "from": "Perioadă: de la 1 ianuarie",
        "january": "ian",
    },
    "en": {
        "apply": "Apply filters",
        "csv": "Download CSV",
        "xlsx": "Prepare XLSX",
        "pdf": "Prepare PDF summary for donors",
        "ready": "Your file is ready.",
        "download": "Download",
        "enrol": "Check and enrol",
        "done": "Done:",
        "bad": "Select a valid choice",
        "chart": "People trained per month",
        "completed": "Completed",
        "role": "Role: Teacher or school staff",
        "from": "Period: from 1 January",
        "january": "Jan",
    },
}


# Each language and each width once (the suite's time budget): Romanian at desktop width,
# English on a phone.
@in_combinations(("ro", "desktop"), ("en", "phone"))
def test_county_coordinator_journey(page, viewport, language, world, tmp_path):
    text = TEXT[language]
    coordinator = world.coordinators["cluj"]
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = language
    profile.save()

    page.goto("/admin/login/")
    page.locator("#id_username").fill(coordinator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/")

    # Teachers in my county who completed a course this year.
    page.goto("/admin/learning-reports/completion/")
    page.locator("#id_role").select_option("teacher")
    page.locator("#id_status").select_option("completed")
    page.locator("#id_date_from").fill(f"{timezone.localdate().year}-01-01")
    page.get_by_role("button", name=text["apply"]).click()
    page.wait_for_url("**status=completed**")
    table = page.locator("table.report-table")
    table.get_by_text("Ana Țăranu").wait_for()
    assert table.get_by_text("Mihai Iașiotul").count() == 0
    assert table.get_by_text("Radu Moldovan").count() == 0
    table.locator("td small").get_by_text(text["completed"], exact=True).wait_for()
    assert "Finalizate" not in table.inner_text()
    axe_on_report(page)
    screenshot(page, f"reports-completion-{language}-{viewport}")

    with page.expect_download() as download:
        page.get_by_role("link", name=text["csv"]).click()
    with open(download.value.path(), "rb") as handle:
        body = handle.read()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Ana Țăranu"]
    assert text["completed"] in rows[1]

    page.get_by_role("button", name=text["xlsx"]).click()
    page.get_by_text(text["ready"]).wait_for()
    screenshot(page, f"reports-export-ready-{language}-{viewport}")
    with page.expect_download() as download:
        page.get_by_role("link", name=text["download"], exact=True).click()
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(handle).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))][0] == "Ana Țăranu"

    page.go_back()
    page.get_by_role("button", name=text["pdf"]).click()
    page.get_by_text(text["ready"]).wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name=text["download"], exact=True).click()
    pdf_text = subprocess.run(
        ["pdftotext", download.value.path(), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text["chart"] in pdf_text
    # The header names the page's filters; the chart has every month from January, zeros too.
    year = timezone.localdate().year
    words = " ".join(pdf_text.split())
    assert text["role"] in words and f"{text['from']} {year}" in words
    assert f"{text['january']} {year}" in words
    if viewport == "desktop":
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                download.value.path(),
                str(tmp_path / "donor"),
            ],
            check=True,
        )
        import shutil

        from .conftest import SCREENSHOTS

        shutil.copy(
            next(tmp_path.glob("donor*.png")), SCREENSHOTS / f"reports-donor-pdf-{language}.png"
        )

    # Enrol a class from a CSV, with a due date.
    due = timezone.localdate() + datetime.timedelta(days=30)
    class_csv = tmp_path / "clasa.csv"
    class_csv.write_text(
        "Nume complet,E-mail,Rol,Instituție,Județ\n"
        f"Maria Știrbu,maria.{language}.{viewport}@example.org,teacher,"
        "Școala Gimnazială „Avram Iancu”,Cluj\n",
        encoding="utf-8-sig",
    )
    page.goto("/admin/learning-reports/enrol/")
    page.locator("#id_file").set_input_files(str(class_csv))
    page.get_by_label(world.course.title).check()
    page.locator("#id_due_on").fill(due.isoformat())
    screenshot(page, f"reports-enrol-{language}-{viewport}")
    page.get_by_role("button", name=text["enrol"]).click()
    page.get_by_text(text["done"]).wait_for()
    page.locator("table.report-table").get_by_text("Maria Știrbu").wait_for()

    # The other reports, broken down by role: each one accessible, each one in scope.
    for report in ("summary", "impact", "certificates", "indicators"):
        page.goto(f"/admin/learning-reports/{report}/?group_by=role")
        # The impact table first (the retention curve's table follows it).
        page.locator("table.report-table").first.wait_for()
        assert page.get_by_text("Mihai Iașiotul").count() == 0
        axe_on_report(page)
        screenshot(page, f"reports-{report}-{language}-{viewport}")
    page.goto("/admin/learning-reports/exports/")
    axe_on_report(page)

    # Another county's data: not by filter, not by URL.
    response = page.goto("/admin/learning-reports/completion/?county=IS")
    assert response.status == 400
    page.get_by_text(text["bad"]).first.wait_for()
    assert page.get_by_text("Mihai Iașiotul").count() == 0
    screenshot(page, f"reports-bad-filter-{language}-{viewport}")
