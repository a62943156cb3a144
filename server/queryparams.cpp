// SPDX-License-Identifier: GPL-3.0-only
#include "queryparams.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
// The offending value as it is safe to quote back: short, with control characters replaced.
QString quoted(const QString &raw)
{
    QString shown = raw.left(40);
    for (QChar &c : shown) {
        if (c.category() == QChar::Other_Control)
            c = u'?';
    }
    return u'"' + shown + (raw.size() > 40 ? u"…\""_s : u"\""_s);
}
} // namespace

QueryParams::QueryParams(QUrlQuery query) : m_query(std::move(query)) {}

void QueryParams::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

QString QueryParams::single(const QString &name)
{
    const QStringList values = m_query.allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.size() > 1)
        fail(name + u": given "_s + QString::number(values.size()) + u" times; give it once"_s);
    return values.isEmpty() ? QString() : values.first();
}

qint64 QueryParams::integer(const QString &name, qint64 fallback, qint64 min, qint64 max,
                            QStringView unit)
{
    const QString raw = single(name);
    if (raw.isNull())
        return fallback;
    bool ok = false;
    // Plain decimal digits only: no sign tricks, no hex, no exponent, no spaces.
    const bool isDigits = !raw.isEmpty() && raw.size() <= 18
        && std::all_of(raw.begin(), raw.end(), [](QChar c) { return c.isDigit() && c.unicode() < 128; });
    const qint64 value = isDigits ? raw.toLongLong(&ok) : 0;
    if (ok && value >= min && value <= max)
        return value;
    const QString suffix = unit.isEmpty() ? QString() : u" "_s + unit;
    fail(name + u": must be an integer from "_s + QString::number(min) + u" to "_s
         + QString::number(max) + suffix + u", got "_s + quoted(raw));
    return fallback;
}

QString QueryParams::choice(const QString &name, const QStringList &allowed)
{
    const QString raw = single(name);
    if (raw.isNull())
        return allowed.first();
    if (allowed.contains(raw))
        return raw;
    fail(name + u": must be one of "_s + allowed.join(u'|') + u", got "_s + quoted(raw));
    return allowed.first();
}

QString QueryParams::text(const QString &name, const QString &fallback, qsizetype maxLength)
{
    const QString raw = single(name);
    if (raw.isNull())
        return fallback;
    const bool hasControl = std::any_of(raw.begin(), raw.end(), [](QChar c) {
        return c.category() == QChar::Other_Control;
    });
    if (raw.size() <= maxLength && !hasControl)
        return raw;
    fail(name + u": must be at most "_s + QString::number(maxLength)
         + u" characters without control characters"_s);
    return fallback;
}

QString QueryParams::name(const QString &name, const QString &fallback)
{
    const QString raw = single(name);
    if (raw.isNull())
        return fallback;
    static const QRegularExpression pattern(u"^[A-Za-z0-9_.-]{1,64}$"_s);
    if (pattern.match(raw).hasMatch())
        return raw;
    fail(name + u": must be 1 to 64 characters of A-Z a-z 0-9 _ . -, got "_s + quoted(raw));
    return fallback;
}
