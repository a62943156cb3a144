// SPDX-License-Identifier: GPL-3.0-only
#include "replyfields.h"

#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace replyfields {

int status(const QNetworkReply &reply)
{
    return reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

QString reason(const QNetworkReply &reply)
{
    return QString::fromLatin1(
            reply.attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray());
}

QJsonObject headers(const QNetworkReply &reply)
{
    QJsonObject fields;
    for (const QNetworkReply::RawHeaderPair &pair : reply.rawHeaderPairs()) {
        const QString name = QString::fromLatin1(pair.first);
        const QString value = QString::fromLatin1(pair.second);
        const QJsonValue previous = fields.value(name);
        fields.insert(name, previous.isString() ? previous.toString() % u", "_s % value : value);
    }
    return {{u"status"_s, status(reply)}, {u"reason"_s, reason(reply)}, {u"headers"_s, fields}};
}

QString describeStatus(const QNetworkReply &reply)
{
    const QString phrase = reason(reply);
    return u"HTTP %1%2 from %3"_s.arg(status(reply))
            .arg(phrase.isEmpty() ? QString() : u' ' + phrase,
                 reply.url().toString(QUrl::FullyEncoded));
}

bool isHttpStatusError(QNetworkReply::NetworkError error)
{
    return (error >= QNetworkReply::ContentAccessDenied
            && error <= QNetworkReply::UnknownContentError)
            || (error >= QNetworkReply::InternalServerError
                && error <= QNetworkReply::UnknownServerError);
}

bool isTimeout(QNetworkReply::NetworkError error)
{
    return error == QNetworkReply::OperationCanceledError
            || error == QNetworkReply::TimeoutError;
}

} // namespace replyfields
