// SPDX-License-Identifier: GPL-3.0-only
#include "qnamprobe.h"

#include "replyfields.h"

#include <QMetaEnum>
#include <QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace qnam {

QNetworkRequest makeRequest(const ProbeSettings &settings, const QUrl &url)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    if (settings.timeoutMs > 0)
        request.setTransferTimeout(settings.timeoutMs);
    for (const auto &[name, value] : settings.headers)
        request.setRawHeader(name, value);
    return request;
}

QNetworkReply *send(QNetworkAccessManager &network, const QNetworkRequest &request,
                    const QByteArray &method, const QByteArray &body)
{
    if (body.isEmpty())
        return network.sendCustomRequest(request, method);
    return network.sendCustomRequest(request, method, body);
}

QByteArray methodOf(const QNetworkReply &reply)
{
    switch (reply.operation()) {
    case QNetworkAccessManager::HeadOperation:
        return QByteArrayLiteral("HEAD");
    case QNetworkAccessManager::GetOperation:
        return QByteArrayLiteral("GET");
    case QNetworkAccessManager::PutOperation:
        return QByteArrayLiteral("PUT");
    case QNetworkAccessManager::PostOperation:
        return QByteArrayLiteral("POST");
    case QNetworkAccessManager::DeleteOperation:
        return QByteArrayLiteral("DELETE");
    case QNetworkAccessManager::CustomOperation:
    case QNetworkAccessManager::UnknownOperation:
        break;
    }
    const QByteArray verb
        = reply.request().attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
    return verb.isEmpty() ? QByteArrayLiteral("GET") : verb;
}

namespace {

QString errorName(QNetworkReply::NetworkError error)
{
    const char *key = QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(error);
    return key ? QString::fromLatin1(key) : QString::number(int(error));
}

} // namespace

QString failureMessage(const QNetworkReply &reply, int timeoutMs)
{
    const QString url = reply.url().toString(QUrl::FullyEncoded);
    const int status = replyfields::status(reply);
    const QNetworkReply::NetworkError error = reply.error();
    if (error == QNetworkReply::OperationCanceledError) {
        return u"no data for %1 ms (inactivity timeout) from %2%3"_s.arg(timeoutMs).arg(
            url, status > 0 ? u" after HTTP %1"_s.arg(status) : QString());
    }
    QString message;
    if (status >= 400) {
        message = u"HTTP %1 %2 from %3"_s.arg(status).arg(replyfields::reason(reply), url);
        if (error == QNetworkReply::NoError || replyfields::isHttpStatusError(error))
            return message;
        return message + u"; then %1: %2"_s.arg(errorName(error), reply.errorString());
    }
    if (error == QNetworkReply::NoError)
        return {};
    const QString when = status > 0 ? u"after HTTP %1 headers, "_s.arg(status) : QString();
    return u"%1 (%2) from %3: %4%5"_s.arg(errorName(error), reply.errorString(), url, when,
                                          u"the response is incomplete or missing"_s);
}

} // namespace qnam

QnamProbe::~QnamProbe() = default;

void QnamProbe::begin()
{
    const QUrl url = settings().url;
    observeRequest(settings().method, url);
    QNetworkReply *reply = qnam::send(*network(), qnam::makeRequest(settings(), url),
                                      settings().method, settings().body);
    m_reply = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, &QnamProbe::onMetaDataChanged);
    connect(reply, &QNetworkReply::redirected, this, &QnamProbe::onRedirected);
    connect(reply, &QNetworkReply::finished, this, &QnamProbe::onFinished);
    connect(reply, &QNetworkReply::downloadProgress, this,
            [this](qint64 received, qint64) { m_bodyBytes = received; });
    watch(*reply);
}

void QnamProbe::abortTransfer()
{
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply.clear();
        disconnect(reply, nullptr, this, nullptr);
        if (reply->isRunning() && reply->error() == QNetworkReply::NoError)
            reply->abort(); // a reply that already failed is only deleted (Qt warns otherwise)
        reply->deleteLater();
    }
}

void QnamProbe::onMetaDataChanged()
{
    if (!m_reply || m_hasHeaders || replyfields::status(*m_reply) == 0)
        return;
    m_hasHeaders = true;
    observe(ObservationKind::Headers, 0, replyfields::headers(*m_reply));
}

void QnamProbe::onRedirected(const QUrl &url)
{
    if (!m_reply)
        return;
    onMetaDataChanged(); // the redirect response itself (when Qt has not announced it)
    m_hasHeaders = false;
    observeRequest(qnam::methodOf(*m_reply), url);
}

void QnamProbe::onFinished()
{
    if (!m_reply || isFinished())
        return;
    onMetaDataChanged();
    if (m_reply->isOpen())
        readRest(*m_reply);
    if (isFinished() || !m_reply)
        return;
    QString failure = replyfields::truncation(*m_reply, m_bodyBytes);
    if (failure.isEmpty())
        failure = qnam::failureMessage(*m_reply, settings().timeoutMs);
    finish(failure.isEmpty(), failure);
}
