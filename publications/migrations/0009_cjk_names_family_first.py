from django.db import migrations

from people.names import is_cjk, printed_name


def family_first(apps, schema_editor):
    """Store CJK names as shown: "太郎 田中" (Western order, as imports made
    them before) becomes 田中太郎 in people's full names and in authorships'
    printed names (people.names.printed_name decides, nothing else changes)."""
    person_model = apps.get_model("people", "Person")
    authorship_model = apps.get_model("publications", "Authorship")
    people = {}
    for person in person_model.objects.exclude(given_name="").exclude(family_name=""):
        if not (is_cjk(person.given_name) and is_cjk(person.family_name)):
            continue
        shown = printed_name(
            person.full_name, given=person.given_name, family=person.family_name
        )
        people[person.pk] = (person.given_name, person.family_name)
        if shown != person.full_name:
            person.full_name = shown
            person.save(update_fields=["full_name"])
    if not people:
        return
    changed = []
    rows = authorship_model.objects.filter(person_id__in=list(people)).exclude(
        printed_name=""
    )
    for authorship in rows.iterator():
        given, family = people[authorship.person_id]
        shown = printed_name(authorship.printed_name, given=given, family=family)
        if shown != authorship.printed_name:
            authorship.printed_name = shown
            changed.append(authorship)
    authorship_model.objects.bulk_update(changed, ["printed_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_cv_entries"),
        ("publications", "0008_software_and_data"),
    ]

    operations = [migrations.RunPython(family_first, migrations.RunPython.noop)]
