// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QTextBrowser>
#include <QUrl>

struct Lesson;

// The explanation beside a lesson's lanes, in the project's own words: what to notice, why it
// happens, and the same thing with curl and in a browser's JavaScript, with the server's real
// base URL filled in so the commands can be copied as they are.
class LessonPane : public QTextBrowser
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LessonPane)
public:
    explicit LessonPane(QWidget *parent = nullptr);
    ~LessonPane() override;

    void showLesson(const Lesson &lesson, const QUrl &base);

    QSize sizeHint() const override;
};
