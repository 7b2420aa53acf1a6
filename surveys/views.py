"""The survey page: one address per invitation, for its learner only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import FollowUpForm, ReactionForm
from .models import SurveyKind


@login_required
def survey(request, token: str):
    """Show the survey, or store its answer once. Another learner's token, a forged one and a
    follow-up not sent yet are all 404 (nothing says the token exists); an expired invitation
    410; a second answer 409; invalid answers 400, with what to correct."""
    invitation = selectors.invitation_for(token=token, learner=request.user)
    if invitation is None:
        raise Http404
    kind = invitation.kind
    form_class = ReactionForm if kind == SurveyKind.REACTION else FollowUpForm
    context = {
        "invitation": invitation,
        "kinds": SurveyKind,
        "course_title": selectors.course_title(
            invitation.enrollment.course_key, (get_language() or "ro").split("-")[0]
        ),
    }
    if invitation.answered_at is not None:
        status = 409 if request.method == "POST" else 200
        return render(request, "surveys/answered.html", context, status=status)
    if not invitation.is_open(timezone.now()):
        return render(request, "surveys/expired.html", context, status=410)
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            record = (
                services.reaction_answer_record
                if kind == SurveyKind.REACTION
                else services.follow_up_answer_record
            )
            try:
                record(invitation=invitation, answers=form.cleaned_data)
            except services.SurveyAnswered:
                return render(request, "surveys/answered.html", context, status=409)
            except services.SurveyClosed:
                return render(request, "surveys/expired.html", context, status=410)
            messages.success(request, _("Thank you: your answers were recorded."))
            return redirect("courses:my_learning")
        status = 400
    return render(request, "surveys/survey.html", {**context, "form": form}, status=status)
