// SPDX-License-Identifier: GPL-3.0-only
#include "replyfields.h"

#include <QHash>
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
    // Names are case-insensitive: a field repeated in another spelling joins the first one.
    QJsonObject fields;
    QHash<QByteArray, QString> firstSpelling; // lower-case name -> name as first received
    for (const QNetworkReply::RawHeaderPair &pair : reply.rawHeaderPairs()) {
        const QByteArray key = pair.first.toLower();
        const QString name = firstSpelling.value(key, QString::fromLatin1(pair.first));
        firstSpelling.insert(key, name);
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

QString truncation(const QNetworkReply &reply, qint64 bodyBytes)
{
    const QNetworkReply::NetworkError error = reply.error();
    if (error != QNetworkReply::NoError && error != QNetworkReply::RemoteHostClosedError)
        return {};
    const QVariant announced = reply.header(QNetworkRequest::ContentLengthHeader);
    const int code = status(reply);
    const bool hasBody = code >= 200 && code != 204 && code != 304
                         && reply.operation() != QNetworkAccessManager::HeadOperation;
    const QByteArray encoding = reply.rawHeader("Content-Encoding").trimmed().toLower();
    if (!announced.isValid() || !hasBody || !(encoding.isEmpty() || encoding == "identity")
        || bodyBytes >= announced.toLongLong()) {
        return {};
    }
    return u"the connection to %1 closed after %2 of the %3 bytes its Content-Length "
           "announced%4"_s.arg(reply.url().toString(QUrl::FullyEncoded))
               .arg(bodyBytes)
               .arg(announced.toLongLong())
               .arg(error == QNetworkReply::NoError ? u" (Qt reported no error)"_s : QString());
}

void release(QNetworkReply *reply, QObject *receiver)
{
    if (!reply)
        return;
    QObject::disconnect(reply, nullptr, receiver, nullptr);
    if (reply->isRunning())
        QMetaObject::invokeMethod(reply, &QNetworkReply::abort, Qt::QueuedConnection);
    reply->deleteLater();
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
    return error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError;
}

} // namespace replyfields
