// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "httpwire.h"
#include "wsframe.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QUrl>

// A WebSocket client driven by hand on a QTcpSocket with the wsframe codec, for what
// QWebSocket hides: Qt 6.4's QWebSocket always answers pings and never reports them. This one
// reports every ping and answers none, so a server's ping timeout can be watched. Plain ws://
// only. Every frame it sends is masked (RFC 6455 §5.3); every byte it reads is untrusted and
// bounded by wsframe::Limits.
//
// Used once: open(), then signals, ending with exactly one closed() or failed(). Lives in one
// thread; the socket is its child.
class HandWebSocket : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HandWebSocket)
public:
    explicit HandWebSocket(QObject *parent = nullptr);
    ~HandWebSocket() override;

    // Connects to `url` (ws://) and sends the handshake with `headers` added.
    void open(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers);
    void sendText(const QString &text);
    void ping(const QByteArray &payload); // at most 125 bytes
    // Starts the closing handshake (or, before the handshake completed, just disconnects).
    // No signal follows.
    void close(int code, const QString &reason);

    // Handshake done and no close frame sent or received: sendText() reaches the server.
    bool isOpen() const { return m_state == State::Open; }

    // The 101 response; valid after connected().
    const httpwire::Response &handshakeResponse() const { return m_handshake; }

signals:
    void connected();
    void messageReceived(const QByteArray &data, bool isBinary);
    void pingReceived(const QByteArray &payload);
    void pongReceived(const QByteArray &payload);
    // The server's close frame (code 1005 when it carried none), or 1006 "abnormal closure"
    // when the connection ended without one.
    void closed(int code, const QString &reason);
    // The connection or the handshake failed, or the server broke the protocol.
    void failed(const QString &error);
    // Any bytes arrived (for inactivity timeouts).
    void bytesReceived(qint64 count);

private:
    enum class State {
        Connecting,
        Handshaking, // request sent, waiting for the 101
        Open,
        Closing, // our close frame sent, waiting for the server's
        Done,    // closed() or failed() emitted
    };

    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void readHandshake(QByteArrayView bytes);
    void readFrames(QByteArrayView bytes);
    void onFrame(const wsframe::Frame &frame);
    void send(wsframe::Opcode opcode, QByteArrayView payload);
    void end(); // stops listening to the socket
    void fail(const QString &error);

    QPointer<QTcpSocket> m_socket;
    httpwire::ResponseParser m_http;
    wsframe::FrameParser m_frames;
    httpwire::Response m_handshake;
    QUrl m_url;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_key;
    State m_state = State::Connecting;
};
