"""Where publications come from besides BibTeX: CSL-JSON and RIS files, DOIs,
arXiv ids and ORCID records.

Every reader here turns what it reads into the entries the BibTeX reader makes
(``publications.bibtex.parse.Entry``: a BibTeX type, a key, lower-case BibTeX
field names mapped to text), so that one importer service matches, merges,
protects editors' changes and reports for every source alike.
"""
