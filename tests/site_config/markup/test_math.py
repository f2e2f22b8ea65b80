import re

from django.template import Context, Template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_config.markup.math import math_text_html, tex_to_mathml
from site_config.markup.plaintext import to_plain
from site_config.markup.render import render_markdown


def test_inline_math_in_title_becomes_mathml_and_text_is_escaped():
    html = math_text_html(
        "Bounds <span>for</span> <b>deep</b> $\\mathcal{O}(n^2)$ nets"
    )
    # Formatting tags (case 25, al-folio's titles) stay; any other is text.
    assert html.startswith("Bounds &lt;span&gt;for&lt;/span&gt; <b>deep</b> <math ")
    assert 'display="inline"' in html
    assert "<msup><mi>n</mi><mn>2</mn></msup>" in html
    assert html.endswith("</math> nets")


def test_display_math_uses_block_display():
    html = math_text_html("$$\\sum_i x_i$$")
    assert 'display="block"' in html
    assert "<msub>" in html


def test_tex_source_is_kept_as_annotation():
    html = math_text_html("$a<b$")
    # Kept out of the static copy's search index (Pagefind).
    assert (
        '<annotation encoding="application/x-tex" data-pagefind-ignore="">'
        "a&lt;b</annotation>"
    ) in html


def test_dollar_amounts_and_escaped_dollars_stay_text():
    assert math_text_html("costs $5 and $6") == "costs $5 and $6"
    assert math_text_html(r"price \$x\$ here") == "price $x$ here"


def test_unreadable_tex_is_shown_as_code_not_an_error():
    html = tex_to_mathml("\\frac{1}{")
    assert 'class="math-error"' in html or "<math" in html


def test_plain_title_reads_math_as_unicode_without_dollars():
    assert to_plain("On $\\ell_p$  norms and $$x^2 +  y$$") == "On ℓₚ norms and x²+y"
    assert to_plain(r"Save \$5") == "Save $5"


def test_template_filters():
    html = Template("{% load labsite %}{{ t|math_title }}|{{ t|plain_title }}").render(
        Context({"t": "Nets & $x_1$"})
    )
    math, plain = html.split("|")
    assert math.startswith("Nets &amp; <math")
    assert plain == "Nets &amp; x₁"


def test_markdown_math_is_protected_from_emphasis():
    html = render_markdown("Let $a_1 b_2$ and $c*d*e$ be _words_.")
    assert "<em>words</em>" in html
    assert html.count("<em>") == 1
    assert "<msub><mi>a</mi><mn>1</mn></msub>" in html
    assert "<mi>d</mi>" in html


def test_markdown_math_in_code_stays_code():
    html = render_markdown("Type `$x$` for math.")
    assert "<code>$x$</code>" in html
    assert "<math" not in html


def test_sanitiser_keeps_mathml_but_drops_dangerous_markup():
    html = render_markdown(
        '$x$ <math><mi href="javascript:alert(1)" onclick="x()">y</mi>'
        '<maction actiontype="statusline">z</maction></math><script>bad()</script>'
    )
    assert "<math" in html
    assert "javascript:" not in html
    assert "onclick" not in html
    assert "maction" not in html
    assert "<script" not in html


def test_mathml_attributes_from_converter_survive_sanitising():
    html = render_markdown("$\\left( \\hat{x} \\right) \\mathbf{v}$")
    assert 'stretchy="true"' in html
    assert 'accent="true"' in html


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.sampled_from(
            [*"ab x_^{}\\$[]@;*`<>&\"'\n", "\\frac", "<script>", "[@k]", "$$"]
        ),
        max_size=40,
    ).map("".join)
)
def test_any_text_renders_without_error_or_leftover_tokens(db, text):
    html = render_markdown(text)
    assert "LSCITE" not in html
    assert "<script" not in html
    assert "<script" not in math_text_html(text)
    assert "LSCITE" not in to_plain(text)


def test_inline_math_keeps_its_full_stop_on_its_line():
    html = render_markdown("We prove $O(1/\\sqrt{T})$. Then $x$, and $y$ more.")
    assert re.search(r'<span class="math-nowrap"><math\b.*?</math>\.</span> Then', html)
    assert re.search(r'<span class="math-nowrap"><math\b.*?</math>,</span> and', html)
    # Without punctuation after it, a formula is not wrapped.
    assert re.search(r"and <math\b", html)
    title = math_text_html("A bound for $K_{24}$.")
    assert title.endswith("</math>.</span>")
    assert to_plain("A bound for $K_{24}$.") == "A bound for K₂₄."
