// SPDX-License-Identifier: GPL-3.0-only
#include "httpwire.h"
#include "wsframe.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace wsframe;

namespace {

QByteArray hex(const char *text)
{
    return QByteArray::fromHex(text);
}

// Parses `bytes` fed in one piece and expects no error.
QList<Frame> parseAll(QByteArrayView bytes, Limits limits = {})
{
    FrameParser parser(limits);
    const QList<Frame> frames = parser.feed(bytes);
    if (parser.hasError())
        qWarning("unexpected error: %s", qPrintable(parser.errorString()));
    return frames;
}

} // namespace

Q_DECLARE_METATYPE(wsframe::Limits)

class tst_WsFrame : public QObject
{
    Q_OBJECT
private slots:
    void rfcExamples_data();
    void rfcExamples();
    void encodeMatchesRfc_data();
    void encodeMatchesRfc();
    void lengths_data();
    void lengths();
    void splitAtEveryByte();
    void fragmentedMessage();
    void pendingBytesAccountForEveryByte();
    void errors_data();
    void errors();
    void errorIsReportedBeforeThePayload();
    void nothingAfterAnError();
    void closePayload_data();
    void closePayload();
    void closeReasonIsCutToFit();
    void acceptForRfcExample();
    void makeKeyIsRandomBase64();
    void handshakeRequestBytes();
    void handshakeCheck_data();
    void handshakeCheck();
};

// RFC 6455 §5.7, one row per example.
void tst_WsFrame::rfcExamples_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("frameCount");
    QTest::addColumn<int>("opcode"); // of the last frame
    QTest::addColumn<bool>("masked");
    QTest::addColumn<QByteArray>("payload"); // of the last frame
    QTest::addColumn<QByteArray>("message"); // completed by the last frame, if any
    QTest::addColumn<QString>("note");

    QTest::newRow("unmasked_text_hello") << hex("810548656c6c6f") << 1 << 0x1 << false
                                         << "Hello"_ba << "Hello"_ba
                                         << u"text frame, 5 bytes, FIN"_s;
    QTest::newRow("masked_text_hello") << hex("818537fa213d7f9f4d5158") << 1 << 0x1 << true
                                       << "Hello"_ba << "Hello"_ba
                                       << u"text frame, 5 bytes, FIN, masked"_s;
    QTest::newRow("fragmented_unmasked_text") << hex("010348656c80026c6f") << 2 << 0x0 << false
                                              << "lo"_ba << "Hello"_ba
                                              << u"continuation frame, 2 bytes, FIN, ends a text "
                                                 u"message of 5 bytes"_s;
    QTest::newRow("unmasked_ping") << hex("890548656c6c6f") << 1 << 0x9 << false << "Hello"_ba
                                   << QByteArray() << u"ping frame, 5 bytes, FIN"_s;
    QTest::newRow("masked_pong") << hex("8a8537fa213d7f9f4d5158") << 1 << 0xA << true << "Hello"_ba
                                 << QByteArray() << u"pong frame, 5 bytes, FIN, masked"_s;
    QTest::newRow("binary_256_bytes") << hex("827e0100") + QByteArray(256, 'x') << 1 << 0x2 << false
                                      << QByteArray(256, 'x') << QByteArray(256, 'x')
                                      << u"binary frame, 256 bytes, FIN"_s;
    QTest::newRow("binary_64_KiB") << hex("827f0000000000010000") + QByteArray(65536, 'y') << 1
                                   << 0x2 << false << QByteArray(65536, 'y')
                                   << QByteArray(65536, 'y') << u"binary frame, 65536 bytes, FIN"_s;
}

