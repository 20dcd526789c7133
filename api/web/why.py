"""Why a proposal is in or out of the vote's result, in the reader's language.

The outcome rules give each project a reason code and its numbers
(:data:`coprod.domain.tally.WHY`, whose English the CLI prints); this table says the same
sentences through the catalogue, so the process page and the CLI cannot disagree on the
reason, only on the language. A code missing here falls back to the English sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from api.web.i18n import N_, Language
from coprod.domain.tally import Tally, Why

__all__ = ["TIE_BREAK_TEXTS", "WHY_TEXTS", "tie_sentences", "why_text"]

WHY_TEXTS: dict[str, str] = {
    "in-prefunded": N_("in: funded before the rule's rounds (no cost, or already funded)"),
    "in-price": N_(
        "in: bought in round %(round)s; its supporters paid %(score)s per unit of "
        "satisfaction, the lowest price then; %(left)s left"
    ),
    "in-load": N_(
        "in: bought in round %(round)s at a maximal voter load of %(score)s; %(left)s left"
    ),
    "in-ranked": N_(
        "in: ranked %(round)s with score %(score)s; its cost %(cost)s fit, leaving %(left)s"
    ),
    "out-over-budget": N_("out: its cost %(cost)s exceeds the whole budget"),
    "out-ranked-unaffordable": N_(
        "out: ranked %(round)s with score %(score)s, but its cost %(cost)s exceeded the %(left)s left"
    ),
    "out-stopped-unaffordable": N_(
        "out: when the rule stopped (round %(round)s) its cost %(cost)s exceeded the %(left)s left"
    ),
    "out-below-threshold": N_("out: score %(score)s is below the threshold of %(threshold)s"),
    "out-no-skipping": N_(
        "out: ranked %(round)s with score %(score)s; the rule stopped at an earlier project that "
        "did not fit (no skipping)"
    ),
    "out-not-reached": N_("out: the rule stopped (round %(round)s) before reaching it"),
    "out-shares-spent": N_(
        "out: in round %(round)s its supporters' remaining equal shares could no longer pay its "
        "cost %(cost)s"
    ),
    "out-unsupported": N_("out: no voter supported it, so equal shares never buy it"),
    "out-excluded": N_("out: excluded from the count (withdrawn after the vote)"),
    "in-reserve": N_(
        "in: ranked %(round)s with score %(score)s; its cost %(cost)s exceeded the %(left)s left, "
        "but at least %(percent)s%% of it was left, so it is funded from reserve funds"
    ),
    "out-reserve-short": N_(
        "out: ranked %(round)s with score %(score)s; its cost %(cost)s exceeded the %(left)s left, "
        "less than the %(percent)s%% needed for reserve funding, and the rule stopped there"
    ),
    "out-exclusive": N_(
        "out: ranked %(round)s with score %(score)s, but it cannot be built together with "
        "%(rival)s, which was selected first"
    ),
    "out": N_("out: not selected"),
}


def why_text(lang: Language, reason: Why) -> str:
    """The reason as a sentence in `lang`, with its numbers."""
    template = WHY_TEXTS.get(reason.code)
    if template is None:
        return reason.text
    return lang.gettext(template) % dict(reason.values)


#: The tie-breaks of :class:`coprod.domain.rules.TieBreak`, by policy.
TIE_BREAK_TEXTS: dict[str, str] = {
    "id": N_("the smaller project id first"),
    "cheaper": N_("the cheaper project first"),
    "supporters": N_("the project with more supporters first"),
    "lottery": N_("a lottery drawn with seed %(seed)s"),
}


def tie_sentences(lang: Language, tally: Tally, names: Mapping[str, str]) -> list[str]:
    """One sentence per tie the result depends on, naming the projects (by ``names``, else
    their public id) and the tie-break."""
    tie_break = lang.gettext(TIE_BREAK_TEXTS[tally.tie_break.policy]) % {
        "seed": tally.tie_break.seed
    }
    template = lang.gettext(
        N_(
            "The result depends on a tie: %(projects)s had the same score (%(score)s), and the "
            "tie-break decided: %(tie_break)s."
        )
    )
    return [
        template
        % {
            "projects": ", ".join(names.get(p) or p for p in tie.projects),
            "score": _score(lang, tie.score),
            "tie_break": tie_break,
        }
        for tie in tally.result.ties
    ]


def _score(lang: Language, score: Fraction) -> str:
    if score.denominator == 1:
        return lang.number(score.numerator)
    return lang.number(float(score), 2)
