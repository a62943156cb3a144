// SPDX-License-Identifier: GPL-3.0-only
// The Server-Sent Events parser against WHATWG HTML §9.2.5 "Parsing an event stream" and §9.2.6
// "Interpreting an event stream": the spec's own examples, every field rule, every line ending,
// BOM and UTF-8 handling, raw bytes, limits, reconnection state, and that none of it depends on
// how the bytes were split across reads.
#include "sseparser.h"

#include <QTest>

#include <climits>

using namespace Qt::StringLiterals;
using sse::Event;
using sse::Limits;
using sse::Parser;
using sse::Utf8Decoder;

namespace {

// A byte string literal with its embedded NUL bytes kept.
template<qsizetype N>
QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

QString escaped(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        if (c == u'\n')
            out += u"\\n"_s;
        else if (c == u'\r')
            out += u"\\r"_s;
        else if (c == u'\0')
            out += u"\\0"_s;
        else if (c == u'\\')
            out += u"\\\\"_s;
        else
            out += c;
    }
    return out;
}

// One event as one comparable line, "type|data|lastEventId", control characters escaped.
QString ev(const QString &type, const QString &data, const QString &lastEventId = QString())
{
    return escaped(type) % u'|' % escaped(data) % u'|' % escaped(lastEventId);
}

QString msg(const QString &data, const QString &lastEventId = QString())
{
    return ev(u"message"_s, data, lastEventId);
}

QStringList describe(const QList<Event> &events)
{
    QStringList lines;
    for (const Event &event : events)
        lines += ev(event.type, event.data, event.lastEventId);
    return lines;
}

// Everything observable after a run: the events with their raw bytes, and the parser's state.
QStringList snapshot(const QList<Event> &events, const Parser &parser)
{
    QStringList lines;
    for (const Event &event : events)
        lines += ev(event.type, event.data, event.lastEventId) % u" raw="
                + QString::fromLatin1(event.raw.toHex());
    lines += u"lastEventId="_s + escaped(parser.lastEventId());
    lines += u"retry="_s + QString::number(parser.retryMs().value_or(-1));
    lines += u"comments="_s + QString::number(parser.commentCount());
    lines += u"lastComment="_s + QString::fromLatin1(parser.lastComment().toHex());
    lines += u"error="_s + parser.errorString();
    return lines;
}

QStringList runPieces(const QByteArrayList &pieces, QList<Event> *eventsOut = nullptr)
{
    Parser parser;
    QList<Event> events;
    for (const QByteArray &piece : pieces)
        events += parser.feed(piece);
    parser.finish();
    if (eventsOut)
        *eventsOut = events;
    return snapshot(events, parser);
}

constexpr qsizetype kMaxLengthForThreeWaySplits = 48;

} // namespace

class tst_SseParser : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void rawBytes_data();
    void rawBytes();
    void dispatchesAtTheByteThatEndsTheBlankLine_data();
    void dispatchesAtTheByteThatEndsTheBlankLine();
    void pieces_data();
    void pieces();
    void utf8Decoder_data();
    void utf8Decoder();
    void comments_data();
    void comments();
    void finishDiscardsTheIncompleteEvent();
    void resetForNewConnection();
    void limits_data();
    void limits();
};

