"""Tables and sentences of the site-calibrated protocol, for report.md and the docs.

Every table reads the ``site_calibration`` section of ``metrics.json``
(:func:`~awdids.experiments._site.summarise_site`); none is typed by hand.
"""

from ._site import CAPTURE_SHARES, CONTAMINATION, MAIN_CAPTURE, RATES

__all__ = [
    "SITE_NOTE",
    "site_blocks",
    "site_capture_table",
    "site_contamination_table",
    "site_main_table",
    "site_score_table",
    "site_models",
    "site_sentences",
]

#: What the protocol is, said wherever its figures appear.
SITE_NOTE = (
    "**This protocol uses test rows.** A seeded sample of the test set's normal "
    "rows plays the protected network's capture of its own traffic: the flag is "
    "calibrated on it (``OpenSetClassifier.calibrate``, its defaults), and those "
    "rows, like the attack rows a contaminated capture holds, are never scored. "
    "Its figures are not comparable with published ones on the same test set. "
    "Each flag wraps a classifier fitted once on the training rows "
    '(``cv="prefit"``); *standard* is the same flag with its training threshold, '
    "scored on the same rows. *Reached*: what the flag's promise counts, the "
    "share of normal rows it flags (standard) or adds an alarm to (site: rows it "
    "flags that the classifier calls normal); *all false alarms*: normal rows "
    "predicted as any attack, the classifier's own alarms included."
)


def _ms(stats, digits=4):
    if stats is None:
        return "n/a"
    return f"{stats['mean']:.{digits}f} ± {stats['std']:.{digits}f}"


def _find(site, model, rate, protocol, share=None, contamination=None):
    for entry in site["evaluations"]:
        if (
            entry["model"] == model
            and entry["rate"] == rate
            and entry["protocol"] == protocol
            and entry["capture_share"] == share
            and entry["contamination"] == contamination
        ):
            return entry
    return None


def site_models(site):
    """The flags the protocol scored, in their order."""
    return list(dict.fromkeys(entry["model"] for entry in site["evaluations"]))


def _cell(entry, measure, digits=4):
    if entry is None:
        return "n/a"
    if "refused" in entry:
        return "refused"
    return _ms(entry.get(measure), digits)


#: The measures of the main tables: false alarms and detection, then scores.
_ALARM_MEASURES = (
    ("reached", "reached"),
    ("false_alarms", "all false alarms"),
    ("novel_detected", "novel-type detected"),
)
_SCORE_MEASURES = (("accuracy", "accuracy"), ("macro_f1", "macro F1"))


def site_main_table(site, measures=_ALARM_MEASURES):
    """Columns and rows: each flag and rate, standard against site-calibrated.

    ``measures`` is ``(key, column)`` pairs; :func:`site_score_table` gives
    the 5-class scores of the same operating points.
    """
    columns = ["flag", "promise", "protocol", *(title for _, title in measures)]
    rows = []
    for model in site_models(site):
        for rate in RATES:
            for protocol, share, contamination in (
                ("standard", None, None),
                ("site", MAIN_CAPTURE, 0.0),
            ):
                entry = _find(site, model, rate, protocol, share, contamination)
                label = (
                    "standard"
                    if protocol == "standard"
                    else f"site, {MAIN_CAPTURE:.0%} capture"
                )
                rows.append(
                    [model, f"{rate:.0%}", label]
                    + [_cell(entry, key) for key, _ in measures]
                )
    return columns, rows


def site_score_table(site):
    """Columns and rows: the 5-class scores of :func:`site_main_table`'s points."""
    return site_main_table(site, _SCORE_MEASURES)


def site_capture_table(site, model):
    """Columns and rows: ``model``'s flag for each capture size (clean)."""
    columns = ["capture", "rows"]
    for rate in RATES:
        columns += [f"reached at {rate:.0%}", f"novel-type detected at {rate:.0%}"]
    rows = []
    for share in CAPTURE_SHARES:
        entries = [_find(site, model, rate, "site", share, 0.0) for rate in RATES]
        size = next((e["capture_rows"] for e in entries if e), None)
        row = [
            f"{share:.0%} of test normal rows",
            f"{size['mean']:.0f}" if size else "n/a",
        ]
        for entry in entries:
            row += [_cell(entry, "reached"), _cell(entry, "novel_detected")]
        rows.append(row)
    return columns, rows


def site_contamination_table(site, model):
    """Columns and rows: ``model``'s flag on the main capture, with attack rows."""
    columns = ["attack rows in the capture"]
    for rate in RATES:
        columns += [f"reached at {rate:.0%}", f"novel-type detected at {rate:.0%}"]
    rows = []
    for contamination in CONTAMINATION:
        row = [f"{contamination:.0%}"]
        for rate in RATES:
            entry = _find(site, model, rate, "site", MAIN_CAPTURE, contamination)
            row += [_cell(entry, "reached"), _cell(entry, "novel_detected")]
        rows.append(row)
    return columns, rows


def _refusals(site):
    """One sentence naming the captures calibrate refused (too few rows)."""
    refused = {}
    for entry in site["evaluations"]:
        if "refused" in entry:
            key = (entry["capture_share"], round(entry["capture_rows"]["mean"]))
            refused.setdefault(key, {})[f"{entry['rate']:.0%}"] = None
    if not refused:
        return []
    listed = ", ".join(
        f"the {share:.0%} capture ({rows} rows) at {' and '.join(rates)}"
        for (share, rows), rates in sorted(refused.items())
    )
    return [
        "Refused by calibrate, as too few rows for the rate (rate × (rows + 1) "
        f"< 1) or for its folds: {listed}."
    ]


def site_sentences(site):
    """What the protocol's tables show, in a few generated sentences."""
    rows = site["rows"]
    sentences = [
        f"Scored on {rows['scored_rows']:,} test rows "
        f"({rows['scored_novel_rows']:,} of attack types never seen in training), "
        f"over {site['seeds']} seed(s); the captures are drawn from the "
        f"{rows['test_normal_rows']:,} test normal rows.",
    ]
    for model in site_models(site):
        standard = _find(site, model, RATES[0], "standard")
        calibrated = _find(site, model, RATES[0], "site", MAIN_CAPTURE, 0.0)
        if standard is None or calibrated is None or "refused" in calibrated:
            continue
        sentences.append(
            f"{model}: for a {RATES[0]:.0%} promise, the training threshold reaches "
            f"{standard['reached']['mean']:.2%} of test normal rows; calibrated on "
            f"a {MAIN_CAPTURE:.0%} capture, {calibrated['reached']['mean']:.2%}."
        )
    return sentences + _refusals(site)


def site_blocks(site):
    """The protocol's section, in order, for a Markdown or reStructuredText page.

    Yields ``("text", str)``, ``("table", columns, rows)`` and
    ``("heading", str)`` (one level below the section's own heading).
    """
    yield ("text", SITE_NOTE)
    yield ("text", " ".join(site_sentences(site)))
    yield ("table", *site_main_table(site))
    yield ("text", 'With policy ``"attack"``, the 5-class scores at the same points:')
    yield ("table", *site_score_table(site))
    for model in site_models(site):
        yield ("heading", f"{model}: capture size and contamination")
        yield ("table", *site_capture_table(site, model))
        yield (
            "text",
            f"On the {MAIN_CAPTURE:.0%} capture, with attack rows drawn from the "
            "test set's in place of some of its normal rows:",
        )
        yield ("table", *site_contamination_table(site, model))
