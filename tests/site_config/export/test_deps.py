"""The rules that decide which pages an incremental export renders again: which
queries are lookups by key, and which columns a list query depends on."""

import pytest

from publications.models import Publication
from site_config.export import deps
from site_config.export.deps import (
    DepsStore,
    PageDeps,
    Recorder,
    RowStates,
    key_of,
    member_key,
)

PUB = "publications_publication"
AUTHORSHIP = "publications_authorship"
PERSON = "people_person"
ROW = "INSERT INTO rows VALUES ('t', '1', 'digest', '[]', '[]')"


def keyed(sql, params, tables):
    deps = PageDeps()
    found = Recorder()._note_keyed(deps, sql, params, set(tables))
    deps.settle(lambda *_: False)
    return found, deps


def test_a_lookup_by_slug_is_a_key_of_the_page(db):
    sql = (
        f'SELECT "{PUB}"."id", "{PUB}"."title" FROM "{PUB}" '
        f'WHERE "{PUB}"."slug" = %s LIMIT 21'
    )
    found, deps = keyed(sql, ["paper-5"], [PUB])
    assert found
    assert deps.keys == {key_of(PUB, "slug", "paper-5")}


def test_a_prefetch_with_its_joined_rows_loaded_is_keyed_on_its_ids(db):
    sql = (
        f'SELECT "{AUTHORSHIP}"."id", "{PERSON}"."id", "{PERSON}"."full_name" '
        f'FROM "{AUTHORSHIP}" INNER JOIN "{PERSON}" ON ("{AUTHORSHIP}"."person_id" = '
        f'"{PERSON}"."id") WHERE "{AUTHORSHIP}"."publication_id" IN (%s, %s) '
        f'ORDER BY "{AUTHORSHIP}"."position" ASC'
    )
    found, deps = keyed(sql, [1, 2], [AUTHORSHIP, PERSON])
    assert found
    assert deps.keys == {
        key_of(AUTHORSHIP, "publication_id", 1),
        key_of(AUTHORSHIP, "publication_id", 2),
    }


def test_a_join_whose_rows_are_not_loaded_is_no_key(db):
    sql = (
        f'SELECT "{AUTHORSHIP}"."id", "{PERSON}"."full_name" AS "name" '
        f'FROM "{AUTHORSHIP}" INNER JOIN "{PERSON}" ON ("{AUTHORSHIP}"."person_id" = '
        f'"{PERSON}"."id") WHERE "{AUTHORSHIP}"."publication_id" = %s'
    )
    assert not keyed(sql, [1], [AUTHORSHIP, PERSON])[0]


def test_a_second_condition_makes_a_scan(db):
    sql = (
        f'SELECT "{PUB}"."id" FROM "{PUB}" '
        f'WHERE ("{PUB}"."year" = %s AND "{PUB}"."is_selected")'
    )
    assert not keyed(sql, [2020], [PUB])[0]


def test_a_list_depends_on_its_filter_not_on_columns_of_rows_it_loads(db):
    sql = (
        f'SELECT "{PUB}"."id", "{PUB}"."title", "{PUB}"."year" FROM "{PUB}" '
        f'WHERE "{PUB}"."year" = %s AND "{PUB}"."kind" = %s '
        f'ORDER BY "{PUB}"."year" DESC, "{PUB}"."title" ASC'
    )
    # A title change reaches the page through the row it loaded (its key).
    assert Recorder().depends(sql, {PUB}) == {PUB: ["kind", "year"]}


def test_under_a_limit_the_order_counts_too(db):
    sql = (
        f'SELECT "{PUB}"."id", "{PUB}"."title" FROM "{PUB}" '
        f'WHERE "{PUB}"."year" = %s ORDER BY "{PUB}"."title" ASC LIMIT 60'
    )
    assert Recorder().depends(sql, {PUB}) == {PUB: ["title", "year"]}


def test_values_and_counts_depend_on_every_column_they_read(db):
    sql = (
        f'SELECT "{PUB}"."year" AS "year", COUNT("{PUB}"."id") AS "n" '
        f'FROM "{PUB}" GROUP BY 1'
    )
    assert Recorder().depends(sql, {PUB}) == {PUB: ["id", "year"]}


