// SPDX-License-Identifier: GPL-3.0-only
#include "lessonpane.h"

#include "lessons.h"

using namespace Qt::StringLiterals;

namespace {

constexpr int kPreferredWidthPx = 340;

QString paragraph(const QString &heading, const QString &text)
{
    return u"<h4>%1</h4><p>%2</p>"_s.arg(heading, text.toHtmlEscaped());
}

QString code(const QString &heading, const QString &text)
{
    return u"<h4>%1</h4><pre style=\"white-space: pre-wrap\">%2</pre>"_s.arg(heading,
                                                                             text.toHtmlEscaped());
}

} // namespace

LessonPane::LessonPane(QWidget *parent) : QTextBrowser(parent)
{
    setOpenExternalLinks(true);
    setFrameShape(QFrame::NoFrame);
    setLineWrapMode(QTextEdit::WidgetWidth);
}

LessonPane::~LessonPane() = default;

void LessonPane::showLesson(const Lesson &lesson, const QUrl &base)
{
    QString html = u"<h3>%1</h3>"_s.arg(lesson.title.toHtmlEscaped());
    html += paragraph(u"What to notice"_s, lesson.notice);
    html += paragraph(u"Why"_s, lesson.why);
    html += code(u"With curl"_s, Lesson::withBase(lesson.curl, base));
    html += code(u"In the browser"_s, Lesson::withBase(lesson.javascript, base));
    setHtml(html);
}

QSize LessonPane::sizeHint() const
{
    return {kPreferredWidthPx, QTextBrowser::sizeHint().height()};
}