void tst_WsFrame::rfcExamples()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, frameCount);
    QFETCH(int, opcode);
    QFETCH(bool, masked);
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, message);
    QFETCH(QString, note);

    FrameParser parser;
    const QList<Frame> frames = parser.feed(wire);
    QVERIFY2(!parser.hasError(), qPrintable(parser.errorString()));
    QCOMPARE(frames.size(), frameCount);
    const Frame &last = frames.last();
    QCOMPARE(int(last.opcode), opcode);
    QCOMPARE(last.masked, masked);
    QCOMPARE(last.payload, payload);
    QCOMPARE(last.note, note);
    QCOMPARE(last.message.has_value(), !message.isEmpty());
    if (last.message)
        QCOMPARE(*last.message, message);
    QByteArray joined;
    for (const Frame &frame : frames)
        joined += frame.raw;
    QCOMPARE(joined, wire);
    QCOMPARE(parser.pendingBytes(), 0);
}

void tst_WsFrame::encodeMatchesRfc_data()
{
    QTest::addColumn<int>("opcode");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("fin");
    QTest::addColumn<bool>("isMasked");
    QTest::addColumn<QByteArray>("wire");

    QTest::newRow("unmasked_text") << 0x1 << "Hello"_ba << true << false << hex("810548656c6c6f");
    QTest::newRow("masked_text") << 0x1 << "Hello"_ba << true << true
                                 << hex("818537fa213d7f9f4d5158");
    QTest::newRow("first_fragment") << 0x1 << "Hel"_ba << false << false << hex("010348656c");
    QTest::newRow("masked_pong") << 0xA << "Hello"_ba << true << true
                                 << hex("8a8537fa213d7f9f4d5158");
    QTest::newRow("binary_256") << 0x2 << QByteArray(256, 'x') << true << false
                                << hex("827e0100") + QByteArray(256, 'x');
    QTest::newRow("empty_close") << 0x8 << QByteArray() << true << false << hex("8800");
}

void tst_WsFrame::encodeMatchesRfc()
{
    QFETCH(int, opcode);
    QFETCH(QByteArray, payload);
    QFETCH(bool, fin);
    QFETCH(bool, isMasked);
    QFETCH(QByteArray, wire);
    const std::optional<quint32> key = isMasked ? std::optional<quint32>(0x37fa213d) : std::nullopt;
    QCOMPARE(encodeFrame(Opcode(opcode), payload, fin, key), wire);
}

void tst_WsFrame::lengths_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("isMasked");
    QTest::addColumn<int>("headerSize");

    for (const bool isMasked : {false, true}) {
        const char *suffix = isMasked ? "_masked" : "_unmasked";
        const int maskBytes = isMasked ? 4 : 0;
        QTest::addRow("0%s", suffix) << 0 << isMasked << 2 + maskBytes;
        QTest::addRow("125%s", suffix) << 125 << isMasked << 2 + maskBytes;
        QTest::addRow("126%s", suffix) << 126 << isMasked << 4 + maskBytes;
        QTest::addRow("65535%s", suffix) << 65535 << isMasked << 4 + maskBytes;
        QTest::addRow("65536%s", suffix) << 65536 << isMasked << 10 + maskBytes;
    }
}

void tst_WsFrame::lengths()
{
    QFETCH(int, size);
    QFETCH(bool, isMasked);
    QFETCH(int, headerSize);

    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char(i * 7 + 3);
    const std::optional<quint32> key = isMasked ? std::optional<quint32>(0xdeadbeef) : std::nullopt;
    const QByteArray wire = encodeFrame(Opcode::Binary, payload, true, key);
    QCOMPARE(wire.size(), headerSize + size);

    const QList<Frame> frames = parseAll(wire);
    QCOMPARE(frames.size(), 1);
    QCOMPARE(frames.first().headerSize, headerSize);
    QCOMPARE(frames.first().payload, payload);
    QCOMPARE(frames.first().raw, wire);
    QCOMPARE(frames.first().masked, isMasked);
}