void tst_SseParser::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<int>("retry"); // -1: none

    // The spec's examples (§9.2.6)
    QTest::newRow("spec_stock_three_data_lines")
            << bytes("data: YHOO\ndata: +2\ndata: 10\n\n") << QStringList{msg(u"YHOO\n+2\n10"_s)}
            << QString() << -1;
    QTest::newRow("spec_test_stream_comment_id_reset_leading_space")
            << bytes(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
                     "data:  third event\n\n")
            << QStringList{msg(u"first event"_s, u"1"_s), msg(u"second event"_s),
                           msg(u" third event"_s)}
            << QString() << -1;
    QTest::newRow("spec_empty_data_blocks_and_unterminated_last_block")
            << bytes("data\n\ndata\ndata\n\ndata:") << QStringList{msg(QString()), msg(u"\n"_s)}
            << QString() << -1;
    QTest::newRow("spec_data_colon_with_and_without_space")
            << bytes("data:test\n\ndata: test\n\n") << QStringList{msg(u"test"_s), msg(u"test"_s)}
            << QString() << -1;
    QTest::newRow("spec_intro_messages")
            << bytes("data: This is the first message.\n\ndata: This is the second message, it\n"
                     "data: has two lines.\n\ndata: This is the third message.\n\n")
            << QStringList{msg(u"This is the first message."_s),
                           msg(u"This is the second message, it\nhas two lines."_s),
                           msg(u"This is the third message."_s)}
            << QString() << -1;
    QTest::newRow("final_event_without_blank_line_not_dispatched")
            << bytes("data: first\n\ndata: second\n") << QStringList{msg(u"first"_s)} << QString()
            << -1;
    QTest::newRow("nothing") << QByteArray() << QStringList() << QString() << -1;
    QTest::newRow("blank_lines_only") << bytes("\n\r\n\r\n") << QStringList() << QString() << -1;

    // Line endings
    QTest::newRow("lf") << bytes("data: a\ndata: b\n\n") << QStringList{msg(u"a\nb"_s)}
                        << QString() << -1;
    QTest::newRow("crlf") << bytes("data: a\r\ndata: b\r\n\r\n") << QStringList{msg(u"a\nb"_s)}
                          << QString() << -1;
    QTest::newRow("cr") << bytes("data: a\rdata: b\r\r") << QStringList{msg(u"a\nb"_s)}
                        << QString() << -1;
    QTest::newRow("mixed_cr_crlf_lf")
            << bytes("data: a\rdata: b\r\ndata: c\n\r\nevent: e\nid: 1\rdata: d\r\n\n")
            << QStringList{msg(u"a\nb\nc"_s), ev(u"e"_s, u"d"_s, u"1"_s)} << u"1"_s << -1;
    QTest::newRow("crlf_is_one_line_ending_not_two")
            << bytes("data: a\r\ndata: b\r\n\r\n") << QStringList{msg(u"a\nb"_s)} << QString()
            << -1;
    QTest::newRow("lf_cr_is_two_line_endings")
            << bytes("data: a\n\rdata: b\n\n") << QStringList{msg(u"a"_s), msg(u"b"_s)}
            << QString() << -1;
    QTest::newRow("cr_cr_lf_is_two_line_endings")
            << bytes("data: a\r\r\ndata: b\n\n") << QStringList{msg(u"a"_s), msg(u"b"_s)}
            << QString() << -1;
    QTest::newRow("crlf_crlf_crlf") << bytes("data: a\r\n\r\n\r\ndata: b\r\n\r\n")
                                    << QStringList{msg(u"a"_s), msg(u"b"_s)} << QString() << -1;
    QTest::newRow("cr_in_value_ends_line") << bytes("data: a\rb\n\n") << QStringList{msg(u"a"_s)}
                                           << QString() << -1;

    // BOM
    QTest::newRow("bom_at_start_stripped") << bytes("\xEF\xBB\xBF" "data: a\n\n")
                                           << QStringList{msg(u"a"_s)} << QString() << -1;
    QTest::newRow("bom_later_kept_makes_unknown_field")
            << bytes("data: a\n\n\xEF\xBB\xBF" "data: b\n\n") << QStringList{msg(u"a"_s)}
            << QString() << -1;
    QTest::newRow("bom_after_leading_blank_line_kept")
            << bytes("\n\xEF\xBB\xBF" "data: a\n\n") << QStringList() << QString() << -1;
    QTest::newRow("two_boms_second_kept")
            << bytes("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\n") << QStringList() << QString() << -1;
    QTest::newRow("bom_in_value_kept") << bytes("\xEF\xBB\xBF" "data: \xEF\xBB\xBF" "a\n\n")
                                       << QStringList{msg(u"\uFEFFa"_s)} << QString() << -1;

    // UTF-8
    QTest::newRow("utf8_three_byte_chinese") << bytes("data: \xE4\xB8\xAD\xE6\x96\x87\n\n")
                                             << QStringList{msg(u"中文"_s)} << QString() << -1;
    QTest::newRow("utf8_four_byte_emoji") << bytes("event: \xF0\x9F\x98\x80\ndata: \xF0\x9F\x98\x80\n\n")
                                          << QStringList{ev(u"😀"_s, u"😀"_s)} << QString() << -1;
    QTest::newRow("invalid_byte_is_replacement")
            << bytes("data: a\xFF" "b\n\n") << QStringList{msg(u"a\uFFFDb"_s)} << QString() << -1;
    QTest::newRow("truncated_sequence_cut_by_lf_is_one_replacement")
            << bytes("data: \xE4\xB8\n\n") << QStringList{msg(u"\uFFFD"_s)} << QString() << -1;
    QTest::newRow("truncated_sequence_cut_by_cr_is_one_replacement")
            << bytes("data: \xF0\x9F\x98\r\r") << QStringList{msg(u"\uFFFD"_s)} << QString() << -1;
    QTest::newRow("truncated_sequence_then_ascii")
            << bytes("data: \xF0\x9F\x98" "A\n\n") << QStringList{msg(u"\uFFFDA"_s)} << QString()
            << -1;
    QTest::newRow("sequence_never_spans_lines")
            << bytes("data: \xE4\ndata: \xB8\xAD\n\n") << QStringList{msg(u"\uFFFD\n\uFFFD\uFFFD"_s)}
            << QString() << -1;
    QTest::newRow("overlong_and_surrogate_rejected")
            << bytes("data: \xC0\x80|\xED\xA0\x80\n\n")
            << QStringList{msg(u"\uFFFD\uFFFD|\uFFFD\uFFFD\uFFFD"_s)} << QString() << -1;
    QTest::newRow("nul_byte_in_data_kept") << bytes("data: a\0b\n\n")
                                           << QStringList{msg(u"a\0b"_s)} << QString() << -1;

    // Field and value splitting
    QTest::newRow("field_without_colon_is_empty_value")
            << bytes("data\n\n") << QStringList{msg(QString())} << QString() << -1;
    QTest::newRow("value_without_leading_space") << bytes("data:x\n\n") << QStringList{msg(u"x"_s)}
                                                 << QString() << -1;
    QTest::newRow("value_with_two_leading_spaces_keeps_one")
            << bytes("data:  x\n\n") << QStringList{msg(u" x"_s)} << QString() << -1;
    QTest::newRow("trailing_space_kept") << bytes("data: x \n\n") << QStringList{msg(u"x "_s)}
                                         << QString() << -1;
    QTest::newRow("tab_after_colon_kept") << bytes("data:\tx\n\n") << QStringList{msg(u"\tx"_s)}
                                          << QString() << -1;
    QTest::newRow("split_at_first_colon_only")
            << bytes("data: a:b: c\n\n") << QStringList{msg(u"a:b: c"_s)} << QString() << -1;
    QTest::newRow("field_names_are_case_sensitive")
            << bytes("Data: x\nDATA: y\n\n") << QStringList() << QString() << -1;
    QTest::newRow("space_before_colon_is_part_of_field_name")
            << bytes("data : x\n\n") << QStringList() << QString() << -1;
    QTest::newRow("unknown_fields_ignored")
            << bytes("foo: bar\ndata: x\nbaz\nmessage: m\n\n") << QStringList{msg(u"x"_s)}
            << QString() << -1;
    QTest::newRow("comment_inside_event")
            << bytes("data: a\n: note\ndata: b\n\n") << QStringList{msg(u"a\nb"_s)} << QString()
            << -1;
    QTest::newRow("comment_only_blocks_dispatch_nothing")
            << bytes(": hb\n\n:\n\n") << QStringList() << QString() << -1;
    QTest::newRow("data_with_only_a_space_is_empty_value")
            << bytes("data: \ndata: x\n\n") << QStringList{msg(u"\nx"_s)} << QString() << -1;
    QTest::newRow("field_name_only_colon_value_kept_whole")
            << bytes("data::x\n\n") << QStringList{msg(u":x"_s)} << QString() << -1;

    // Data buffering: one LF per data line, only the last one removed
    QTest::newRow("data_trailing_empty_line_keeps_one_lf")
            << bytes("data: a\ndata:\n\n") << QStringList{msg(u"a\n"_s)} << QString() << -1;
    QTest::newRow("data_leading_empty_line")
            << bytes("data\ndata: x\n\n") << QStringList{msg(u"\nx"_s)} << QString() << -1;
    QTest::newRow("data_buffer_cleared_after_dispatch")
            << bytes("data: a\ndata: b\n\ndata: c\n\n")
            << QStringList{msg(u"a\nb"_s), msg(u"c"_s)} << QString() << -1;
    QTest::newRow("data_with_only_lf_value_lines")
            << bytes("data:\ndata:\n\n") << QStringList{msg(u"\n"_s)} << QString() << -1;

    // event
    QTest::newRow("event_type_set_then_reset_after_dispatch")
            << bytes("event: add\ndata: 1\n\ndata: 2\n\n")
            << QStringList{ev(u"add"_s, u"1"_s), msg(u"2"_s)} << QString() << -1;
    QTest::newRow("event_type_reset_by_block_without_data")
            << bytes("event: add\n\ndata: 2\n\n") << QStringList{msg(u"2"_s)} << QString() << -1;
    QTest::newRow("empty_event_type_is_message")
            << bytes("event:\ndata: x\n\n") << QStringList{msg(u"x"_s)} << QString() << -1;
    QTest::newRow("event_without_colon_is_message")
            << bytes("event\ndata: x\n\n") << QStringList{msg(u"x"_s)} << QString() << -1;
    QTest::newRow("event_type_keeps_inner_and_trailing_spaces")
            << bytes("event:  a b \ndata: x\n\n") << QStringList{ev(u" a b "_s, u"x"_s)}
            << QString() << -1;
    QTest::newRow("last_event_field_wins")
            << bytes("event: a\ndata: x\nevent: b\n\n") << QStringList{ev(u"b"_s, u"x"_s)}
            << QString() << -1;

    // id
    QTest::newRow("id_persists_across_events")
            << bytes("id: 7\ndata: a\n\ndata: b\n\n")
            << QStringList{msg(u"a"_s, u"7"_s), msg(u"b"_s, u"7"_s)} << u"7"_s << -1;
    QTest::newRow("id_after_data_in_same_block")
            << bytes("data: a\nid: 2\n\n") << QStringList{msg(u"a"_s, u"2"_s)} << u"2"_s << -1;
    QTest::newRow("id_with_nul_ignored")
            << bytes("id: 5\ndata: a\n\nid: 6\0\ndata: b\n\n")
            << QStringList{msg(u"a"_s, u"5"_s), msg(u"b"_s, u"5"_s)} << u"5"_s << -1;
    QTest::newRow("id_of_only_nul_ignored")
            << bytes("id:\0\ndata: a\n\n") << QStringList{msg(u"a"_s)} << QString() << -1;
    QTest::newRow("id_with_nul_keeps_earlier_id_of_same_block")
            << bytes("id: 1\nid: 2\0" "3\ndata: x\n\n") << QStringList{msg(u"x"_s, u"1"_s)}
            << u"1"_s << -1;
    QTest::newRow("id_with_trailing_nul_ignored")
            << bytes("id: 4\n\nid: 5\0\ndata: x\n\n") << QStringList{msg(u"x"_s, u"4"_s)}
            << u"4"_s << -1;
    QTest::newRow("id_cut_by_cr")
            << bytes("id: 1\r2\ndata: x\n\n") << QStringList{msg(u"x"_s, u"1"_s)} << u"1"_s
            << -1;
    QTest::newRow("id_with_colon_in_value")
            << bytes("id: a:b\ndata: x\n\n") << QStringList{msg(u"x"_s, u"a:b"_s)} << u"a:b"_s
            << -1;
    QTest::newRow("id_without_colon_resets")
            << bytes("id: 5\ndata: a\n\nid\ndata: b\n\n")
            << QStringList{msg(u"a"_s, u"5"_s), msg(u"b"_s)} << QString() << -1;
    QTest::newRow("id_with_empty_value_resets")
            << bytes("id: 5\ndata: a\n\nid:\ndata: b\n\n")
            << QStringList{msg(u"a"_s, u"5"_s), msg(u"b"_s)} << QString() << -1;
    QTest::newRow("id_only_block_not_dispatched_but_sets_last_event_id")
            << bytes("id: 9\n\n") << QStringList() << u"9"_s << -1;
    QTest::newRow("id_in_undispatched_block_is_not_yet_the_last_event_id")
            << bytes("id: 1\n\nid: 3\ndata: x\n") << QStringList() << u"1"_s << -1;
    QTest::newRow("id_keeps_spaces_and_unicode")
            << bytes("id:  a b \xE4\xB8\xAD\ndata: x\n\n") << QStringList{msg(u"x"_s, u" a b 中"_s)}
            << u" a b 中"_s << -1;

    // retry
    QTest::newRow("retry_valid") << bytes("retry: 1000\n") << QStringList() << QString() << 1000;
    QTest::newRow("retry_zero") << bytes("retry: 0\n") << QStringList() << QString() << 0;
    QTest::newRow("retry_without_space") << bytes("retry:250\n\n") << QStringList() << QString()
                                         << 250;
    QTest::newRow("retry_letter_inside_ignored")
            << bytes("retry: 10a0\n") << QStringList() << QString() << -1;
    QTest::newRow("retry_negative_ignored") << bytes("retry: -5\n") << QStringList() << QString()
                                            << -1;
    QTest::newRow("retry_plus_sign_ignored") << bytes("retry: +5\n") << QStringList() << QString()
                                             << -1;
    QTest::newRow("retry_leading_space_after_removal_ignored")
            << bytes("retry:  500\n") << QStringList() << QString() << -1;
    QTest::newRow("retry_trailing_space_ignored")
            << bytes("retry: 500 \n") << QStringList() << QString() << -1;
    QTest::newRow("retry_decimal_point_ignored")
            << bytes("retry: 1.5\n") << QStringList() << QString() << -1;
    QTest::newRow("retry_empty_ignored") << bytes("retry: 1\nretry:\nretry\n") << QStringList()
                                         << QString() << 1;
    QTest::newRow("retry_non_ascii_digit_ignored")
            << bytes("retry: \xD9\xA3\n") << QStringList() << QString() << -1;
    QTest::newRow("retry_invalid_keeps_previous")
            << bytes("retry: 500\nretry: x\n") << QStringList() << QString() << 500;
    QTest::newRow("retry_last_valid_wins") << bytes("retry: 500\nretry: 0700\n") << QStringList()
                                           << QString() << 700;
    QTest::newRow("retry_huge_saturates") << bytes("retry: 99999999999999999999\n")
                                          << QStringList() << QString() << INT_MAX;
    QTest::newRow("retry_does_not_dispatch_or_touch_data")
            << bytes("data: a\nretry: 5\n\n") << QStringList{msg(u"a"_s)} << QString() << 5;
}

