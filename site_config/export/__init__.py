"""The public site as static files: ``manage.py export_site`` and its parts.

``site`` maps live URLs to files and rewrites links, ``render`` fetches pages
through Django in-process, ``build`` walks the site and writes the mirror
incrementally, ``check`` follows every link of a mirror, ``search`` indexes it
with Pagefind, and ``tasks`` keeps a mirror current after editors' saves.
"""
