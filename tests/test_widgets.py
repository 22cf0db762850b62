"""FastSelect writes what Django's Select writes, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test.html import parse_html

from aduan.core.widgets import FastSelect

CHOICES = [("", "Semua"), ("a", "Dinas <Kesehatan> & Co"), ("b\"'", "Kota “Baru”"), (3, "Tiga")]


def both(value: Any, attrs: dict[str, Any] | None = None, choices: Any = CHOICES) -> tuple:
    fast = FastSelect(choices=choices).render("agency", value, attrs)
    django = forms.Select(choices=choices).render("agency", value, attrs)
    return parse_html(fast), parse_html(django), fast


@pytest.mark.parametrize("value", [None, "", "a", "b\"'", 3, "3", "missing", ["a"]])
def test_same_markup_as_django(value: Any) -> None:
    fast, django, _raw = both(
        value, {"id": "id_agency", "aria-describedby": "x y", "required": True}
    )
    assert fast == django


def test_values_and_labels_are_escaped() -> None:
    _fast, _django, raw = both("a")
    assert "<Kesehatan>" not in raw
    assert "&lt;Kesehatan&gt; &amp; Co" in raw
    assert 'value="b&quot;&#x27;"' in raw
    assert raw.count(" selected") == 1


def test_only_the_first_duplicate_value_is_selected() -> None:
    _fast, _django, raw = both("a", choices=[("a", "Satu"), ("a", "Dua")])
    assert raw.count(" selected") == 1


@pytest.mark.parametrize("value", ["b", "c", None])
def test_grouped_choices(value: Any) -> None:
    grouped = [("", "Semua"), ("Jawa & <Bali>", [("a", "A"), ("b", "B")]), ("c", "C")]
    fast, django, raw = both(value, choices=grouped)
    assert fast == django
    assert '<optgroup label="Jawa &amp; &lt;Bali&gt;">' in raw


def test_in_a_bound_form_with_errors() -> None:
    class F(forms.Form):
        agency = forms.ChoiceField(choices=CHOICES, widget=FastSelect, help_text="hint")

    class G(forms.Form):
        agency = forms.ChoiceField(choices=CHOICES, help_text="hint")

    for data in ({"agency": "zzz"}, {"agency": "a"}, {}):
        assert parse_html(str(F(data)["agency"])) == parse_html(str(G(data)["agency"]))


def test_a_safe_label_and_the_same_text_unmarked_are_not_confused() -> None:
    from django.utils.safestring import mark_safe

    from aduan.core.widgets import FastSelect

    plain = FastSelect(choices=[("a", "<b>x</b>")]).render("f", None)
    safe = FastSelect(choices=[("a", mark_safe("<b>x</b>"))]).render("f", None)
    again = FastSelect(choices=[("a", "<b>x</b>")]).render("f", None)
    assert "&lt;b&gt;x&lt;/b&gt;" in plain and plain == again
    assert "<b>x</b>" in safe


def _canonical_everywhere(form: forms.Form) -> int:
    """Every choice field of ``form`` holds what Django's normalisation would give."""
    from django.utils.choices import normalize_choices

    checked = 0
    for field in form.fields.values():
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            given = list(field.choices)
            assert normalize_choices(given) == given
            assert list(field.widget.choices) == given
            checked += 1
    return checked


def test_forms_given_canonical_choices_keep_them_as_django_would(world: Any) -> None:
    from aduan.backoffice.forms.filters import InboxFilterForm, QueueFilterForm
    from aduan.core.widgets import CanonicalChoices
    from aduan.reports.forms import PublicListForm, ReportForm

    public = PublicListForm()
    assert _canonical_everywhere(public) == 4
    # Passed through as given, not rebuilt by Django's normalisation.
    assert all(isinstance(public.fields[n].choices, CanonicalChoices) for n in ("agency", "region"))
    assert _canonical_everywhere(ReportForm()) >= 2
    assert _canonical_everywhere(QueueFilterForm()) >= 3
    units = [world.bandung, world.bandung_dinkes]
    assert _canonical_everywhere(InboxFilterForm(units=units)) >= 3


