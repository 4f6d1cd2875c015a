from types import SimpleNamespace

from dscp.admin_columns import annotated_column


def test_column_shows_the_annotation_and_sorts_by_it():
    column = annotated_column("places_booked", description="booked")
    assert column(None, SimpleNamespace(places_booked=7)) == 7
    assert (column.short_description, column.admin_order_field) == ("booked", "places_booked")


def test_a_yes_no_column_shows_as_an_icon():
    assert annotated_column("overdue", description="overdue", boolean=True).boolean is True