// Each row is fed whole, split in two at every position, in three at every pair of positions
// (short rows), and one byte at a time: events (raw bytes included) and state must not change.
void tst_SseParser::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, lastEventId);
    QFETCH(int, retry);

    Parser parser;
    const QList<Event> events = parser.feed(input);
    QCOMPARE(describe(events), expected);
    QCOMPARE(parser.lastEventId(), lastEventId);
    QCOMPARE(parser.retryMs().value_or(-1), retry);
    QVERIFY(!parser.hasError());
    parser.finish();
    const QStringList whole = snapshot(events, parser);

    const qsizetype n = input.size();
    for (qsizetype i = 0; i <= n; ++i) {
        const QStringList split = runPieces({input.first(i), input.sliced(i)});
        QVERIFY2(split == whole, qPrintable(u"split at %1"_s.arg(i)));
        if (n > kMaxLengthForThreeWaySplits)
            continue;
        for (qsizetype j = i; j <= n; ++j) {
            const QStringList three =
                    runPieces({input.first(i), input.sliced(i, j - i), input.sliced(j)});
            QVERIFY2(three == whole, qPrintable(u"split at %1 and %2"_s.arg(i).arg(j)));
        }
    }
    QByteArrayList singleBytes;
    for (qsizetype i = 0; i < n; ++i)
        singleBytes += input.sliced(i, 1);
    QCOMPARE(runPieces(singleBytes), whole);
}

