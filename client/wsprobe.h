// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "probe.h"

#include <QList>
#include <QPair>
#include <QPointer>
#include <QTimer>

class HandWebSocket;
class QWebSocket;

// The WebSocket lane: connects to a ws:// URL (http:// and https:// are read as ws:// and
// wss://), records the 101, every message (Message), every message it sends (Sent), its pings
// and their round trips (Ping, Pong) and the close (Close).
//
// By default it uses QWebSocket. With settings().autoPong == false it drives the protocol by
// hand (HandWebSocket, plain ws:// only), because Qt 6.4's QWebSocket answers every ping
// silently: then each server ping is recorded as Ping {direction: "received"} and never
// answered, which shows the server's ping timeout.
//
// How a run ends:
//  - maxEvents messages, the duration limit or stop(): success; the probe closes with 1000.
//  - the server closes with 1000 (normal closure): success.
//  - the server closes with any other code, 1001 "going away" included (the lab's server uses
//    it for a missed pong, which is worth seeing as a failure), or the connection ends without
//    a close frame (1006): failure; the message names the code and the reason.
//  - a connection, handshake or protocol error, or the inactivity timeout: failure.
// sendMessage() (a lesson control) sends a text message while the connection is open,
// recorded as Sent {data} like settings().sends; refused before the handshake completed and
// once closing. dropConnection() is refused: a WebSocket has no reconnection to show.
class WsProbe : public Probe
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WsProbe)
public:
    explicit WsProbe(ProbeSettings settings, QObject *parent = nullptr);
    ~WsProbe() override;

    // `url` with http → ws and https → wss; other schemes unchanged.
    static QUrl webSocketUrl(const QUrl &url);

    Result<bool> dropConnection() override;
    Result<bool> sendMessage(const QString &text) override;

protected:
    void begin() override;
    void abortTransfer() override;

private:
    void openWithQWebSocket(const QUrl &url);
    void openByHand(const QUrl &url);
    void onOpen(const QJsonObject &headerFields);
    void onMessage(const QByteArray &data, bool isBinary);
    void onPingReceived(const QByteArray &payload);
    void onPong(const QByteArray &payload);
    void onClosed(int code, const QString &reason);
    void onQWebSocketGone();
    void sendPing();
    void sendText(const QString &text);

    QPointer<QWebSocket> m_webSocket;   // child; the default client
    QPointer<HandWebSocket> m_handSocket; // child; when automatic pong is off
    QTimer m_pinger;
    QList<QPair<QByteArray, qint64>> m_pingsInFlight; // payload, monotonic ns when sent
    quint64 m_pingCount = 0;
    bool m_isOpen = false;
    bool m_hasCloseFrame = false; // QWebSocket answered the server's close frame
};
