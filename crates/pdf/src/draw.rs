//! A small drawing surface over printpdf's operations, in millimetres from the top-left
//! corner of an A4 page (PDF counts points from the bottom left), so the layout reads like
//! the paper form it describes.

use crate::fonts::{printable, width_pt, Face, Fonts};
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfFontHandle, Point, Pt, Rect,
    Rgb, TextItem, TextMatrix, TextRenderingMode,
};

pub(crate) const PAGE_W: f32 = 210.0;
pub(crate) const PAGE_H: f32 = 297.0;
/// The margins both documents keep, in mm: text runs from `LEFT` to `RIGHT` below `TOP`.
pub(crate) const LEFT: f32 = 15.0;
pub(crate) const RIGHT: f32 = 195.0;
pub(crate) const TOP: f32 = 12.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The few inks the page uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Ink {
    Black,
    /// Secondary text: the English labels.
    Grey,
    /// Rules and boxes.
    Rule,
    /// Section bars.
    Shade,
    /// Marks (reprint, void): survive a black-and-white copy as dark grey.
    Red,
}

impl Ink {
    fn color(self) -> Color {
        match self {
            Ink::Black => Color::Greyscale(Greyscale::new(0.0, None)),
            Ink::Grey => Color::Greyscale(Greyscale::new(0.38, None)),
            Ink::Rule => Color::Greyscale(Greyscale::new(0.55, None)),
            Ink::Shade => Color::Greyscale(Greyscale::new(0.9, None)),
            Ink::Red => Color::Rgb(Rgb::new(0.75, 0.05, 0.05, None)),
        }
    }
}

/// One style of text: face, size in points, ink.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub ink: Ink,
}

impl Style {
    pub const fn new(face: Face, size: f32, ink: Ink) -> Style {
        Style { face, size, ink }
    }
}

fn pt(mm: f32) -> Pt {
    Pt(mm * PT_PER_MM)
}

fn point(x: f32, y_from_top: f32) -> Point {
    Point {
        x: pt(x),
        y: pt(PAGE_H - y_from_top),
    }
}

/// Text measurement, shared by the layout and the canvas.
#[derive(Clone, Copy)]
pub(crate) struct Measure {
    pub fonts: &'static Fonts,
}

impl Measure {
    /// Width in mm of `text` (already printable) in `style`.
    pub fn width(&self, style: Style, text: &str) -> f32 {
        width_pt(self.fonts.face(style.face), text, style.size) / PT_PER_MM
    }

    /// `text` reduced to what the face can show.
    pub fn printable(&self, style: Style, text: &str) -> String {
        printable(self.fonts.face(style.face), text)
    }

