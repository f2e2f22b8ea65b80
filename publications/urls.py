from django.urls import path

from publications import card_views, export_views, views

app_name = "publications"
urlpatterns = [
    path("", views.PublicationListView.as_view(), name="list"),
    # The list as filtered (same query parameters), to take away.
    path("export.bib", export_views.export_list, {"fmt": "bibtex"}, name="list_bibtex"),
    path(
        "export.json",
        export_views.export_list,
        {"fmt": "csl-json"},
        name="list_csljson",
    ),
    path("export.ris", export_views.export_list, {"fmt": "ris"}, name="list_ris"),
    path("export.txt", export_views.export_list, {"fmt": "text"}, name="list_text"),
    # What each filter choice keeps, for filtering without a server.
    path("filters.json", views.filter_index, name="filter_index"),
    path("words.json", views.word_index, name="word_index"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    path("<slug:slug>/card.png", card_views.publication_card, name="card"),
    path("<slug:slug>/cite.bib", export_views.export_bibtex, name="export_bibtex"),
    path("<slug:slug>/cite.json", export_views.export_csljson, name="export_csljson"),
    path("<slug:slug>/cite.ris", export_views.export_ris, name="export_ris"),
]
