"""Coordinators' report pages in the Wagtail admin. Thin: the scope comes from `scope_for`, the
rows from selectors, the files from services. Bad filters answer 400 with the form's messages."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from certificates.models import CertificateStatus
from elearning.infrastructure.private_files import private_file_response

from . import exports, indicators, selectors, services
from .forms import EnrollmentUploadForm, RenewalAssignForm, ReportFilterForm
from .models import ExportJob

TITLES = {
    "completion": gettext_lazy("Completion"),
    "summary": gettext_lazy("Course summary"),
    "impact": gettext_lazy("Impact: knowledge gain"),
    "certificates": gettext_lazy("Certificates register"),
    "indicators": gettext_lazy("Indicators"),
}
# Sortable columns of the completion report: URL value → ORM ordering.
COMPLETION_ORDERINGS = {
    "name": "learner__full_name",
    "email": "contact_email",
    "role": "learner__role",
    "institution": "learner__institution__name",
    "county": "learner__county",
    "enrolled": "started_at",
    "run": "run",
    "progress": "progress",
    "completed": "completed_at",
    "score": "final_score",
    "first_certified": "certificate_first_certified",
}
PAGE_SIZE = 50
# The donor summary exists only as a PDF; every table exports as CSV or XLSX.
EXPORT_FORMATS = {ExportJob.Report.DONOR: {ExportJob.Format.PDF}}


def _scope(request):
    scope = selectors.scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _filter_form(request, scope, courses, report, data=None):
    return ReportFilterForm(
        request.GET if data is None else data, scope=scope, courses=courses, report=report
    )


def _context(request, report, scope, form, **extra):
    query = request.GET.copy()
    for key in ("p", "ordering"):
        query.pop(key, None)
    return {
        "page_title": TITLES[report],
        "report": report,
        "scope": scope,
        "form": form,
        "query": query.urlencode(),
        "reports": TITLES,
        # The choices the template compares with (a TextChoices class is not called there).
        "CertificateStatus": CertificateStatus,
        **extra,
    }


@require_GET
def completion(request):
    scope = _scope(request)
    courses = selectors.report_courses()
    form = _filter_form(request, scope, courses, "completion")
    ordering = request.GET.get("ordering", "name")
    if ordering.lstrip("-") not in COMPLETION_ORDERINGS:
        form.is_valid()
        form.add_error(None, _("This report cannot be sorted that way."))
    if not form.is_valid():
        return render(
            request,
            "reports/admin/completion.html",
            _context(request, "completion", scope, form),
            status=400,
        )
    rows = selectors.completion_rows(scope=scope, filters=form.filters(), courses=courses)
    field = COMPLETION_ORDERINGS[ordering.lstrip("-")]
    descending = ordering.startswith("-")
    sort = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    rows = rows.order_by(sort, "learner_id", "course_key")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("p"))
    titles = {c.key: c.title for c in courses}
    for row in page.object_list:
        row.course_title = titles.get(row.course_key, "")
        row.status_label = selectors.status_label(row.status)
        row.certificate_label = selectors.certificate_label(row.certificate_state)
    return render(
        request,
        "reports/admin/completion.html",
        _context(
            request,
            "completion",
            scope,
            form,
            page=page,
            ordering=ordering,
            columns=_sortable_columns(request, ordering),
            # A renewal is of one course: offered once the report is filtered to one.
            renewal_query=request.GET.urlencode() if form.filters().get("course") else "",
        ),
    )


def _sortable_columns(request, ordering):
    labels = [
        ("name", _("Name and e-mail")),
        ("role", _("Role")),
        ("institution", _("Institution and county")),
        (None, _("Language")),
        (None, _("Course")),
        ("run", _("Run")),
        ("enrolled", _("Enrolled")),
        ("progress", _("Progress")),
        ("completed", pgettext("one learner's course", "Completed")),
        ("score", _("Final score")),
        (None, _("Attempts")),
        ("first_certified", _("First certified on")),
        (None, _("Certificate")),
    ]
    query = request.GET.copy()
    query.pop("p", None)
    columns = []
    for key, label in labels:
        if key is None:
            columns.append({"label": label})
            continue
        current = ordering.lstrip("-") == key
        next_order = f"-{key}" if current and not ordering.startswith("-") else key
        query["ordering"] = next_order
        columns.append(
            {
                "label": label,
                "url": "?" + query.urlencode(),
                "sorted": ("descending" if ordering.startswith("-") else "ascending")
                if current
                else None,
            }
        )
    return columns


@require_GET
def table_report(request, report):
    """Course summary, impact and certificates register: small tables, no pagination."""
    scope = _scope(request)
    courses = selectors.report_courses()
    form = _filter_form(request, scope, courses, report)
    if not form.is_valid():
        return render(
            request, "reports/admin/table.html", _context(request, report, scope, form), status=400
        )
    table = exports.TABLES[report](scope=scope, filters=form.filters(), courses=courses)
    method = {
        ExportJob.Report.IMPACT: selectors.impact_method,
        ExportJob.Report.SUMMARY: selectors.summary_method,
        ExportJob.Report.INDICATORS: indicators.indicators_method,
    }.get(report, str)()
    retention = None
    if report == ExportJob.Report.IMPACT:
        # What stays after the course: pre → post → 30 days → 180 days (retention checks).
        retention = selectors.retention_rows(scope=scope, filters=form.filters(), courses=courses)
    return render(
        request,
        "reports/admin/table.html",
        _context(
            request,
            report,
            scope,
            form,
            table=table,
            rows=list(table.rows),
            impact_method=method,
            retention_rows=retention,
        ),
    )


@require_http_methods(["GET", "POST"])
def export(request, report):
    """CSV streams at once (constant memory); XLSX and the PDF summary are background jobs."""
    if report not in TITLES and report != ExportJob.Report.DONOR:
        raise Http404
    scope = _scope(request)
    courses = selectors.report_courses()
    data = request.POST if request.method == "POST" else request.GET
    form = _filter_form(request, scope, courses, report, data=data)
    format = data.get("format", "")
    if format not in EXPORT_FORMATS.get(report, {ExportJob.Format.CSV, ExportJob.Format.XLSX}):
        form.is_valid()
        form.add_error(None, _("Choose CSV or XLSX, or the PDF summary."))
    if not form.is_valid():
        template = (
            "reports/admin/completion.html"
            if report == ExportJob.Report.COMPLETION
            else "reports/admin/table.html"
        )
        context_report = report if report in TITLES else "summary"
        return render(request, template, _context(request, context_report, scope, form), status=400)
    if format == ExportJob.Format.CSV:
        table = exports.TABLES[report](scope=scope, filters=form.filters(), courses=courses)
        response = StreamingHttpResponse(
            exports.in_blocks(exports.csv_lines(table)), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="{report}-{stamp}.csv"'
        return response
    if request.method != "POST":
        # Starting a job changes something: only from the form's POST.
        return redirect(reverse("learning_reports:" + report) + "?" + urlencode(form.as_export()))
    job = services.export_request(
        user=request.user, report=report, format=format, filters=form.as_export()
    )
    return redirect("learning_reports:export_status", job.pk)


def _own_job(request, job_id) -> ExportJob:
    _scope(request)
    # Another coordinator's job id is simply not found: ids are never a way in.
    return get_object_or_404(ExportJob, pk=job_id, requested_by=request.user)


@require_GET
def export_status(request, job_id):
    job = _own_job(request, job_id)
    return render(
        request,
        "reports/admin/export_status.html",
        {
            "page_title": _("Export"),
            "job": job,
            "now": timezone.now(),
            "ExportStatus": ExportJob.Status,
        },
    )


@require_GET
def export_download(request, job_id):
    job = _own_job(request, job_id)
    if job.status != ExportJob.Status.READY or not job.file:
        raise Http404
    if job.expires_at and job.expires_at < timezone.now():
        raise Http404
    name = job.file.name.rsplit("/", 1)[-1]
    try:
        return private_file_response(
            job.file,
            filename=name,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        )
    except FileNotFoundError as missing:
        raise Http404 from missing


@require_GET
def export_list(request):
    _scope(request)
    jobs = ExportJob.objects.filter(requested_by=request.user)[:50]
    return render(
        request,
        "reports/admin/export_list.html",
        {
            "page_title": _("My exports"),
            "jobs": jobs,
            "now": timezone.now(),
            "ExportStatus": ExportJob.Status,
            "scope": selectors.scope_for(request.user),
            "reports": TITLES,
            "report": "exports",
        },
    )


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Upload a CSV of learners, pick courses and a due date. Nothing is imported unless every
    line is right; then all of it is, in one transaction."""
    scope = _scope(request)
    courses = selectors.report_courses()
    page = {"page_title": _("Enrol learners"), "scope": scope, "reports": TITLES, "report": "enrol"}
    if request.method == "GET":
        form = EnrollmentUploadForm(courses=courses)
        return render(request, "reports/admin/enrol.html", {**page, "form": form})
    form = EnrollmentUploadForm(request.POST, request.FILES, courses=courses)
    context = {**page, "form": form}
    if not form.is_valid():
        return render(request, "reports/admin/enrol.html", context, status=400)
    check = services.enrollment_check(upload=form.cleaned_data["file"], scope=scope)
    if not check.is_clean:
        context["check"] = check
        return render(request, "reports/admin/enrol.html", context, status=400)
    result = services.enrollment_import(
        check=check,
        course_keys=[c.key for c in form.chosen_courses()],
        due_on=form.cleaned_data["due_on"],
        by=request.user,
        renewal=form.cleaned_data["renewal"],
    )
    # Counted by line, not by what happened to each: an address whose account is outside the
    # coordinator's scope (left alone, its owner e-mailed) must read exactly as a new one.
    # Enrolments that already existed are those of the coordinator's own people.
    done = ngettext(
        "Done: the learner in the file is enrolled or has been sent an invitation by e-mail.",
        "Done: each of the %(count)s learners in the file is enrolled or has been sent an "
        "invitation by e-mail.",
        len(check.rows),
    ) % {"count": len(check.rows)}
    if form.cleaned_data["renewal"]:
        # No count of its own: it would tell apart the addresses left alone (see above).
        done += " " + _(
            "Those whose current run of a course was completed have been assigned a renewal of it."
        )
    if result.already:
        done += " " + ngettext(
            "%(already)s was already enrolled (the due date was updated).",
            "%(already)s were already enrolled (their due date was updated).",
            result.already,
        ) % {"already": result.already}
    messages.success(request, done)
    return redirect(
        reverse("learning_reports:completion")
        + "?"
        + urlencode({"course": str(form.chosen_courses()[0].key)})
    )