void tst_SseParser::rawBytes_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("raws");

    QTest::newRow("one_event") << bytes("data: a\n\n") << QByteArrayList{"data: a\n\n"};
    QTest::newRow("all_lines_of_the_block")
            << bytes(": c\nid: 1\nevent: e\nretry: 5\nfoo\ndata: a\n\ndata: b\n\n")
            << QByteArrayList{": c\nid: 1\nevent: e\nretry: 5\nfoo\ndata: a\n\n", "data: b\n\n"};
    QTest::newRow("undispatched_block_belongs_to_no_event")
            << bytes("id: 1\n\n: hb\n\ndata: b\n\n") << QByteArrayList{"data: b\n\n"};
    QTest::newRow("cr_endings") << bytes("data: a\rdata: b\r\r") << QByteArrayList{"data: a\rdata: b\r\r"};
    QTest::newRow("crlf_endings_event_ends_at_the_blank_line_cr")
            << bytes("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n")
            << QByteArrayList{"data: a\r\ndata: b\r\n\r", "data: c\r\n\r"};
    QTest::newRow("leading_bom_is_part_of_the_first_line")
            << bytes("\xEF\xBB\xBF" "data: a\n\n") << QByteArrayList{"\xEF\xBB\xBF" "data: a\n\n"};
    QTest::newRow("invalid_and_nul_bytes_exact")
            << bytes("data: \xFF\0\xE4\n\n") << QByteArrayList{bytes("data: \xFF\0\xE4\n\n")};
}