def test_a_store_left_mid_batch_starts_afresh(tmp_path):
    # Written without a journal: an export killed inside its batch leaves the
    # marker, and the next export renders everything rather than trust it.
    path = tmp_path / "state.sqlite3"
    store = DepsStore(path)
    with store.batch():
        store.db.execute(ROW)
    store.close()
    assert not DepsStore(path).is_empty()
    store = DepsStore(path)
    store.open_marker.touch()
    store.close()
    assert DepsStore.interrupted(path)
    assert DepsStore(path).is_empty()
    # Until a batch commits, a later export still learns of the stop.
    store = DepsStore(path)
    assert DepsStore.interrupted(path)
    with store.batch():
        store.db.execute(ROW)
    store.close()
    assert not DepsStore.interrupted(path)
    assert not DepsStore(path).is_empty()


def indexes(store):
    return {
        name
        for (name,) in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE "
            "'sqlite_autoindex%'"
        )
    }


def test_a_full_export_fills_the_node_tables_unindexed_and_indexes_them_at_the_end(
    tmp_path,
):
    store = DepsStore(tmp_path / "state.sqlite3")
    every = indexes(store)
    assert {"node_keys_key", "node_keys_node", "links_dst"} <= every
    deps = PageDeps()
    deps.keys.add(key_of(PUB, "id", 1))
    with store.batch():
        store.reset()
        assert not {"node_keys_key", "node_keys_node", "links_src"} & indexes(store)
        for n in range(3):
            store.save_node(f"/p/{n}/", f"p/{n}/index.html", deps, {"/"}, {})
    assert indexes(store) == every
    # The lookups an incremental export makes find the rows by the new indexes.
    plan = " ".join(
        str(row)
        for row in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT node FROM node_keys WHERE key = ?",
            [key_of(PUB, "id", 1)],
        )
    )
    assert "node_keys_key" in plan
    assert store.nodes_for({key_of(PUB, "id", 1)}, set()) == {
        node for node, _name in store.nodes().values()
    }
    assert store.linked("/")


def test_a_page_reading_most_rows_of_a_table_holds_one_key_for_the_table(
    make_publication, tmp_path, monkeypatch
):
    monkeypatch.setattr(deps, "WHOLE_ROWS", 2)
    for n in range(3):
        make_publication(f"Paper {n}")
    recorder = Recorder()
    with recorder.active(), recorder.page() as whole:
        list(Publication.objects.all())
    with recorder.active(), recorder.page() as one:
        Publication.objects.get(title="Paper 1")
    assert (whole.tables, whole.keys) == ({PUB}, set())
    assert one.tables == set()
    assert len(one.keys) >= 1

    store = DepsStore(tmp_path / "state.sqlite3")
    with store.batch():
        ids = store.save_scans(recorder.scans)
        store.save_node("/all/", "all/index.html", whole, set(), ids)
        store.save_node("/one/", "one/index.html", one, set(), ids)
        reader = RowStates()
        store.save_rows(reader.read({PUB: {"id"}}), reader)
    nodes = {url: node for url, (node, _name) in store.nodes().items()}
    assert store.db.execute("SELECT count(*) FROM node_keys").fetchone()[0] == 1 + len(
        one.keys
    )

    # A row added: the whole-table page only (the other keyed no new row).
    make_publication("Paper 3")
    keys, tables, _rows = store.changes(reader.read({PUB: {"id"}}), reader)
    assert tables == {PUB: None}
    assert store.nodes_for(keys, set()) == {nodes["/all/"]}


def test_a_list_of_values_runs_again_for_a_row_it_returned_or_a_filter_column():
    sql = (
        f'SELECT "{PUB}"."id" AS "pk", "{PUB}"."title" AS "title" FROM "{PUB}" '
        f'WHERE "{PUB}"."year" = %s ORDER BY "{PUB}"."title" ASC'
    )
    scan = Recorder().scan_depends(sql, [2020], [(1, "A"), (2, "B")])
    assert scan == [{PUB: ["year"]}, {PUB: [["id", "title"], ["1", "2"]]}]

    def runs(changes):
        columns = {
            table: None if rows is None else set().union(*rows.values())
            for table, rows in changes.items()
        }
        return deps._may_change(scan, changes, columns)

    assert not runs({PUB: {"3": {"title"}}})  # another row's title
    assert not runs({AUTHORSHIP: {"1": {"position"}}})
    assert runs({PUB: {"2": {"title"}}})  # a row it returned
    assert runs({PUB: {"3": {"year"}}})  # its filter: the row may join it
    assert runs({PUB: None})  # a row added or deleted


