// SPDX-License-Identifier: GPL-3.0-only
#include "observationprinter.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype kMaxHumanText = 72;
constexpr qsizetype kMaxWireText = 8192;
constexpr int kWireIndent = 14;

// The escaped bytes of a raw read, one wire line per output line (broken after each \n).
QString wireLines(const QString &escaped)
{
    QString out;
    const QString indent(kWireIndent, u' ');
    QString line;
    const QString shown = escaped.left(kMaxWireText);
    for (qsizetype i = 0; i < shown.size(); ++i) {
        line += shown.at(i);
        const bool endsLine = shown.at(i) == u'n' && i > 0 && shown.at(i - 1) == u'\\'
                && !(i > 1 && shown.at(i - 2) == u'\\');
        if (endsLine || i + 1 == shown.size()) {
            out += indent + line + u'\n';
            line.clear();
        }
    }
    if (escaped.size() > kMaxWireText)
        out += indent + u"… %1 more characters"_s.arg(escaped.size() - kMaxWireText) + u'\n';
    return out;
}

// Text for one terminal line: control characters made visible, long text shortened.
QString visible(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        if (c == u'\n')
            out += u"\\n"_s;
        else if (c == u'\r')
            out += u"\\r"_s;
        else if (c == u'\t')
            out += u"\\t"_s;
        else if (c.unicode() < 0x20)
            out += u"\\x"_s + QString::number(c.unicode(), 16).rightJustified(2, u'0');
        else
            out += c;
        if (out.size() > kMaxHumanText)
            return out.left(kMaxHumanText) + u"…"_s;
    }
    return out;
}

QString quoted(const QString &text)
{
    return u'"' + visible(text) + u'"';
}

QString ms(double value)
{
    return value < 0 ? u"-"_s : QString::number(value, 'f', 1) + u" ms"_s;
}

QString describe(const Observation &observation)
{
    const QJsonObject &f = observation.fields;
    const auto str = [&f](const QString &key) { return f.value(key).toString(); };
    switch (observation.kind) {
    case ObservationKind::Request:
        return str(u"method"_s) + u' ' + str(u"url"_s);
    case ObservationKind::Headers: {
        QString text = QString::number(f.value(u"status"_s).toInt()) + u' ' + str(u"reason"_s);
        const QJsonObject headers = f.value(u"headers"_s).toObject();
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            if (it.key().compare(u"content-type"_s, Qt::CaseInsensitive) == 0)
                text += u"  "_s + it.value().toString();
        }
        return text;
    }
    case ObservationKind::Chunk:
        if (!f.contains(u"text"_s))
            return {};
        // A character cut across reads: what a decoder that decodes each read alone shows.
        if (f.contains(u"naive_text"_s))
            return quoted(str(u"text"_s)) + u"  decoded alone: "_s + quoted(str(u"naive_text"_s));
        return quoted(str(u"text"_s));
    case ObservationKind::Event:
        return u"%1 id=%2 %3"_s.arg(str(u"type"_s), str(u"id"_s), quoted(str(u"data"_s)));
    case ObservationKind::Comment:
        return u':' + visible(str(u"text"_s));
    case ObservationKind::Message:
        return f.value(u"binary"_s).toBool() ? u"(binary)"_s : quoted(str(u"data"_s));
    case ObservationKind::Sent:
        return quoted(str(u"data"_s));
    case ObservationKind::Ping:
        return str(u"direction"_s);
    case ObservationKind::Pong:
        return u"round trip "_s + ms(f.value(u"rtt_ms"_s).toDouble());
    case ObservationKind::Poll:
        return u"%1, %2 messages, round trip %3"_s.arg(f.value(u"status"_s).toInt())
                .arg(f.value(u"messages"_s).toInt())
                .arg(ms(f.value(u"rtt_ms"_s).toDouble()));
    case ObservationKind::Reconnect:
        return u"in %1, Last-Event-ID %2"_s.arg(ms(f.value(u"delay_ms"_s).toDouble()),
                                                 quoted(str(u"last_event_id"_s)));
    case ObservationKind::Range:
        return u"bytes %1-%2"_s.arg(qint64(f.value(u"start"_s).toDouble()))
                .arg(qint64(f.value(u"end"_s).toDouble()));
    case ObservationKind::Wire: {
        QStringList notes;
        for (const QJsonValue &segment : f.value(u"segments"_s).toArray())
            notes += segment.toObject().value(u"note"_s).toString();
        return notes.join(u"; "_s); // the bytes follow on lines of their own
    }
    case ObservationKind::Close:
        return u"%1 %2"_s.arg(f.value(u"code"_s).toInt()).arg(str(u"reason"_s));
    case ObservationKind::Error:
        return str(u"message"_s);
    case ObservationKind::Done:
        return u"%1 bytes in %2 pieces; headers %3, first byte %4, total %5"_s.arg(observation.bytes)
                .arg(f.value(u"chunks"_s).toInt())
                .arg(ms(f.value(u"headers_ms"_s).toDouble()),
                     ms(f.value(u"first_byte_ms"_s).toDouble()),
                     ms(f.value(u"total_ms"_s).toDouble()));
    }
    return {};
}

} // namespace

double ObservationPrinter::msSinceRequest(const Observation &observation)
{
    if (m_requestNs < 0 && observation.kind == ObservationKind::Request)
        m_requestNs = observation.tNs;
    if (m_requestNs < 0)
        return 0;
    return std::round(double(observation.tNs - m_requestNs) / 1000.0) / 1000.0;
}

QByteArray ObservationPrinter::jsonLine(const Observation &observation)
{
    QJsonObject object = observation.fields;
    object.insert(u"t"_s, msSinceRequest(observation));
    object.insert(u"kind"_s, QString(observationKindName(observation.kind)));
    if (observation.exchange > 0)
        object.insert(u"exchange"_s, observation.exchange);
    if (isPayloadKind(observation.kind) || observation.kind == ObservationKind::Done
        || observation.bytes > 0) {
        object.insert(u"bytes"_s, observation.bytes);
    }
    if (observation.kind == ObservationKind::Chunk)
        object.insert(u"total"_s, observation.total);
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray ObservationPrinter::humanLine(const Observation &observation)
{
    const double t = msSinceRequest(observation);
    const QString bytes = observation.bytes > 0 || isPayloadKind(observation.kind)
            ? QString::number(observation.bytes) + u" B"_s
            : QString();
    QString line = QString::number(t, 'f', 3).rightJustified(11) + u" ms  "_s
            + QString(observationKindName(observation.kind)).leftJustified(9) + u' '
            + bytes.rightJustified(9) + u"  "_s + describe(observation);
    while (line.endsWith(u' '))
        line.chop(1);
    line += u'\n';
    if (observation.kind == ObservationKind::Wire)
        line += wireLines(observation.fields.value(u"raw"_s).toString());
    return line.toUtf8();
}