void tst_SseParser::rawBytes()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, raws);

    QList<Event> events;
    runPieces({input}, &events);
    QByteArrayList actual;
    for (const Event &event : events)
        actual += event.raw;
    QCOMPARE(actual, raws);
}

void tst_SseParser::dispatchesAtTheByteThatEndsTheBlankLine_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<int>>("dispatchAt"); // index of the byte whose feed returns an event

    QTest::newRow("lf") << bytes("data: a\n\n") << QList<int>{8};
    QTest::newRow("cr_does_not_wait_for_a_possible_lf") << bytes("data: a\r\r") << QList<int>{8};
    QTest::newRow("crlf_dispatches_at_the_cr") << bytes("data: a\r\n\r\n") << QList<int>{9};
    QTest::newRow("two_events") << bytes("data: a\n\ndata: b\r\r") << QList<int>{8, 17};
}

void tst_SseParser::dispatchesAtTheByteThatEndsTheBlankLine()
{
    QFETCH(QByteArray, input);
    QFETCH(QList<int>, dispatchAt);

    Parser parser;
    QList<int> actual;
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QList<Event> events = parser.feed(input.sliced(i, 1));
        for (qsizetype k = 0; k < events.size(); ++k)
            actual += int(i);
    }
    QCOMPARE(actual, dispatchAt);
}

