"""What each page of a static export was made from, and what changed since.

While a page renders, ``Recorder`` notes every SELECT it runs (through the
connection's execute wrapper) and every model row it loads (``post_init``):

- a lookup by one column (``WHERE "t"."slug" = %s``, a prefetch's
  ``WHERE "t"."publication_id" IN (%s, %s)``), and every row loaded, becomes a
  *key* ``(table, column, value)``: the page depends on the rows holding that
  value, and on no others. A page whose keys on one column cover most of a
  table (a whole list's download) holds one key for the table instead
  (``table_key``), which any change in the table finds. A lookup that returns
  only which rows hold the value (their primary keys, ordered by them:
  ``Recorder._membership``) holds the key's *membership key* instead
  (``member_key``), found only when a row comes to hold the value or stops
  holding it, or is added or deleted;
- any other query (a list, a count, a filter) is a *scan*: its SQL, parameters,
  a digest of its result and, per table, the columns its result depends on
  beyond the rows it loads (those of WHERE, JOIN, GROUP BY, and of ORDER BY
  under a LIMIT that cut rows; every selected column when it loads no model
  instances) are kept once per export, shared by every page that ran it.
  When it returns a table's primary key as a value (``values()``), the
  columns only its select list or ordering reads are kept apart with the
  keys it returned (*members*): they matter for those rows only; so are the
  columns only the ordering under a window that cut rows reads, with the
  keys its filter let through.

``RowStates`` reads every table the pages read; the store keeps a digest of
each table's rows, and each row (as JSON) with its digest and key values. The
next export compares the tables' digests first, then, row by row, only the
tables whose digest moved (a title edit moves the publications table's alone):
each changed, added or deleted row gives the keys of its old and new values,
the membership keys of the values it gained or lost, and the columns that
changed; a scan runs again only when a row was added to
or deleted from one of its tables, a column it depends on changed, or a member
column changed in a row it returned, and counts as changed when its digest
differs. Only the pages holding a changed key or scan are rendered again. The
rules are Gatsby's page-query dependencies (node ids and connections), applied
to SQL. The state holds unpublished rows too, so it is kept outside the mirror
(see ``state_path``).
"""

import datetime
import decimal
import functools
import hashlib
import json
import re
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_init

# A page's keys on one column of a table stand for the whole table (one
# record, found by any change in it) when they are at least WHOLE_ROWS and
# WHOLE_SHARE of the column's distinct values: a whole list's download would
# otherwise store a key for every publication, authorship and person.
WHOLE_ROWS = 256
WHOLE_SHARE = 0.5

