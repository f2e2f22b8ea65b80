from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse


def test_every_admin_page_answers_for_an_editor(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    request = editor_client.get(reverse("admin:index")).wsgi_request
    assert request.user.is_superuser
    visited = 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        response = editor_client.get(changelist)
        assert response.status_code == 200, changelist
        if model_admin.has_add_permission(request):
            add = reverse("admin:{}_{}_add".format(*info))
            assert editor_client.get(add).status_code == 200, add
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert editor_client.get(change).status_code == 200, change
        visited += 1
    assert visited >= 8