void tst_SseParser::pieces_data()
{
    QTest::addColumn<QByteArrayList>("pieces");
    QTest::addColumn<QList<QStringList>>("expectedPerFeed");

    QTest::newRow("crlf_split_across_reads")
            << QByteArrayList{"data: a\r", "\ndata: b\r", "\n\r", "\n"}
            << QList<QStringList>{{}, {}, {msg(u"a\nb"_s)}, {}};
    QTest::newRow("cr_then_lf_is_not_a_blank_line")
            << QByteArrayList{"data: a\r", "\n", "data: b\n", "\n"}
            << QList<QStringList>{{}, {}, {}, {msg(u"a\nb"_s)}};
    QTest::newRow("cr_then_cr_across_reads_is_a_blank_line")
            << QByteArrayList{"data: a\r", "\r", "\ndata: b\r\n\r\n"}
            << QList<QStringList>{{}, {msg(u"a"_s)}, {msg(u"b"_s)}};
    QTest::newRow("cr_then_empty_read_then_lf")
            << QByteArrayList{"data: a\r", "", "\n", "\r\n"}
            << QList<QStringList>{{}, {}, {}, {msg(u"a"_s)}};
    QTest::newRow("chinese_cut_across_reads")
            << QByteArrayList{"data: \xE4", "\xB8", "\xAD\n\n"}
            << QList<QStringList>{{}, {}, {msg(u"中"_s)}};
    QTest::newRow("emoji_cut_across_reads")
            << QByteArrayList{"data: \xF0", "\x9F", "\x98", "\x80\n", "\n"}
            << QList<QStringList>{{}, {}, {}, {}, {msg(u"😀"_s)}};
    QTest::newRow("bom_cut_across_reads")
            << QByteArrayList{"\xEF", "\xBB", "\xBF", "data: a\n\n"}
            << QList<QStringList>{{}, {}, {}, {msg(u"a"_s)}};
    QTest::newRow("several_events_in_one_read")
            << QByteArrayList{"data: a\n\ndata: b\n\ndata: c"}
            << QList<QStringList>{{msg(u"a"_s), msg(u"b"_s)}};
}

void tst_SseParser::pieces()
{
    QFETCH(QByteArrayList, pieces);
    QFETCH(QList<QStringList>, expectedPerFeed);

    Parser parser;
    QList<QStringList> actual;
    for (const QByteArray &piece : pieces)
        actual += describe(parser.feed(piece));
    QCOMPARE(actual, expectedPerFeed);
}

