// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "result.h"

#include <QByteArray>
#include <QList>

#include <optional>

// The kernel's side of the timing bench: TCP segments captured by tshark on the loopback
// interface, put back together per connection, so that a byte position in what the server
// sent can be traced to the packet that carried it (and that packet's capture timestamp).
// Pure: parses text, no capture and no networking. Times are ns since the Unix epoch
// (CLOCK_REALTIME, the clock pcap timestamps use).

namespace timing {

// One captured TCP segment with payload, server to client.
struct Packet
{
    qint64 epochNs = 0; // capture timestamp (µs resolution in practice)
    qint64 offset = 0;  // position of its first payload byte in the server→client byte stream
    qint64 length = 0;  // payload bytes
};

// One TCP connection to the server, as captured.
struct TcpConnection
{
    int stream = -1;            // tshark's tcp.stream number
    qint64 requestEpochNs = -1; // capture time of the first client→server payload
    QByteArray toServer;        // client→server bytes (the request line comes first)
    QByteArray toClient;        // server→client bytes
    QList<Packet> packets;      // server→client segments, by offset; retransmissions dropped

    // The request target of the first request line ("/sse?interval=10"), percent-decoded;
    // empty when the connection sent no request line.
    QByteArray requestTarget() const;
    // The packet whose payload holds server→client byte `offset`, if captured.
    std::optional<Packet> packetAt(qint64 offset) const;
};

// Parses `tshark -T fields -E separator=/t` output with the fields, in this order:
//   frame.time_epoch tcp.stream tcp.srcport tcp.dstport tcp.seq tcp.len tcp.payload
// (relative sequence numbers; payload as hex, with or without ':' separators). Lines with
// no payload are ignored. Returns the connections to or from `serverPort`, by stream number.
Result<QList<TcpConnection>> parseTsharkFields(const QByteArray &text, quint16 serverPort);

// "1733443200.123456789" (any number of fraction digits up to 9) as ns since the epoch.
std::optional<qint64> parseEpochNs(QByteArrayView text);

// Where the body bytes of the (first) HTTP response in `toClient` lie on the wire: body byte
// b (de-chunked, as a client's read counts it) is wire byte bodyToWire(b). Chunk framing and
// headers are skipped. nullopt when b is beyond the captured body.
class BodyWireMap
{
public:
    explicit BodyWireMap(const QByteArray &toClient);
    std::optional<qint64> bodyToWire(qint64 bodyOffset) const;
    qint64 bodyBytes() const { return m_bodyBytes; }

private:
    struct Span
    {
        qint64 body = 0; // first body byte of the span
        qint64 wire = 0; // its wire position
        qint64 length = 0;
    };
    QList<Span> m_spans;
    qint64 m_bodyBytes = 0;
};

// The wire positions of the last byte of each WebSocket data message the server sent after
// its 101 response in `toClient` (control frames such as pings skipped), in order.
QList<qint64> webSocketMessageEnds(const QByteArray &toClient);

} // namespace timing
