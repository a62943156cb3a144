// SPDX-License-Identifier: GPL-3.0-only
#include "wsframe.h"

#include "httpwire.h"
#include "wirebytes.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QStringDecoder>
#include <QtEndian>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace wsframe {

namespace {

constexpr QByteArrayView kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr int kMaxControlPayload = 125;

bool isKnownOpcode(quint8 opcode)
{
    return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

QString frameNote(const Frame &frame)
{
    QString note = opcodeName(frame.opcode) + u" frame, "_s
                   + QString::number(frame.payload.size()) + u" bytes, "_s
                   + (frame.fin ? u"FIN"_s : u"not FIN"_s);
    if (frame.masked)
        note += u", masked"_s;
    if (frame.opcode == Opcode::Close) {
        const Result<CloseInfo> close = parseClosePayload(frame.payload);
        if (close.isOk() && !frame.payload.isEmpty())
            note += u", code %1"_s.arg(close.value().code);
    }
    if (frame.message && frame.opcode == Opcode::Continuation)
        note += u", ends a %1 message of %2 bytes"_s.arg(opcodeName(frame.messageOpcode))
                    .arg(frame.message->size());
    return note;
}

} // namespace

QLatin1StringView opcodeName(Opcode opcode)
{
    switch (opcode) {
    case Opcode::Continuation:
        return "continuation"_L1;
    case Opcode::Text:
        return "text"_L1;
    case Opcode::Binary:
        return "binary"_L1;
    case Opcode::Close:
        return "close"_L1;
    case Opcode::Ping:
        return "ping"_L1;
    case Opcode::Pong:
        return "pong"_L1;
    }
    return "unknown"_L1;
}

FrameParser::FrameParser(Limits limits) : m_limits(limits) {}

QList<Frame> FrameParser::feed(QByteArrayView bytes)
{
    QList<Frame> out;
    qsizetype pos = 0;
    while (pos < bytes.size() && m_state != State::Failed) {
        // Never take more than the current frame still needs: the buffer holds one frame.
        const qsizetype take = std::min(bytesWanted(), bytes.size() - pos);
        m_buffer.append(bytes.sliced(pos, take));
        pos += take;
        advance(out);
    }
    return out;
}

qsizetype FrameParser::bytesWanted() const
{
    if (m_state == State::Payload)
        return qsizetype(m_headerSize + m_payloadSize) - m_buffer.size();
    if (m_buffer.size() < 2)
        return 2 - m_buffer.size();
    return m_headerSize - m_buffer.size();
}

void FrameParser::advance(QList<Frame> &out)
{
    switch (m_state) {
    case State::Header:
        if (m_buffer.size() < 2)
            return;
        if (!m_hasCheckedFirstBytes && !checkFirstBytes())
            return;
        if (m_buffer.size() < m_headerSize)
            return;
        if (!checkLength())
            return;
        m_state = State::Payload;
        if (m_payloadSize == 0)
            complete(out);
        return;
    case State::Payload:
        if (m_buffer.size() == m_headerSize + m_payloadSize)
            complete(out);
        return;
    case State::Failed:
        return;
    }
}

// Checks everything the first two bytes say, and works out the header's size.
bool FrameParser::checkFirstBytes()
{
    m_hasCheckedFirstBytes = true;
    const auto b0 = quint8(m_buffer.at(0));
    const auto b1 = quint8(m_buffer.at(1));
    const bool fin = b0 & 0x80;
    const quint8 rsv = (b0 >> 4) & 0x7;
    const quint8 opcode = b0 & 0x0F;
    const bool masked = b1 & 0x80;
    const quint8 length7 = b1 & 0x7F;
    if (rsv & ~m_limits.allowedRsv) {
        fail(u"RSV bits 0x%1 set without a negotiated extension"_s.arg(rsv, 0, 16));
        return false;
    }
    if (!isKnownOpcode(opcode)) {
        fail(u"reserved opcode 0x%1"_s.arg(opcode, 0, 16));
        return false;
    }
    if (masked && m_limits.maskPolicy == MaskPolicy::MustNotBeMasked) {
        fail(u"a masked frame from the server (servers must not mask)"_s);
        return false;
    }
    if (!masked && m_limits.maskPolicy == MaskPolicy::MustBeMasked) {
        fail(u"an unmasked frame from the client (clients must mask)"_s);
        return false;
    }
    const auto op = Opcode(opcode);
    if (isControl(op) && !fin) {
        fail(opcodeName(op) + u" frame fragmented (control frames must have FIN set)"_s);
        return false;
    }
    if (isControl(op) && length7 > kMaxControlPayload) {
        fail(opcodeName(op) + u" frame longer than 125 bytes"_s);
        return false;
    }
    if (!checkSequence(op))
        return false;
    m_headerSize = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
    return true;
}

bool FrameParser::checkSequence(Opcode opcode)
{
    if (opcode == Opcode::Continuation && !m_messageOpcode) {
        fail(u"continuation frame without a message to continue"_s);
        return false;
    }
    if ((opcode == Opcode::Text || opcode == Opcode::Binary) && m_messageOpcode) {
        fail(opcodeName(opcode)
             + u" frame in the middle of a fragmented message (expected a continuation)"_s);
        return false;
    }
    return true;
}

// Decodes and checks the payload length once the whole header is in.
bool FrameParser::checkLength()
{
    const auto length7 = quint8(m_buffer.at(1)) & 0x7F;
    const auto *bytes = reinterpret_cast<const uchar *>(m_buffer.constData());
    quint64 length = length7;
    if (length7 == 126) {
        length = qFromBigEndian<quint16>(bytes + 2);
        if (length < 126) {
            fail(u"length %1 sent in 16 bits (the minimal encoding must be used)"_s.arg(length));
            return false;
        }
    } else if (length7 == 127) {
        length = qFromBigEndian<quint64>(bytes + 2);
        if (length >> 63) {
            fail(u"64-bit payload length with its most significant bit set"_s);
            return false;
        }
        if (length <= 0xFFFF) {
            fail(u"length %1 sent in 64 bits (the minimal encoding must be used)"_s.arg(length));
            return false;
        }
    }
    if (length > quint64(m_limits.maxFramePayload)) {
        fail(u"frame payload of %1 bytes exceeds the limit of %2 bytes"_s.arg(length).arg(
                 m_limits.maxFramePayload),
             1009);
        return false;
    }
    const auto opcode = Opcode(quint8(m_buffer.at(0)) & 0x0F);
    if (!isControl(opcode) && m_message.size() + qint64(length) > m_limits.maxMessage) {
        fail(u"message of more than %1 bytes exceeds the limit of %2 bytes"_s
                 .arg(m_message.size() + qint64(length))
                 .arg(m_limits.maxMessage),
             1009);
        return false;
    }
    m_payloadSize = qint64(length);
    return true;
}

void FrameParser::complete(QList<Frame> &out)
{
    Frame frame;
    const auto b0 = quint8(m_buffer.at(0));
    frame.fin = b0 & 0x80;
    frame.rsv = (b0 >> 4) & 0x7;
    frame.opcode = Opcode(b0 & 0x0F);
    frame.masked = quint8(m_buffer.at(1)) & 0x80;
    frame.headerSize = m_headerSize;
    frame.payload = m_buffer.sliced(m_headerSize);
    if (frame.masked) {
        const auto *key = reinterpret_cast<const uchar *>(m_buffer.constData()) + m_headerSize - 4;
        applyMask(frame.payload, qFromBigEndian<quint32>(key));
    }
    frame.raw = std::exchange(m_buffer, QByteArray());
    m_state = State::Header;
    m_headerSize = 2;
    m_payloadSize = 0;
    m_hasCheckedFirstBytes = false;

    if (frame.opcode == Opcode::Close) {
        const Result<CloseInfo> close = parseClosePayload(frame.payload);
        if (!close.isOk()) {
            fail(u"close frame: "_s + close.error());
            return;
        }
    }
    if (!isControl(frame.opcode)) {
        if (frame.opcode != Opcode::Continuation)
            m_messageOpcode = frame.opcode;
        m_message += frame.payload;
        if (frame.fin) {
            frame.messageOpcode = *m_messageOpcode;
            frame.message = std::exchange(m_message, QByteArray());
            m_messageOpcode.reset();
        }
    }
    frame.note = frameNote(frame);
    out.append(std::move(frame));
}

void FrameParser::fail(const QString &message, int closeCode)
{
    m_state = State::Failed;
    m_error = message;
    m_errorCloseCode = closeCode;
    m_buffer.clear();
    m_message.clear();
}

QByteArray encodeFrame(Opcode opcode, QByteArrayView payload, bool fin,
                       std::optional<quint32> maskKey)
{
    Q_ASSERT(!isControl(opcode) || payload.size() <= kMaxControlPayload);
    QByteArray frame;
    frame.reserve(payload.size() + 14);
    frame.append(char((fin ? 0x80 : 0x00) | quint8(opcode)));
    const char maskBit = maskKey ? char(0x80) : char(0);
    const auto size = quint64(payload.size());
    if (size <= 125) {
        frame.append(char(maskBit | char(size)));
    } else if (size <= 0xFFFF) {
        frame.append(char(maskBit | 126));
        std::array<uchar, 2> length{};
        qToBigEndian<quint16>(quint16(size), length.data());
        frame.append(reinterpret_cast<const char *>(length.data()), 2);
    } else {
        frame.append(char(maskBit | 127));
        std::array<uchar, 8> length{};
        qToBigEndian<quint64>(size, length.data());
        frame.append(reinterpret_cast<const char *>(length.data()), 8);
    }
    if (!maskKey) {
        frame.append(payload);
        return frame;
    }
    std::array<uchar, 4> key{};
    qToBigEndian<quint32>(*maskKey, key.data());
    frame.append(reinterpret_cast<const char *>(key.data()), 4);
    QByteArray masked = payload.toByteArray();
    applyMask(masked, *maskKey);
    return frame + masked;
}

quint32 randomMaskKey()
{
    return QRandomGenerator::system()->generate();
}

void applyMask(QByteArray &bytes, quint32 maskKey, qsizetype offset)
{
    std::array<uchar, 4> key{};
    qToBigEndian<quint32>(maskKey, key.data());
    char *data = bytes.data();
    for (qsizetype i = 0; i < bytes.size(); ++i)
        data[i] = char(data[i] ^ key[size_t((i + offset) % 4)]);
}

QByteArray closePayload(int code, const QString &reason)
{
    std::array<uchar, 2> bytes{};
    qToBigEndian<quint16>(quint16(code), bytes.data());
    QByteArray payload(reinterpret_cast<const char *>(bytes.data()), 2);
    QByteArray text = reason.toUtf8();
    // Cut to fit, never inside a UTF-8 sequence (continuation bytes are 10xxxxxx).
    qsizetype room = kMaxControlPayload - 2;
    if (text.size() > room) {
        while (room > 0 && (quint8(text.at(room)) & 0xC0) == 0x80)
            --room;
        text.truncate(room);
    }
    return payload + text;
}

Result<CloseInfo> parseClosePayload(QByteArrayView payload)
{
    if (payload.isEmpty())
        return Result<CloseInfo>::success({});
    if (payload.size() == 1)
        return Result<CloseInfo>::failure(u"a 1-byte payload (a status code takes 2 bytes)"_s);
    CloseInfo info;
    info.code = qFromBigEndian<quint16>(reinterpret_cast<const uchar *>(payload.data()));
    const bool isSendable = (info.code >= 1000 && info.code <= 1003)
                            || (info.code >= 1007 && info.code <= 1014)
                            || (info.code >= 3000 && info.code <= 4999);
    if (!isSendable)
        return Result<CloseInfo>::failure(u"status code %1 may not be sent"_s.arg(info.code));
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    info.reason = decoder.decode(payload.sliced(2));
    if (decoder.hasError())
        return Result<CloseInfo>::failure(u"the reason is not valid UTF-8"_s);
    return Result<CloseInfo>::success(std::move(info));
}

QLatin1StringView closeCodeName(int code)
{
    switch (code) {
    case 1000: return "normal closure"_L1;
    case 1001: return "going away"_L1;
    case 1002: return "protocol error"_L1;
    case 1003: return "unsupported data"_L1;
    case 1005: return "no status received"_L1;
    case 1006: return "abnormal closure"_L1;
    case 1007: return "invalid payload data"_L1;
    case 1008: return "policy violation"_L1;
    case 1009: return "message too big"_L1;
    case 1010: return "mandatory extension"_L1;
    case 1011: return "internal error"_L1;
    default: return "unknown"_L1;
    }
}

QByteArray makeKey()
{
    std::array<quint32, 4> random{};
    QRandomGenerator::system()->generate(random.begin(), random.end());
    return QByteArray(reinterpret_cast<const char *>(random.data()), 16).toBase64();
}

QByteArray acceptFor(QByteArrayView key)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(key);
    hash.addData(kGuid);
    return hash.result().toBase64();
}