void tst_SseParser::utf8Decoder_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ascii") << bytes("abc") << u"abc"_s;
    QTest::newRow("two_three_four_byte") << bytes("\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80.")
                                         << u"é中😀."_s;
    QTest::newRow("leading_bom_dropped") << bytes("\xEF\xBB\xBF" "a") << u"a"_s;
    QTest::newRow("second_bom_kept") << bytes("\xEF\xBB\xBF\xEF\xBB\xBF" "a") << u"\uFEFFa"_s;
    QTest::newRow("bom_not_first_kept") << bytes("a\xEF\xBB\xBF") << u"a\uFEFF"_s;
    QTest::newRow("truncated_bom_is_one_replacement") << bytes("\xEF\xBB" "a") << u"\uFFFDa"_s;
    QTest::newRow("lone_continuation_bytes") << bytes("\x80\xBF.") << u"\uFFFD\uFFFD."_s;
    QTest::newRow("invalid_lead_bytes") << bytes("\xC0\xC1\xF5\xFF.") << u"\uFFFD\uFFFD\uFFFD\uFFFD."_s;
    QTest::newRow("overlong_two_byte") << bytes("\xC0\x80.") << u"\uFFFD\uFFFD."_s;
    QTest::newRow("overlong_three_byte") << bytes("\xE0\x80\x80.") << u"\uFFFD\uFFFD\uFFFD."_s;
    QTest::newRow("surrogate") << bytes("\xED\xA0\x80.") << u"\uFFFD\uFFFD\uFFFD."_s;
    QTest::newRow("above_max_code_point") << bytes("\xF4\x90\x80\x80.")
                                          << u"\uFFFD\uFFFD\uFFFD\uFFFD."_s;
    QTest::newRow("max_code_point") << bytes("\xF4\x8F\xBF\xBF.") << u"\U0010FFFF."_s;
    QTest::newRow("truncated_four_byte_then_ascii") << bytes("\xF0\x9F\x98" "A") << u"\uFFFDA"_s;
    QTest::newRow("truncated_then_new_sequence") << bytes("\xE4\xB8\xE4\xB8\xAD") << u"\uFFFD中"_s;
    QTest::newRow("nul") << bytes("\0") << u"\0"_s;
}

// Whole and one byte at a time: the decoder's state carries a sequence cut across calls.
void tst_SseParser::utf8Decoder()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);

    Utf8Decoder whole;
    QString wholeOut;
    whole.decode(input, wholeOut);
    QCOMPARE(wholeOut, expected);

    Utf8Decoder bytewise;
    QString bytewiseOut;
    for (qsizetype i = 0; i < input.size(); ++i)
        bytewise.decode(input.sliced(i, 1), bytewiseOut);
    QCOMPARE(bytewiseOut, expected);
}

void tst_SseParser::comments_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("count");
    QTest::addColumn<QByteArray>("lastComment");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("none") << bytes("data: a\n\n") << 0 << QByteArray() << QStringList{msg(u"a"_s)};
    QTest::newRow("heartbeats") << bytes(": hb\n\n: hb\n\n") << 2 << QByteArray(" hb")
                                << QStringList();
    QTest::newRow("empty_comment") << bytes(":\r\n") << 1 << QByteArray() << QStringList();
    QTest::newRow("last_wins_terminator_excluded")
            << bytes(":one\r:two: three\r\n") << 2 << QByteArray("two: three") << QStringList();
    QTest::newRow("inside_event") << bytes("data: a\n: c\ndata: b\n\n") << 1 << QByteArray(" c")
                                  << QStringList{msg(u"a\nb"_s)};
    QTest::newRow("after_leading_bom") << bytes("\xEF\xBB\xBF: hb\n") << 1 << QByteArray(" hb")
                                       << QStringList();
    QTest::newRow("colon_not_first_is_not_a_comment")
            << bytes(" : x\n") << 0 << QByteArray() << QStringList();
    QTest::newRow("exact_bytes_kept") << bytes(":\xFF\0\n") << 1 << bytes("\xFF\0")
                                      << QStringList();
}

void tst_SseParser::comments()
{
    QFETCH(QByteArray, input);
    QFETCH(int, count);
    QFETCH(QByteArray, lastComment);
    QFETCH(QStringList, expected);

    Parser parser;
    QCOMPARE(describe(parser.feed(input)), expected);
    QCOMPARE(parser.commentCount(), count);
    QCOMPARE(parser.lastComment(), lastComment);
}

void tst_SseParser::finishDiscardsTheIncompleteEvent()
{
    Parser parser;
    QVERIFY(parser.feed("event: e\nid: 4\ndata: a\ndata: partial").isEmpty());
    parser.finish();
    QCOMPARE(parser.lastEventId(), QString()); // the block was never dispatched
    parser.resetForNewConnection();
    QCOMPARE(describe(parser.feed("data: b\n\n")), QStringList{msg(u"b"_s)});
}

