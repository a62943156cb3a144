// SPDX-License-Identifier: GPL-3.0-only
#include "timingpackets.h"

#include "httpwire.h"
#include "wsframe.h"

#include <QMap>
#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace timing {

namespace {

constexpr int kFieldCount = 7;
constexpr int kFractionDigits = 9;
constexpr qint64 kNsPerSecond = 1'000'000'000;

struct Builder
{
    TcpConnection connection;
    // Payload by stream offset, per direction: a retransmitted offset keeps its first copy.
    QMap<qint64, QByteArray> toServer;
    QMap<qint64, QByteArray> toClient;
    QMap<qint64, Packet> packets;
};

// Concatenates the pieces in offset order; a piece that overlaps what is there adds only
// its new tail.
QByteArray assemble(const QMap<qint64, QByteArray> &pieces)
{
    QByteArray bytes;
    for (auto it = pieces.begin(); it != pieces.end(); ++it) {
        const qint64 end = it.key() + it.value().size();
        if (end <= bytes.size())
            continue;
        if (it.key() > bytes.size())
            bytes.append(QByteArray(it.key() - bytes.size(), '\0')); // a gap: not captured
        bytes.append(it.value().mid(bytes.size() - it.key()));
    }
    return bytes;
}

} // namespace

std::optional<qint64> parseEpochNs(QByteArrayView text)
{
    const qsizetype dot = text.indexOf('.');
    const QByteArrayView whole = dot < 0 ? text : text.first(dot);
    QByteArray fraction = dot < 0 ? QByteArray() : text.sliced(dot + 1).toByteArray();
    if (fraction.size() > kFractionDigits)
        return std::nullopt;
    fraction = fraction.leftJustified(kFractionDigits, '0');
    bool isWhole = false;
    bool isFraction = false;
    const qint64 seconds = whole.toByteArray().toLongLong(&isWhole);
    const qint64 ns = fraction.toLongLong(&isFraction);
    if (!isWhole || !isFraction)
        return std::nullopt;
    return seconds * kNsPerSecond + ns;
}

Result<QList<TcpConnection>> parseTsharkFields(const QByteArray &text, quint16 serverPort)
{
    QMap<int, Builder> builders;
    int lineNumber = 0;
    for (const QByteArray &line : text.split('\n')) {
        ++lineNumber;
        const QList<QByteArray> fields = line.trimmed().split('\t');
        if (fields.size() < kFieldCount || fields.at(6).isEmpty())
            continue; // no payload (a bare ACK, SYN or FIN)
        const std::optional<qint64> epochNs = parseEpochNs(fields.at(0));
        bool isOk[5] = {};
        const int stream = fields.at(1).toInt(&isOk[0]);
        const uint srcPort = fields.at(2).toUInt(&isOk[1]);
        const uint dstPort = fields.at(3).toUInt(&isOk[2]);
        const qint64 seq = fields.at(4).toLongLong(&isOk[3]);
        const qint64 length = fields.at(5).toLongLong(&isOk[4]);
        if (!epochNs || !std::all_of(std::begin(isOk), std::end(isOk), [](bool b) { return b; }))
            return Result<QList<TcpConnection>>::failure(
                u"tshark output line %1 is not what was asked for"_s.arg(lineNumber));
        if (srcPort != serverPort && dstPort != serverPort)
            continue;
        const QByteArray payload = QByteArray::fromHex(QByteArray(fields.at(6)).replace(':', ""));
        if (payload.size() != length)
            continue; // a truncated capture: this segment cannot be placed
        Builder &builder = builders[stream];
        builder.connection.stream = stream;
        const qint64 offset = seq - 1; // relative sequence numbers start at 1 after the SYN
        if (dstPort == serverPort) {
            if (builder.connection.requestEpochNs < 0)
                builder.connection.requestEpochNs = *epochNs;
            if (!builder.toServer.contains(offset))
                builder.toServer.insert(offset, payload);
        } else if (!builder.toClient.contains(offset)) {
            builder.toClient.insert(offset, payload);
            builder.packets.insert(offset, {*epochNs, offset, length});
        }
    }
    QList<TcpConnection> connections;
    for (Builder &builder : builders) {
        builder.connection.toServer = assemble(builder.toServer);
        builder.connection.toClient = assemble(builder.toClient);
        builder.connection.packets = builder.packets.values();
        connections.append(std::move(builder.connection));
    }
    return Result<QList<TcpConnection>>::success(connections);
}

QByteArray TcpConnection::requestTarget() const
{
    const qsizetype lineEnd = toServer.indexOf("\r\n");
    const QList<QByteArray> parts = toServer.left(lineEnd < 0 ? 0 : lineEnd).split(' ');
    if (parts.size() != 3)
        return {};
    return QByteArray::fromPercentEncoding(parts.at(1));
}

std::optional<Packet> TcpConnection::packetAt(qint64 offset) const
{
    // The last packet starting at or before offset.
    auto it = std::upper_bound(packets.begin(), packets.end(), offset,
                               [](qint64 value, const Packet &p) { return value < p.offset; });
    if (it == packets.begin())
        return std::nullopt;
    --it;
    if (offset >= it->offset + it->length)
        return std::nullopt;
    return *it;
}

BodyWireMap::BodyWireMap(const QByteArray &toClient)
{
    httpwire::ResponseParser parser;
    parser.expectResponseTo("GET");
    qint64 wire = 0;
    for (const httpwire::Segment &segment : parser.feed(toClient)) {
        if (segment.response > 0)
            break; // only the first response is the lane's
        const bool isBody = segment.kind == httpwire::SegmentKind::ChunkData
                            || segment.kind == httpwire::SegmentKind::BodyData;
        if (isBody && !segment.raw.isEmpty()) {
            m_spans.append({m_bodyBytes, wire, segment.raw.size()});
            m_bodyBytes += segment.raw.size();
        }
        wire += segment.raw.size();
    }
}

std::optional<qint64> BodyWireMap::bodyToWire(qint64 bodyOffset) const
{
    auto it = std::upper_bound(m_spans.begin(), m_spans.end(), bodyOffset,
                               [](qint64 value, const Span &s) { return value < s.body; });
    if (it == m_spans.begin())
        return std::nullopt;
    --it;
    if (bodyOffset >= it->body + it->length)
        return std::nullopt;
    return it->wire + (bodyOffset - it->body);
}

QList<qint64> webSocketMessageEnds(const QByteArray &toClient)
{
    const qsizetype headEnd = toClient.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return {};
    wsframe::Limits limits;
    limits.maskPolicy = wsframe::MaskPolicy::MustNotBeMasked;
    wsframe::FrameParser parser(limits);
    qint64 wire = headEnd + 4;
    QList<qint64> ends;
    for (const wsframe::Frame &frame : parser.feed(QByteArrayView(toClient).sliced(wire))) {
        wire += frame.raw.size();
        if (frame.message)
            ends.append(wire - 1);
    }
    return ends;
}

} // namespace timing
