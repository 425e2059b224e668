"""Fixed labels and their punctuation, one table per language; other languages fall back to English."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .language import Language

_EN: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "MEMORANDUM",
        "to": "TO",
        "from": "FROM",
        "cc": "CC",
        "date": "DATE",
        "subject": "SUBJECT",
        "key_points": "Key points",
        "commentary": "Commentary",
        "article": "Article",
        "contents": "Contents",
        "title_page": "Title page",
        "source": "Source",
        "by": "By",
        "page_x_of_y": "Page {page} of {pages}",
        "truncated": (
            "{count} paragraph(s) of the article were left out to fit one page; "
            "the full text is in the memo and the briefing."
        ),
        "continued": "continued",
        "keywords": "Keywords",
        "landmarks": "Landmarks",
        "topics": "Topics",
        "task_done": "Done",
        "task_open": "Not done",
        "a11y_summary": (
            "A text-only briefing with no images, audio or video. A title page, the key points, the article "
            "and the commentary each start with a heading; a table of contents and landmarks lead to every "
            "part, and the reading order follows the source."
        ),
        "a11y_summary_images": (
            "A briefing of text and images (charts, diagrams, photos); every image has a text alternative and, "
            "where the source gives one, a caption. It has no audio or video. A title page, the key points, the "
            "article and the commentary each start with a heading; a table of contents and landmarks lead to "
            "every part, and the reading order follows the source."
        ),
    }
)

_JA: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "覚書",
        "to": "宛先",
        "from": "差出人",
        "cc": "写し",
        "date": "日付",
        "subject": "件名",
        "key_points": "要点",
        "commentary": "論評",
        "article": "記事",
        "contents": "目次",
        "title_page": "表紙",
        "source": "出典",
        "by": "筆者",
        "page_x_of_y": "{page} / {pages} ページ",
        "truncated": "1ページに収めるため、本文の段落を{count}件省略しました。全文は覚書とブリーフィングにあります。",
        "continued": "続き",
        "keywords": "キーワード",
        "landmarks": "ランドマーク",
        "topics": "トピック",
        "task_done": "完了",
        "task_open": "未完了",
        "a11y_summary": (
            "画像・音声・動画を含まないテキストのみのブリーフィングです。表紙、要点、記事、論評はそれぞれ見出しで始まり、"
            "目次とランドマークから各部分へ移動できます。読み上げ順序は原文の順序に従います。"
        ),
        "a11y_summary_images": (
            "テキストと画像（図表・写真）のブリーフィングです。すべての画像に代替テキストがあり、原文にあれば説明文も付いています。"
            "音声・動画は含みません。表紙、要点、記事、論評はそれぞれ見出しで始まり、"
            "目次とランドマークから各部分へ移動できます。読み上げ順序は原文の順序に従います。"
        ),
    }
)

_ZH: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "备忘录",
        "to": "收件人",
        "from": "发件人",
        "cc": "抄送",
        "date": "日期",
        "subject": "事由",
        "key_points": "要点",
        "commentary": "评论",
        "article": "文章",
        "contents": "目录",
        "title_page": "封面",
        "source": "来源",
        "by": "作者",
        "page_x_of_y": "第 {page} 页，共 {pages} 页",
        "truncated": "为容纳在一页内，省略了正文的 {count} 个段落。全文见备忘录和简报。",
        "continued": "续",
        "keywords": "关键词",
        "landmarks": "导航标志",
        "topics": "主题",
        "task_done": "已完成",
        "task_open": "未完成",
        "a11y_summary": (
            "纯文本简报，不含图片、音频或视频。封面、要点、文章和评论均以标题开头；目录和导航标志可通往各部分，"
            "阅读顺序与原文一致。"
        ),
        "a11y_summary_images": (
            "含文字和图片（图表、照片）的简报；每张图片都有替代文本，原文提供时附有图注。不含音频或视频。"
            "封面、要点、文章和评论均以标题开头；目录和导航标志可通往各部分，阅读顺序与原文一致。"
        ),
    }
)

_DE: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "VERMERK",
        "to": "AN",
        "from": "VON",
        "cc": "KOPIE",
        "date": "DATUM",
        "subject": "BETREFF",
        "key_points": "Kernpunkte",
        "commentary": "Kommentar",
        "article": "Artikel",
        "contents": "Inhalt",
        "title_page": "Titelseite",
        "source": "Quelle",
        "by": "Von",
        "page_x_of_y": "Seite {page} von {pages}",
        "truncated": (
            "{count} Absatz/Absätze des Artikels wurden ausgelassen, damit die Seite reicht; "
            "der vollständige Text steht im Vermerk und im Briefing."
        ),
        "continued": "Fortsetzung",
        "keywords": "Schlagwörter",
        "landmarks": "Orientierungspunkte",
        "topics": "Themen",
        "task_done": "Erledigt",
        "task_open": "Offen",
        "a11y_summary": (
            "Ein reines Text-Briefing ohne Bilder, Audio oder Video. Titelseite, Kernpunkte, Artikel und Kommentar "
            "beginnen jeweils mit einer Überschrift; ein Inhaltsverzeichnis und Orientierungspunkte führen zu jedem "
            "Teil, und die Lesereihenfolge folgt der Quelle."
        ),
        "a11y_summary_images": (
            "Ein Briefing aus Text und Bildern (Diagramme, Fotos); jedes Bild hat eine Textalternative und, wo die "
            "Quelle eine gibt, eine Bildunterschrift. Ohne Audio oder Video. Titelseite, Kernpunkte, Artikel und "
            "Kommentar beginnen jeweils mit einer Überschrift; ein Inhaltsverzeichnis und Orientierungspunkte "
            "führen zu jedem Teil, und die Lesereihenfolge folgt der Quelle."
        ),
    }
)

# French sets a narrow no-break space (U+202F) before ; : ! and ?.
_FR: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "NOTE",
        "to": "À",
        "from": "DE",
        "cc": "COPIE",
        "date": "DATE",
        "subject": "OBJET",
        "key_points": "Points clés",
        "commentary": "Commentaire",
        "article": "Article",
        "contents": "Sommaire",
        "title_page": "Page de titre",
        "source": "Source",
        "by": "Par",
        "page_x_of_y": "Page {page} sur {pages}",
        "truncated": (
            "{count} paragraphe(s) de l’article ont été omis pour tenir sur une page\u202f; "
            "le texte intégral figure dans la note et dans le dossier."
        ),
        "continued": "suite",
        "keywords": "Mots-clés",
        "landmarks": "Repères",
        "topics": "Thèmes",
        "task_done": "Fait",
        "task_open": "À faire",
        "a11y_summary": (
            "Un dossier uniquement textuel, sans images, son ni vidéo. La page de titre, les points clés, l’article "
            "et le commentaire commencent chacun par un titre\u202f; une table des matières et des repères mènent à "
            "chaque partie, et l’ordre de lecture suit la source."
        ),
        "a11y_summary_images": (
            "Un dossier de texte et d’images (graphiques, schémas, photos)\u202f; chaque image a une alternative "
            "textuelle et, quand la source en donne une, une légende. Sans son ni vidéo. La page de titre, les "
            "points clés, l’article et le commentaire commencent chacun par un titre\u202f; une table des matières "
            "et des repères mènent à chaque partie, et l’ordre de lecture suit la source."
        ),
    }
)

_ES: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "MEMORANDO",
        "to": "PARA",
        "from": "DE",
        "cc": "CC",
        "date": "FECHA",
        "subject": "ASUNTO",
        "key_points": "Puntos clave",
        "commentary": "Comentario",
        "article": "Artículo",
        "contents": "Índice",
        "title_page": "Portada",
        "source": "Fuente",
        "by": "Por",
        "page_x_of_y": "Página {page} de {pages}",
        "truncated": (
            "Se omitieron {count} párrafo(s) del artículo para que quepa en una página; "
            "el texto completo está en el memorando y en el informe."
        ),
        "continued": "continuación",
        "keywords": "Palabras clave",
        "landmarks": "Puntos de referencia",
        "topics": "Temas",
        "task_done": "Hecho",
        "task_open": "Pendiente",
        "a11y_summary": (
            "Un informe solo de texto, sin imágenes, audio ni vídeo. La portada, los puntos clave, el artículo y el "
            "comentario empiezan cada uno con un encabezado; un índice y puntos de referencia llevan a cada parte, "
            "y el orden de lectura sigue la fuente."
        ),
        "a11y_summary_images": (
            "Un informe de texto e imágenes (gráficos, diagramas, fotos); cada imagen tiene una alternativa "
            "textual y, cuando la fuente la da, un pie de imagen. Sin audio ni vídeo. La portada, los puntos "
            "clave, el artículo y el comentario empiezan cada uno con un encabezado; un índice y puntos de "
            "referencia llevan a cada parte, y el orden de lectura sigue la fuente."
        ),
    }
)


_KO: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "메모",
        "to": "수신",
        "from": "발신",
        "cc": "참조",
        "date": "날짜",
        "subject": "제목",
        "key_points": "핵심 내용",
        "commentary": "논평",
        "article": "기사",
        "contents": "목차",
        "title_page": "표지",
        "source": "출처",
        "by": "작성자",
        "page_x_of_y": "{page} / {pages} 페이지",
        "truncated": (
            "한 페이지에 맞추기 위해 기사 본문 {count}개 단락을 생략했습니다. 전문은 메모와 브리핑에 있습니다."
        ),
        "continued": "계속",
        "keywords": "키워드",
        "landmarks": "랜드마크",
        "topics": "주제",
        "task_done": "완료",
        "task_open": "미완료",
        "a11y_summary": (
            "이미지, 오디오, 동영상이 없는 텍스트 전용 브리핑입니다. 표지, 핵심 내용, 기사, 논평은 각각 제목으로 "
            "시작하며, 목차와 랜드마크로 각 부분에 이동할 수 있고, 읽는 순서는 원문을 따릅니다."
        ),
        "a11y_summary_images": (
            "텍스트와 이미지(차트, 도표, 사진)로 된 브리핑입니다. 모든 이미지에는 대체 텍스트가 있으며, 원문에 설명이 "
            "있으면 캡션도 붙어 있습니다. 오디오와 동영상은 없습니다. 표지, 핵심 내용, 기사, 논평은 각각 제목으로 "
            "시작하며, 목차와 랜드마크로 각 부분에 이동할 수 있고, 읽는 순서는 원문을 따릅니다."
        ),
    }
)

_RU: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "СЛУЖЕБНАЯ ЗАПИСКА",
        "to": "КОМУ",
        "from": "ОТ",
        "cc": "КОПИЯ",
        "date": "ДАТА",
        "subject": "ТЕМА",
        "key_points": "Главное",
        "commentary": "Комментарий",
        "article": "Статья",
        "contents": "Содержание",
        "title_page": "Титульная страница",
        "source": "Источник",
        "by": "Автор",
        "page_x_of_y": "Страница {page} из {pages}",
        "truncated": (
            "Чтобы текст уместился на одной странице, опущено абзацев статьи: {count}. "
            "Полный текст — в служебной записке и в брифинге."
        ),
        "continued": "продолжение",
        "keywords": "Ключевые слова",
        "landmarks": "Ориентиры",
        "topics": "Темы",
        "task_done": "Выполнено",
        "task_open": "Не выполнено",
        "a11y_summary": (
            "Текстовый брифинг без изображений, аудио и видео. Титульная страница, главное, статья и комментарий "
            "начинаются с заголовка; оглавление и ориентиры ведут к каждой части, а порядок чтения соответствует "
            "источнику."
        ),
        "a11y_summary_images": (
            "Брифинг из текста и изображений (диаграммы, схемы, фотографии); у каждого изображения есть текстовая "
            "альтернатива и, если источник её даёт, подпись. Аудио и видео нет. Титульная страница, главное, статья "
            "и комментарий начинаются с заголовка; оглавление и ориентиры ведут к каждой части, а порядок чтения "
            "соответствует источнику."
        ),
    }
)

# Arabic and Hebrew labels are stored in logical order, like every other string; the outputs set them right to left.
_AR: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "مذكرة",
        "to": "إلى",
        "from": "من",
        "cc": "نسخة إلى",
        "date": "التاريخ",
        "subject": "الموضوع",
        "key_points": "النقاط الرئيسية",
        "commentary": "تعليق",
        "article": "المقال",
        "contents": "المحتويات",
        "title_page": "صفحة العنوان",
        "source": "المصدر",
        "by": "بقلم",
        "page_x_of_y": "صفحة {page} من {pages}",
        "truncated": (
            "عدد الفقرات المحذوفة من المقال لتتسع له صفحة واحدة: {count}. النص الكامل في المذكرة وفي الموجز."
        ),
        "continued": "تابع",
        "keywords": "الكلمات المفتاحية",
        "landmarks": "معالم التنقل",
        "topics": "المواضيع",
        "task_done": "منجز",
        "task_open": "غير منجز",
        "a11y_summary": (
            "موجز نصي فقط، بلا صور أو صوت أو فيديو. تبدأ صفحة العنوان والنقاط الرئيسية والمقال والتعليق كلٌّ منها "
            "بعنوان؛ ويقود جدول المحتويات ومعالم التنقل إلى كل جزء، ويتبع ترتيب القراءة ترتيب المصدر."
        ),
        "a11y_summary_images": (
            "موجز من نص وصور (رسوم بيانية، مخططات، صور فوتوغرافية)؛ لكل صورة بديل نصي، وتعليق توضيحي حيث يقدمه "
            "المصدر. لا يحتوي على صوت أو فيديو. تبدأ صفحة العنوان والنقاط الرئيسية والمقال والتعليق كلٌّ منها "
            "بعنوان؛ ويقود جدول المحتويات ومعالم التنقل إلى كل جزء، ويتبع ترتيب القراءة ترتيب المصدر."
        ),
    }
)

_HE: Mapping[str, str] = MappingProxyType(
    {
        "memorandum": "מזכר",
        "to": "אל",
        "from": "מאת",
        "cc": "העתק",
        "date": "תאריך",
        "subject": "הנדון",
        "key_points": "עיקרי הדברים",
        "commentary": "פרשנות",
        "article": "כתבה",
        "contents": "תוכן העניינים",
        "title_page": "עמוד שער",
        "source": "מקור",
        "by": "מאת",
        "page_x_of_y": "עמוד {page} מתוך {pages}",
        "truncated": "מספר הפסקאות שהושמטו מהכתבה כדי שתיכנס לעמוד אחד: {count}. הטקסט המלא נמצא במזכר ובתדריך.",
        "continued": "המשך",
        "keywords": "מילות מפתח",
        "landmarks": "ציוני דרך",
        "topics": "נושאים",
        "task_done": "בוצע",
        "task_open": "לא בוצע",
        "a11y_summary": (
            "תדריך טקסט בלבד, ללא תמונות, שמע או וידאו. עמוד השער, עיקרי הדברים, הכתבה והפרשנות פותחים כל אחד "
            "בכותרת; תוכן העניינים וציוני הדרך מובילים לכל חלק, וסדר הקריאה עוקב אחר המקור."
        ),
        "a11y_summary_images": (
            "תדריך של טקסט ותמונות (תרשימים, דיאגרמות, תצלומים); לכל תמונה יש חלופה טקסטואלית, וכיתוב כאשר המקור "
            "מספק אותו. אין בו שמע או וידאו. עמוד השער, עיקרי הדברים, הכתבה והפרשנות פותחים כל אחד בכותרת; תוכן "
            "העניינים וציוני הדרך מובילים לכל חלק, וסדר הקריאה עוקב אחר המקור."
        ),
    }
)


@dataclass(frozen=True)
class Punctuation:
    """How a language joins a label to its value and a kicker to a headline."""

    colon: str
    """Between a label and its value: ``": "``, ``"\u202f: "`` (French), ``"："`` (Japanese, Chinese)."""
    kicker: str
    """Between a kicker and the headline on one line."""


_LATIN = Punctuation(colon=": ", kicker="  \u2014  ")
_FRENCH = Punctuation(colon="\u202f: ", kicker=_LATIN.kicker)
_FULL_WIDTH = Punctuation(colon="：", kicker="｜")

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"en": _EN, "ja": _JA, "zh": _ZH, "ko": _KO, "de": _DE, "fr": _FR, "es": _ES, "ru": _RU, "ar": _AR, "he": _HE}
)
"""Every label table, by primary language subtag."""

_FULL_WIDTH_LANGUAGES = frozenset({"ja", "zh"})
PUNCTUATION: Mapping[str, Punctuation] = MappingProxyType(
    {
        language: _FRENCH if language == "fr" else _FULL_WIDTH if language in _FULL_WIDTH_LANGUAGES else _LATIN
        for language in LABELS
    }
)
"""Each labelled language's punctuation."""

