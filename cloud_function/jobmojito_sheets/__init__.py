"""jobmojito_sheets: invite the candidates selected in a Google Sheet to JobMojito interviews.

The rules (which rows, which columns, what to send, how results map back) are pure
functions in `selection`, `layout`, `plan` and `results`; `sheets`, `jobmojito`,
`identity` and `handler` are the thin shells that do the I/O.
"""
