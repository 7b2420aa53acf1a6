from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_learning_records_urls():
    return [
        path("learning-records/", admin_views.outbox, name="learning_records_outbox"),
        path(
            "learning-records/retry/",
            admin_views.outbox_retry,
            name="learning_records_outbox_retry",
        ),
    ]


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_settings_menu_item")
def outbox_menu_item():
    return OutboxMenuItem(
        _("Learning record store"),
        reverse("learning_records_outbox"),
        name="learning-record-store",
        icon_name="upload",
        order=350,
    )
