"""Slides built from a template's layouts: the built-in 16:9 design or a corporate ``.pptx``.

:func:`open_template` reads a template (its slide master, layouts and theme; any slides it holds
are dropped) or, without one, python-pptx's built-in design widened to 16:9. :func:`choose_layouts`
picks the layout for the title slide and the one for slides with a title and a chart or table:
by name first ("Title Slide", "Title Only"), else by what their placeholders are, so a template
whose layouts are named in another language works too. :func:`add_slide` adds a slide with its
title placeholder filled (so the deck's outline lists every slide) and the placeholders it does not
use removed; :func:`content_area` is the room under the title for a chart or a table.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.exc import PackageNotFoundError
from pptx.presentation import Presentation as Deck
from pptx.shapes.base import BaseShape
from pptx.shapes.placeholder import SlidePlaceholder
from pptx.slide import Slide, SlideLayout
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from sim.plotting.style import SLIDE_SIZE_IN
from sim.scenario.errors import InputError

TITLE_TYPES = frozenset({PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE})
FOOTER_TYPES = frozenset({PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER})
TITLE_SLIDE_NAMES = frozenset({"title slide"})
CONTENT_NAMES = frozenset({"title only"})
"""Layout names looked for first (compared in lower case)."""
GAP = Inches(0.1)
"""Space between a slide's title and its content, and under the content."""


class TemplateError(InputError, ValueError):
    """A template that cannot be read or has no layout to build the deck from (one-line message)."""


@dataclass(frozen=True)
class Layouts:
    """The layouts a deck uses: for the title slide, and for a title with a chart or table."""

    title: SlideLayout
    content: SlideLayout


@dataclass(frozen=True)
class Area:
    """A rectangle on a slide, in EMU."""

    left: int
    top: int
    width: int
    height: int


def open_template(template: Path | None) -> Deck:
    """The presentation a deck starts from: ``template``'s master and layouts with none of its
    slides, or (``None``) the built-in design at 16:9 (13.33 × 7.5 in).

    Raises:
        TemplateError: the file is missing or is not a PowerPoint presentation (``.pptx``).
    """
    if template is None:
        return _builtin()
    try:
        prs = Presentation(str(template))
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, OSError) as err:
        if not template.exists():
            reason = "no such file"
        elif template.is_dir():
            reason = "a folder, not a PowerPoint file (.pptx)"
        else:
            reason = "not a PowerPoint file (.pptx)"
        raise TemplateError(f"template {template}: {reason}") from err
    except ValueError as err:  # python-pptx: another Office type, e.g. a .potx
        kind = "a template (.potx)" if "template.main" in str(err) else "another kind of file"
        raise TemplateError(
            f"template {template}: {kind}, not a presentation; save it as a .pptx presentation"
        ) from err
    _drop_slides(prs)
    return prs


def choose_layouts(prs: Deck, source: str) -> Layouts:
    """The layouts for the title slide and for content slides.

    Content: the layout named "Title Only", else the one with a title and fewest other
    placeholders. Title slide: "Title Slide", else the first with a centred title, else the
    content layout.

    Raises:
        TemplateError: no layout has a title placeholder (``source`` names the template).
    """
    titled = [layout for layout in prs.slide_layouts if _types(layout) & TITLE_TYPES]
    if not titled:
        names = ", ".join(repr(layout.name) for layout in prs.slide_layouts) or "none"
        raise TemplateError(
            f"{source}: no slide layout has a title placeholder (layouts: {names}); add one, "
            "e.g. 'Title Only', to its slide master"
        )
    content = _named(titled, CONTENT_NAMES) or min(
        titled,
        key=lambda layout: (PP_PLACEHOLDER.CENTER_TITLE in _types(layout), len(_types(layout))),
    )
    centred = [layout for layout in titled if PP_PLACEHOLDER.CENTER_TITLE in _types(layout)]
    title = _named(titled, TITLE_SLIDE_NAMES) or (centred[0] if centred else content)
    return Layouts(title=title, content=content)


