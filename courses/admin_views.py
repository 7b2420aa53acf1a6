from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.auth import permission_denied
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import selectors, services
from .forms import RecertificationForm
from .models import CoursePage, RecertificationCampaign


def translation_status(request):
    """Which courses and lessons lack an English translation, or have one older than the source.

    For the people who write and publish pages (trainers, reviewers, administrators)."""
    if not PagePermissionPolicy().user_has_any_permission(request.user, ["change", "publish"]):
        return permission_denied(request)
    rows = selectors.translation_statuses(source_language="ro", target_language="en")
    return render(
        request,
        "courses/admin/translation_status.html",
        {
            "rows": rows,
            "page_title": _("Course translations"),
            "missing": sum(r.state == "missing" for r in rows),
            "outdated": sum(r.state == "outdated" for r in rows),
        },
    )


# Starting and closing a re-certification is the course's authors' decision (trainers, and
# administrators, who hold every permission), not a reviewer's or a coordinator's: it needs
# this permission (given to Wagtail's "Editors" group by courses.apps) and the right to edit
# the course page itself.
RECERTIFICATION_PERMISSION = "courses.add_recertificationcampaign"


def may_manage_recertification(user, course) -> bool:
    return (
        user.has_perm(RECERTIFICATION_PERMISSION) and course.permissions_for_user(user).can_edit()
    )


def _course_for_recertification(request, page_id) -> CoursePage | None:
    """The course, or None when this user may not manage its re-certification (a 404 for a page
    that is not a course, whoever asks)."""
    course = get_object_or_404(CoursePage, pk=page_id)
    return course if may_manage_recertification(request.user, course) else None


def recertification(request, page_id):
    """A course's re-certification campaigns, newest first, and the form to start one."""
    course = _course_for_recertification(request, page_id)
    if course is None:
        return permission_denied(request)
    steps = selectors.course_step_links(course=course)
    form = RecertificationForm(request.POST or None, steps=steps, today=timezone.localdate())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.recertification_start(
                    course_key=course.translation_key,
                    required_by=data["required_by"],
                    reason_ro=data["reason_ro"],
                    reason_en=data["reason_en"],
                    carry_over_step_keys=data["carry_over"],
                    by=request.user,
                )
            except services.RecertificationError as error:
                messages.error(request, error.message)
                status = 409
            else:
                messages.success(
                    request,
                    _(
                        "Re-certification started: holders of a current certificate are asked "
                        "to renew it by %(date)s and are told by e-mail."
                    )
                    % {"date": formats.date_format(data["required_by"], "SHORT_DATE_FORMAT")},
                )
                return redirect("recertification", course.pk)
    titles = {str(step.translation_key): step.title for step in steps}
    campaigns = [
        {
            "campaign": campaign,
            "carried_over": [
                titles.get(key, _("a step no longer in the course"))
                for key in campaign.carry_over_step_keys
            ],
        }
        for campaign in selectors.recertifications(course_key=course.translation_key)
    ]
    return render(
        request,
        "courses/admin/recertification.html",
        {
            "course": course,
            "form": form,
            "campaigns": campaigns,
            "page_title": _("Re-certification"),
        },
        status=status,
    )


@require_POST
def recertification_close(request, page_id, campaign_id):
    course = _course_for_recertification(request, page_id)
    if course is None:
        return permission_denied(request)
    campaign = get_object_or_404(
        RecertificationCampaign, pk=campaign_id, course_key=course.translation_key
    )
    if services.recertification_close(campaign=campaign):
        messages.success(
            request,
            _("Re-certification closed: certificates not yet renewed are no longer asked to be."),
        )
    else:
        messages.warning(request, _("This re-certification was already closed."))
    return redirect("recertification", course.pk)


def referral_contact_verify(request, pk):
    """ "Mark verified today" on a directory entry the person maintains (404 otherwise): GET
    asks to confirm, POST records the date and who verified, in every language."""
    from . import directory
    from .models import ReferralContact

    entry = get_object_or_404(ReferralContact, pk=pk)
    if not directory.maintains(request.user, entry.county):
        raise Http404
    if request.method == "POST":
        services.referral_contact_verify(contact=entry, user=request.user)
        messages.success(request, _("“%(entry)s” is marked as verified today.") % {"entry": entry})
        return redirect("wagtailsnippets_courses_referralcontact:list")
    return render(
        request,
        "courses/admin/referral_contact_verify.html",
        {"entry": entry, "page_title": _("Mark verified today")},
    )


def _may_maintain_some(user) -> bool:
    from . import directory

    counties = directory.counties_maintained_by(user)
    return counties is directory.EVERY or bool(counties)


def referral_directory_export(request):
    """The entries the person maintains, as CSV (courses.directory_csv)."""
    import csv

    from django.http import HttpResponse

    from .directory_csv import export_rows

    if not _may_maintain_some(request.user):
        return permission_denied(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="referral-directory.csv"'
    response.write("\ufeff")  # spreadsheets read the file as UTF-8
    csv.writer(response).writerows(export_rows(request.user))
    return response


def referral_directory_import(request):
    """Upload a CSV of entries: every row checked first, nothing written if one is bad (400)."""
    from .directory_csv import ImportRefused, parse
    from .forms import ReferralDirectoryImportForm

    if not _may_maintain_some(request.user):
        return permission_denied(request)
    form = ReferralDirectoryImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rows = parse(form.cleaned_data["file"], request.user)
            except ImportRefused as refused:
                errors, status = refused.errors, 400
            else:
                count = services.referral_directory_import(user=request.user, rows=rows)
                messages.success(
                    request, _("%(count)s directory entries imported.") % {"count": count}
                )
                return redirect("wagtailsnippets_courses_referralcontact:list")
        else:
            status = 400
    return render(
        request,
        "courses/admin/referral_directory_import.html",
        {"form": form, "errors": errors, "page_title": _("Import the referral directory")},
        status=status,
    )