// Every split point of a stream of several frames gives the same frames.
void tst_WsFrame::splitAtEveryByte()
{
    const QByteArray wire = hex("010348656c80026c6f") + hex("890548656c6c6f")
                            + encodeFrame(Opcode::Text, QByteArray(300, 'z'), true, 0x01020304)
                            + encodeFrame(Opcode::Close, wsframe::closePayload(1000, u"bye"_s));
    const QList<Frame> whole = parseAll(wire);
    QCOMPARE(whole.size(), 5);

    for (qsizetype cut = 0; cut <= wire.size(); ++cut) {
        FrameParser parser;
        QList<Frame> frames = parser.feed(QByteArrayView(wire).first(cut));
        frames += parser.feed(QByteArrayView(wire).sliced(cut));
        QVERIFY2(!parser.hasError(), qPrintable(parser.errorString()));
        QCOMPARE(frames.size(), whole.size());
        for (qsizetype i = 0; i < frames.size(); ++i) {
            QCOMPARE(frames.at(i).raw, whole.at(i).raw);
            QCOMPARE(frames.at(i).payload, whole.at(i).payload);
            QCOMPARE(frames.at(i).note, whole.at(i).note);
        }
    }

    // And one byte at a time.
    FrameParser parser;
    QList<Frame> frames;
    for (const char c : wire)
        frames += parser.feed(QByteArrayView(&c, 1));
    QCOMPARE(frames.size(), whole.size());
    QCOMPARE(frames.last().note, u"close frame, 5 bytes, FIN, code 1000"_s);
}

void tst_WsFrame::fragmentedMessage()
{
    // A ping between fragments is allowed (control frames may be interleaved).
    const QByteArray wire = encodeFrame(Opcode::Binary, "ab", false)
                            + encodeFrame(Opcode::Ping, "p")
                            + encodeFrame(Opcode::Continuation, "cd", false)
                            + encodeFrame(Opcode::Continuation, "ef", true);
    FrameParser parser;
    const QList<Frame> frames = parser.feed(wire);
    QVERIFY(!parser.hasError());
    QCOMPARE(frames.size(), 4);
    QVERIFY(!frames.at(0).message);
    QVERIFY(!frames.at(1).message);
    QVERIFY(!frames.at(2).message);
    QVERIFY(frames.at(3).message);
    QCOMPARE(*frames.at(3).message, "abcdef"_ba);
    QCOMPARE(frames.at(3).messageOpcode, Opcode::Binary);
    QVERIFY(!parser.isInMessage());
}

void tst_WsFrame::pendingBytesAccountForEveryByte()
{
    const QByteArray wire = encodeFrame(Opcode::Text, "first") + encodeFrame(Opcode::Text, "second");
    FrameParser parser;
    QCOMPARE(parser.feed(QByteArrayView(wire).first(3)).size(), 0);
    QCOMPARE(parser.pendingBytes(), 3);
    const QList<Frame> frames = parser.feed(QByteArrayView(wire).sliced(3, 6));
    QCOMPARE(frames.size(), 1);
    QCOMPARE(parser.pendingBytes(), 2); // 3 + 6 - 7 bytes of "first"
}

