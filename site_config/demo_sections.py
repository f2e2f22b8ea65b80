"""Demo content of the sections beyond people, themes and papers: news posts,
talks and events, courses, grants. All of it is fictional, like the rest of the demo.

Rows are found by slug and only missing ones are created, so a re-run adds
nothing twice and keeps editors' changes. The upcoming talk is dated relative
to the day the demo is loaded, so the demo always has one.
"""

import datetime
import io
import math

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from news.models import Course, NewsPost, Talk
from people.models import CVEntry
from research.models import Grant

NEWS = [
    {
        "slug": "welcome-new-students-2025",
        "title": "Three new PhD students join the group",
        "date": "2025-09-08",
        "summary": "The group welcomes three new doctoral students this autumn.",
        "body": (
            "This September three PhD students join us to work on optimization "
            "and deep learning theory. Find them on the people page."
        ),
        "people": ["mateus-oyelaran", "lena-bruckner"],
        "themes": ["deep-learning-theory"],
    },
    {
        "slug": "attention-paper-oral",
        "title": "Attention paper selected for an oral presentation",
        "date": "2025-05-20",
        "summary": "Our work on the implicit bias of attention will be an oral.",
        "body": (
            "Our analysis of how attention layers learn sparse patterns "
            "[@wen2023attention] was selected for an oral presentation. "
            "Congratulations to everyone involved!"
        ),
        "people": ["shulan-wen"],
        "publications": ["wen2023attention"],
        "pinned": True,
    },
    {
        "slug": "flowbench-release",
        "title": "FlowBench 2.0 released",
        "date": "2025-02-14",
        "summary": "A new major version of our benchmark suite is out.",
        "body": (
            "FlowBench 2.0 adds twelve new optimization problems and runs "
            "twice as fast. The benchmark paper [@haddad2024benchmark] "
            "describes the design."
        ),
        "people": ["omar-haddad-delacroix"],
        "publications": ["haddad2024benchmark"],
    },
    {
        "slug": "best-poster-award-2024",
        "title": "Best poster award at the Harrowgate Learning Workshop",
        "date": "2024-11-03",
        "summary": "Priya's poster on escaping saddle points won the award.",
        "body": (
            "Priya van Tongeren's poster on escaping saddle points "
            "[@vantongeren2024escape] won the best poster award."
        ),
        "people": ["priya-vantongeren"],
        "publications": ["vantongeren2024escape"],
    },
    {
        "slug": "group-retreat-2024",
        "title": "Group retreat by the lake",
        "date": "2024-06-21",
        "summary": "Two days of talks, walks and whiteboards.",
        "body": (
            "The whole group spent two days at the lake discussing open "
            "problems in optimization, with $\\mathcal{O}(1/\\sqrt{T})$ rates "
            "a recurring theme."
        ),
        "people": ["shulan-wen", "kaito-ferreira"],
    },
]

# Dates: ISO strings, or a number of days from the day the demo is loaded.
TALKS = [
    {
        "slug": "why-gradient-methods-generalize",
        "title": "Why gradient methods generalize",
        "kind": Talk.Kind.KEYNOTE,
        "event": "Symposium on Learning Theory 2026",
        "location": "Northbridge",
        "start_date": 45,
        "abstract": (
            "A tour of what we know about implicit bias and margins "
            "[@wen2021margin], and what it tells us about new optimizers."
        ),
        "speakers": ["shulan-wen"],
        "publications": ["wen2021margin"],
        "themes": ["deep-learning-theory"],
    },
    {
        "slug": "adaptive-methods-tutorial",
        "title": "Adaptive methods, from first principles",
        "kind": Talk.Kind.TUTORIAL,
        "event": "Eastmoor Summer School in Optimization",
        "location": "Eastmoor",
        "start_date": "2025-07-14",
        "end_date": "2025-07-15",
        "abstract": "Two lectures on adaptive step sizes [@renwick2024adaptive].",
        "speakers": ["tobias-renwick"],
        "publications": ["renwick2024adaptive"],
        "slides_url": "https://www.example.edu/eastmoor/slides/adaptive.pdf",
    },
    {
        "slug": "flat-minima-seminar",
        "title": "Flat minima and noise",
        "kind": Talk.Kind.SEMINAR,
        "event": "Halcyon Institute ML Seminar",
        "location": "Online",
        "start_date": "2024-10-02",
        "speakers": ["kaito-ferreira"],
        "publications": ["ferreira2021flat", "ferreira2023noise"],
        "video_url": "https://video.example.org/halcyon/flat-minima",
    },
    {
        "slug": "learning-dynamics-workshop-2024",
        "title": "Workshop on Learning Dynamics 2024",
        "kind": Talk.Kind.EVENT,
        "event": "Workshop on Learning Dynamics",
        "event_url": "https://www.example.edu/eastmoor/ldw2024",
        "location": "Eastmoor University",
        "start_date": "2024-05-16",
        "end_date": "2024-05-17",
        "abstract": "Two days of invited talks and posters, run by the group.",
        "speakers": ["shulan-wen", "priya-vantongeren"],
        "themes": ["deep-learning-theory"],
    },
]

