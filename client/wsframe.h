// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

#include <optional>

namespace httpwire {
struct Response;
}

// RFC 6455 WebSocket framing and the opening handshake's helpers, with no networking: what the
// hand-driven WebSocket client and the raw-wire probe use to speak and annotate the protocol.
// Pure: no sockets, no event loop, no signals.
//
// Everything the parser reads is untrusted. Memory stays bounded by Limits (a frame is only
// buffered once its header announced an acceptable length), and malformed input yields exactly
// one error naming what was wrong, after which the parser ignores all input.
//
// Thread: none of its own; an instance is used from one thread at a time.

namespace wsframe {

enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// "text", "binary", "continuation", "close", "ping", "pong".
QLatin1StringView opcodeName(Opcode opcode);
inline bool isControl(Opcode opcode)
{
    return quint8(opcode) >= 0x8;
}

// One complete frame exactly as it came off the wire.
struct Frame
{
    bool fin = true;
    quint8 rsv = 0; // RSV1, RSV2, RSV3 as bits 2, 1, 0
    Opcode opcode = Opcode::Text;
    bool masked = false;
    QByteArray payload; // unmasked
    QByteArray raw;     // header and payload exactly as on the wire (still masked)
    int headerSize = 0; // bytes of raw before the payload: 2 to 14
    // For a person: "text frame, 26 bytes, FIN", "close frame, 2 bytes, FIN, code 1000", …
    QString note;
    // Set on the frame that completes a data message (a FIN text, binary or continuation
    // frame): the whole message, fragments joined, and whether it was text or binary.
    std::optional<QByteArray> message;
    Opcode messageOpcode = Opcode::Text;
};

enum class MaskPolicy {
    Any,
    MustBeMasked,    // frames a server reads (RFC 6455 §5.1)
    MustNotBeMasked, // frames a client reads
};

struct Limits
{
    qint64 maxFramePayload = 16LL * 1024 * 1024; // bytes of one frame's payload
    qint64 maxMessage = 64LL * 1024 * 1024;      // bytes of one data message, fragments joined
    MaskPolicy maskPolicy = MaskPolicy::Any;
    quint8 allowedRsv = 0; // RSV bits an extension negotiated; none by default
};

class FrameParser
{
public:
    explicit FrameParser(Limits limits = {});

    // Feeds bytes as they arrived, in any split. Returns the frames these bytes completed, in
    // order. A header that breaks a rule fails as soon as its offending byte arrives, without
    // waiting for the payload. Returns nothing after an error.
    QList<Frame> feed(QByteArrayView bytes);

    bool hasError() const { return m_state == State::Failed; }
    QString errorString() const { return m_error; }
    // The close status code that fits the error: 1009 (too big) or 1002 (protocol error).
    int errorCloseCode() const { return m_errorCloseCode; }
    // Bytes of an incomplete frame held since the last complete one. Bytes fed so far always
    // equal the raw bytes of the frames returned plus pendingBytes() (until an error).
    qsizetype pendingBytes() const { return m_buffer.size(); }
    // True while a fragmented data message has begun but not ended.
    bool isInMessage() const { return m_messageOpcode.has_value(); }

private:
    enum class State {
        Header,  // fewer than headerSize bytes buffered
        Payload, // header complete, waiting for the payload
        Failed,
    };

    qsizetype bytesWanted() const;
    void advance(QList<Frame> &out);
    bool checkFirstBytes();
    bool checkLength();
    bool checkSequence(Opcode opcode);
    void complete(QList<Frame> &out);
    void fail(const QString &message, int closeCode = 1002);

    Limits m_limits;
    State m_state = State::Header;
    QByteArray m_buffer; // the frame being read, header included
    int m_headerSize = 2;
    qint64 m_payloadSize = 0;
    bool m_hasCheckedFirstBytes = false;
    std::optional<Opcode> m_messageOpcode; // the opcode of the fragmented message in progress
    QByteArray m_message;                  // its payload so far
    QString m_error;
    int m_errorCloseCode = 0;
};

// Encodes one frame. With a mask key the payload is masked (client frames must be); the key's
// four bytes are the big-endian bytes of `maskKey`. RSV bits stay zero. A control frame's
// payload must not exceed 125 bytes (the caller's contract; checked with Q_ASSERT).
QByteArray encodeFrame(Opcode opcode, QByteArrayView payload, bool fin = true,
                       std::optional<quint32> maskKey = std::nullopt);
// A fresh mask key from the system's random source.
quint32 randomMaskKey();
// XORs `bytes` with the key, starting at key byte `offset % 4`.
void applyMask(QByteArray &bytes, quint32 maskKey, qsizetype offset = 0);

// A close frame's payload: the two-byte code then the UTF-8 reason (cut to fit 125 bytes).
QByteArray closePayload(int code, const QString &reason);
struct CloseInfo
{
    int code = 1005; // 1005 "no status received" when the payload is empty
    QString reason;
};
// Reads a close frame's payload; fails on 1 byte, a code that may not be sent (RFC 6455
// §7.4) or a reason that is not UTF-8.
Result<CloseInfo> parseClosePayload(QByteArrayView payload);
// "normal closure", "going away", "policy violation", …, or "unknown".
QLatin1StringView closeCodeName(int code);

// The opening handshake (RFC 6455 §4).
// A fresh Sec-WebSocket-Key: base64 of 16 random bytes.
QByteArray makeKey();
// The Sec-WebSocket-Accept a server must answer to `key`: base64(SHA-1(key + GUID)).
QByteArray acceptFor(QByteArrayView key);
// A handshake request for ws://… `url`: request line, Host, Upgrade, Connection,
// Sec-WebSocket-Key, Sec-WebSocket-Version, then `headers` in order, then the blank line.
QByteArray handshakeRequest(const QUrl &url, QByteArrayView key,
                            const QList<QPair<QByteArray, QByteArray>> &headers);
// Empty when `response` accepts the handshake sent with `key`; otherwise names what was
// wrong (status, Upgrade, Connection or Sec-WebSocket-Accept).
QString handshakeError(const httpwire::Response &response, QByteArrayView key);

} // namespace wsframe
