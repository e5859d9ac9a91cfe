"""Sorted, paginated plain lists: the header links and one page of rows, for lists small
enough that django-tables2's per-cell machinery would be most of the page (the responses list)."""

from dataclasses import dataclass

from django.core.paginator import Paginator


@dataclass(frozen=True)
class SortColumn:
    key: str  # the ?sort= value
    label: str
    order_by: tuple  # model fields, ascending


@dataclass(frozen=True)
class Header:
    label: str
    sort: str  # the ?sort= value its link sets: this column, or reversed when it is the current one
    aria_sort: str  # "ascending", "descending" or "" (not the sorted column)


def sorted_rows(queryset, columns, sort, default):
    """(``queryset`` ordered by ``sort``: a column's key, "-" first for descending; anything
    else sorts by ``default``; the headers)."""
    by_key = {column.key: column for column in columns}
    if sort.lstrip("-") not in by_key:
        sort = default
    key, descending = sort.lstrip("-"), sort.startswith("-")
    fields = [f"-{field}" if descending else field for field in by_key[key].order_by]
    headers = [
        Header(
            column.label,
            f"-{column.key}" if sort == column.key else column.key,
            ("descending" if descending else "ascending") if column.key == key else "",
        )
        for column in columns
    ]
    return queryset.order_by(*fields, "pk"), headers


def page_of(request, rows, per_page=20, page_field="page"):
    """The requested page of ``rows`` (the last one when past it, the first when not a number)."""
    return Paginator(rows, per_page).get_page(request.GET.get(page_field))