def _certificate_in_scope(request, certificate_id):
    """A certificate of one of the coordinator's people; any other id is simply not found."""
    from certificates.models import Certificate

    scope = _scope(request)
    return get_object_or_404(
        Certificate.objects.filter(scope.learner_filter("learner__")), pk=certificate_id
    )


def _completion_url(request) -> str:
    """Back to the completion report with the filters the coordinator came from."""
    return reverse("learning_reports:completion") + "?" + request.GET.urlencode()


@require_http_methods(["GET", "POST"])
def certificate_revoke(request, certificate_id):
    """Revoke one of my people's certificates, with a reason kept in its history."""
    from certificates.admin_views import revoke_with_reason

    return revoke_with_reason(
        request,
        _certificate_in_scope(request, certificate_id),
        done_url=_completion_url(request),
        template="reports/admin/certificate_revoke.html",
        context={"page_title": _("Revoke certificate")},
    )


@require_http_methods(["POST"])
def certificate_reissue(request, certificate_id):
    """Re-issue after a learner's name was corrected: same code, new PDF (rendered now, in the
    request: one render is cheap enough, see benchmarks/README.md, "Certificates"), history
    kept."""
    from certificates import services as certificate_services

    certificate = _certificate_in_scope(request, certificate_id)
    if certificate.is_revoked:
        messages.warning(request, _("A revoked certificate cannot be re-issued."))
        return redirect(_completion_url(request))
    certificate_services.certificate_reissue(certificate=certificate, by=request.user)
    messages.success(
        request, _("Certificate %(code)s re-issued.") % {"code": certificate.grouped_code}
    )
    return redirect(_completion_url(request))