LABEL_KEYS: frozenset[str] = frozenset(_EN)
"""The label names a style's ``[labels]`` table may override."""

PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"page_x_of_y": frozenset({"page", "pages"}), "truncated": frozenset({"count"})}
)
"""The ``{name}`` fields a label is formatted with; any other field in an override is an error."""


def label_problem(key: str, value: str) -> str:
    """Why ``value`` cannot replace label ``key`` (an empty string when it can)."""
    if key not in LABEL_KEYS:
        return f"unknown key `labels.{key}`; known labels: {', '.join(sorted(LABEL_KEYS))}"
    if not value.strip():
        return f"`labels.{key}` must not be empty"
    allowed = PLACEHOLDERS.get(key, frozenset())
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError:
        fields = {"?"}
    if not fields <= allowed:
        need = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "no {…} fields (write {{ and }} for braces)"
        return f"`labels.{key}` may only use {need}"
    return ""


@dataclass(frozen=True)
class Labels:
    """The labels a document is printed with, and their language's punctuation."""

    language: str
    """The primary subtag of the table used (``en`` after a fallback)."""
    texts: Mapping[str, str]
    punctuation: Punctuation

    def __getitem__(self, key: str) -> str:
        """The label called ``key`` (``labels["key_points"]``)."""
        return self.texts[key]

    def lead(self, key: str) -> str:
        """The label followed by the separator before its value: ``Source: `` or ``出典：``."""
        return self.texts[key] + self.punctuation.colon

    def field(self, key: str) -> str:
        """The label with the separator but no space after it, for a value set off by a tab: ``TO:``."""
        return self.texts[key] + self.punctuation.colon.rstrip()


def labels_for(language: Language, overrides: Mapping[str, str] | None = None) -> tuple[Labels, str]:
    """The labels for ``language`` with a style's overrides, and a warning when English stood in (else "")."""
    texts = LABELS.get(language.primary)
    warning = ""
    primary = language.primary
    if texts is None:
        texts, primary = _EN, "en"
        warning = f"no labels for language {language.tag!r}; labels are in English"
    if overrides:
        texts = MappingProxyType({**texts, **overrides})
    return Labels(language=primary, texts=texts, punctuation=PUNCTUATION[primary]), warning
