// SPDX-License-Identifier: GPL-3.0-only
#include "rawhttp.h"

#include <QDeadlineTimer>
#include <QTest>

bool RawHttp::connectTo(quint16 port, int timeoutMs)
{
    if (!m_isWired) {
        m_isWired = true;
        QObject::connect(&m_socket, &QIODevice::readyRead, &m_socket, [this] { readAvailable(); });
        QObject::connect(&m_socket, &QAbstractSocket::disconnected, &m_socket, [this] {
            readAvailable();
            m_parser.finish();
            m_isClosed = true;
        });
    }
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    return m_socket.waitForConnected(timeoutMs);
}

void RawHttp::send(const QByteArray &bytes, QByteArrayView method)
{
    m_parser.expectResponseTo(method);
    m_socket.write(bytes);
    m_socket.flush();
}

void RawHttp::get(const QByteArray &target, const QByteArray &extraHeaders, QByteArrayView method)
{
    send(method.toByteArray() + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders
             + "\r\n",
         method);
}

void RawHttp::readAvailable()
{
    if (!m_socket.isOpen())
        return;
    const QByteArray bytes = m_socket.readAll();
    m_received += bytes;
    m_parser.feed(bytes);
}

bool RawHttp::waitForResponses(int count, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_parser.responses().size() < count && !m_isClosed && !deadline.hasExpired())
        QTest::qWait(5);
    return m_parser.responses().size() >= count;
}

bool RawHttp::waitForClose(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_isClosed && !deadline.hasExpired())
        QTest::qWait(5);
    return m_isClosed;
}

QList<httpwire::Response> RawHttp::finalResponses() const
{
    QList<httpwire::Response> result;
    for (const httpwire::Response &response : m_parser.responses()) {
        if (!response.isInterim())
            result.append(response);
    }
    return result;
}
