// SPDX-License-Identifier: GPL-3.0-only
#include "testserver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>

using namespace Qt::StringLiterals;

TestServer::TestServer(ServerConfig config) : m_config(std::move(config))
{
    m_config.address = QHostAddress::LocalHost;
    m_config.port = 0;
    if (m_config.filesDir.isEmpty())
        m_config.filesDir = m_files.path();
}

TestServer::~TestServer()
{
    if (m_host)
        m_host->stop();
}

QString TestServer::start()
{
    m_host = std::make_unique<ServerHost>(m_config);
    const Result<QUrl> started = m_host->start();
    return started.isOk() ? QString() : started.error();
}

QUrl TestServer::url(const QString &pathAndQuery) const
{
    return QUrl(u"http://127.0.0.1:"_s + QString::number(m_host->port()) + pathAndQuery);
}

QString TestServer::addFile(const QString &relativePath, const QByteArray &bytes) const
{
    const QString path = QDir(m_files.path()).filePath(relativePath);
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(bytes);
    return path;
}

QByteArray Fetched::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

Fetched fetch(QNetworkAccessManager &manager, QNetworkRequest request, int timeoutMs,
              const QByteArray &verb, const QByteArray &body)
{
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    Fetched result;
    QElapsedTimer clock;
    clock.start();
    QNetworkReply *reply = manager.sendCustomRequest(request, verb, body);
    QObject::connect(reply, &QNetworkReply::metaDataChanged, reply, [&] {
        if (result.headersMs < 0)
            result.headersMs = clock.elapsed();
    });
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&] {
        const QByteArray piece = reply->readAll();
        if (piece.isEmpty())
            return;
        result.pieces.append(piece);
        result.pieceMs.append(clock.elapsed());
        result.body += piece;
    });
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(timeoutMs)) {
        reply->abort();
        result.errorString = u"timed out after %1 ms"_s.arg(timeoutMs);
        reply->deleteLater();
        return result;
    }
    result.isFinished = true;
    result.finishedMs = clock.elapsed();
    const QByteArray rest = reply->readAll();
    if (!rest.isEmpty()) {
        result.pieces.append(rest);
        result.pieceMs.append(result.finishedMs);
        result.body += rest;
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    result.errorString = reply->errorString();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}