def test_a_window_that_cut_nothing_does_not_depend_on_its_order(db):
    sql = (
        f'SELECT "{PUB}"."id", "{PUB}"."title" FROM "{PUB}" '
        f'WHERE "{PUB}"."year" = %s ORDER BY "{PUB}"."title" ASC LIMIT 3'
    )
    recorder = Recorder()
    assert recorder.depends(sql, {PUB}, [(1, "A"), (2, "B")]) == {PUB: ["year"]}
    # Three rows may have left a fourth out: the order decides which.
    full = [(1, "A"), (2, "B"), (3, "C")]
    assert recorder.depends(sql, {PUB}, full) == {PUB: ["title", "year"]}
    offset = sql.replace("LIMIT 3", "LIMIT 3 OFFSET 3")
    assert recorder.depends(offset, {PUB}, []) == {PUB: ["title", "year"]}


@pytest.mark.parametrize(
    ("select", "ordering"),
    [
        (f'"{PUB}"."id", "{PUB}"."title"', f'"{PUB}"."title" ASC'),
        # values_list("pk") ordered by title then pk: Django writes the pk's
        # place in the select list, "1 ASC". A person's or a theme's newest
        # papers are such a window; a title edited elsewhere cannot change it.
        (
            f'"{PUB}"."id" AS "pk"',
            f'"{PUB}"."month" DESC NULLS LAST, "{PUB}"."title" ASC, 1 ASC',
        ),
    ],
)
def test_a_window_that_cut_rows_runs_again_for_an_order_change_of_a_row_it_filtered(
    make_publication, select, ordering
):
    inside = [make_publication(f"Paper {n}", year=2020) for n in range(3)]
    outside = make_publication("Paper 9", year=2021)
    sql = (
        f'SELECT {select} FROM "{PUB}" '
        f'WHERE "{PUB}"."year" = %s ORDER BY {ordering} LIMIT 2'
    )
    recorder = Recorder()
    _digest, rows = recorder.run_scan(sql, [2020])
    scan = recorder.scan_depends(sql, [2020], rows)
    filters, members = scan
    assert filters == {PUB: ["year"]}
    assert "title" in members[PUB][0]
    assert members[PUB][1] == sorted(str(p.pk) for p in inside)

    def runs(changes):
        columns = {
            table: set().union(*rows.values()) for table, rows in changes.items()
        }
        return deps._may_change(scan, changes, columns)

    # The third paper, cut off now, may enter the window; the 2021 one cannot.
    assert runs({PUB: {str(inside[2].pk): {"title"}}})
    assert not runs({PUB: {str(outside.pk): {"title"}}})
    assert runs({PUB: {str(outside.pk): {"year"}}})


def pk_lookup(select=f'"{PUB}"."id" AS "pk"', tail="ORDER BY 1 ASC", column="year"):
    return (
        f'SELECT {select} FROM "{PUB}" WHERE "{PUB}"."{column}" = %s {tail}'
    ).strip()


def test_a_lookup_returning_only_primary_keys_in_their_order_is_membership_only(db):
    for sql in (
        pk_lookup(),
        pk_lookup(tail=f'ORDER BY "{PUB}"."id" DESC LIMIT 5'),
        pk_lookup(select=f'DISTINCT "{PUB}"."id"', tail="ORDER BY 1 ASC"),
        pk_lookup(
            select=f'"{PUB}"."id", "{PUB}"."year"',
            tail=f'ORDER BY "{PUB}"."year" ASC, "{PUB}"."id" ASC LIMIT 2 OFFSET 4',
        ),
    ):
        found, page = keyed(sql, [2005], [PUB])
        assert found, sql
        assert page.keys == {member_key(key_of(PUB, "year", 2005))}, sql
        assert page.key_columns == {(PUB, "year")}
    sql = (
        f'SELECT "{PUB}"."id" AS "pk" FROM "{PUB}" '
        f'WHERE "{PUB}"."id" IN (%s, %s) ORDER BY 1 ASC'
    )
    assert keyed(sql, [1, 2], [PUB])[1].keys == {
        member_key(key_of(PUB, "id", 1)),
        member_key(key_of(PUB, "id", 2)),
    }


