"""Language detection: by script, by lingua for Latin and Cyrillic, the warnings, and what wins over it."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from exporter.api import read_source
from exporter.cli import cli
from exporter.model import to_json
from exporter.present import detect as detect_module
from exporter.present.detect import MIN_LETTERS, detect
from exporter.present.labels import LABEL_KEYS, LABELS, labels_for
from exporter.present.language import parse_language
from exporter.present.view import present
from exporter.style import load_style

LANGUAGES = Path(__file__).resolve().parent / "data" / "languages"
ARTICLES = sorted((LANGUAGES / "articles").iterdir())
MANPAGES = sorted((LANGUAGES / "manpages").glob("*.txt"))


def _paragraphs(path: Path) -> list[str]:
    return [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_each_short_article_is_read_in_its_language(path: Path) -> None:
    result = read_source(path)
    assert result.document.meta.language == path.stem
    assert not [w for w in result.warnings if "language" in w]


@pytest.mark.parametrize("path", MANPAGES, ids=lambda p: p.stem)
def test_every_translated_manpage_paragraph_is_detected(path: Path) -> None:
    paragraphs = _paragraphs(path)
    assert len(paragraphs) >= 10
    found = [detect(p) for p in paragraphs]
    assert [d.language for d in found] == [path.stem] * len(paragraphs)
    assert not [d.warning for d in found if d.warning]


def test_the_english_fast_path_never_builds_the_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("the detector was asked")

    monkeypatch.setattr(detect_module, "_detector", refuse)
    assert detect((ARTICLES[0].parent / "en.txt").read_text(encoding="utf-8")).language == "en"
    for path in ARTICLES:
        if path.stem not in ("en", "de", "fr", "es", "ru"):
            assert detect(path.read_text(encoding="utf-8")).language == path.stem


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # A few Latin words, digits and a URL do not outweigh the script.
        ("مرحبا بالعالم، هذا نص عربي عن Python 3.12 على https://example.org/a/very/long/path/indeed", "ar"),
        ("שלום עולם, זה טקסט בעברית על Linux ו־Debian בגרסה 12", "he"),
        ("오늘 서울에서 열린 AI Summit 2025 회의에는 Samsung과 LG가 참가했다", "ko"),
        ("東京で開かれたAI Summitには多くの企業が参加した", "ja"),
        ("北京举行的AI Summit吸引了许多企业参加", "zh"),
        ("日本語とひらがな", "ja"),
        # Hanja in Korean text stays Korean; one kana in Chinese text stays Chinese.
        ("大韓民國의 憲法은 國民의 자유와 권리를 보장한다고 밝혔다", "ko"),
        ("他的名字是ヤマダ，来自中国北京市朝阳区的一个小村庄，今年三十五岁，在上海工作了很多年", "zh"),
        ("Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία", "el"),
    ],
)
def test_the_script_decides(text: str, language: str) -> None:
    assert detect(text) == detect_module.Detection(language)


def test_a_sampler_of_scripts_framed_in_english_stays_english() -> None:
    # Korean and Chinese lines are weighed apart: together they would outweigh the English around them.
    text = (
        "Ticks and signs, and the scripts of the sampler, with the code at the end of it.\n\n"
        "Съешь же ещё этих мягких французских булок.\n\n한국어 문장입니다: 다람쥐 헌 쳇바퀴에 타고파.\n\n"
        "评论备录：这是一个简体中文句子。\n"
    )
    assert detect(text).language == "en"


@pytest.mark.parametrize("text", ["Hello", "Merci", "Guten Tag", "Ok", "12345", "https://example.org/x"])
def test_too_little_latin_text_is_english_with_a_warning(text: str) -> None:
    found = detect(text)
    assert found.language == "en"
    assert "too little text" in found.warning and "--lang" in found.warning


def test_a_short_line_of_english_needs_no_warning() -> None:
    assert detect("The new plan") == detect_module.Detection("en")
    assert detect("Le plan de la ville").warning


def test_a_one_word_document_gets_english_and_one_warning(tmp_path: Path) -> None:
    source = tmp_path / "one.md"
    source.write_text("Bonjour\n", encoding="utf-8")
    result = read_source(source)
    assert result.document.meta.language == "en"
    assert sum("too little text" in w for w in result.warnings) == 1


def test_the_cli_shows_the_detection_warning_once(tmp_path: Path) -> None:
    source = tmp_path / "one.md"
    source.write_text("# Bonjour\n\nMerci\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", str(source), "-t", "docx", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.count("too little text") == 1


def test_lang_and_metadata_win_over_detection(tmp_path: Path) -> None:
    german = LANGUAGES / "articles" / "de.txt"
    assert read_source(german).document.meta.language == "de"
    assert read_source(german, lang="fr").document.meta.language == "fr"
    assert read_source(german, overrides={"language": "nl"}).document.meta.language == "nl"
    tagged = tmp_path / "tagged.md"
    tagged.write_text("---\nlanguage: es\n---\n\nBonjour\n", encoding="utf-8")
    result = read_source(tagged)
    assert result.document.meta.language == "es"
    assert not [w for w in result.warnings if "too little text" in w]


def test_no_detector_means_english_or_russian_and_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect_module, "_detector", lambda: None)
    german = detect((LANGUAGES / "articles" / "de.txt").read_text(encoding="utf-8"))
    assert german.language == "en" and "lingua-language-detector is not installed" in german.warning
    russian = detect((LANGUAGES / "articles" / "ru.txt").read_text(encoding="utf-8"))
    assert russian.language == "ru" and "lingua-language-detector is not installed" in russian.warning


def test_code_and_urls_do_not_count() -> None:
    text = "Der Bericht ist fertig und liegt im Archiv.\n\n```\nfor the in of and to is that with\n```\n"
    assert detect(text * 2).language == "de"
    assert detect("x" * (MIN_LETTERS - 1)).warning


@pytest.mark.parametrize("language", ["ko", "ru", "ar", "he", "de", "fr", "es", "zh"])
def test_new_languages_have_every_label(language: str) -> None:
    assert set(LABELS[language]) == LABEL_KEYS
    labels, warning = labels_for(parse_language(language))
    assert labels.language == language and warning == ""


def test_a_language_without_labels_falls_back_to_english_with_one_warning() -> None:
    document = read_source(LANGUAGES / "articles" / "th.md").document
    view = present(document, load_style("default"))
    assert view.labels.language == "en"
    assert sum("no labels for language 'th'" in w for w in view.warnings) == 1


# --- the JSON reader --------------------------------------------------------------------------


def _json_without_language(tmp_path: Path, source: Path) -> Path:
    """``source`` read and written back as the model's JSON, its language removed."""
    data = msgspec.json.decode(to_json(read_source(source).document))
    del data["meta"]["language"]
    path = tmp_path / f"{source.stem}.json"
    path.write_bytes(msgspec.json.encode(data))
    return path