void tst_WsFrame::errors_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<Limits>("limits");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("closeCode");

    const Limits defaults;
    Limits small;
    small.maxFramePayload = 100;
    small.maxMessage = 150;
    Limits client;
    client.maskPolicy = MaskPolicy::MustNotBeMasked;
    Limits server;
    server.maskPolicy = MaskPolicy::MustBeMasked;

    QTest::newRow("reserved_data_opcode_3") << hex("8300") << defaults
                                            << u"reserved opcode 0x3"_s << 1002;
    QTest::newRow("reserved_control_opcode_b") << hex("8b00") << defaults
                                               << u"reserved opcode 0xb"_s << 1002;
    QTest::newRow("rsv1_set") << hex("c100") << defaults
                              << u"RSV bits 0x4 set without a negotiated extension"_s << 1002;
    QTest::newRow("rsv3_set") << hex("9100") << defaults
                              << u"RSV bits 0x1 set without a negotiated extension"_s << 1002;
    QTest::newRow("fragmented_ping") << hex("0900") << defaults
                                     << u"ping frame fragmented (control frames must have FIN set)"_s
                                     << 1002;
    QTest::newRow("control_frame_126_bytes") << hex("887e007e") + QByteArray(126, 'a') << defaults
                                             << u"close frame longer than 125 bytes"_s << 1002;
    QTest::newRow("length_msb_set") << hex("827f8000000000000000") << defaults
                                    << u"64-bit payload length with its most significant bit set"_s
                                    << 1002;
    QTest::newRow("non_minimal_16_bit") << hex("827e0005") + "hello"_ba << defaults
                                        << u"length 5 sent in 16 bits (the minimal encoding must be "
                                           u"used)"_s
                                        << 1002;
    QTest::newRow("non_minimal_64_bit") << hex("827f000000000000ffff") << defaults
                                        << u"length 65535 sent in 64 bits (the minimal encoding must "
                                           u"be used)"_s
                                        << 1002;
    QTest::newRow("frame_too_big") << hex("827e00c8") << small
                                   << u"frame payload of 200 bytes exceeds the limit of 100 bytes"_s
                                   << 1009;
    QTest::newRow("message_too_big") << encodeFrame(Opcode::Text, QByteArray(100, 'a'), false)
                                            + encodeFrame(Opcode::Continuation, QByteArray(51, 'b'))
                                     << small
                                     << u"message of more than 151 bytes exceeds the limit of 150 "
                                        u"bytes"_s
                                     << 1009;
    QTest::newRow("continuation_without_start") << hex("8000") << defaults
                                                << u"continuation frame without a message to "
                                                   u"continue"_s
                                                << 1002;
    QTest::newRow("text_inside_fragmented_message")
        << hex("0100") + hex("8100") << defaults
        << u"text frame in the middle of a fragmented message (expected a continuation)"_s << 1002;
    QTest::newRow("masked_from_server") << hex("818537fa213d7f9f4d5158") << client
                                        << u"a masked frame from the server (servers must not mask)"_s
                                        << 1002;
    QTest::newRow("unmasked_from_client") << hex("810548656c6c6f") << server
                                          << u"an unmasked frame from the client (clients must mask)"_s
                                          << 1002;
    QTest::newRow("close_one_byte") << hex("880103") << defaults
                                    << u"close frame: a 1-byte payload (a status code takes 2 bytes)"_s
                                    << 1002;
    QTest::newRow("close_code_1005") << hex("880203ed") << defaults
                                     << u"close frame: status code 1005 may not be sent"_s << 1002;
    QTest::newRow("close_reason_not_utf8") << hex("880403e8c328") << defaults
                                           << u"close frame: the reason is not valid UTF-8"_s << 1002;
}

void tst_WsFrame::errors()
{
    QFETCH(QByteArray, wire);
    QFETCH(Limits, limits);
    QFETCH(QString, error);
    QFETCH(int, closeCode);

    FrameParser parser(limits);
    parser.feed(wire);
    QVERIFY(parser.hasError());
    QCOMPARE(parser.errorString(), error);
    QCOMPARE(parser.errorCloseCode(), closeCode);

    // The same error whatever the split.
    FrameParser byteWise(limits);
    for (const char c : wire)
        byteWise.feed(QByteArrayView(&c, 1));
    QCOMPARE(byteWise.errorString(), error);
}

void tst_WsFrame::errorIsReportedBeforeThePayload()
{
    Limits limits;
    limits.maxFramePayload = 1000;
    FrameParser parser(limits);
    // A header announcing 1 GiB: refused when the length arrives, nothing buffered.
    parser.feed(hex("827f0000000040000000"));
    QVERIFY(parser.hasError());
    QCOMPARE(parser.pendingBytes(), 0);

    FrameParser reserved;
    reserved.feed(hex("83"));
    QVERIFY(!reserved.hasError()); // one byte says nothing yet about the second
    reserved.feed(hex("7f"));
    QVERIFY(reserved.hasError()); // no need to wait for the 8 length bytes
}

void tst_WsFrame::nothingAfterAnError()
{
    FrameParser parser;
    QVERIFY(parser.feed(QByteArray(hex("8300") + hex("810548656c6c6f"))).isEmpty());
    QVERIFY(parser.feed(hex("810548656c6c6f")).isEmpty());
    QCOMPARE(parser.errorString(), u"reserved opcode 0x3"_s);
}

