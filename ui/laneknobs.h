// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QUrl>

// The knobs a lane shows for the built-in server's query parameters (chunk size, interval,
// heartbeat, …): which parameters get a spin box, their ranges (those the server accepts) and
// units. A lane's URL stays the single source of truth; a knob reads and rewrites one query
// item of it. Plain data, no widgets.
struct KnobSpec
{
    QString key;   // the query parameter: "chunk", "interval", …
    QString label; // for people: "chunk"
    int minimum = 0;
    int maximum = 0;
    QString suffix;            // " ms", " B", …
    QString toolTip;           // what it does
    QStringList choices = {};  // not empty: a choice (a combo box) instead of a number
    bool isOpenChoice = false; // the user may type another value (a media type)
    QStringList paths = {};    // only on these endpoints' URLs ("/text"); empty: any
};

// Every knob, in display order.
const QList<KnobSpec> &knobSpecs();

// The knobs present in `url`'s query, in display order.
QList<KnobSpec> knobsOf(const QUrl &url);
// `url` with query item `key` set to `value` (other items and their order kept).
QUrl withQueryValue(const QUrl &url, const QString &key, const QString &value);