@pytest.mark.parametrize("language", ["ko", "de", "ru"])
def test_a_json_document_without_a_language_is_detected(tmp_path: Path, language: str) -> None:
    (source,) = (LANGUAGES / "articles").glob(f"{language}.*")
    result = read_source(_json_without_language(tmp_path, source))
    assert result.document.meta.language == language
    assert not [w for w in result.warnings if "language" in w], result.warnings


def test_a_json_document_with_too_little_text_gets_english_and_the_detectors_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "short.json"
    path.write_text('{"schema": 3, "meta": {"title": "Budget"}, "sections": []}', encoding="utf-8")
    result = read_source(path)
    assert result.document.meta.language == "en"
    warnings = [w for w in result.warnings if "language" in w]
    assert len(warnings) == 1 and "too little text" in warnings[0], result.warnings
    # What the document or the command line says wins, and nothing is detected.
    for kwargs in ({"lang": "fr"}, {"overrides": {"language": "fr"}}):
        again = read_source(path, **kwargs)
        assert again.document.meta.language == "fr" and not [w for w in again.warnings if "language" in w]
    path.write_text('{"schema": 3, "meta": {"title": "Budget", "language": "de"}, "sections": []}', encoding="utf-8")
    named = read_source(path)
    assert named.document.meta.language == "de" and not [w for w in named.warnings if "language" in w]
