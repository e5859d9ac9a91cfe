"""Forms of the workflow pages. They validate input only; the rules live in services.py.

The hearing response and HMU review forms have one stance field and one comment field per
proposal, named ``stance_<proposal id>`` and ``comment_<proposal id>``, so a page can lay
them out in a fieldset per proposal."""

from django import forms
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import signoff_dates
from .models import Stance

STANCE_CHOICES = [("", _("Vælg holdning"))] + list(Stance.choices)


def stance_options(selected):
    """The ``<option>``s of a stance select with ``selected`` chosen: written once per value and
    shared by the rows (a template loop over the choices per row was a third of the form page)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if v == selected else "", label) for v, label in STANCE_CHOICES),
    )


def _textarea(rows=3):
    return forms.Textarea(attrs={"class": "form-input", "rows": rows})


class AccessibleForm(forms.Form):
    """Points each invalid field at its error message (templates/approvals/_field.html ids)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            field = self.fields[name]
            ids = [f"{self[name].auto_id}-error"]
            if field.help_text:
                ids.append(f"{self[name].auto_id}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(ids)


class PerProposalForm(AccessibleForm):
    """Base of the forms with a stance and a comment per proposal.

    ``proposals`` is a list of Proposal objects (in catalogue order); ``initial_stances``
    maps proposal id -> (stance, comment). The per-proposal inputs are not Django fields: a
    catalogue of 5,000 proposals would make 10,000 field objects and widget renders. They are
    read from the data here (``stance_<id>``, ``comment_<id>``, ``confirm_<id>``), their errors
    kept in ``row_errors`` and the page renders them from ``rows()``. The phase-in pool row
    asks for no stance and has no inputs.

    A row whose inputs were not posted is left as saved (``initial_stances``): a large
    catalogue's form shows one page of rows at a time, and a POST carries that page only
    (Django refuses a POST of tens of thousands of fields). ``stances()`` has the posted rows;
    the checks of a submission read the saved stance of every other row."""

    stance_label = _("Holdning")
    comment_label = _("Kommentar")

    def __init__(self, *args, proposals, initial_stances=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = list(proposals)
        self.asked = [p for p in self.proposals if not p.is_phase_in]
        self.initial_stances = initial_stances or {}
        self.row_errors = {}  # proposal id -> {"stance": [messages], "comment": [messages]}

    @staticmethod
    def stance_name(proposal):
        return f"stance_{proposal.pk}"

    @staticmethod
    def comment_name(proposal):
        return f"comment_{proposal.pk}"

    @staticmethod
    def confirm_name(proposal):
        return f"confirm_{proposal.pk}"

    def _posted(self, proposal):
        return self.stance_name(proposal) in self.data or self.comment_name(proposal) in self.data

    def _value(self, proposal, index):
        if self.is_bound and self._posted(proposal):
            name = (self.stance_name, self.comment_name)[index](proposal)
            return self.data.get(name, "")
        return self.initial_stances.get(proposal.pk, ("", ""))[index]

    def rows(self, proposals=None):
        """{proposal id: row} for the template (of ``proposals``, the page's, or all): names,
        ids, shown values, the select's options, errors."""
        out, options = {}, {}
        for p in self.asked if proposals is None else [p for p in proposals if not p.is_phase_in]:
            errors = self.row_errors.get(p.pk, {})
            stance = self._value(p, 0) or ""
            if stance not in options:
                options[stance] = stance_options(stance)
            out[p.pk] = {
                "stance_name": self.stance_name(p),
                "comment_name": self.comment_name(p),
                "confirm_name": self.confirm_name(p),
                "stance": stance,
                "options": options[stance],
                "comment": self._value(p, 1) or "",
                "stance_errors": errors.get("stance", []),
                "comment_errors": errors.get("comment", []),
            }
        return out

    # The error summary links this many row errors; a submission missing thousands of stances
    # says how many more there are instead of listing them all.
    LINKED_ROW_ERRORS = 50

    # {proposal id: "?side=N"} of the rows on other pages than the one shown (set by the view),
    # so the error summary links to the page where the field is.
    row_pages = {}

    @property
    def row_error_links(self):
        """[(link, message)] for the error summary (at most LINKED_ROW_ERRORS): the shown page's
        rows first, then those of other pages, each in catalogue order."""
        shown = [p for p in self.asked if p.pk not in self.row_pages]
        others = [p for p in self.asked if p.pk in self.row_pages]
        links = [
            (f"{self.row_pages.get(p.pk, '')}#id_{kind}_{p.pk}", message)
            for p in (shown + others if others else self.asked)
            if p.pk in self.row_errors
            for kind in ("stance", "comment")
            for message in self.row_errors[p.pk].get(kind, [])
        ]
        if len(links) > self.LINKED_ROW_ERRORS:
            more = len(links) - self.LINKED_ROW_ERRORS
            links = links[: self.LINKED_ROW_ERRORS]
            links.append(("", ngettext("… og %(n)s fejl mere.", "… og %(n)s fejl mere.", more) % {"n": more}))
        return links

    @property
    def has_errors(self):
        return bool(self.errors or self.row_errors)

    def is_valid(self):
        return super().is_valid() and not self.row_errors

    def _row_error(self, proposal, kind, message):
        self.row_errors.setdefault(proposal.pk, {}).setdefault(kind, []).append(message)

    def clean(self):
        cleaned = super().clean()
        valid = {value for value, _label in STANCE_CHOICES}
        self.row_values = {}
        for p in self.asked:
            if not self._posted(p):
                continue  # not on the posted page: left as saved
            stance = str(self.data.get(self.stance_name(p), "")).strip()
            comment = str(self.data.get(self.comment_name(p), "")).strip()
            if stance not in valid:
                self._row_error(
                    p,
                    "stance",
                    gettext("Vælg et gyldigt valg. %(value)s er ikke et af de tilgængelige valg.") % {"value": stance},
                )
                stance = ""
            if "\x00" in comment:
                self._row_error(p, "comment", gettext("Teksten må ikke indeholde nul-tegn."))
            self.row_values[p.pk] = (stance, comment)
        self.confirmed = {p.pk for p in self.asked if self.data.get(self.confirm_name(p))}
        return cleaned

    def _stance_after_save(self, proposal):
        if proposal.pk in self.row_values:
            return self.row_values[proposal.pk][0]
        return self.initial_stances.get(proposal.pk, ("", ""))[0]

    def require_all_stances(self):
        # Mirrors hearing.save_hearing_response (which stays the authority) so the error
        # can stand next to its field: the phase-in pool row needs no stance. A row of another
        # page counts with its saved stance.
        for proposal in self.asked:
            if not self._stance_after_save(proposal) and not self.row_errors.get(proposal.pk):
                self._row_error(
                    proposal,
                    "stance",
                    gettext("Vælg en holdning til forslag %(code)s %(title)s.")
                    # One full stop even after a title that ends in one ("… mv.").
                    % {"code": proposal.code, "title": proposal.title.rstrip(".")},
                )

    def require_stance_for_comment(self):
        # ProposalStance needs a stance; a comment alone would be lost, so say so.
        for proposal in self.asked:
            stance, comment = self.row_values.get(proposal.pk, ("", ""))
            if comment and not stance and not self.row_errors.get(proposal.pk):
                self._row_error(
                    proposal,
                    "stance",
                    gettext("Vælg en holdning til forslag %(code)s, når du skriver en kommentar til det.")
                    % {"code": proposal.code},
                )

    def stances(self):
        """{proposal id: (stance, comment)} for every row posted (service input; "" clears a stance)."""
        return dict(self.row_values)


class HearingResponseForm(PerProposalForm):
    """An LMU's hearing response. A draft may be incomplete; a submission needs every stance."""

    SAVE = "save"
    SUBMIT = "submit"

    general_comment = forms.CharField(label=_("Generel kommentar"), required=False, widget=_textarea(5))
    # Sent by the pressed button (name="action"); no button (e.g. Enter) means a draft.
    action = forms.ChoiceField(choices=[(SAVE, _("Gem kladde")), (SUBMIT, _("Indsend"))], required=False)

    # The confirmation step of a submission: an explicit tick next to the button, checked here.
    confirm_submit = forms.BooleanField(
        label=_("Jeg bekræfter, at svaret er færdigt og skal indsendes. Et indsendt svar kan ikke ændres."),
        required=False,
    )

    field_order = ["general_comment"]

    @property
    def submitting(self):
        return self.is_bound and self.data.get("action") == self.SUBMIT

    def clean(self):
        cleaned = super().clean()
        cleaned["action"] = cleaned.get("action") or self.SAVE
        self.require_stance_for_comment()
        if cleaned["action"] == self.SUBMIT:
            self.require_all_stances()
            if not cleaned.get("confirm_submit"):
                self.add_error("confirm_submit", gettext("Bekræft, at svaret skal indsendes."))
        return cleaned


class HmuReviewForm(PerProposalForm):
    """HMU's overall statement and its position per proposal.

    The HMU page shows a page of proposals at a time (a catalogue may have 20,000), so a POST
    holds the positions of the proposals on that page only: bound, the form reads and saves the
    proposals whose stance select was posted and leaves every other position as it is (a
    select always posts, so a proposal on the page is never skipped). The POST stays far below
    DATA_UPLOAD_MAX_NUMBER_FIELDS whatever the size of the catalogue."""

    stance_label = _("HMU's holdning")
    comment_label = _("HMU's kommentar")

    statement = forms.CharField(label=_("Samlet udtalelse fra HMU"), required=False, widget=_textarea(6))

    field_order = ["statement"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.asked = [p for p in self.asked if self.stance_name(p) in self.data]

    def _value(self, proposal, index):
        # A proposal not posted (shown on a page it was not on when the form was sent) shows
        # its saved position.
        name = (self.stance_name, self.comment_name)[index](proposal)
        if self.is_bound and name in self.data:
            return self.data.get(name, "")
        return self.initial_stances.get(proposal.pk, ("", ""))[index]

    def rows(self, proposals=None):
        """As ``PerProposalForm.rows``, for ``proposals`` (the page's; default: those posted)."""
        if proposals is None:
            return super().rows()
        posted, self.asked = self.asked, [p for p in proposals if not p.is_phase_in]
        try:
            return super().rows()
        finally:
            self.asked = posted

    def clean(self):
        cleaned = super().clean()
        self.require_stance_for_comment()
        return cleaned


class TransitionForm(AccessibleForm):
    """The form of a workflow step's button (approvals.transitions): made for the catalogue's
    ``process`` on every page and in the admin, so a step whose fields depend on where the
    catalogue stands (the approval before the planned meeting) asks for them everywhere."""

    def __init__(self, *args, process=None, **kwargs):
        self.process = process
        super().__init__(*args, **kwargs)


class NoteForm(TransitionForm):
    """A transition with an optional note (open hearing, forward, approve)."""

    note = forms.CharField(label=_("Bemærkning (valgfri)"), required=False, widget=_textarea(2))

    def transition_input(self):
        """The keyword arguments of ``services.perform`` this form gives."""
        return {"note": self.cleaned_data["note"]}


class ApproveForm(NoteForm):
    """The sign-off body's approval: an explicit confirmation step next to the button (an
    approval freezes the catalogue and starts the memos to the budget parties).

    Given the ``process`` (and, in tests, ``today``), an approval before the planned sign-off
    meeting needs a second tick, ``confirm_before_meeting``, naming the meeting's date and
    today's: the approval is recorded with today's date, and the texts that tell of it say so
    (signoff_dates). The transition's guard asks the same question (``transition_input``)."""

    confirm = forms.BooleanField(
        label=_("Jeg bekræfter, at rådmandsmødet godkender kataloget, som det ser ud nu."),
        error_messages={"required": _("Bekræft godkendelsen.")},
    )

    def __init__(self, *args, process=None, today=None, **kwargs):
        super().__init__(*args, process=process, **kwargs)
        self.meeting = signoff_dates.before_meeting(process, today) if process is not None else None
        if self.meeting is not None:
            self.fields["confirm_before_meeting"] = forms.BooleanField(
                label=signoff_dates.early_approval_label(self.meeting, today),
                error_messages={
                    "required": signoff_dates.early_approval_refusal(process, confirmed=False, today=today)
                },
            )

    def transition_input(self):
        data = super().transition_input()
        if self.process is not None:
            # For the sign-off's guard (signoff_dates.early_approval_refusal), which refuses an
            # unconfirmed approval before the meeting whatever door it comes through.
            data["approved_before_meeting"] = bool(self.cleaned_data.get("confirm_before_meeting"))
        return data


class ReasonForm(TransitionForm):
    """A transition that needs a stated reason (send back, reopen)."""

    reason = forms.CharField(
        label=_("Begrundelse"),
        widget=_textarea(3),
        error_messages={"required": _("Skriv en begrundelse.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Skriv en begrundelse."))
        return reason

    def transition_input(self):
        return {"note": self.cleaned_data["reason"]}


class SendBackToHearingForm(ReasonForm):
    """HMU returns the catalogue to hearing; a passed deadline needs a new one (the service says so)."""

    hearing_deadline = forms.DateField(
        label=_("Ny høringsfrist"),
        required=False,
        help_text=_("Skal angives, hvis den nuværende frist er overskredet."),
        # type=date sends ISO dates, which Django accepts next to the Danish formats.
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d"),
    )

    def transition_input(self):
        return {**super().transition_input(), "hearing_deadline": self.cleaned_data["hearing_deadline"]}


class StartHmuReviewForm(TransitionForm):
    """Start of HMU review. Whether a reason is needed (early start) is the service's rule."""

    reason = forms.CharField(
        label=_("Begrundelse for tidlig start"),
        required=False,
        widget=_textarea(2),
        help_text=_("Kræves, hvis høringsfristen ikke er udløbet, og ikke alle hørte LMU'er har svaret."),
    )

    def transition_input(self):
        return {"note": self.cleaned_data["reason"]}
