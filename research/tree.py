"""The one theme-tree helper: every walk of the research-interests tree.

Themes form a tree through ``parent``. Pages read the active themes in one query
and walk them in memory (`ThemeTree`); a theme being edited walks its saved
parents (`parent_chain`). Both stop at a theme already seen, so a cycle that
slipped into the data (the admin refuses to make one) cannot loop forever.
"""


def parent_chain(theme):
    """theme's parents from the nearest up, read through ``theme.parent``.

    For one theme outside a loaded tree (the admin's checks, ``path_title``);
    each step may cost a query. When the parents loop back to theme, theme
    itself ends the chain: that is how `ResearchTheme.clean()` sees the loop.
    """
    chain, node, seen = [], theme.parent, set()
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.parent
    return chain


class ThemeTree:
    """Themes (one query's rows) arranged as nested ``(theme, children)`` pairs.

    Iterating gives the root pairs, which is what the tree templates walk
    (``{% for theme, children in theme_tree %}``). A theme whose parent is not
    among the rows (inactive, say) becomes a root.
    """

    def __init__(self, themes):
        self.themes = list(themes)
        self._subtrees = None
        self._by_pk = {theme.pk: theme for theme in self.themes}
        by_parent = {}
        for theme in self.themes:
            by_parent.setdefault(theme.parent_id, []).append(theme)

        def branch(parent_id, seen):
            return [
                (theme, branch(theme.pk, seen | {theme.pk}))
                for theme in by_parent.get(parent_id, [])
                if theme.pk not in seen
            ]

        self.roots = [
            (theme, branch(theme.pk, {theme.pk}))
            for theme in self.themes
            if theme.parent_id is None or theme.parent_id not in self._by_pk
        ]

    def __iter__(self):
        return iter(self.roots)

    def __len__(self):
        return len(self.roots)

    def __bool__(self):
        return bool(self.roots)

    def walk(self, nodes=None, depth=0):
        """(theme, depth, children) for every theme, parents before children."""
        for theme, children in self.roots if nodes is None else nodes:
            yield theme, depth, children
            yield from self.walk(children, depth + 1)

    def find(self, slug):
        """The theme with this slug, or None."""
        return next((theme for theme in self.themes if theme.slug == slug), None)

    def children_of(self, theme):
        """theme's sub-themes as nested pairs ([] for a leaf or a stranger)."""
        for node, _depth, children in self.walk():
            if node.pk == theme.pk:
                return children
        return []

    def ancestors(self, theme):
        """theme's parents among the rows, from the root down."""
        chain, node, seen = [], self._by_pk.get(theme.parent_id), {theme.pk}
        while node is not None and node.pk not in seen:
            chain.insert(0, node)
            seen.add(node.pk)
            node = self._by_pk.get(node.parent_id)
        return chain

    def with_descendants(self, theme):
        """[theme, every theme below it]; [theme] when it is not in the tree."""
        children = self.children_of(theme)
        if not children and theme.pk not in self._by_pk:
            return [theme]
        return [self._by_pk.get(theme.pk, theme)] + [
            node for node, _depth, _children in self.walk(children)
        ]

    def subtrees(self):
        """{slug: [theme, every theme below it]} for every theme (worked out
        once per tree: the list page asks for it once per facet)."""
        if self._subtrees is not None:
            return self._subtrees
        subtrees = self._subtrees = {}

        def collect(nodes):
            collected = []
            for theme, children in nodes:
                below = collect(children)
                subtrees[theme.slug] = [theme, *below]
                collected.extend([theme, *below])
            return collected

        collect(self.roots)
        return subtrees