def test_a_lookup_reading_more_than_membership_keeps_the_rows_keys(db):
    for sql in (
        # Another column selected, or in a function, or ordered by.
        pk_lookup(select=f'"{PUB}"."id", "{PUB}"."title"', tail="ORDER BY 1 ASC"),
        pk_lookup(select=f'LOWER("{PUB}"."id") AS "pk"', tail="ORDER BY 1 ASC"),
        pk_lookup(tail=f'ORDER BY "{PUB}"."title" ASC, "{PUB}"."id" ASC'),
        pk_lookup(tail="ORDER BY 2 ASC"),
        # No total order: rows may come back in another after any update.
        pk_lookup(tail=""),
        pk_lookup(tail="LIMIT 1"),
        pk_lookup(select=f'"{PUB}"."year"', tail=f'ORDER BY "{PUB}"."year" ASC'),
        # Rows of a joined table loaded with them.
        f'SELECT "{PUB}"."id", "{PERSON}"."id" FROM "{PUB}" INNER JOIN "{PERSON}" '
        f'ON ("{PUB}"."id" = "{PERSON}"."id") WHERE "{PUB}"."year" = %s '
        f'ORDER BY "{PUB}"."id" ASC',
    ):
        found, page = keyed(sql, [2005], [PUB, PERSON] if PERSON in sql else [PUB])
        assert found, sql
        assert page.keys == {key_of(PUB, "year", 2005)}, sql


def test_membership_keys_follow_rows_that_join_or_leave_a_value_only(
    make_publication, tmp_path
):
    first = make_publication("Paper 1", year=2005)
    make_publication("Paper 2", year=2006)
    pages = {}
    for name, year, lookup in (
        ("/2005/", 2005, pk_lookup()),
        ("/2006/", 2006, pk_lookup()),
        ("/rows-2005/", 2005, pk_lookup(select=f'"{PUB}"."id", "{PUB}"."title"')),
    ):
        found, pages[name] = keyed(lookup, [year], [PUB])
        assert found
    store = DepsStore(tmp_path / "state.sqlite3")
    reader = RowStates()
    columns = {PUB: {"year"}}

    def save():
        with store.batch():
            for name, page in pages.items():
                store.save_node(name, name.strip("/"), page, set(), {})
            store.save_rows(reader.read(columns), reader)

    def dirty():
        keys, _tables, changed = store.changes(reader.read(columns), reader)
        # No table digests kept: every row is compared, and stored as it is.
        store.apply_row_changes(changed, {})
        nodes = {node: url for url, (node, _name) in store.nodes().items()}
        return {nodes[node] for node in store.nodes_for(keys, set())}

    save()
    first.title = "Renamed"
    first.save()
    assert dirty() == {"/rows-2005/"}
    first.year = 2006
    first.save()
    assert dirty() == {"/2005/", "/2006/", "/rows-2005/"}
    first.title = "Renamed again"
    first.save()
    assert dirty() == set()
    added = make_publication("Paper 3", year=2005)
    assert dirty() == {"/2005/", "/rows-2005/"}
    added.delete()
    assert dirty() == {"/2005/", "/rows-2005/"}
    first.delete()
    assert dirty() == {"/2006/"}


def test_membership_keys_of_a_row_whose_stored_keys_miss_a_column_all_move():
    old = [key_of(PUB, "id", 1)]
    new = [key_of(PUB, "id", 1), key_of(PUB, "year", 2005)]
    assert deps._moved(old, new) == {member_key(key) for key in new}
    assert deps._moved(new, []) == {member_key(key) for key in new}
    changed = [key_of(PUB, "id", 1), key_of(PUB, "year", 2006)]
    assert deps._moved(new, changed) == {
        member_key(key_of(PUB, "year", 2005)),
        member_key(key_of(PUB, "year", 2006)),
    }


def test_a_membership_group_covering_most_of_a_table_is_the_table(db):
    page = PageDeps()
    page.add(PUB, "id", range(10), membership=True)
    page.settle(lambda table, column, count: count >= 10)
    assert (page.tables, page.keys) == ({PUB}, set())


def test_a_list_of_values_depends_on_its_order_even_without_a_window(db):
    # The order of the ids it returns shows on the page, rows loaded or not.
    sql = (
        f'SELECT "{PUB}"."id" AS "pk" FROM "{PUB}" '
        f'WHERE "{PUB}"."year" = %s ORDER BY "{PUB}"."title" ASC'
    )
    recorder = Recorder()
    assert recorder.depends(sql, {PUB}) == {PUB: ["id", "title", "year"]}
    scan = recorder.scan_depends(sql, [2020], [(1,), (2,)])
    assert scan == [{PUB: ["year"]}, {PUB: [["id", "title"], ["1", "2"]]}]