COURSES = [
    {
        "slug": "optimization-for-machine-learning",
        "code": "MATH 6120",
        "title": "Optimization for Machine Learning",
        "term": "Fall 2025",
        "year": 2025,
        "level": Course.Level.GRADUATE,
        "institution": "Eastmoor University",
        "description": (
            "Convex and non-convex optimization with an eye on deep learning: "
            "gradient descent, momentum, adaptive methods, and their analysis."
        ),
        "url": "https://www.example.edu/eastmoor/math6120",
        "instructors": ["shulan-wen", "tobias-renwick"],
    },
    {
        "slug": "introduction-to-statistical-learning",
        "code": "STAT 2400",
        "title": "Introduction to Statistical Learning",
        "term": "Spring 2025",
        "year": 2025,
        "level": Course.Level.UNDERGRADUATE,
        "institution": "Eastmoor University",
        "description": "Regression, classification and model selection.",
        "instructors": ["kaito-ferreira"],
    },
]


GRANTS = [
    {
        "title": "Implicit Bias of Gradient Methods in Deep Learning",
        "funder": "Eastmoor Science Foundation",
        "programme": "Young Investigator Awards",
        "number": "ESF-YI-2021-0417",
        "start_date": "2021-01-01",
        "end_date": "2026-12-31",
        "url": "https://www.example.org/esf/awards/0417",
        "acknowledgement": "This work was supported by the Eastmoor Science "
        "Foundation under grant ESF-YI-2021-0417.",
        "themes": ["deep-learning-theory"],
        "people": ["shulan-wen", "kaito-ferreira"],
    },
    {
        "title": "Fast and Reliable Optimizers for Scientific Machine Learning",
        "funder": "Northbridge Research Council",
        "programme": "Frontier Projects",
        "number": "NRC-FP-19-2230",
        "start_date": "2019-09-01",
        "end_date": "2023-08-31",
        "acknowledgement": "Funded by the Northbridge Research Council "
        "(Frontier Projects, NRC-FP-19-2230).",
        "themes": ["fast-optimizers"],
        "people": ["shulan-wen", "tobias-renwick"],
    },
]


# slug: (kind, title, where, from, to, detail) in CV order.
CV_ENTRIES = {
    "shulan-wen": [
        ("position", "Assistant Professor", "Northbridge University", 2014, 2017, ""),
        (
            "position",
            "Postdoctoral Fellow",
            "Halcyon Institute for Computation",
            2012,
            2014,
            "",
        ),
        (
            "education",
            "PhD in Applied Mathematics",
            "University of Harrowgate",
            2007,
            2012,
            "Thesis: Implicit regularization of first-order methods",
        ),
        ("education", "BSc in Mathematics", "Eastmoor University", 2003, 2007, ""),
        (
            "award",
            "Young Investigator Award",
            "Eastmoor Science Foundation",
            2021,
            None,
            "",
        ),
        ("service", "Area chair", "Symposium on Learning Theory", 2023, None, ""),
    ],
}