void tst_SseParser::resetForNewConnection()
{
    Parser parser;
    QCOMPARE(describe(parser.feed("id: 5\nretry: 300\n: hb\ndata: a\n\n")),
             QStringList{msg(u"a"_s, u"5"_s)});

    // The connection drops in the middle of a block that sets another id and a cut character.
    QVERIFY(parser.feed("id: 9\nevent: e\ndata: x\xE4").isEmpty());
    parser.finish();
    QCOMPARE(parser.lastEventId(), u"5"_s);
    parser.resetForNewConnection();
    QCOMPARE(parser.lastEventId(), u"5"_s);
    QCOMPARE(parser.retryMs(), std::optional<int>(300));
    QCOMPARE(parser.commentCount(), 1);

    // A BOM is stripped again; the cut character is not joined; the id of the lost block
    // never became the last event ID, and the event type and data were discarded.
    QCOMPARE(describe(parser.feed("\xEF\xBB\xBF" "data: \xB8\xAD\n\n")),
             QStringList{msg(u"\uFFFD\uFFFD"_s, u"5"_s)});
}

void tst_SseParser::limits_data()
{
    QTest::addColumn<qsizetype>("maxLine");
    QTest::addColumn<qsizetype>("maxEvent");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("error");

    const QString noError;
    QTest::newRow("line_at_limit") << qsizetype(8) << qsizetype(100) << bytes("data: 12\n\n")
                                   << QStringList{msg(u"12"_s)} << noError;
    QTest::newRow("line_over_limit") << qsizetype(8) << qsizetype(100) << bytes("data: 123\n\n")
                                     << QStringList() << u"line longer than 8 bytes"_s;
    QTest::newRow("line_over_limit_before_its_end_arrives")
            << qsizetype(8) << qsizetype(100) << bytes("data: 1234567890") << QStringList()
            << u"line longer than 8 bytes"_s;
    QTest::newRow("events_before_the_error_are_returned")
            << qsizetype(8) << qsizetype(100) << bytes("data: a\n\ndata: 123\n\ndata: b\n\n")
            << QStringList{msg(u"a"_s)} << u"line longer than 8 bytes"_s;
    QTest::newRow("event_at_limit") << qsizetype(100) << qsizetype(17)
                                    << bytes("data: 1\ndata: 2\n\n")
                                    << QStringList{msg(u"1\n2"_s)} << noError;
    QTest::newRow("event_over_limit") << qsizetype(100) << qsizetype(16)
                                      << bytes("data: 1\ndata: 2\n\n") << QStringList()
                                      << u"event longer than 16 bytes"_s;
    QTest::newRow("event_limit_counts_each_event_alone")
            << qsizetype(100) << qsizetype(9) << bytes("data: a\n\ndata: b\n\n")
            << QStringList{msg(u"a"_s), msg(u"b"_s)} << noError;
    QTest::newRow("endless_comments_without_blank_line")
            << qsizetype(100) << qsizetype(16) << bytes(": a\n: b\n: c\n: d\n: e\n")
            << QStringList() << u"event longer than 16 bytes"_s;
    QTest::newRow("lf_of_a_crlf_counts")
            << qsizetype(100) << qsizetype(9) << bytes("data: a\r\n\r\n") << QStringList()
            << u"event longer than 9 bytes"_s;
}

void tst_SseParser::limits()
{
    QFETCH(qsizetype, maxLine);
    QFETCH(qsizetype, maxEvent);
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QString, error);

    Limits limits;
    limits.maxLineBytes = maxLine;
    limits.maxDataBytes = maxEvent;
    Parser parser(limits);
    QCOMPARE(describe(parser.feed(input)), expected);
    QCOMPARE(parser.hasError(), !error.isEmpty());
    QCOMPARE(parser.errorString(), error);
    if (error.isEmpty())
        return;

    // Once failed, input is ignored until a new connection starts.
    QVERIFY(parser.feed("\n\ndata: c\n\n").isEmpty());
    parser.resetForNewConnection();
    QVERIFY(!parser.hasError());
    QCOMPARE(parser.errorString(), QString());
    QCOMPARE(describe(parser.feed("data: c\n\n")), QStringList{msg(u"c"_s)});
}

QTEST_GUILESS_MAIN(tst_SseParser)
#include "tst_sseparser.moc"
