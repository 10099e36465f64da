"""The translation report: its table stays aligned whatever script a language name is in, and
it shows the share of each language a person has reviewed."""

from __future__ import annotations

import re

from wcwidth import wcswidth

from portal.translations import LanguageReport, display_width, format_table

NAMES = {
    "en": "English",
    "zh": "中文（简体）",
    "bn": "বাংলা",
    "ar": "العربية",
    "ur": "اردو",
    "uk": "Українська",
}


def test_display_width_counts_terminal_columns():
    assert display_width("中文（简体）") == 12  # full-width: two columns each
    assert display_width("বাংলা") == 4  # the vowel signs take no column of their own
    assert display_width("العربية") == 7
    assert display_width("Français") == 8


def test_columns_line_up_after_chinese_bengali_arabic_and_urdu_names():
    reports = [
        LanguageReport(code, name, total=433, missing=[("f", 1, "x")] * 2, reviewed=144)
        for code, name in NAMES.items()
    ]
    lines = format_table(reports).splitlines()
    assert len(lines) == 1 + len(NAMES)
    starts = set()
    for line in lines:
        cells = re.split(r" {2,}", line)
        assert len(cells) == 6, line
        # Where the third column begins, in terminal columns, is the same on every line.
        third = line.index(cells[2], len(cells[0]) + len(cells[1]))
        starts.add(wcswidth(line[:third]))
    assert len(starts) == 1, lines


def test_the_reviewed_share_is_rounded_down():
    assert LanguageReport("en", "English", total=433, reviewed=144).reviewed_share == "33%"
    assert LanguageReport("en", "English", total=433, reviewed=432).reviewed_share == "99%"
    assert LanguageReport("en", "English", total=433, reviewed=433).reviewed_share == "100%"
    row = format_table([LanguageReport("en", "English", total=433, reviewed=144)]).splitlines()
    assert row[0].split()[:3] == ["lingua", "nome", "rivisti"] and row[1].split()[2] == "33%"
