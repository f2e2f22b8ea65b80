"""Writes that touch several people at once."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from people.models import Affiliation, NameVariant, Person
from people.names import name_key

# Profile fields the kept person takes over from the other one when blank.
FILLABLE_FIELDS = [
    "native_name",
    "photo",
    "interests",
    "current_position",
    "bio",
    "email",
    "homepage",
    "orcid",
    "google_scholar_id",
    "github_username",
    "start_date",
    "end_date",
]


@dataclass
class MergeReport:
    kept: Person
    removed_name: str
    authorships_moved: int = 0
    authorships_dropped: int = 0
    affiliations_moved: int = 0
    themes_added: int = 0
    variants_moved: int = 0

    def summary(self):
        dropped = (
            f" ({self.authorships_dropped} duplicates dropped)"
            if self.authorships_dropped
            else ""
        )
        return (
            f"Merged “{self.removed_name}” into “{self.kept}”: "
            f"{self.authorships_moved} authorships moved{dropped}, "
            f"{self.affiliations_moved} affiliations, {self.themes_added} themes, "
            f"{self.variants_moved} name variants."
        )


@transaction.atomic
def merge_people(*, keep, remove):
    """Fold remove into keep and delete remove.

    Authorships, affiliations, research themes and name variants move to keep;
    remove's name becomes a name variant of keep so later imports still match
    it. Where both sign the same publication, keep's authorship stays and takes
    over the equal-contribution and corresponding marks of the other.
    """
    if keep.pk == remove.pk:
        raise ValueError("Cannot merge a person into themselves.")
    report = MergeReport(kept=keep, removed_name=remove.full_name)

    own = {a.publication_id: a for a in keep.authorships.all()}
    for authorship in remove.authorships.all():
        mine = own.get(authorship.publication_id)
        if mine is None:
            authorship.person = keep
            authorship.save(update_fields=["person"])
            report.authorships_moved += 1
            continue
        mine.equal_contribution |= authorship.equal_contribution
        mine.corresponding |= authorship.corresponding
        mine.save(update_fields=["equal_contribution", "corresponding"])
        authorship.delete()
        report.authorships_dropped += 1

    known_orgs = set(keep.affiliations.values_list("organization_id", "department"))
    next_position = (keep.affiliations.aggregate(top=Max("position"))["top"] or 0) + 1
    for affiliation in remove.affiliations.order_by("position"):
        if (affiliation.organization_id, affiliation.department) in known_orgs:
            affiliation.delete()
            continue
        # Park the row on a free position of keep before handing it over, so
        # the per-person position constraint never sees two rows on one slot.
        Affiliation.objects.filter(pk=affiliation.pk).update(
            person=keep, position=next_position
        )
        next_position += 1
        report.affiliations_moved += 1

    new_themes = remove.research_themes.exclude(people=keep)
    report.themes_added = new_themes.count()
    keep.research_themes.add(*new_themes)

    keys = {variant.match_key for variant in keep.name_variants.all()}
    keys.add(name_key(keep.full_name))
    for variant in remove.name_variants.all():
        if variant.match_key in keys:
            continue
        NameVariant.objects.filter(pk=variant.pk).update(person=keep)
        keys.add(variant.match_key)
        report.variants_moved += 1
    removed_key = name_key(remove.full_name)
    if removed_key not in keys:
        NameVariant.objects.create(person=keep, name=remove.full_name)
        report.variants_moved += 1

    changed = []
    for name in FILLABLE_FIELDS:
        if not getattr(keep, name) and getattr(remove, name):
            setattr(keep, name, getattr(remove, name))
            changed.append(name)
    if remove.is_member and not keep.is_member:
        keep.is_member = True
        keep.role = remove.role
        changed += ["is_member", "role"]
    if remove.show_on_people_page and not keep.show_on_people_page:
        keep.show_on_people_page = True
        changed.append("show_on_people_page")
    if "photo" in changed:
        # The file now belongs to keep: the delete below must not take it along.
        remove.photo = ""
    remove.delete()
    if changed:
        keep.save(update_fields=changed)
    return report
