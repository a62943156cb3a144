// SPDX-License-Identifier: GPL-3.0-only
#include "handwebsocket.h"

#include "wirebytes.h"

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kReadBufferBytes = 64 * 1024;

wsframe::Limits clientLimits()
{
    wsframe::Limits limits;
    limits.maskPolicy = wsframe::MaskPolicy::MustNotBeMasked;
    return limits;
}

} // namespace

HandWebSocket::HandWebSocket(QObject *parent)
    : QObject(parent), m_frames(clientLimits())
{
}

HandWebSocket::~HandWebSocket() = default;

void HandWebSocket::open(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    m_url = url;
    m_headers = headers;
    m_key = wsframe::makeKey();
    m_socket = new QTcpSocket(this);
    m_socket->setReadBufferSize(kReadBufferBytes);
    connect(m_socket, &QTcpSocket::connected, this, &HandWebSocket::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &HandWebSocket::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HandWebSocket::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HandWebSocket::onSocketError);
    m_http.expectResponseTo("GET");
    m_socket->connectToHost(url.host(), quint16(url.port(80)));
}

void HandWebSocket::sendText(const QString &text)
{
    send(wsframe::Opcode::Text, text.toUtf8());
}

void HandWebSocket::ping(const QByteArray &payload)
{
    send(wsframe::Opcode::Ping, payload.left(125));
}

void HandWebSocket::close(int code, const QString &reason)
{
    if (m_state == State::Open)
        send(wsframe::Opcode::Close, wsframe::closePayload(code, reason));
    end();
}

void HandWebSocket::onConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_state = State::Handshaking;
    m_socket->write(wsframe::handshakeRequest(m_url, m_key, m_headers));
}

void HandWebSocket::onReadyRead()
{
    while (m_socket && m_state != State::Done && m_socket->bytesAvailable() > 0) {
        const QByteArray bytes = m_socket->read(kReadBufferBytes);
        emit bytesReceived(bytes.size());
        switch (m_state) {
        case State::Connecting:
        case State::Handshaking:
            readHandshake(bytes);
            break;
        case State::Open:
        case State::Closing:
            readFrames(bytes);
            break;
        case State::Done:
            return;
        }
    }
}

// Reads the response to the handshake; bytes after the 101 already belong to frames.
void HandWebSocket::readHandshake(QByteArrayView bytes)
{
    const QList<httpwire::Segment> segments = m_http.feed(bytes);
    if (m_http.hasError()) {
        fail(u"handshake: the response is not valid HTTP: "_s + m_http.errorString());
        return;
    }
    QByteArray frameBytes;
    bool isUpgraded = false;
    for (const httpwire::Segment &segment : segments) {
        const bool isFinal = segment.response < m_http.responses().size()
                             && (!m_http.responses().at(segment.response).isInterim()
                                 || m_http.responses().at(segment.response).status == 101);
        if (segment.kind == httpwire::SegmentKind::HeaderEnd && isFinal) {
            m_handshake = m_http.responses().at(segment.response);
            const QString error = wsframe::handshakeError(m_handshake, m_key);
            if (!error.isEmpty()) {
                fail(error);
                return;
            }
            isUpgraded = true;
        } else if (isUpgraded && segment.kind == httpwire::SegmentKind::BodyData) {
            frameBytes += segment.raw;
        }
    }
    if (!isUpgraded)
        return;
    m_state = State::Open;
    const QPointer<HandWebSocket> self(this);
    emit connected();
    if (self && m_state == State::Open && !frameBytes.isEmpty())
        readFrames(frameBytes);
}

void HandWebSocket::readFrames(QByteArrayView bytes)
{
    const QList<wsframe::Frame> frames = m_frames.feed(bytes);
    const QPointer<HandWebSocket> self(this);
    for (const wsframe::Frame &frame : frames) {
        onFrame(frame);
        if (!self || m_state == State::Done)
            return;
    }
    if (m_frames.hasError()) {
        const int code = m_frames.errorCloseCode();
        send(wsframe::Opcode::Close, wsframe::closePayload(code, m_frames.errorString()));
        fail(u"WebSocket protocol error from the server: "_s + m_frames.errorString());
    }
}

void HandWebSocket::onFrame(const wsframe::Frame &frame)
{
    switch (frame.opcode) {
    case wsframe::Opcode::Continuation:
    case wsframe::Opcode::Text:
    case wsframe::Opcode::Binary:
        if (frame.message)
            emit messageReceived(*frame.message, frame.messageOpcode == wsframe::Opcode::Binary);
        return;
    case wsframe::Opcode::Ping:
        emit pingReceived(frame.payload); // deliberately never answered: that is the point
        return;
    case wsframe::Opcode::Pong:
        emit pongReceived(frame.payload);
        return;
    case wsframe::Opcode::Close: {
        const wsframe::CloseInfo info = wsframe::parseClosePayload(frame.payload).value();
        // Echo the code (RFC 6455 §5.5.1), then let the server close the TCP connection.
        if (m_state == State::Open)
            send(wsframe::Opcode::Close, frame.payload.left(2));
        end();
        emit closed(info.code, info.reason);
        return;
    }
    }
}

void HandWebSocket::onDisconnected()
{
    if (m_state == State::Done)
        return;
    onReadyRead(); // bytes that arrived together with the FIN
    if (m_state == State::Done)
        return;
    if (m_state == State::Open || m_state == State::Closing) {
        end();
        emit closed(1006, u"the connection closed without a close frame"_s);
        return;
    }
    fail(u"the server closed the connection during the handshake"_s);
}

void HandWebSocket::onSocketError(QAbstractSocket::SocketError error)
{
    if (error == QAbstractSocket::RemoteHostClosedError)
        return; // disconnected() follows and tells the story
    fail(u"connection failed: "_s + (m_socket ? m_socket->errorString() : QString()));
}

void HandWebSocket::send(wsframe::Opcode opcode, QByteArrayView payload)
{
    if (!m_socket || (m_state != State::Open && opcode != wsframe::Opcode::Close))
        return;
    m_socket->write(wsframe::encodeFrame(opcode, payload, true, wsframe::randomMaskKey()));
    if (opcode == wsframe::Opcode::Close)
        m_state = State::Closing;
}

// Stops listening and lets the socket finish politely: pending bytes (a close frame) are
// flushed before the FIN.
void HandWebSocket::end()
{
    m_state = State::Done;
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->flush();
    m_socket->disconnectFromHost();
}

void HandWebSocket::fail(const QString &error)
{
    if (m_state == State::Done)
        return;
    end();
    emit failed(error);
}
