"""What the view tests share."""

from django.forms import NullBooleanSelect


def change_form_data(response):
    """What the browser would post back for an admin change page as it was shown."""
    data = {}

    def add(form):
        for field in form:
            if field.field.show_hidden_initial:
                # The hidden input of the value the form was opened with, as Django renders it.
                name = field.html_initial_name
                opened = form.data.get(name) if form.is_bound and name in form.data else field.value()
                data[name] = field.field.hidden_widget().format_value(opened) or ""
            value = field.value()
            if isinstance(field.field.widget, NullBooleanSelect):  # a yes/no/unknown <select>
                data[field.html_name] = field.field.widget.format_value(value)
                continue
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form  # as shown, or as posted on a refused page
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for form in formset.forms:
            add(form)
    return data
