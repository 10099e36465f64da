"""The translation report's table stays aligned whatever script a language name is in."""

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
        LanguageReport(code, name, False, total=433, missing=[("f", 1, "x")] * 2)
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
