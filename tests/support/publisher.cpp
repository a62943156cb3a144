// SPDX-License-Identifier: GPL-3.0-only
#include "publisher.h"

#include "testserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {

qint64 idFromAnswer(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(u"id"_s).toInteger(-1);
}

} // namespace

Publisher::Publisher(QUrl publishUrl, QString topic, QObject *parent)
    : QObject(parent), m_url(std::move(publishUrl))
{
    QUrlQuery query(m_url);
    query.addQueryItem(u"topic"_s, topic);
    m_url.setQuery(query);
}

QNetworkRequest Publisher::request() const
{
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain"));
    return request;
}

qint64 Publisher::publish(const QString &text)
{
    const Fetched fetched = fetch(m_manager, request(), 15'000, "POST", text.toUtf8());
    const qint64 id = fetched.status == 200 ? idFromAnswer(fetched.body) : -1;
    m_ids.append(id);
    return id;
}

void Publisher::enqueue(const QString &text)
{
    m_queue.append(text);
    if (!m_isSending)
        sendNext();
}

void Publisher::sendNext()
{
    if (m_queue.isEmpty())
        return;
    m_isSending = true;
    QNetworkRequest request = this->request();
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    QNetworkReply *reply = m_manager.post(request, m_queue.takeFirst().toUtf8());
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const qint64 id = reply->error() == QNetworkReply::NoError
                ? idFromAnswer(reply->readAll())
                : -1;
        m_ids.append(id);
        m_isSending = false;
        emit published(id);
        sendNext();
    });
}
