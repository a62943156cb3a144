// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

// The parsing core of the EventSource-conformant client: WHATWG HTML, "Server-sent events",
// §9.2.5 "Parsing an event stream" and §9.2.6 "Interpreting an event stream", to the letter.
// Pure: no networking, no event loop, no signals.
//
// Bytes are untrusted. Memory stays bounded by Limits; breaking a limit is the only error, after
// which the parser ignores all input until resetForNewConnection().
//
// Thread: none of its own; an instance is used from one thread at a time.

namespace sse {

struct Event
{
    QString type;        // "message" unless an event field set it
    QString data;        // data buffer with the final LF removed
    QString lastEventId; // the parser's last event ID string at dispatch time; never contains
                         // U+0000, because an id field whose value does is ignored
    // The exact bytes of the lines that made this event: every line since the previous blank
    // line (or the start of the stream), comments and unknown fields included, each with its
    // terminator, through the byte that ended the blank line which dispatched it. For a blank
    // line ended by CRLF that byte is the CR: the event is dispatched as soon as the CR arrives
    // (waiting for a LF that may never come would stall the stream), so the LF that follows it
    // belongs to no event. A leading BOM is part of the first line's bytes.
    QByteArray raw;
};

struct Limits
{
    // Most bytes one line may hold, its terminator not counted.
    qsizetype maxLineBytes = 1024 * 1024;
    // Most bytes one event may span on the wire: all its lines with their terminators, i.e.
    // the size of Event::raw. This bounds the data buffer and the raw bytes kept for the view,
    // including a run of comment or field lines that never reaches a blank line.
    qsizetype maxDataBytes = 16 * 1024 * 1024;
};

// The Encoding Standard's streaming "UTF-8 decode": a leading BOM (EF BB BF) is dropped, each
// maximal invalid subpart becomes one U+FFFD, and a sequence cut across calls is completed by
// the next call. (QStringDecoder in Qt 6.4 loses bytes when an invalid sequence is cut across
// calls and counts replacement characters differently, hence this small decoder.)
class Utf8Decoder
{
public:
    // Appends the characters that `bytes` complete to `out`. A sequence cut at the end of
    // `bytes` stays pending; a later byte that cannot continue it turns it into one U+FFFD.
    // The Parser passes every byte of a line through here, its CR or LF included, so a
    // sequence never spans lines.
    void decode(QByteArrayView bytes, QString &out);

private:
    void startSequence(uchar byte, QString &out);
    void emitCodePoint(char32_t codePoint, QString &out);
    void resetSequence();

    char32_t m_codePoint = 0;
    int m_bytesNeeded = 0;
    int m_bytesSeen = 0;
    uchar m_lowerBoundary = 0x80;
    uchar m_upperBoundary = 0xBF;
    bool m_isAtStreamStart = true;
};

class Parser
{
public:
    explicit Parser(Limits limits = {});

    // Feeds bytes as they arrived, split anywhere (one byte at a time, a UTF-8 sequence or a
    // CRLF cut across feeds). Returns the events these bytes dispatched, in order. A line ended
    // by CR is handled when the CR arrives; a LF right after it, even in the next feed, only
    // completes that line ending. After an error, returns nothing more.
    QList<Event> feed(QByteArrayView bytes);
    // The stream ended (connection closed): the incomplete line and an incomplete event (no
    // blank line yet) are discarded, never dispatched. Fields already seen in it keep their
    // effect on the last event ID buffer and the reconnection time, as in the spec's parser.
    // Call resetForNewConnection() before feeding the next stream.
    void finish();

    // Spec state that survives reconnection:
    // The last event ID string (send it as Last-Event-ID on reconnect when non-empty).
    QString lastEventId() const;
    // The last valid retry field value in milliseconds (ASCII digits only; values beyond
    // INT_MAX saturate), if any.
    std::optional<int> retryMs() const;
    // Lines starting with ':' seen so far (heartbeats), for the lab's display.
    int commentCount() const;
    // The exact bytes of the last comment line after its ':' (e.g. " hb"), terminator excluded.
    QByteArray lastComment() const;

    // Starts a new stream: resets the decoder (a BOM is stripped again), the line buffer, the
    // data and event type buffers, and any error. Keeps the last event ID string, the retry
    // value and the comment statistics; the last event ID buffer restarts from the last event
    // ID string (as browsers do), so the first event of the new stream without an id field
    // keeps the ID that was sent as Last-Event-ID.
    void resetForNewConnection();

    // Only limit violations (a line or an event too long) are errors.
    bool hasError() const;
    QString errorString() const;

private:
    enum class State {
        InLine,  // reading a line's bytes
        AfterCr, // a CR ended the last line; a LF now only completes that CRLF
        Failed,  // a limit was broken; input is ignored
    };

    qsizetype appendLineBytes(QByteArrayView bytes);
    bool appendEventRaw(QByteArrayView bytes);
    void endLine(char terminator, QList<Event> &events);
    void processLine(QStringView line, QList<Event> &events);
    void processField(QStringView field, QStringView value);
    void dispatch(QList<Event> &events);
    void discardStream();
    void fail(const QString &message);

    Limits m_limits;
    State m_state = State::InLine;
    Utf8Decoder m_decoder;
    QByteArray m_lineBytes; // the current line as received, terminator excluded
    QString m_lineText;     // the current line decoded so far
    QByteArray m_eventRaw;  // the lines of the event being built, terminators included
    QString m_data;
    QString m_eventType;
    QString m_lastEventIdBuffer;
    QString m_lastEventId;
    std::optional<int> m_retryMs;
    int m_commentCount = 0;
    QByteArray m_lastComment;
    QString m_error;
};

} // namespace sse