void tst_WsFrame::closePayload_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::newRow("normal") << 1000 << u"bye"_s;
    QTest::newRow("going_away_no_reason") << 1001 << QString();
    QTest::newRow("policy_unicode") << 1008 << u"interval: «abc» is not a number"_s;
    QTest::newRow("application_code") << 4000 << u"app"_s;
}

void tst_WsFrame::closePayload()
{
    QFETCH(int, code);
    QFETCH(QString, reason);
    const QByteArray payload = wsframe::closePayload(code, reason);
    const Result<CloseInfo> parsed = parseClosePayload(payload);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error()));
    QCOMPARE(parsed.value().code, code);
    QCOMPARE(parsed.value().reason, reason);
}

void tst_WsFrame::closeReasonIsCutToFit()
{
    const QString reason = QString(200, u'é'); // 2 bytes each
    const QByteArray payload = wsframe::closePayload(1000, reason);
    QVERIFY(payload.size() <= 125);
    const Result<CloseInfo> parsed = parseClosePayload(payload);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error()));
    QCOMPARE(parsed.value().reason, QString(61, u'é'));
    QCOMPARE(parseClosePayload({}).value().code, 1005);
}

void tst_WsFrame::acceptForRfcExample()
{
    // RFC 6455 §1.3
    QCOMPARE(acceptFor("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="_ba);
}

void tst_WsFrame::makeKeyIsRandomBase64()
{
    const QByteArray a = makeKey();
    const QByteArray b = makeKey();
    QCOMPARE(a.size(), 24);
    QCOMPARE(QByteArray::fromBase64(a).size(), 16);
    QVERIFY(a != b);
}

void tst_WsFrame::handshakeRequestBytes()
{
    const QByteArray request = handshakeRequest(QUrl(u"ws://127.0.0.1:8765/ws?interval=50&x=%20"_s),
                                                "KEY", {{"Authorization", "Bearer t"}});
    QCOMPARE(request, "GET /ws?interval=50&x=%20 HTTP/1.1\r\n"
                      "Host: 127.0.0.1:8765\r\n"
                      "Upgrade: websocket\r\n"
                      "Connection: Upgrade\r\n"
                      "Sec-WebSocket-Key: KEY\r\n"
                      "Sec-WebSocket-Version: 13\r\n"
                      "Authorization: Bearer t\r\n"
                      "\r\n"_ba);
}

void tst_WsFrame::handshakeCheck_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QString>("error");

    const QByteArray key = "dGhlIHNhbXBsZSBub25jZQ==";
    QTest::newRow("accepted") << "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n"
                                 "Connection: keep-alive, Upgrade\r\n"
                                 "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"_ba
                              << QString();
    QTest::newRow("not_101") << "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"_ba
                             << u"handshake refused: the server answered 404 Not Found instead of "
                                u"101 Switching Protocols"_s;
    QTest::newRow("no_upgrade") << "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                                   "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"_ba
                                << u"handshake: the 101 response lacks Upgrade: websocket"_s;
    QTest::newRow("no_connection") << "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"_ba
                                   << u"handshake: the 101 response lacks Connection: Upgrade"_s;
    QTest::newRow("wrong_accept") << "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                     "Connection: Upgrade\r\nSec-WebSocket-Accept: nope\r\n\r\n"_ba
                                  << u"handshake: Sec-WebSocket-Accept is \"nope\", expected "
                                     u"\"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\""_s;
}

void tst_WsFrame::handshakeCheck()
{
    QFETCH(QByteArray, head);
    QFETCH(QString, error);
    httpwire::ResponseParser parser;
    parser.feed(head);
    QCOMPARE(parser.responses().size(), 1);
    QCOMPARE(handshakeError(parser.responses().first(), "dGhlIHNhbXBsZSBub25jZQ=="), error);
}

QTEST_GUILESS_MAIN(tst_WsFrame)
#include "tst_wsframe.moc"