def add_slide(
    prs: Deck,
    layout: SlideLayout,
    title: str,
    size_pt: float | None = None,
    keep: frozenset[PP_PLACEHOLDER] = frozenset(),
) -> Slide:
    """A new slide from ``layout`` with ``title`` in its title placeholder (at ``size_pt`` if
    given, else the template's size; shrunk on overflow) and its other placeholders removed,
    except those of the types in ``keep`` (see :func:`placeholder`)."""
    slide = prs.slides.add_slide(layout)
    heading = title_placeholder(slide)
    for shape in list(slide.placeholders):
        if shape.shape_id != heading.shape_id and shape.placeholder_format.type not in keep:
            shape.element.getparent().remove(shape.element)
    set_text(heading.text_frame, [title], size_pt)
    return slide


def title_placeholder(slide: Slide) -> SlidePlaceholder:
    """The slide's title placeholder, found by its type (its layout was chosen for having one)."""
    return next(p for p in slide.placeholders if p.placeholder_format.type in TITLE_TYPES)


def placeholder(slide: Slide, kind: PP_PLACEHOLDER) -> SlidePlaceholder | None:
    """The slide's first placeholder of a type (e.g. the subtitle), if its layout has one."""
    return next((p for p in slide.placeholders if p.placeholder_format.type == kind), None)


def set_text(frame: TextFrame, lines: Sequence[str], size_pt: float | None = None) -> None:
    """Fill a text frame with one paragraph per line, wrapped and shrunk to fit its shape."""
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        if size_pt is not None:
            run.font.size = Pt(size_pt)


def content_area(prs: Deck, slide: Slide) -> Area:
    """The room under the slide's title, as wide as the title, down to the foot of the slide."""
    heading = title_placeholder(slide)
    top = heading.top + heading.height + GAP
    return Area(heading.left, top, heading.width, prs.slide_height - GAP - top)


def fit_16_9(area: Area) -> Area:
    """The largest 16:9 rectangle in ``area``, centred across it and at its top."""
    ratio = SLIDE_SIZE_IN[0] / SLIDE_SIZE_IN[1]
    width = min(area.width, int(area.height * ratio))
    height = int(width / ratio)
    return Area(area.left + (area.width - width) // 2, area.top, width, height)


# --- inside ------------------------------------------------------------------------------------


def _types(layout: SlideLayout) -> frozenset[PP_PLACEHOLDER]:
    """The placeholder types of a layout, footers (date, footer, slide number) left out."""
    types = {p.placeholder_format.type for p in layout.placeholders}
    return frozenset(types - FOOTER_TYPES)


def _named(layouts: list[SlideLayout], names: frozenset[str]) -> SlideLayout | None:
    return next((layout for layout in layouts if layout.name.strip().lower() in names), None)


def _builtin() -> Deck:
    """python-pptx's default design (4:3) widened to 16:9: every shape on the slide master and
    its layouts is stretched across the wider slide."""
    prs = Presentation()
    scale = Inches(SLIDE_SIZE_IN[0]) / prs.slide_width
    for layout in prs.slide_layouts:  # before the master, whose positions layouts may inherit
        _stretch(layout.shapes, scale)
    _stretch(prs.slide_master.shapes, scale)
    prs.slide_width, prs.slide_height = Inches(SLIDE_SIZE_IN[0]), Inches(SLIDE_SIZE_IN[1])
    return prs


def _stretch(shapes: Iterable[BaseShape], scale: float) -> None:
    """Stretch shapes across: positions and widths times ``scale``. All four coordinates are
    written, since a placeholder given one of its own stops inheriting the others."""
    for shape in shapes:
        left, top, width, height = shape.left, shape.top, shape.width, shape.height
        if None not in (left, top, width, height):
            shape.left, shape.width = Emu(round(left * scale)), Emu(round(width * scale))
            shape.top, shape.height = top, height


def _drop_slides(prs: Deck) -> None:
    """Remove a template's own slides (sample or cover slides): the deck keeps only its design."""
    slide_ids = prs.slides._sldIdLst  # python-pptx has no public way to delete a slide
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
