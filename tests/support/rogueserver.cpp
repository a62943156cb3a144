// SPDX-License-Identifier: GPL-3.0-only
#include "rogueserver.h"

#include <QTimer>

#include <memory>

RogueServer::RogueServer(Scripter scripter, QObject *parent)
    : QObject(parent), m_scripter(std::move(scripter))
{
    connect(&m_server, &QTcpServer::newConnection, this, &RogueServer::accept);
}

RogueServer::~RogueServer()
{
    m_server.close();
}

bool RogueServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl RogueServer::url(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(pathAndQuery));
}

QByteArray RogueServer::head(const QByteArray &statusLine, const QList<QByteArray> &headers)
{
    QByteArray bytes = "HTTP/1.1 " + statusLine + "\r\n";
    for (const QByteArray &header : headers)
        bytes += header + "\r\n";
    return bytes + "\r\n";
}

void RogueServer::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        const int index = m_connections++;
        auto received = std::make_shared<QByteArray>();
        auto isStarted = std::make_shared<bool>(false);
        QPointer<QTcpSocket> guarded(socket);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, guarded, index, received, isStarted] {
            if (!guarded)
                return;
            *received += guarded->readAll();
            const qsizetype end = received->indexOf("\r\n\r\n");
            if (*isStarted || end < 0)
                return;
            *isStarted = true;
            const QByteArray requestHead = received->left(end + 4);
            m_requests.append(requestHead);
            emit requestReceived(requestHead);
            play(guarded, m_scripter(index, requestHead), 0);
        });
    }
}

void RogueServer::play(QPointer<QTcpSocket> socket, Script script, qsizetype next)
{
    for (; next < script.size(); ++next) {
        if (!socket || socket->state() != QAbstractSocket::ConnectedState)
            return;
        const Step &step = script.at(next);
        switch (step.action) {
        case Step::Action::Write:
            socket->write(step.bytes);
            socket->flush();
            break;
        case Step::Action::Pause:
            QTimer::singleShot(step.ms, Qt::PreciseTimer, this,
                               [this, socket, script, next] { play(socket, script, next + 1); });
            return;
        case Step::Action::Close:
            socket->disconnectFromHost();
            return;
        case Step::Action::Abort:
            socket->abort();
            return;
        case Step::Action::Hang:
            return;
        }
    }
}
