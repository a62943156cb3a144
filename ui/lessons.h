// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "recording.h"

#include <QList>
#include <QString>
#include <QUrl>

// The lab's lessons: each sets up one to four lanes side by side with teaching defaults and
// explains, in the project's own words, what to notice, why it happens, and how to see the
// same thing with curl and in a browser. Plain data; the window builds its panes from it.
struct Lesson
{
    enum class Extra {
        None,
        DropConnection, // SSE: a button that cuts the connection to show resume
        Publish,        // a publish box and an auto-publish rate above the lanes
        PauseResume,    // ranges: pause and resume the download
    };

    QString id;    // stable, for QSettings: "text", "image", …
    QString title; // "1. Buffered vs streamed text"
    QString notice; // what to notice (one short paragraph, plain text)
    QString why;    // why it happens
    QString curl;   // shell commands; {base} stands for the server's base URL
    QString javascript; // browser code; {base} as above
    Extra extra = Extra::None;
    bool isAnyUrl = false; // lesson 9: the user's own URL, method, headers and mode

    // The lesson's lanes against the server at `base` (e.g. http://127.0.0.1:8765).
    QList<Lane> lanes(const QUrl &base) const;
    // curl/javascript with {base} replaced.
    static QString withBase(const QString &text, const QUrl &base);

    // Lane templates: a name, a mode and a path+query on the base URL ("ws" mode gets ws://).
    struct LaneTemplate
    {
        QString name;
        ProbeMode mode = ProbeMode::Stream;
        QString pathAndQuery;
        int timeoutMs = 30'000;
        int maxEvents = 0;
        int segments = 1;
        QList<QPair<QByteArray, QByteArray>> headers = {}; // extra request headers
    };
    QList<LaneTemplate> templates;
};

// Lessons 1–9, in order.
const QList<Lesson> &allLessons();
