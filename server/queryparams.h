// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

// Reads an endpoint's query parameters with bounds. Every value from the network is
// untrusted: the first problem found becomes a message that names the parameter and its
// accepted range, for a 400 answer ("chunk: must be an integer from 1 to 1048576, got
// \"abc\""). Parameters the endpoint does not read are ignored (cache busters like "_=…").
class QueryParams
{
public:
    explicit QueryParams(QUrlQuery query);

    // An integer in [min, max]; `fallback` when absent.
    qint64 integer(const QString &name, qint64 fallback, qint64 min, qint64 max,
                   QStringView unit = {});
    // One of `allowed` (exact, case-sensitive); allowed.first() when absent.
    QString choice(const QString &name, const QStringList &allowed);
    // Free text of at most `maxLength` characters without control characters.
    QString text(const QString &name, const QString &fallback, qsizetype maxLength);

    // A name such as a topic or event type: 1–64 characters of [A-Za-z0-9_.-].
    QString name(const QString &name, const QString &fallback);

    // Records a problem found by the endpoint itself (e.g. a combination out of range).
    void fail(const QString &message);
    bool isValid() const { return m_error.isEmpty(); }
    QByteArray error() const { return m_error.toUtf8(); }

private:
    // The single raw value of `name`, or a null string when absent; records an error when
    // the parameter is given more than once.
    QString single(const QString &name);

    QUrlQuery m_query;
    QString m_error;
};

// Limits shared by every endpoint, so that no request can pin the server.
namespace limits {
constexpr qint64 kMaxIntervalMs = 60'000;
constexpr qint64 kMaxCount = 1'000'000;
constexpr qint64 kMaxChunkBytes = 1024 * 1024;
constexpr qint64 kMaxDurationMs = 10 * 60 * 1000;
}