def test_choices_set_once_still_validate(world: Any) -> None:
    from aduan.reports.forms import PublicListForm

    good = PublicListForm({"region": "32.73", "agency": world.bandung.code, "status": ""})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["region"] == "32.73"
    bad = PublicListForm({"region": "99.99", "category": "nope"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"region", "category"}
    html = str(PublicListForm({"region": "32.73"})["region"])
    assert html.count(" selected") == 1 and 'value="32.73" selected' in html


def test_written_options_are_reused_and_marked_per_rendering() -> None:
    from aduan.core import widgets

    widgets._WRITTEN.clear()
    for value in ["a", None, 3, "b\"'", "a", "missing", ""]:
        fast, django, raw = both(value)
        assert fast == django, value
        assert raw.count(" selected") == (0 if value == "missing" else 1)
    # One entry served every rendering: the selected option is marked in a copy.
    assert len(widgets._WRITTEN) == 1
    assert " selected" not in next(iter(widgets._WRITTEN.values())).markup


def test_written_options_follow_the_language_and_the_choices() -> None:
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    lazy = [("", gettext_lazy("Semua")), ("a", "A")]
    with translation.override("id"):
        assert ">Semua</option>" in FastSelect(choices=lazy).render("s", None)
    with translation.override("en"):
        assert ">All</option>" in FastSelect(choices=lazy).render("s", None)
    # Another list (an agency added, renamed) is written anew, never served stale.
    first = FastSelect(choices=[("a", "Lama")]).render("s", "a")
    renamed = FastSelect(choices=[("a", "Baru")]).render("s", "a")
    assert ">Lama<" in first and ">Baru<" in renamed and ">Lama<" not in renamed


@pytest.mark.parametrize("value", [["a", 3], [], ["missing"]])
def test_a_multiple_select_marks_every_selected_value(value: Any) -> None:
    class FastMultiple(FastSelect):
        allow_multiple_selected = True

    fast = FastMultiple(choices=CHOICES).render("agency", value)
    django = forms.SelectMultiple(choices=CHOICES).render("agency", value)
    assert parse_html(fast) == parse_html(django)


def test_a_model_choice_field_renders_without_counting(
    world: Any, django_assert_num_queries: Any
) -> None:
    from aduan.reports.models import Category

    class F(forms.Form):
        category = forms.ModelChoiceField(
            queryset=Category.objects.order_by("name"), widget=FastSelect
        )

    class G(forms.Form):
        category = forms.ModelChoiceField(queryset=Category.objects.order_by("name"))

    pk = Category.objects.order_by("name").last().pk
    with django_assert_num_queries(1):  # the options; no COUNT before them
        fast = str(F(initial={"category": pk})["category"])
    assert parse_html(fast) == parse_html(str(G(initial={"category": pk})["category"]))
    assert f'value="{pk}" selected' in fast


def test_the_report_form_offers_cached_options_and_still_checks_them(world: Any) -> None:
    from aduan.agencies.models import Agency
    from aduan.reports.forms import ReportForm
    from aduan.reports.selectors import selectable_agencies

    form = ReportForm()
    html = str(form["agency"])
    for agency in selectable_agencies():
        assert f'<option value="{agency.pk}">{agency.name}</option>' in html
    unit = Agency.objects.exclude(pk__in=selectable_agencies()).first()
    assert unit is not None and f'value="{unit.pk}"' not in html
    field = form.fields["agency"]
    assert field.clean(str(world.bandung.pk)) == world.bandung
    with pytest.raises(forms.ValidationError):
        field.clean(str(unit.pk))  # not offered, not accepted
    bound = ReportForm({"agency": str(world.bandung.pk)})
    assert f'value="{world.bandung.pk}" selected' in str(bound["agency"])
