// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "serverhost.h"

#include <QElapsedTimer>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

// A real StreamLab server on 127.0.0.1 with an OS-chosen port, running in its own thread as
// in the application. By default it serves a fresh temporary folder as /files.
class TestServer
{
public:
    explicit TestServer(ServerConfig config = {});
    ~TestServer();

    // Starts the server; returns an empty string or the error.
    QString start();
    QUrl url(const QString &pathAndQuery) const;
    quint16 port() const { return m_host->port(); }
    ServerHost &host() { return *m_host; }
    QString filesDir() const { return m_files.path(); }
    // Writes a file into the served folder; returns its full path.
    QString addFile(const QString &relativePath, const QByteArray &bytes) const;

private:
    QTemporaryDir m_files;
    ServerConfig m_config;
    std::unique_ptr<ServerHost> m_host;
};

// One HTTP exchange through QNetworkAccessManager, recording when each readyRead arrived.
struct Fetched
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    QList<QByteArray> pieces;      // what each readyRead delivered
    QList<qint64> pieceMs;         // when, in ms since the request was sent
    qint64 headersMs = -1;         // when metaDataChanged fired
    qint64 finishedMs = -1;
    QList<QNetworkReply::RawHeaderPair> headers;
    bool isFinished = false;

    QByteArray header(QByteArrayView name) const;
};

// Issues `request` with `verb` (GET by default) and waits up to `timeoutMs` for it to finish.
// HTTP/2 is switched off so that what the test sees is HTTP/1.1 framing.
Fetched fetch(QNetworkAccessManager &manager, QNetworkRequest request, int timeoutMs = 15000,
              const QByteArray &verb = "GET", const QByteArray &body = {});