QByteArray handshakeRequest(const QUrl &url, QByteArrayView key,
                            const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray request = "GET " + wirebytes::requestTarget(url) + " HTTP/1.1\r\n"
                         + "Host: " + wirebytes::hostHeader(url) + "\r\n"
                         + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                         + "Sec-WebSocket-Key: " + key.toByteArray() + "\r\n"
                         + "Sec-WebSocket-Version: 13\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    return request + "\r\n";
}

QString handshakeError(const httpwire::Response &response, QByteArrayView key)
{
    if (response.status != 101) {
        return u"handshake refused: the server answered %1 %2 instead of 101 Switching Protocols"_s
            .arg(response.status)
            .arg(wirebytes::escapeWireBytes(response.reason.left(80)));
    }
    if (response.value("Upgrade").trimmed().compare("websocket", Qt::CaseInsensitive) != 0)
        return u"handshake: the 101 response lacks Upgrade: websocket"_s;
    const QList<QByteArray> tokens = response.value("Connection").split(',');
    const bool hasUpgradeToken = std::any_of(tokens.begin(), tokens.end(), [](const QByteArray &t) {
        return t.trimmed().compare("upgrade", Qt::CaseInsensitive) == 0;
    });
    if (!hasUpgradeToken)
        return u"handshake: the 101 response lacks Connection: Upgrade"_s;
    const QByteArray accept = response.value("Sec-WebSocket-Accept").trimmed();
    if (accept != acceptFor(key)) {
        return u"handshake: Sec-WebSocket-Accept is \"%1\", expected \"%2\""_s
            .arg(wirebytes::escapeWireBytes(accept.left(80)), QString::fromLatin1(acceptFor(key)));
    }
    if (!response.value("Sec-WebSocket-Extensions").isEmpty())
        return u"handshake: the server chose an extension the client did not offer"_s;
    return {};
}

} // namespace wsframe