_TABLE = re.compile(r'(?:\bFROM|\bJOIN)\s+"(?P<table>[^"]+)"')
# One condition on one column, then at most ORDER BY / LIMIT (no parameter).
_KEYED = re.compile(
    r'\sWHERE\s+"(?P<table>[^"]+)"\."(?P<column>[^"]+)"\s*'
    r"(?:=\s*%s|IN\s*\((?P<list>%s(?:\s*,\s*%s)*)\))\s*"
    r"(?P<tail>(?:(?:ORDER\s+BY|LIMIT)\b[^%]*)?)$",
    re.S | re.I,
)
# A keyed lookup's parts when it may be membership-only (Recorder._membership):
# its select list, read from one table; an item of that list (a column,
# maybe renamed); its tail (an ordering, a window); an item of its ordering.
_MEMBER_HEAD = re.compile(
    r'\s*SELECT\s+(?:DISTINCT\s+)?(?P<items>.+?)\s+FROM\s+"(?P<table>[^"]+)"\s*',
    re.S | re.I,
)
_MEMBER_ITEM = re.compile(
    r'"(?P<table>[^"]+)"\."(?P<column>[^"]+)"(?:\s+AS\s+"[^"]+")?'
)
_MEMBER_TAIL = re.compile(
    r"(?:ORDER\s+BY\s+(?P<order>.+?))?\s*(?:LIMIT\s+-?\d+\s*)?(?:OFFSET\s+\d+\s*)?",
    re.S | re.I,
)
_MEMBER_ORDER = re.compile(
    r'\s*(?:"(?P<table>[^"]+)"\."(?P<column>[^"]+)"|(?P<ordinal>\d+))'
    r"(?:\s+(?:ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?\s*",
    re.I,
)
_ALIAS = re.compile(r'(?:\bFROM|\bJOIN)\s+"(?P<table>[^"]+)"\s+(?P<alias>[A-Z]\d+)\b')
_COLUMN = re.compile(
    r'(?:"(?P<table>[^"]+)"|\b(?P<alias>[A-Z]\d+))\."(?P<column>[^"]+)"'
)
_ORDER_BY = re.compile(r"\sORDER\s+BY\s", re.I)
_LIMITED = re.compile(r"\s(?:LIMIT|OFFSET)\s", re.I)
_LIMIT_ONLY = re.compile(r"\sLIMIT\s+(?P<limit>\d+)\s*$", re.I)
# A position in an ORDER BY list ("ORDER BY x, 1 ASC"), with what surrounds it.
_ORDER_POSITION = re.compile(
    r"(?P<before>(?:^|,)\s*)(?P<position>\d+)(?P<after>\s+(?:ASC|DESC)\b|\s*(?=,|$))",
    re.I,
)
# A select list item that is one table's column, maybe named "AS" another.
_SELECTED_COLUMN = re.compile(r'(?P<column>"[^"]+"\."[^"]+")(?:\s+AS\s+"[^"]+")?')
_GROUPED = re.compile(r"\s(?:GROUP\s+BY|HAVING)\s", re.I)
_ORDINAL = re.compile(
    r"(?:\sORDER\s+BY|\sGROUP\s+BY|,)\s+\d+(?:\s+(?:ASC|DESC))?", re.I
)
# The layout of the state file (its tables and what their JSON holds): a
# file of another is started afresh.
STATE_VERSION = 3
_SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    id INTEGER PRIMARY KEY, target TEXT UNIQUE NOT NULL, name TEXT
);
CREATE TABLE IF NOT EXISTS node_keys (key TEXT NOT NULL, node INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS node_keys_key ON node_keys (key);
CREATE INDEX IF NOT EXISTS node_keys_node ON node_keys (node);
CREATE TABLE IF NOT EXISTS node_scans (scan INTEGER NOT NULL, node INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS node_scans_scan ON node_scans (scan);
CREATE INDEX IF NOT EXISTS node_scans_node ON node_scans (node);
CREATE TABLE IF NOT EXISTS scans (
    id INTEGER PRIMARY KEY, sql TEXT NOT NULL, params TEXT NOT NULL,
    tables TEXT NOT NULL, digest TEXT NOT NULL, UNIQUE (sql, params)
);
CREATE TABLE IF NOT EXISTS links (src INTEGER NOT NULL, dst TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS links_src ON links (src);
CREATE INDEX IF NOT EXISTS links_dst ON links (dst);
CREATE TABLE IF NOT EXISTS rows (
    tbl TEXT NOT NULL, pk TEXT NOT NULL, digest TEXT NOT NULL, keys TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (tbl, pk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_columns (tbl TEXT NOT NULL, col TEXT NOT NULL,
    PRIMARY KEY (tbl, col)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS columns (tbl TEXT PRIMARY KEY, names TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS table_digests (tbl TEXT PRIMARY KEY, digest TEXT NOT NULL);
"""


# The indexes of the tables a page's node fills (its keys, scans and links):
# (name, table, column). A full export starts these tables empty and fills
# them with millions of rows (2.5 million keys at 1,000 publications); built
# once over the filled table, an index costs a fifth of what keeping it sorted
# through every insert does (DepsStore.reset and batch).
_NODE_INDEXES = re.findall(
    r"CREATE INDEX IF NOT EXISTS (\w+) ON (node_keys|node_scans|links) \((\w+)\);",
    _SCHEMA,
)


def state_path(directory):
    """The dependency state of the mirror in directory: a SQLite file under
    EXPORT_STATE_DIR (not in the mirror, which is published), named after the
    mirror's absolute path."""
    folder = Path(settings.EXPORT_STATE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(str(Path(directory).resolve()).encode()).hexdigest()
    return folder / f"{name[:24]}.sqlite3"


def _open_marker(path):
    return path.with_name(path.name + ".open")


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _plain(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    return value


def key_of(table, column, value):
    """The hashed key of rows of table whose column holds value."""
    return _digest(f"{table}\0{column}\0{_plain(value)}")


def member_key(key):
    """The membership key of key (``key_of``): held by a page whose lookup
    returned only which rows hold the value (``Recorder._membership``),
    found when a row comes to hold it or stops holding it, or is added or
    deleted while holding it (``_moved``), not when another column changes."""
    return _digest(f"member\0{key}")


def _moved(old, new):
    """The membership keys (``member_key``) a row's change moves, given its
    keys before and after (empty lists for a row added or deleted): those
    of the values it gained or lost, or of all of them when the row is new,
    gone, or its keys cover other columns now (key columns only grow, so a
    count that differs means the stored keys miss some)."""
    if not old or not new or len(old) != len(new):
        changed = set(old) | set(new)
    else:
        changed = set(old) ^ set(new)
    return {member_key(key) for key in changed}


def table_key(table):
    """The hashed key of every row of table: held by a page that read most of
    them (``PageDeps.settle``), found by any change in the table."""
    return _digest(f"{table}\0*")


# Every model row a page loads is noted by its primary key, and a page loads
# the same rows many times (a person on each paper of theirs a feed lists):
# the keys of rows met lately are kept rather than hashed again.
@functools.lru_cache(maxsize=65_536)
def _row_key(table, column, pk):
    return key_of(table, column, pk)


def _encode(value):
    """A query parameter as JSON that ``_decode`` turns back into its type."""
    for kind, type_ in _TYPES.items():
        if isinstance(value, type_):
            return {"$": kind, "v": str(value)}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value):
    if isinstance(value, dict):
        return _PARSE[value["$"]](value["v"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


# datetime before date: a datetime is a date too.
_TYPES = {
    "datetime": datetime.datetime,
    "date": datetime.date,
    "time": datetime.time,
    "decimal": decimal.Decimal,
    "uuid": uuid.UUID,
}
_PARSE = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "decimal": decimal.Decimal,
    "uuid": uuid.UUID,
}


@dataclass
class PageDeps:
    """What one page read: hashed keys, scan ids, and the tables behind both;
    key_columns are the (table, column) pairs its keys are on, tables those
    it depends on as a whole (any change in them: ``table_key``).

    While the page renders, keys gather by (table, column, whether only
    membership matters) in ``pending``; ``settle`` then keeps each group as
    its keys (``key_of``, or ``member_key`` of those), or as its whole table."""

    keys: set = field(default_factory=set)
    scans: set = field(default_factory=set)
    key_columns: set = field(default_factory=set)
    tables: set = field(default_factory=set)
    pending: dict = field(default_factory=dict)

    def add(self, table, column, values, *, membership=False):
        """Note that the page read the rows of table whose column holds one
        of values (hashed into keys only if ``settle`` keeps them as keys);
        membership: only which rows hold them (``Recorder._membership``)."""
        group = self.pending.setdefault((table, column, membership), set())
        self.key_columns.add((table, column))
        plain = [_plain(value) for value in values]
        try:
            group.update(plain)
        except TypeError:
            # A value no set holds (a list, say): its key, at once.
            self.keys.update(
                _page_key(table, column, value, membership) for value in plain
            )

    def settle(self, is_whole):
        """Move the pending values into keys, or, for a (table, column) group
        that is_whole(table, column, count of values) says covers most of the
        table, into tables: one record rather than a key a row (a whole
        list's download reads every publication, authorship and person)."""
        for (table, column, membership), values in self.pending.items():
            if table in self.tables:
                continue
            # A membership group too: the table's key is found by any change
            # in it, membership or not.
            if is_whole(table, column, len(values)):
                self.tables.add(table)
            else:
                self.keys.update(
                    _page_key(table, column, value, membership) for value in values
                )
        self.pending = {}


def _page_key(table, column, value, membership):
    key = _row_key(table, column, value)
    return member_key(key) if membership else key


class Recorder:
    """Notes what pages read from the database (one page at a time).

    scans maps (sql, params JSON) to [id, tables, digest] for every scan met in
    this export; ``store`` seeds it with the ids the manifest already has.
    """

    def __init__(self, using=DEFAULT_DB_ALIAS, scans=None):
        self.connection = connections[using]
        self.models = {
            model._meta.db_table: model
            for model in apps.get_models(include_auto_created=True)
        }
        self.scans = scans if scans is not None else {}
        self.current = None
        self._digesting = False
        self._sent = set()
        # Distinct values of (table, column), counted once a process: a
        # count a little off only moves the line between keys and table.
        self._distinct = {}

    @contextmanager
    def active(self):
        uid = f"labsite-export-recorder-{id(self)}"
        post_init.connect(self._loaded, weak=False, dispatch_uid=uid)
        try:
            with self.connection.execute_wrapper(self._executed):
                yield self
        finally:
            post_init.disconnect(dispatch_uid=uid)

    @contextmanager
    def page(self):
        """Record into a fresh PageDeps while the block renders one page."""
        self.current = deps = PageDeps()
        try:
            yield deps
        finally:
            self.current = None
            deps.settle(self.is_whole)

    def is_whole(self, table, column, count):
        """Whether count keys on table's column cover most of the table: at
        least WHOLE_ROWS of them, and WHOLE_SHARE of its distinct values."""
        if count < WHOLE_ROWS:
            return False
        if (table, column) not in self._distinct:
            quote = self.connection.ops.quote_name
            self._digesting = True
            try:
                with self.connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT COUNT(DISTINCT {quote(column)}) FROM {quote(table)}"
                    )
                    self._distinct[(table, column)] = cursor.fetchone()[0]
            finally:
                self._digesting = False
        return count >= WHOLE_SHARE * self._distinct[(table, column)]

    # --- a recorder copied into worker processes (site_config.export.parallel)

    def mark_known(self):
        """Note the scans whose digests this process already knows: in a forked
        worker, those the parent had, which ``new_scans`` need not send back."""
        self._sent = {key for key, entry in self.scans.items() if entry[2] is not None}

    def new_scans(self, deps):
        """{(sql, params JSON): (depends, digest)} of the scans deps ran that
        were not marked known or sent before: what the parent's recorder needs
        (``merge_scans``) to store the page's scans."""
        new = {
            key: (self.scans[key][1], self.scans[key][2])
            for key in deps.scans
            if key not in self._sent
        }
        self._sent.update(new)
        return new

    def merge_scans(self, scans):
        """Take in a worker's ``new_scans``: scans new here, and digests of
        stored scans this process had not run yet."""
        for key, (depends, digest) in scans.items():
            entry = self.scans.get(key)
            if entry is None:
                self.scans[key] = [None, depends, digest]
            elif entry[2] is None:
                entry[1:] = [depends, digest]

    def note_rows(self, table, column, values):
        """Note that the page rendering read the rows of table whose column
        holds one of values, as a lookup of them (``WHERE column IN ...``)
        would be noted: for rows whose digest a store kept from another page
        (``publications.entries.EntryStore.inputs``). The same few thousand
        ids are noted on page after page: their keys are kept rather than
        hashed again (``_row_key``), and made only for the rows a page keeps
        as keys (``PageDeps.settle``)."""
        deps = self.current
        if deps is None or not values:
            return
        deps.add(table, column, values)

    def _loaded(self, sender, instance, **kwargs):
        deps = self.current
        if deps is not None and instance.pk is not None:
            meta = instance._meta
            deps.add(meta.db_table, meta.pk.column, (instance.pk,))

    def _executed(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        deps = self.current
        if (
            deps is not None
            and not many
            and not self._digesting
            and sql.lstrip()[:6].upper() == "SELECT"
        ):
            self.note(deps, sql, params or ())
        return result

    def note(self, deps, sql, params):
        tables = {t for t in _TABLE.findall(sql) if t in self.models}
        if not tables:
            return
        if self._note_keyed(deps, sql, params, tables):
            return
        encoded = json.dumps(_encode(list(params)), separators=(",", ":"))
        entry = self.scans.get((sql, encoded))
        if entry is None or entry[2] is None:
            digest, rows = self.run_scan(sql, params)
            depends = self.scan_depends(sql, params, rows)
            if entry is None:
                entry = self.scans[(sql, encoded)] = [None, depends, digest]
            else:
                entry[1:] = [depends, digest]
        deps.scans.add((sql, encoded))

    def scan_depends(self, sql, params, rows):
        """[depends, members] of a query run with params that returned rows:
        ``depends``' columns, whose change runs it again, and ``members``'
        columns, whose change runs it again only for rows it returned (or,
        under a window that cut rows, for rows its filter let through)."""
        tables = {t for t in _TABLE.findall(sql) if t in self.models}
        depends = self.depends(sql, tables, rows)
        members = self.members(sql, depends, rows)
        window = self._window(sql, rows, depends)
        if window is not None:
            table, ordered, filtered = window
            depends[table] = sorted(set(depends[table]) - ordered)
            shown, _returned = members.get(table, ([], []))
            pks = self._filtered(filtered, params, table)
            members[table] = [sorted(ordered.union(shown)), pks]
        return [depends, members]

    def _window(self, sql, rows, depends):
        """(table, its columns only the ordering reads, the query without
        its ordering and window) of a query whose window (LIMIT n alone) cut
        rows and orders by columns of one table it reads once, returning its
        primary key: which rows the window keeps then changes with those
        columns only for rows the filter lets through. None for any other
        query (no function, grouping or ordinal; a single ORDER BY, outside
        parentheses, without parameters)."""
        head, _, rest = sql.partition(" FROM ")
        order = _ORDER_BY.search(rest)
        limit = _LIMIT_ONLY.search(rest)
        if rows is None or order is None or limit is None or "(" in head:
            return None
        if "%s" in head:
            return None
        before, ordering = rest[: order.start()], rest[order.end() : limit.start()]
        # Django orders by a value it selects "AS" a name by its position
        # (values_list("pk") ordered by pk gives "ORDER BY ..., 1 ASC"): such
        # a position reads the column it names.
        ordering = _ORDER_POSITION.sub(lambda m: _selected(head, m), ordering)
        rest = f"{before}{order.group()}{ordering}{rest[limit.start() :]}"
        if (
            len(rows) < int(limit["limit"])
            or before.count("(") != before.count(")")
            or "(" in ordering
            or "%s" in ordering
            or len(_ORDER_BY.findall(rest)) != 1
            or len(_LIMITED.findall(rest)) != 1
            or _GROUPED.search(rest)
            or _ORDINAL.search(rest)
        ):
            return None
        columns = list(_COLUMN.finditer(ordering))
        tables = {m["table"] for m in columns}
        if len(tables) != 1 or None in tables:
            return None
        (table,) = tables
        pk = f'"{table}"."{self.models[table]._meta.pk.column}"'
        if table not in depends or _TABLE.findall(sql).count(table) != 1:
            return None
        if not any(
            item.strip() == pk or item.strip().startswith(f"{pk} AS ")
            for item in re.sub(r"^SELECT\s+(?:DISTINCT\s+)?", "", head).split(",")
        ):
            return None
        filters = {
            m["column"]
            for m in _COLUMN.finditer(before)
            if m["table"] == table or m["alias"] is not None
        }
        ordered = {m["column"] for m in columns} - filters
        if not ordered:
            return None
        return table, ordered, f"SELECT {pk} FROM {before}"

    def _filtered(self, sql, params, table):
        """The primary keys (text) of table that sql returns."""
        self._digesting = True
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                return sorted({str(row[0]) for row in cursor.fetchall()})
        finally:
            self._digesting = False

    def depends(self, sql, tables, rows=None):
        """{table: [columns]}: the columns of each table whose change may change
        the query's result even for rows it did not load as model instances
        (nor returned the primary key of, when rows, the query's result, is
        given: those columns are ``members``')."""
        aliases = {m["alias"]: m["table"] for m in _ALIAS.finditer(sql)}
        head, _, rest = sql.partition(" FROM ")
        rest, ordering = _unordered(rest, rows)
        ordinal = _ORDINAL.search(rest) is not None
        depends = {table: set() for table in tables}
        # Tables whose primary key is selected as a plain column (not "AS"
        # an alias, as values() does): their rows become model instances.
        loaded = set()
        for table in tables:
            column = f'"{table}"."{self.models[table]._meta.pk.column}"'
            at = head.find(column)
            if at >= 0 and not head[at + len(column) :].lstrip().startswith("AS "):
                loaded.add(table)
        returned = self._returned(sql, head, rest, rows)
        # An order that decides no row's presence still shows in the order
        # of rows not loaded as instances (whose keys the page holds).
        for part, counts in ((head, False), (ordering, False), (rest, True)):
            for match in _COLUMN.finditer(part):
                table = match["table"] or aliases.get(match["alias"])
                if table not in depends:
                    continue
                if counts or ordinal or table not in loaded | returned.keys():
                    depends[table].add(match["column"])
        return {table: sorted(columns) for table, columns in depends.items()}

    def members(self, sql, depends, rows):
        """{table: [columns, [pk texts]]}: for each table whose primary key
        the query returned as a value (``values()``), the columns beyond
        depends' that only its select list or its ordering (one that decides
        no row's presence) reads, and the rows it returned.
        Such a column's change in another row cannot change the result (the
        row's filter columns, in depends, did not change), so it runs the
        query again only for a row returned."""
        head, _, rest = sql.partition(" FROM ")
        rest, ordering = _unordered(rest, rows)
        members = {}
        for table, index in self._returned(sql, head, rest, rows).items():
            shown = {
                m["column"]
                for m in _COLUMN.finditer(f"{head} {ordering}")
                if m["table"] == table
            }
            shown.difference_update(depends.get(table, ()))
            if shown:
                pks = {str(row[index]) for row in rows if row[index] is not None}
                members[table] = [sorted(shown), sorted(pks)]
        return members

    def _returned(self, sql, head, rest, rows):
        """{table: position in the select list} of the tables whose primary
        key the query selects "AS" a value, when the rules of ``members``
        hold: rows known, no function or subquery in the select list, no
        grouping or ordinal, and the table read once (no second alias of it
        whose rows the select list could show)."""
        if (
            rows is None
            or "(" in head
            or _GROUPED.search(rest)
            or _ORDINAL.search(rest)
        ):
            return {}
        found = _TABLE.findall(sql)
        items = [
            item.strip()
            for item in re.sub(r"^SELECT\s+(?:DISTINCT\s+)?", "", head).split(",")
        ]
        returned = {}
        for table in set(found):
            if found.count(table) != 1:
                continue
            pk = f'"{table}"."{self.models[table]._meta.pk.column}" AS '
            for index, item in enumerate(items):
                if item.startswith(pk):
                    returned[table] = index
                    break
        return returned

    def _note_keyed(self, deps, sql, params, tables):
        match = _KEYED.search(sql)
        if match is None or match["table"] not in tables:
            return False
        table, column = match["table"], match["column"]
        select = sql[: match.start()]
        # Joined tables count only when their rows are loaded as model
        # instances (their primary key is selected): post_init notes those.
        for other in tables - {table}:
            pk = self.models[other]._meta.pk.column
            if f'"{other}"."{pk}"' not in select.split(" FROM ", 1)[0]:
                return False
        start = select.count("%s")
        count = match[0].count("%s")
        values = list(params)[start : start + count]
        if len(values) != count:
            return False
        membership = self._membership(select, match["tail"], table, column)
        deps.add(table, column, values, membership=membership)
        return True

    def _membership(self, select, tail, table, column):
        """Whether a keyed lookup of table on column (select: the query up to
        its WHERE; tail: what follows its condition) returns only which rows
        hold its values: it reads table alone, selects only the primary key
        and the column (no function, no other column), and orders by those
        alone, the primary key among them. Its result then changes only
        when a row comes to hold one of the values or stops holding it, or
        is added or deleted (``member_key``), not when another column
        changes. The primary key in the ordering makes the order total: a
        database may return rows in another order after any update (as
        PostgreSQL does), and a LIMIT may then keep others."""
        head = _MEMBER_HEAD.fullmatch(select)
        rest = _MEMBER_TAIL.fullmatch(tail)
        if head is None or rest is None or head["table"] != table:
            return False
        pk = self.models[table]._meta.pk.column
        allowed = {pk, column}
        selected = []
        for item in head["items"].split(","):
            found = _MEMBER_ITEM.fullmatch(item.strip())
            if found is None or found["table"] != table:
                return False
            selected.append(found["column"])
        if not set(selected) <= allowed or rest["order"] is None:
            return False
        ordered = set()
        for item in rest["order"].split(","):
            found = _MEMBER_ORDER.fullmatch(item)
            if found is None:
                return False
            if found["ordinal"] is None:
                if found["table"] != table:
                    return False
                ordered.add(found["column"])
            elif 1 <= int(found["ordinal"]) <= len(selected):
                ordered.add(selected[int(found["ordinal"]) - 1])
            else:
                return False
        return pk in ordered and ordered <= allowed

    def run_scan(self, sql, params):
        """(digest, rows) of a query, run on its own cursor."""
        self._digesting = True
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                return _digest(repr(rows)), rows
        finally:
            self._digesting = False


class TableRows:
    """Every row of one table as a query returned them, ordered by primary key,
    with a digest of them all: a table whose digest is the stored one is
    unchanged, and its rows need no digest, key or JSON of their own."""

    def __init__(self, rows, where):
        self.rows = rows
        self.where = where
        self.digest = hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()

    def by_pk(self):
        """{pk text: (digest, row)}: each row's digest, as ``_digest`` of its
        repr (the same value in every process, unlike a hash())."""
        where = self.where
        return {str(row[where]): (_digest(repr(row)), row) for row in self.rows}


class RowStates:
    """Every row of some tables (``TableRows``); a row's hashed keys and JSON
    are made only when asked for (``keys``, ``text``): an incremental export
    needs those of the few rows that changed."""

    def __init__(self, using=DEFAULT_DB_ALIAS):
        self.connection = connections[using]
        self.models = {
            model._meta.db_table: model
            for model in apps.get_models(include_auto_created=True)
        }
        self.names = {}
        self.positions = {}
        self._dumps = json.JSONEncoder(
            default=str, ensure_ascii=False, separators=(",", ":")
        ).encode

    def read(self, columns):
        """{table: TableRows} of the tables of the key columns {table:
        {column}}; ``names`` then holds each table's column names, and
        ``keys`` gives a row's keys on its key columns."""
        states = {}
        self.names, self.positions = {}, {}
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for table, wanted in sorted(columns.items()):
                model = self.models.get(table)
                if model is None:
                    continue
                pk = model._meta.pk.column
                fields = model._meta.local_concrete_fields
                names = [f.column for f in fields]
                # Ordered, so the table's digest is the same while its rows
                # are (PostgreSQL returns an updated row at the end).
                cursor.execute(
                    f"SELECT {', '.join(quote(n) for n in names)} "
                    f"FROM {quote(table)} ORDER BY {quote(pk)}"
                )
                rows = cursor.fetchall()
                if any(f.get_internal_type() == "BinaryField" for f in fields):
                    # A memoryview's repr is its address, not its bytes.
                    rows = [tuple(_plain(value) for value in row) for row in rows]
                states[table] = TableRows(rows, names.index(pk))
                self.names[table] = names
                self.positions[table] = [
                    (names.index(c), c) for c in sorted(wanted | {pk}) if c in names
                ]
        return states

    def keys(self, table, row):
        """The hashed keys of row (as ``read`` gives it) of table."""
        return [key_of(table, c, row[i]) for i, c in self.positions[table]]

    def text(self, row):
        """row (as ``read`` gives it) as JSON: what ``DepsStore`` keeps to tell
        which of its columns a later change moved."""
        return self._dumps(row)


class DepsStore:
    """The export's dependency manifest: a SQLite file outside the mirror.

    It is written without a journal (fast, and the state can always be made
    again), so an export stopped while writing could leave it half-written:
    a marker file beside it says a batch is open, and a store found with the
    marker is started afresh (the next export then renders every page once);
    the marker goes when a batch commits.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.open_marker = _open_marker(self.path)
        if self.open_marker.exists():
            # The marker stays until a batch commits: an export stopped
            # before that must leave the next one knowing (``interrupted``).
            self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        if version != STATE_VERSION:
            # Written by another version of this code: started afresh.
            self.db.close()
            self.path.unlink(missing_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute(f"PRAGMA user_version = {STATE_VERSION}")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript(_SCHEMA)
        # Scans of the nodes forgotten since it opened (forget_deps).
        self.released = set()
        # {scan id: digest} as load_scans found them.
        self.stored_digests = {}

    def close(self):
        self.db.close()

    def reset(self):
        """Empty every table, and drop the node tables' indexes until the end
        of the batch (``batch``), as no query reads them while it fills."""
        for name, _table, _column in _NODE_INDEXES:
            self.db.execute(f"DROP INDEX IF EXISTS {name}")
        for table in (
            "nodes",
            "node_keys",
            "node_scans",
            "scans",
            "links",
            "rows",
            "key_columns",
            "columns",
            "table_digests",
        ):
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names

    @staticmethod
    def interrupted(path):
        """Whether an export that opened the store at path stopped before its
        batch committed (its marker is there, until a later batch commits):
        that export may have written files its mirror's manifest does not
        name, or names with other digests."""
        return _open_marker(Path(path)).exists()

    @contextmanager
    def batch(self):
        self.open_marker.touch()
        self.db.execute("BEGIN")
        try:
            yield
            self.build_indexes()
        except BaseException:
            # Without a journal a rollback may not restore the old state; the
            # marker stays, so the next export starts afresh.
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        self.open_marker.unlink()

    def build_indexes(self):
        """Make the node tables' indexes that ``reset`` dropped (no-op when
        they exist)."""
        for name, table, column in _NODE_INDEXES:
            self.db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")

    def is_empty(self):
        return self.db.execute("SELECT 1 FROM rows LIMIT 1").fetchone() is None

    # --- nodes ----------------------------------------------------------------

    def nodes(self):
        """{target url: (id, mirror file name or None)}."""
        return {
            target: (node, name)
            for node, target, name in self.db.execute(
                "SELECT id, target, name FROM nodes"
            )
        }

    def links_of(self, node):
        return {
            dst
            for (dst,) in self.db.execute("SELECT dst FROM links WHERE src = ?", [node])
        }

    def linked(self, target):
        """Whether any page still links to target."""
        row = self.db.execute("SELECT 1 FROM links WHERE dst = ? LIMIT 1", [target])
        return row.fetchone() is not None

    def all_linked(self):
        return {dst for (dst,) in self.db.execute("SELECT DISTINCT dst FROM links")}

    def save_node(self, target, name, deps, links, scan_ids):
        """Insert or replace one page's node with its keys, scans and links.

        A node stored before keeps the rows it still has: a page rendered
        again after an edit mostly reads what it read before, and writing
        only the difference spares deleting and inserting thousands of
        indexed rows (a person's page holds a key per paper and co-author).
        Returns the mirror file the node had before (None when new or none)."""
        row = self.db.execute("SELECT id, name FROM nodes WHERE target = ?", [target])
        found = row.fetchone()
        if found is None:
            old = None
            node = self.db.execute(
                "INSERT INTO nodes (target, name) VALUES (?, ?)", [target, name]
            ).lastrowid
        else:
            node, old = found
            if name != old:
                self.db.execute("UPDATE nodes SET name = ? WHERE id = ?", [name, node])
        keys, scans = set(), set()
        if deps is not None:
            keys = deps.keys | {table_key(table) for table in deps.tables}
            scans = {scan_ids[scan] for scan in deps.scans}
            self.db.executemany(
                "INSERT OR IGNORE INTO key_columns (tbl, col) VALUES (?, ?)",
                sorted(deps.key_columns),
            )
        stored = found is not None
        self._keep_only("node_keys", "key", "node", node, keys, stored=stored)
        gone = self._keep_only("node_scans", "scan", "node", node, scans, stored=stored)
        # Scans it no longer holds may be held by no node now.
        self.released.update(gone)
        self._keep_only("links", "dst", "src", node, set(links), stored=stored)
        return old

    def _keep_only(self, table, column, owner, node, values, *, stored):
        """Make the column values of node's rows in table (node in column
        owner) exactly values, writing only the difference (when stored: the
        node may have rows there). Returns the values it had no longer."""
        had = set()
        if stored:
            had = {
                value
                for (value,) in self.db.execute(
                    # Table and column names are this class's constants.
                    f"SELECT {column} FROM {table} WHERE {owner} = ?",  # noqa: S608
                    [node],
                )
            }
        gone = sorted(had - values)
        for chunk in _chunks(gone):
            marks = ",".join("?" * len(chunk))
            self.db.execute(
                f"DELETE FROM {table} WHERE {owner} = ? AND {column} IN ({marks})",  # noqa: S608
                [node, *chunk],
            )
        self.db.executemany(
            f"INSERT INTO {table} ({column}, {owner}) VALUES (?, ?)",  # noqa: S608
            [(value, node) for value in sorted(values - had)],
        )
        return gone

    def forget_deps(self, node):
        # The scans it held may be held by no node now: forget_unused_scans
        # looks at those alone.
        self.released.update(
            scan
            for (scan,) in self.db.execute(
                "SELECT scan FROM node_scans WHERE node = ?", [node]
            )
        )
        for table in ("node_keys", "node_scans"):
            self.db.execute(f"DELETE FROM {table} WHERE node = ?", [node])  # noqa: S608
        self.db.execute("DELETE FROM links WHERE src = ?", [node])

    def delete_node(self, node):
        self.forget_deps(node)
        self.db.execute("DELETE FROM nodes WHERE id = ?", [node])

    # --- scans ----------------------------------------------------------------

    def load_scans(self):
        """{(sql, params JSON): [id, depends, None]}: digests unknown until run
        (the stored ones are kept for ``changed_scans``)."""
        scans, self.stored_digests = {}, {}
        for scan, sql, params, tables, digest in self.db.execute(
            "SELECT id, sql, params, tables, digest FROM scans"
        ):
            scans[(sql, params)] = [scan, json.loads(tables), None]
            self.stored_digests[scan] = digest
        return scans

    def forget_unused_scans(self):
        """Delete the scans that nodes forgotten since the store opened held
        and no node holds now (not every scan: the store holds millions of a
        node's scans, and an edit forgets a few hundred nodes')."""
        released, self.released = sorted(self.released), set()
        for chunk in _chunks(released):
            marks = ",".join("?" * len(chunk))
            self.db.execute(
                f"DELETE FROM scans WHERE id IN ({marks}) AND NOT EXISTS "  # noqa: S608
                "(SELECT 1 FROM node_scans WHERE node_scans.scan = scans.id)",
                chunk,
            )

    def save_scans(self, scans):
        """Store new scans and new digests; returns {(sql, params): id}."""
        ids = {}
        for (sql, params), entry in scans.items():
            scan, tables, digest = entry
            if scan is None:
                scan = self.db.execute(
                    "INSERT INTO scans (sql, params, tables, digest) "
                    "VALUES (?, ?, ?, ?)",
                    [sql, params, json.dumps(tables), digest],
                ).lastrowid
                entry[0] = scan
            elif digest is not None:
                # Run again: what it depends on may have moved too.
                self.db.execute(
                    "UPDATE scans SET digest = ?, tables = ? WHERE id = ?",
                    [digest, json.dumps(tables), scan],
                )
            ids[(sql, params)] = scan
        return ids

    def changed_scans(self, recorder, tables):
        """Ids of stored scans whose result differs now, given tables as
        ``changes`` gives them; recorder.scans holds the stored scans
        (``load_scans``). Only scans such a change may reach run
        (``_may_change``); their new digests go into recorder.scans, so
        pages rendered now share them."""
        changed = set()
        self.scans_run = 0
        columns = {
            table: None if rows is None else set().union(*rows.values())
            for table, rows in tables.items()
        }
        for (sql, params), (scan, depends, _now) in list(recorder.scans.items()):
            digest = self.stored_digests.get(scan)
            if digest is None or not _may_change(depends, tables, columns):
                continue
            self.scans_run += 1
            decoded = _decode(json.loads(params))
            now, rows = recorder.run_scan(sql, decoded)
            recorder.scans[(sql, params)] = [
                scan,
                recorder.scan_depends(sql, decoded, rows),
                now,
            ]
            if now != digest:
                changed.add(scan)
        return changed

    def nodes_for(self, keys, scans):
        found = set()
        lookups = (("node_keys", "key", keys), ("node_scans", "scan", scans))
        for table, column, values in lookups:
            for chunk in _chunks(sorted(values)):
                marks = ",".join("?" * len(chunk))
                # Table and column names are the constants above, never input.
                sql = f"SELECT DISTINCT node FROM {table} WHERE {column} IN ({marks})"  # noqa: S608
                found.update(node for (node,) in self.db.execute(sql, chunk))
        return found

    # --- rows -------------------------------------------------------------------

    def key_columns(self):
        columns = {}
        for table, column in self.db.execute("SELECT tbl, col FROM key_columns"):
            columns.setdefault(table, set()).add(column)
        return columns

    def scan_tables(self):
        tables = set()
        for (names,) in self.db.execute("SELECT DISTINCT tables FROM scans"):
            tables.update(json.loads(names)[0])
        return tables

    def changes(self, states, reader):
        """What changed between the stored rows and states (``RowStates.read``
        by reader): (keys of the changed rows' old and new values, the
        membership keys of the values they gained or lost (of all of them
        for a row added or deleted: ``_moved``), and the keys of their
        tables' whole-table dependency (``table_key``); {table: None
        when rows were added or deleted or its columns changed, else {pk
        text: the columns that changed}}; the changed rows as [(table, pk,
        (digest, keys, JSON text) now, or None)]).

        Only the rows of a table whose digest moved are compared one by one:
        at 10,000 publications reading and comparing every row of the 20
        tables took 2.7 s of CPU, their digests alone 1.2 s."""
        keys, tables, changed = set(), {}, []
        digests = dict(self.db.execute("SELECT tbl, digest FROM table_digests"))
        old_names = {
            table: json.loads(columns)
            for table, columns in self.db.execute("SELECT tbl, names FROM columns")
        }
        for table in sorted(set(digests) | set(states)):
            now = states.get(table)
            if now is not None and digests.get(table) == now.digest:
                continue
            old = dict(
                self.db.execute("SELECT pk, digest FROM rows WHERE tbl = ?", [table])
            )
            new = {} if now is None else now.by_pk()
            for pk in old.keys() | new.keys():
                before, after = old.get(pk), new.get(pk)
                if before is not None and after is not None and before == after[0]:
                    continue
                keys.add(table_key(table))
                state, new_keys, old_keys = None, [], []
                if after is not None:
                    row = after[1]
                    state = (after[0], reader.keys(table, row), reader.text(row))
                    new_keys = state[1]
                changed.append((table, pk, state))
                if before is None or after is None:
                    tables[table] = None
                if before is not None:
                    row_keys, data = self.db.execute(
                        "SELECT keys, data FROM rows WHERE tbl = ? AND pk = ?",
                        [table, pk],
                    ).fetchone()
                    old_keys = json.loads(row_keys)
                keys.update(old_keys)
                keys.update(new_keys)
                keys.update(_moved(old_keys, new_keys))
                if (
                    before is None
                    or after is None
                    or (table in tables and tables[table] is None)
                ):
                    continue
                columns = _changed_columns(
                    old_names.get(table),
                    json.loads(data),
                    reader.names.get(table),
                    state[2],
                )
                if columns is None:
                    tables[table] = None
                else:
                    tables.setdefault(table, {})[pk] = columns
        return keys, tables, changed

    def apply_row_changes(self, changed, digests):
        """Store the rows ``changes`` found changed, and digests ({table:
        digest} of ``TableRows``) as the tables' digests."""
        for table, pk, state in changed:
            if state is None:
                self.db.execute(
                    "DELETE FROM rows WHERE tbl = ? AND pk = ?", [table, pk]
                )
            else:
                self.db.execute(
                    "INSERT OR REPLACE INTO rows (tbl, pk, digest, keys, data) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [table, pk, state[0], json.dumps(state[1]), state[2]],
                )
        self.save_digests(digests)

    def save_rows(self, states, reader):
        """Store every row of states (``RowStates.read`` by reader)."""
        self.db.execute("DELETE FROM rows")
        for table, rows in states.items():
            self.db.executemany(
                "INSERT INTO rows (tbl, pk, digest, keys, data) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        table,
                        pk,
                        digest,
                        json.dumps(reader.keys(table, row)),
                        reader.text(row),
                    )
                    for pk, (digest, row) in rows.by_pk().items()
                ],
            )
        self.save_names(reader.names)
        self.save_digests({table: rows.digest for table, rows in states.items()})

    def save_digests(self, digests):
        # Tables no page reads any more lose their digest with their rows
        # (``changes`` found those deleted).
        self.db.execute("DELETE FROM table_digests")
        self.db.executemany(
            "INSERT INTO table_digests (tbl, digest) VALUES (?, ?)",
            sorted(digests.items()),
        )

    def save_names(self, names):
        self.db.executemany(
            "INSERT OR REPLACE INTO columns (tbl, names) VALUES (?, ?)",
            [(table, json.dumps(columns)) for table, columns in names.items()],
        )


def _changed_columns(old_names, old_row, new_names, new_text):
    """The columns whose values differ, or None when the table's columns did."""
    if old_names is None or old_names != new_names:
        return None
    new_row = json.loads(new_text)
    pairs = zip(new_names, old_row, new_row, strict=True)
    return {name for name, a, b in pairs if a != b}


def _selected(head, position):
    """The column the select list of head ("SELECT a, b AS x") holds at
    position (an ``_ORDER_POSITION`` match, counted from 1), with the text
    around the number kept; the match itself when that item is not a plain
    column (an expression, a function, a position past the list)."""
    items = re.sub(r"^\s*SELECT\s+(?:DISTINCT\s+)?", "", head, flags=re.I).split(",")
    index = int(position["position"]) - 1
    item = (
        _SELECTED_COLUMN.fullmatch(items[index].strip()) if index < len(items) else None
    )
    if item is None:
        return position.group()
    return f"{position['before']}{item['column']}{position['after']}"


def _unordered(rest, rows):
    """(rest, "") for rest (a query after its first FROM), or (rest without
    its ORDER BY, the ORDER BY) when the ordering cannot change which rows
    it returns, only their order: no window (LIMIT, OFFSET) follows it, or,
    given rows (its result), a LIMIT n alone that kept fewer than n rows.
    Only an ORDER BY outside parentheses is taken apart."""
    order = _ORDER_BY.search(rest)
    if order is None:
        return rest, ""
    before = rest[: order.start()]
    if before.count("(") != before.count(")"):
        return rest, ""
    window = _LIMITED.search(rest[order.end() :])
    if window is not None:
        limit = _LIMIT_ONLY.search(rest)
        if (
            rows is None
            or limit is None
            or len(_LIMITED.findall(rest)) != 1
            or len(_ORDER_BY.findall(rest)) != 1
            or len(rows) >= int(limit["limit"])
        ):
            return rest, ""
    return before, rest[order.start() :]


def _may_change(depends, tables, columns):
    """Whether a scan's result may differ after the changes tables (as
    ``DepsStore.changes`` gives them; columns: each table's changed columns,
    or None when rows were added or deleted): rows added to or deleted from
    one of its tables, a column of its ``depends`` changed, or a column of
    its ``members`` changed in a row it returned."""
    filters, members = depends
    for table, names in filters.items():
        if table in columns and (
            columns[table] is None or not columns[table].isdisjoint(names)
        ):
            return True
    for table, (shown, pks) in members.items():
        rows = tables.get(table)
        if rows and not columns[table].isdisjoint(shown):
            returned = set(pks)
            if any(
                pk in returned and not changed.isdisjoint(shown)
                for pk, changed in rows.items()
            ):
                return True
    return False


def _chunks(items, size=500):
    for start in range(0, len(items), size):
        yield items[start : start + size]