def test_a_table_whose_digest_is_unchanged_is_not_compared_row_by_row(
    make_publication, tmp_path
):
    first = make_publication("Paper 1")
    make_publication("Paper 2")
    store = DepsStore(tmp_path / "state.sqlite3")
    reader = RowStates()
    with store.batch():
        store.save_rows(reader.read({PUB: {"id"}, PERSON: {"id"}}), reader)
    # A row changed behind the table's digest would be missed: the stored
    # rows are not read for a table whose digest matches.
    store.db.execute("UPDATE rows SET digest = 'stale' WHERE tbl = ?", [PUB])
    assert store.changes(reader.read({PUB: {"id"}, PERSON: {"id"}}), reader)[2] == []

    # update() sends no signal; the table's digest moves all the same.
    Publication.objects.filter(pk=first.pk).update(title="Renamed")
    keys, tables, changed = store.changes(
        reader.read({PUB: {"id"}, PERSON: {"id"}}), reader
    )
    assert {(table, pk) for table, pk, _state in changed} >= {(PUB, str(first.pk))}
    assert tables[PUB][str(first.pk)] == {"title"}
    assert PERSON not in tables
    assert key_of(PUB, "id", first.pk) in keys


def test_scans_no_node_holds_any_more_are_forgotten_and_shared_ones_kept(tmp_path):
    store = DepsStore(tmp_path / "state.sqlite3")
    scans = {
        ("SELECT 1", "[]"): [None, [{}, {}], "a"],
        ("SELECT 2", "[]"): [None, [{}, {}], "b"],
    }
    both, shared = PageDeps(), PageDeps()
    both.scans.update(scans)
    shared.scans.add(("SELECT 2", "[]"))
    with store.batch():
        ids = store.save_scans(scans)
        store.save_node("/a/", "a/index.html", both, set(), ids)
        store.save_node("/b/", "b/index.html", shared, set(), ids)
    with store.batch():
        store.save_node("/a/", "a/index.html", PageDeps(), set(), ids)
        store.forget_unused_scans()
    left = {sql for (sql,) in store.db.execute("SELECT sql FROM scans")}
    assert left == {"SELECT 2"}


def test_a_node_saved_again_holds_exactly_its_new_keys_scans_and_links(tmp_path):
    store = DepsStore(tmp_path / "state.sqlite3")
    scans = {(f"SELECT {n}", "[]"): [None, [{}, {}], str(n)] for n in range(3)}
    before, after = PageDeps(), PageDeps()
    before.keys.update({key_of(PUB, "id", 1), key_of(PUB, "id", 2)})
    before.scans.update(list(scans)[:2])
    after.keys.update({key_of(PUB, "id", 2), key_of(PUB, "id", 3)})
    after.tables.add(PERSON)
    after.scans.update(list(scans)[1:])
    with store.batch():
        ids = store.save_scans(scans)
        store.save_node("/p/", "p/index.html", before, {"/a/", "/b/"}, ids)
        store.save_node("/q/", "q/index.html", before, {"/a/"}, ids)
    with store.batch():
        old = store.save_node("/p/", "p/other.html", after, {"/b/", "/c/"}, ids)
    assert old == "p/index.html"
    nodes = {url: node for url, (node, _name) in store.nodes().items()}
    held = {
        key
        for (key,) in store.db.execute(
            "SELECT key FROM node_keys WHERE node = ?", [nodes["/p/"]]
        )
    }
    assert held == {key_of(PUB, "id", 2), key_of(PUB, "id", 3), deps.table_key(PERSON)}
    assert store.links_of(nodes["/p/"]) == {"/b/", "/c/"}
    assert store.links_of(nodes["/q/"]) == {"/a/"}
    assert store.nodes_for({key_of(PUB, "id", 1)}, set()) == {nodes["/q/"]}
    assert store.nodes_for(set(), {ids[("SELECT 2", "[]")]}) == {nodes["/p/"]}
    assert store.nodes_for(set(), {ids[("SELECT 0", "[]")]}) == {nodes["/q/"]}
    assert store.nodes()["/p/"][1] == "p/other.html"