# Papers that get a drawn preview figure (al-folio's "preview"): key, colour.
PREVIEWS = [
    ("wen2023attention", "#1f5fa8"),
    ("vantongeren2024escape", "#7a3e65"),
    ("renwick2024adaptive", "#2e6b4f"),
]


def draw_preview(colour, *, seed, size=(480, 320)):
    """PNG bytes of a small line chart, a stand-in for a paper's key figure."""
    width, height = size
    image = Image.new("RGB", size, "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width - 1, height - 1], outline="#c9ced6", width=2)
    for row in range(1, 4):
        y = height * row // 4
        draw.line([(20, y), (width - 20, y)], fill="#eceff3", width=1)
    for curve in range(3):
        points = [
            (
                20 + x,
                height * 0.75
                - (height * 0.55) * (1 - math.exp(-x / (60 + 50 * curve)))
                + 12 * math.sin((x + 37 * seed) / (17 + 5 * curve)),
            )
            for x in range(0, width - 40, 4)
        ]
        draw.line(points, fill=colour if curve == 0 else "#9aa3af", width=4 - curve)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _day(value):
    if isinstance(value, int):
        return timezone.localdate() + datetime.timedelta(days=value)
    return datetime.date.fromisoformat(value) if value else None


def _related(row, spec, people, themes, publications):
    for field, lookup in (
        ("people", people),
        ("speakers", people),
        ("instructors", people),
        ("themes", themes),
    ):
        if field in spec:
            getattr(row, field).set([lookup[slug] for slug in spec[field]])
    if "publications" in spec:
        row.publications.set(
            [publications[key] for key in spec["publications"] if key in publications]
        )


def load_sections(report, people, themes, publications, *, with_images=True):
    """Create the missing news posts, talks, courses and grants.

    people and themes map slugs to rows, publications maps BibTeX keys to rows;
    report is the demo's DemoReport (counts per label); with_images draws
    preview figures for a few papers that have none.
    """
    for seed, (key, colour) in enumerate(PREVIEWS):
        publication = publications.get(key)
        if with_images and publication is not None and not publication.image:
            publication.image.save(
                f"{key}.png", ContentFile(draw_preview(colour, seed=seed)), save=True
            )
            report.photos += 1
    for spec in NEWS:
        post, created = NewsPost.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "date": _day(spec["date"]),
                "summary": spec["summary"],
                "body": spec["body"],
                "is_pinned": spec.get("pinned", False),
            },
        )
        report.count("news posts", created)
        if created:
            _related(post, spec, people, themes, publications)
    for spec in TALKS:
        fields = {
            key: value
            for key, value in spec.items()
            if key not in {"slug", "speakers", "publications", "themes"}
        }
        fields["start_date"] = _day(fields["start_date"])
        fields["end_date"] = _day(fields.get("end_date"))
        talk, created = Talk.objects.get_or_create(slug=spec["slug"], defaults=fields)
        report.count("talks and events", created)
        if created:
            _related(talk, spec, people, themes, publications)
    for spec in COURSES:
        fields = {
            key: value
            for key, value in spec.items()
            if key not in {"slug", "instructors"}
        }
        course, created = Course.objects.get_or_create(
            slug=spec["slug"], defaults=fields
        )
        report.count("courses", created)
        if created:
            _related(course, spec, people, themes, publications)
    for slug, entries in CV_ENTRIES.items():
        for position, (kind, title, where, start, end, detail) in enumerate(entries):
            _, created = CVEntry.objects.get_or_create(
                person=people[slug],
                kind=kind,
                title=title,
                defaults={
                    "organization": where,
                    "start_year": start,
                    "end_year": end,
                    "detail": detail,
                    "position": position,
                },
            )
            report.count("CV entries", created)
    for spec in GRANTS:
        fields = {
            key: value for key, value in spec.items() if key not in {"themes", "people"}
        }
        fields["start_date"] = _day(fields["start_date"])
        fields["end_date"] = _day(fields["end_date"])
        grant, created = Grant.objects.get_or_create(
            funder=spec["funder"], number=spec["number"], defaults=fields
        )
        report.count("grants", created)
        if created:
            _related(grant, spec, people, themes, publications)