@require_http_methods(["GET", "POST"])
def renewal(request):
    """Assign a renewal (a new run with a due date) to the people the filtered completion report
    shows for one course, whose current run is complete: the GET says how many and asks for
    the due date, the POST (the same filters, hidden) assigns them through
    courses.services.enrollment_assign. A second submit finds them in their renewal run and
    opens nothing more."""
    scope = _scope(request)
    courses = selectors.report_courses()
    data = request.POST if request.method == "POST" else request.GET
    filters_form = _filter_form(request, scope, courses, "completion", data=data)
    form = RenewalAssignForm(data if request.method == "POST" else None)
    page = {
        "page_title": _("Assign a renewal"),
        "scope": scope,
        "reports": TITLES,
        "report": "completion",
        "filters_form": filters_form,
        "form": form,
    }
    if not filters_form.is_valid():
        return render(request, "reports/admin/renewal.html", page, status=400)
    filters = filters_form.filters()
    if not filters.get("course"):
        page["problem"] = _(
            "Choose a course in the report's filters first: a renewal is of one course."
        )
        return render(request, "reports/admin/renewal.html", page, status=400)
    titles = {c.key: c.title for c in courses}
    candidates = selectors.renewal_candidates(scope=scope, filters=filters, courses=courses)
    count = candidates.count()
    page.update(
        count=count,
        course_title=titles[filters["course"]],
        back_url=reverse("learning_reports:completion") + "?" + urlencode(filters_form.as_export()),
    )
    if not count:
        page["problem"] = _(
            "Nobody shown by these filters has a completed run of this course to renew "
            "(people already in a renewal run are not counted again)."
        )
        return render(request, "reports/admin/renewal.html", page, status=400)
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "reports/admin/renewal.html", page, status=status)
    opened = services.renewals_assign(
        scope=scope,
        filters=filters,
        courses=courses,
        due_on=form.cleaned_data["due_on"],
        by=request.user,
    )
    messages.success(
        request,
        ngettext(
            "A renewal due on %(date)s was assigned to %(count)s person.",
            "A renewal due on %(date)s was assigned to %(count)s people.",
            opened,
        )
        % {"count": opened, "date": formats.date_format(form.cleaned_data["due_on"])},
    )
    return redirect(page["back_url"])


def platform_rosters(request):
    """The platform courses (LTI) of the coordinator's scope, each with a link to its roster."""
    scope = _scope(request)
    return render(
        request,
        "reports/admin/platform_rosters.html",
        {
            "page_title": _("Platform rosters"),
            "contexts": selectors.platform_contexts(scope),
            "scope": scope,
            "reports": TITLES,
            "report": "platform_rosters",
        },
    )


def platform_roster(request, pk):
    """One platform course's roster, read from the platform now (NRPS), for a coordinator whose
    scope holds its registration's institution; any other context is not theirs to know."""
    from lti.admin_views import roster_page

    scope = _scope(request)
    context = get_object_or_404(selectors.platform_contexts(scope), pk=pk)
    return roster_page(
        request,
        context,
        back_url=reverse("learning_reports:platform_rosters"),
        back_label=_("Platform rosters"),
    )
