// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "httpwire.h"

#include <QByteArray>
#include <QTcpSocket>

// A hand-driven HTTP/1.x client on one TCP connection, for what QNAM hides or normalises:
// exact request bytes (HTTP/1.0, Expect, pipelining, hostile paths), exact response bytes,
// and whether the server closed the connection.
class RawHttp
{
public:
    RawHttp() = default;

    bool connectTo(quint16 port, int timeoutMs = 5000);
    // Sends raw request bytes; `method` tells the parser whether a body will follow. For
    // pipelined requests in one send, only the first response's method is known: pipeline
    // GETs only.
    void send(const QByteArray &bytes, QByteArrayView method = "GET");
    // A minimal well-formed request.
    void get(const QByteArray &target, const QByteArray &extraHeaders = {},
             QByteArrayView method = "GET");

    // Waits until `count` final or interim responses were parsed, or the socket closed.
    bool waitForResponses(int count, int timeoutMs = 5000);
    bool waitForClose(int timeoutMs = 5000);

    const QList<httpwire::Response> &responses() const { return m_parser.responses(); }
    QList<httpwire::Response> finalResponses() const;  // without 1xx
    const QByteArray &received() const { return m_received; }
    bool isClosed() const { return m_isClosed; }
    bool hasParseError() const { return m_parser.hasError(); }
    QString parseError() const { return m_parser.errorString(); }
    QTcpSocket &socket() { return m_socket; }

private:
    void readAvailable();

    QTcpSocket m_socket;
    httpwire::ResponseParser m_parser;
    QByteArray m_received;
    bool m_isClosed = false;
    bool m_isWired = false;
};
