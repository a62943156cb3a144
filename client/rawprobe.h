// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "httpwire.h"
#include "probe.h"
#include "wirebytes.h"
#include "wsframe.h"

#include <QJsonArray>
#include <QPointer>
#include <QTcpSocket>

// The raw-wire lane: a QTcpSocket speaking HTTP/1.1 by hand (TCP_NODELAY on), so the exact
// bytes on the wire can be seen. It sends the request built by requestBytes() (recorded in the
// Request observation's `raw` field), and records every socket read as one Wire observation:
// {raw: the bytes escaped by wirebytes::escapeWireBytes, segments: [{kind, note, bytes}]},
// where the segments' `bytes` add up to the read's size. Segments come from
// httpwire::ResponseParser (status line, header lines, chunk-size lines, chunk data, last
// chunk, …); inside a text/event-stream body their notes also name the SSE lines. A Headers
// observation follows the read that completed a final response's header section.
//
// For ws:// URLs it sends a WebSocket handshake instead (settings().sends go out as masked text
// frames once the 101 arrived) and annotates every byte after the 101 frame by frame with the
// wsframe parser (kind "WsFrame", or "WsFramePart" for a frame cut across reads); a server
// close frame is also recorded as Close. Pings are answered unless settings().autoPong is off.
// TLS (https, wss) is not supported.
//
// How a run ends: success when the response is complete (the parser is idle after a final
// response, or a close-delimited body ended with the connection) or, for WebSocket, when the
// server's close frame arrived before the connection closed (whatever its code: the exchange
// is complete; the code is in the Close observation); failure with the parser's error
// ("connection closed in the middle of chunk data (…)"), or when a ws:// handshake got another
// answer than a valid 101, otherwise. maxEvents counts WebSocket
// messages. Bytes read: at most 64 KiB per read, a response body at most 64 MiB.
class RawProbe : public Probe
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawProbe)
public:
    explicit RawProbe(ProbeSettings settings, QObject *parent = nullptr);
    ~RawProbe() override;

    // The exact request for `settings`: for http://, the request line (path and query), Host,
    // User-Agent: streamlab/<version>, Accept: */*, settings.headers, Content-Length and the
    // body when there is one, Connection: close. For ws://, the handshake with `wsKey`.
    static QByteArray requestBytes(const ProbeSettings &settings, const QByteArray &wsKey = {});

protected:
    void begin() override;
    void abortTransfer() override;

private:
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void readBytes(const QByteArray &bytes);
    QJsonArray annotate(const QList<httpwire::Segment> &segments);
    void noteHead(const httpwire::Segment &segment);
    QJsonObject headersFields() const;
    void annotateFrames(const QByteArray &bytes, QJsonArray &out);
    void afterRead(qint64 tNs);
    void onFrame(const wsframe::Frame &frame);
    void sendFrame(wsframe::Opcode opcode, QByteArrayView payload);
    bool isResponseComplete() const;
    void finishComplete();

    QPointer<QTcpSocket> m_socket;
    httpwire::ResponseParser m_http;
    wsframe::FrameParser m_frames;
    wirebytes::SseLineAnnotator m_sse;
    QByteArray m_method;
    QByteArray m_wsKey; // empty unless the URL is ws://
    // The header section being read, and what the read just done produced.
    int m_status = 0;
    QByteArray m_reason;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    bool m_isEventStream = false;
    bool m_isUpgraded = false;     // the 101 arrived: the rest is WebSocket frames
    bool m_hasHeadersToReport = false;
    bool m_hasSentClose = false;
    bool m_hasCloseFrame = false;
    QList<wsframe::Frame> m_newFrames; // frames of the last read, acted on after its Wire
};