    /// `text` broken into lines no wider than `max` mm: at spaces where possible, inside a
    /// word only when the word alone is too wide.
    pub fn wrap(&self, style: Style, text: &str, max: f32) -> Vec<String> {
        let text = self.printable(style, text);
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(style, &candidate) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: split it by characters if it still does not fit.
            for c in word.chars() {
                line.push(c);
                if self.width(style, &line) > max && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// `text` on one line no wider than `max` mm, cut with an ellipsis if it must be.
    pub fn fit(&self, style: Style, text: &str, max: f32) -> String {
        let mut text = self.printable(style, text);
        if self.width(style, &text) <= max {
            return text;
        }
        while !text.is_empty() && self.width(style, &format!("{text}…")) > max {
            text.pop();
        }
        format!("{text}…")
    }
}

/// The operations of one page.
pub(crate) struct Canvas {
    pub ops: Vec<Op>,
    pub measure: Measure,
    regular: FontId,
    bold: FontId,
}

impl Canvas {
    pub fn new(measure: Measure, regular: FontId, bold: FontId) -> Canvas {
        Canvas {
            ops: Vec::with_capacity(1024),
            measure,
            regular,
            bold,
        }
    }

    fn font(&self, face: Face) -> PdfFontHandle {
        PdfFontHandle::External(match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
        })
    }

    /// Text (made printable here) with its baseline at `y` mm from the top.
    pub fn text(&mut self, x: f32, y: f32, style: Style, text: &str) {
        let text = self.measure.printable(style, text);
        self.show(TextMatrix::Translate(pt(x), pt(PAGE_H - y)), style, text);
    }

    /// Text ending at `x`.
    pub fn text_right(&mut self, x: f32, y: f32, style: Style, text: &str) {
        let text = self.measure.printable(style, text);
        let w = self.measure.width(style, &text);
        self.show(
            TextMatrix::Translate(pt(x - w), pt(PAGE_H - y)),
            style,
            text,
        );
    }

    /// Text centred on `x`.
    pub fn text_center(&mut self, x: f32, y: f32, style: Style, text: &str) {
        let text = self.measure.printable(style, text);
        let w = self.measure.width(style, &text);
        self.show(
            TextMatrix::Translate(pt(x - w / 2.0), pt(PAGE_H - y)),
            style,
            text,
        );
    }

    /// A mark (reprint, void) in a red box whose top-right corner is (`right`, `top`), so a
    /// further print is not taken for another document. Returns the box's bottom.
    pub fn boxed_mark(&mut self, right: f32, top: f32, text: &str) -> f32 {
        let style = Style::new(Face::Bold, 10.0, Ink::Red);
        let text = self.measure.printable(style, text);
        let w = self.measure.width(style, &text) + 4.0;
        self.stroke_rect(right - w, top, w, 6.0, Ink::Red, 1.2);
        self.text_right(right - 2.0, top + 4.5, style, &text);
        top + 6.5
    }

    /// Outlined text centred on the page and turned `degrees` anticlockwise: the VOID mark,
    /// which must not hide what it cancels.
    pub fn outlined_diagonal(&mut self, style: Style, text: &str, degrees: f32) {
        let text = self.measure.printable(style, text);
        let w = pt(self.measure.width(style, &text)).0;
        let cap = style.size * 0.72;
        let (sin, cos) = degrees.to_radians().sin_cos();
        let (cx, cy) = (pt(PAGE_W / 2.0).0, pt(PAGE_H / 2.0).0);
        // Start so that the middle of the text's x-height band sits on the page centre.
        let x = cx - cos * w / 2.0 + sin * cap / 2.0;
        let y = cy - sin * w / 2.0 - cos * cap / 2.0;
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor {
                col: style.ink.color(),
            },
            Op::SetOutlineThickness { pt: Pt(1.6) },
            Op::StartTextSection,
            Op::SetTextRenderingMode {
                mode: TextRenderingMode::Stroke,
            },
            Op::SetFont {
                font: self.font(style.face),
                size: Pt(style.size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Raw([cos, sin, -sin, cos, x, y]),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]);
    }

    fn show(&mut self, at: TextMatrix, style: Style, text: String) {
        if text.is_empty() {
            return;
        }
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: self.font(style.face),
                size: Pt(style.size),
            },
            Op::SetFillColor {
                col: style.ink.color(),
            },
            Op::SetTextMatrix { matrix: at },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
        ]);
    }

    /// A filled rectangle; `y` is its top edge.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, ink: Ink) {
        self.ops.push(Op::SetFillColor { col: ink.color() });
        self.ops.push(Op::DrawRectangle {
            rectangle: rect(x, y, w, h, PaintMode::Fill),
        });
    }

    /// Many filled rectangles in one ink (the QR code's modules).
    pub fn fill_rects(&mut self, ink: Ink, rects: impl IntoIterator<Item = (f32, f32, f32, f32)>) {
        self.ops.push(Op::SetFillColor { col: ink.color() });
        for (x, y, w, h) in rects {
            self.ops.push(Op::DrawRectangle {
                rectangle: rect(x, y, w, h, PaintMode::Fill),
            });
        }
    }

    /// A rectangle's outline, `thickness` in points; `y` is its top edge.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, ink: Ink, thickness: f32) {
        self.ops.push(Op::SetOutlineColor { col: ink.color() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawRectangle {
            rectangle: rect(x, y, w, h, PaintMode::Stroke),
        });
    }

    /// A horizontal rule from `x1` to `x2` at `y`, `thickness` in points.
    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, ink: Ink, thickness: f32) {
        self.ops.push(Op::SetOutlineColor { col: ink.color() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: point(x1, y),
                        bezier: false,
                    },
                    LinePoint {
                        p: point(x2, y),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// Places an image XObject in the box whose top-left corner is (`x`, `y`).
    pub fn image(&mut self, id: printpdf::XObjectId, x: f32, y: f32, w: f32, h: f32) {
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetTransformationMatrix {
                matrix: printpdf::CurTransMat::Raw([
                    pt(w).0,
                    0.0,
                    0.0,
                    pt(h).0,
                    pt(x).0,
                    pt(PAGE_H - y - h).0,
                ]),
            },
            Op::UseXobject {
                id,
                transform: printpdf::XObjectTransform {
                    no_auto_scale: true,
                    ..Default::default()
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }
}

fn rect(x: f32, y: f32, w: f32, h: f32, mode: PaintMode) -> Rect {
    Rect {
        x: pt(x),
        y: pt(PAGE_H - y - h),
        width: pt(w),
        height: pt(h),
        mode: Some(mode),
        winding_order: None,
    }
}

/// A4 in printpdf's unit, for the page's media box.
pub(crate) fn a4() -> (Mm, Mm) {
    (Mm(PAGE_W), Mm(PAGE_H))
}
