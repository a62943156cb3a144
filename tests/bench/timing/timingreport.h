// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "timingpackets.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

// Turns the recorded runs of the timing bench (what `bench_timing --url` wrote) and, when a
// capture was taken, the captured connections into the harness' part JSON
// ({"part":"timing", "figures":[…], "notes":[…]}) and a table for people.

namespace timing {

struct Capture
{
    bool isAvailable = false;
    QList<TcpConnection> connections;
    QString note; // how it was taken, or why it was skipped
};

struct Report
{
    QJsonObject part; // the part JSON
    QString text;     // a table for the console
};

// `recorded`: the object `bench_timing --url … --out` wrote.
Report buildReport(const QJsonObject &recorded, const Capture &capture);

} // namespace timing
