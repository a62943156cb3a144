// SPDX-License-Identifier: GPL-3.0-only
#include "httprange.h"

#include <QLocale>
#include <QTest>

using namespace httprange;

namespace httprange {
// Readable QCOMPARE failures for the outcome (found by argument-dependent lookup).
char *toString(RangeOutcome outcome)
{
    switch (outcome) {
    case RangeOutcome::Ignore:
        return qstrdup("Ignore");
    case RangeOutcome::Satisfiable:
        return qstrdup("Satisfiable");
    case RangeOutcome::Unsatisfiable:
        return qstrdup("Unsatisfiable");
    }
    return qstrdup("?");
}
} // namespace httprange

namespace {

constexpr qint64 kMaxSize = std::numeric_limits<qint64>::max();
const QByteArray kEtag = QByteArrayLiteral("\"3e8-abc\"");

// "first-last" pairs joined by commas, e.g. "0-4,10-14": easy to write and to read on failure.
QByteArray describe(const QList<ByteRange> &ranges)
{
    QByteArray text;
    for (const ByteRange &r : ranges) {
        if (!text.isEmpty())
            text += ',';
        text += QByteArray::number(r.first) + '-' + QByteArray::number(r.last);
    }
    return text;
}

// "0-0,1-1,...,(count-1)-(count-1)"
QByteArray singleByteSpecs(int count)
{
    QByteArray text;
    for (int i = 0; i < count; ++i) {
        if (i > 0)
            text += ',';
        text += QByteArray::number(i) + '-' + QByteArray::number(i);
    }
    return text;
}

QDateTime utc(int year, int month, int day, int hour, int minute, int second, int msec = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, msec), Qt::UTC);
}

} // namespace

class tst_HttpRange : public QObject
{
    Q_OBJECT

private slots:
    void parseRange_data();
    void parseRange();
    void parseRangeSpecLimit();
    void contentRangeValues();
    void formatHttpDate_data();
    void formatHttpDate();
    void formatHttpDateIgnoresLocale();
    void parseHttpDate_data();
    void parseHttpDate();
    void parseHttpDateTwoDigitYear_data();
    void parseHttpDateTwoDigitYear();
    void httpDateRoundTrip_data();
    void httpDateRoundTrip();
    void makeStrongEtag();
    void ifRangeMatches_data();
    void ifRangeMatches();
    void ifNoneMatchMatches_data();
    void ifNoneMatchMatches();
    void planMultipartTwoParts();
    void planMultipartOmitsEmptyContentType();
    void planMultipartQuotesBoundary();
    void makeBoundary();
};

void tst_HttpRange::parseRange_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<RangeOutcome>("outcome");
    QTest::addColumn<QByteArray>("ranges");

    const auto sat = RangeOutcome::Satisfiable;
    const auto unsat = RangeOutcome::Unsatisfiable;
    const auto ignore = RangeOutcome::Ignore;

    QTest::newRow("single_closed") << QByteArray("bytes=0-499") << qint64(1000) << sat
                                   << QByteArray("0-499");
    QTest::newRow("single_middle") << QByteArray("bytes=500-999") << qint64(1000) << sat
                                   << QByteArray("500-999");
    QTest::newRow("single_last_byte") << QByteArray("bytes=999-999") << qint64(1000) << sat
                                      << QByteArray("999-999");
    QTest::newRow("open_ended") << QByteArray("bytes=9500-") << qint64(10000) << sat
                                << QByteArray("9500-9999");
    QTest::newRow("open_from_zero") << QByteArray("bytes=0-") << qint64(1) << sat
                                    << QByteArray("0-0");
    QTest::newRow("suffix") << QByteArray("bytes=-500") << qint64(10000) << sat
                            << QByteArray("9500-9999");
    QTest::newRow("suffix_equal_to_file") << QByteArray("bytes=-1000") << qint64(1000) << sat
                                          << QByteArray("0-999");
    QTest::newRow("suffix_longer_than_file") << QByteArray("bytes=-2000") << qint64(1000) << sat
                                             << QByteArray("0-999");
    QTest::newRow("suffix_zero") << QByteArray("bytes=-0") << qint64(1000) << unsat
                                 << QByteArray();
    QTest::newRow("last_pos_beyond_size_clamps") << QByteArray("bytes=900-5000") << qint64(1000)
                                                 << sat << QByteArray("900-999");
    QTest::newRow("first_pos_equals_size") << QByteArray("bytes=1000-") << qint64(1000) << unsat
                                           << QByteArray();
    QTest::newRow("first_pos_equals_size_closed") << QByteArray("bytes=1000-1000")
                                                  << qint64(1000) << unsat << QByteArray();
    QTest::newRow("first_greater_than_last") << QByteArray("bytes=5-4") << qint64(1000) << ignore
                                             << QByteArray();
    QTest::newRow("unknown_unit") << QByteArray("items=0-1") << qint64(1000) << ignore
                                  << QByteArray();
    QTest::newRow("uppercase_unit") << QByteArray("BYTES=0-1") << qint64(1000) << sat
                                    << QByteArray("0-1");
    QTest::newRow("mixed_case_unit") << QByteArray("Bytes=2-3") << qint64(1000) << sat
                                     << QByteArray("2-3");
    QTest::newRow("space_before_equals") << QByteArray("bytes =0-1") << qint64(1000) << ignore
                                         << QByteArray();
    QTest::newRow("ows_around_value") << QByteArray(" \tbytes=0-1 \t") << qint64(1000) << sat
                                      << QByteArray("0-1");
    QTest::newRow("whitespace_around_commas") << QByteArray("bytes=0-1 ,\t2-3 , 4-5")
                                              << qint64(1000) << sat
                                              << QByteArray("0-1,2-3,4-5");
    QTest::newRow("empty_elements") << QByteArray("bytes=0-1,,2-3") << qint64(1000) << sat
                                    << QByteArray("0-1,2-3");
    QTest::newRow("empty_elements_at_ends") << QByteArray("bytes=, ,0-1,") << qint64(1000) << sat
                                            << QByteArray("0-1");
    QTest::newRow("multiple_in_given_order") << QByteArray("bytes=500-599,0-99,-10")
                                             << qint64(1000) << sat
                                             << QByteArray("500-599,0-99,990-999");
    QTest::newRow("mixed_keeps_only_satisfiable")
            << QByteArray("bytes=0-9,2000-3000,-0,990-") << qint64(1000) << sat
            << QByteArray("0-9,990-999");
    QTest::newRow("all_unsatisfiable") << QByteArray("bytes=1000-,2000-2999,-0") << qint64(1000)
                                       << unsat << QByteArray();
    QTest::newRow("size_zero_open") << QByteArray("bytes=0-") << qint64(0) << unsat
                                    << QByteArray();
    QTest::newRow("size_zero_closed") << QByteArray("bytes=0-10") << qint64(0) << unsat
                                      << QByteArray();
    QTest::newRow("size_zero_suffix") << QByteArray("bytes=-5") << qint64(0) << unsat
                                      << QByteArray();
    QTest::newRow("size_zero_garbage") << QByteArray("bytes=x") << qint64(0) << ignore
                                       << QByteArray();
    QTest::newRow("negative_size") << QByteArray("bytes=0-1") << qint64(-1) << ignore
                                   << QByteArray();
    QTest::newRow("overflow_last_pos") << QByteArray("bytes=0-99999999999999999999999")
                                       << qint64(1000) << sat << QByteArray("0-999");
    QTest::newRow("overflow_first_pos") << QByteArray("bytes=99999999999999999999999-")
                                        << qint64(1000) << unsat << QByteArray();
    QTest::newRow("overflow_suffix") << QByteArray("bytes=-99999999999999999999999")
                                     << qint64(1000) << sat << QByteArray("0-999");
    // 2^64 + 5 would wrap to 5 and 2^63 to a negative number without overflow detection.
    QTest::newRow("overflow_wrapping_first_pos") << QByteArray("bytes=18446744073709551621-")
                                                 << qint64(1000) << unsat << QByteArray();
    QTest::newRow("overflow_wrapping_last_pos") << QByteArray("bytes=0-18446744073709551621")
                                                << qint64(1000) << sat << QByteArray("0-999");
    QTest::newRow("overflow_wrapping_suffix") << QByteArray("bytes=-18446744073709551621")
                                              << qint64(1000) << sat << QByteArray("0-999");
    QTest::newRow("overflow_two_pow_63_first_pos") << QByteArray("bytes=9223372036854775808-")
                                                   << qint64(1000) << unsat << QByteArray();
    QTest::newRow("overflow_both_first_greater")
            << QByteArray("bytes=99999999999999999999999-99999999999999999999998")
            << qint64(1000) << ignore << QByteArray();
    QTest::newRow("overflow_both_ordered")
            << QByteArray("bytes=99999999999999999999998-99999999999999999999999")
            << qint64(1000) << unsat << QByteArray();
    QTest::newRow("leading_zeros") << QByteArray("bytes=0005-000000000000000000000000009")
                                   << qint64(1000) << sat << QByteArray("5-9");
    QTest::newRow("max_size_open") << QByteArray("bytes=9223372036854775806-") << kMaxSize << sat
                                   << QByteArray("9223372036854775806-9223372036854775806");
    QTest::newRow("max_size_first_pos_at_limit") << QByteArray("bytes=9223372036854775807-")
                                                 << kMaxSize << unsat << QByteArray();
    QTest::newRow("max_size_suffix") << QByteArray("bytes=-1") << kMaxSize << sat
                                     << QByteArray("9223372036854775806-9223372036854775806");
    QTest::newRow("too_many_specs") << "bytes=" + singleByteSpecs(kMaxRangeSpecs + 1)
                                    << qint64(1000) << ignore << QByteArray();
    QTest::newRow("too_many_specs_even_if_empty_elements_too")
            << "bytes=," + singleByteSpecs(kMaxRangeSpecs + 1) + ",," << qint64(1000) << ignore
            << QByteArray();
    QTest::newRow("overlap_amplification") << QByteArray("bytes=0-599,400-999") << qint64(1000)
                                           << ignore << QByteArray();
    QTest::newRow("overlap_whole_file_twice") << QByteArray("bytes=0-,-10") << qint64(10)
                                              << ignore << QByteArray();
    QTest::newRow("overlap_within_size") << QByteArray("bytes=0-4,2-6") << qint64(1000) << sat
                                         << QByteArray("0-4,2-6");
    QTest::newRow("sum_exactly_size") << QByteArray("bytes=0-4,0-4") << qint64(10) << sat
                                      << QByteArray("0-4,0-4");
    QTest::newRow("garbage_letters") << QByteArray("bytes=abc") << qint64(1000) << ignore
                                     << QByteArray();
    QTest::newRow("garbage_two_dashes") << QByteArray("bytes=1-2-3") << qint64(1000) << ignore
                                        << QByteArray();
    QTest::newRow("garbage_blank_set") << QByteArray("bytes= ") << qint64(1000) << ignore
                                       << QByteArray();
    QTest::newRow("garbage_empty_set") << QByteArray("bytes=") << qint64(1000) << ignore
                                       << QByteArray();
    QTest::newRow("garbage_only_commas") << QByteArray("bytes=, ,") << qint64(1000) << ignore
                                         << QByteArray();
    QTest::newRow("garbage_no_unit") << QByteArray("=0-1") << qint64(1000) << ignore
                                     << QByteArray();
    QTest::newRow("garbage_dash_alone") << QByteArray("bytes=-") << qint64(1000) << ignore
                                        << QByteArray();
    QTest::newRow("garbage_no_equals") << QByteArray("bytes 0-1") << qint64(1000) << ignore
                                       << QByteArray();
    QTest::newRow("garbage_empty_header") << QByteArray() << qint64(1000) << ignore
                                          << QByteArray();
    QTest::newRow("garbage_space_in_number") << QByteArray("bytes=1 0-20") << qint64(1000)
                                             << ignore << QByteArray();
    QTest::newRow("garbage_space_after_dash") << QByteArray("bytes=0- 1") << qint64(1000)
                                              << ignore << QByteArray();
    QTest::newRow("garbage_plus_sign") << QByteArray("bytes=+1-2") << qint64(1000) << ignore
                                       << QByteArray();
    QTest::newRow("garbage_negative_suffix") << QByteArray("bytes=--5") << qint64(1000)
                                             << ignore << QByteArray();
    QTest::newRow("garbage_hex") << QByteArray("bytes=0x10-20") << qint64(1000) << ignore
                                 << QByteArray();
    QTest::newRow("garbage_crlf_is_not_ows") << QByteArray("bytes=0-1\r\n") << qint64(1000)
                                             << ignore << QByteArray();
    QTest::newRow("garbage_after_valid_spec") << QByteArray("bytes=0-1,x") << qint64(1000)
                                              << ignore << QByteArray();
}

void tst_HttpRange::parseRange()
{
    QFETCH(QByteArray, header);
    QFETCH(qint64, size);
    QFETCH(RangeOutcome, outcome);
    QFETCH(QByteArray, ranges);

    const RangeResult result = httprange::parseRange(header, size);
    QCOMPARE(result.outcome, outcome);
    QCOMPARE(describe(result.ranges), ranges);
}

void tst_HttpRange::parseRangeSpecLimit()
{
    // Exactly kMaxRangeSpecs single bytes is still accepted, all of them in order.
    const QByteArray header = "bytes=" + singleByteSpecs(kMaxRangeSpecs);
    const RangeResult result = httprange::parseRange(header, 1000);
    QCOMPARE(result.outcome, RangeOutcome::Satisfiable);
    QCOMPARE(result.ranges.size(), 100);
    QCOMPARE(result.ranges.first().first, 0);
    QCOMPARE(result.ranges.last().first, 99);
    QCOMPARE(result.ranges.last().last, 99);
    QCOMPARE(result.ranges.last().length(), 1);
}

void tst_HttpRange::contentRangeValues()
{
    QCOMPARE(httprange::contentRange({0, 499}, 1234), QByteArray("bytes 0-499/1234"));
    QCOMPARE(httprange::contentRange({1233, 1233}, 1234), QByteArray("bytes 1233-1233/1234"));
    QCOMPARE(httprange::unsatisfiedContentRange(1234), QByteArray("bytes */1234"));
    QCOMPARE(httprange::unsatisfiedContentRange(0), QByteArray("bytes */0"));
}

void tst_HttpRange::formatHttpDate_data()
{
    QTest::addColumn<QDateTime>("when");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("rfc_example") << utc(1994, 11, 6, 8, 49, 37)
                                 << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT");
    QTest::newRow("milliseconds_dropped") << utc(1994, 11, 6, 8, 49, 37, 999)
                                          << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT");
    QTest::newRow("offset_converted_to_utc")
            << QDateTime(QDate(1994, 11, 6), QTime(10, 49, 37), Qt::OffsetFromUTC, 7200)
            << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT");
    QTest::newRow("offset_crossing_midnight")
            << QDateTime(QDate(1994, 11, 5), QTime(23, 30, 0), Qt::OffsetFromUTC, -3600)
            << QByteArray("Sun, 06 Nov 1994 00:30:00 GMT");
    QTest::newRow("zero_padded_fields") << utc(2001, 2, 3, 4, 5, 6)
                                        << QByteArray("Sat, 03 Feb 2001 04:05:06 GMT");
    QTest::newRow("epoch") << utc(1970, 1, 1, 0, 0, 0)
                           << QByteArray("Thu, 01 Jan 1970 00:00:00 GMT");
    QTest::newRow("leap_day") << utc(2000, 2, 29, 23, 59, 59)
                              << QByteArray("Tue, 29 Feb 2000 23:59:59 GMT");
    QTest::newRow("invalid_datetime") << QDateTime() << QByteArray();
    QTest::newRow("year_beyond_four_digits") << utc(10000, 1, 1, 0, 0, 0) << QByteArray();
}

void tst_HttpRange::formatHttpDate()
{
    QFETCH(QDateTime, when);
    QFETCH(QByteArray, expected);

    QCOMPARE(httprange::formatHttpDate(when), expected);
}

void tst_HttpRange::formatHttpDateIgnoresLocale()
{
    const QLocale saved;
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    const QByteArray text = httprange::formatHttpDate(utc(2024, 5, 1, 12, 0, 0));
    QLocale::setDefault(saved);
    QCOMPARE(text, QByteArray("Wed, 01 May 2024 12:00:00 GMT"));
}

void tst_HttpRange::parseHttpDate_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QDateTime>("expected"); // invalid QDateTime: nullopt expected

    const QDateTime example = utc(1994, 11, 6, 8, 49, 37);
    const QDateTime rejected;

    QTest::newRow("imf_fixdate_rfc_example") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT")
                                             << example;
    QTest::newRow("rfc850_rfc_example") << QByteArray("Sunday, 06-Nov-94 08:49:37 GMT")
                                        << example;
    QTest::newRow("asctime_rfc_example") << QByteArray("Sun Nov  6 08:49:37 1994") << example;
    QTest::newRow("asctime_two_digit_day") << QByteArray("Sat Nov 26 08:49:37 1994")
                                           << utc(1994, 11, 26, 8, 49, 37);
    QTest::newRow("asctime_zero_padded_day") << QByteArray("Sun Nov 06 08:49:37 1994")
                                             << example;
    QTest::newRow("surrounding_ows") << QByteArray(" \tSun, 06 Nov 1994 08:49:37 GMT ")
                                     << example;
    QTest::newRow("leap_day") << QByteArray("Tue, 29 Feb 2000 00:00:00 GMT")
                              << utc(2000, 2, 29, 0, 0, 0);
    QTest::newRow("leap_second_read_as_59") << QByteArray("Sat, 31 Dec 2016 23:59:60 GMT")
                                            << utc(2016, 12, 31, 23, 59, 59);

    QTest::newRow("feb_30") << QByteArray("Thu, 30 Feb 1995 08:49:37 GMT") << rejected;
    QTest::newRow("feb_29_not_leap_year") << QByteArray("Thu, 29 Feb 1900 08:49:37 GMT")
                                          << rejected;
    QTest::newRow("day_zero") << QByteArray("Sun, 00 Nov 1994 08:49:37 GMT") << rejected;
    QTest::newRow("hour_25") << QByteArray("Sun, 06 Nov 1994 25:49:37 GMT") << rejected;
    QTest::newRow("minute_60") << QByteArray("Sun, 06 Nov 1994 08:60:37 GMT") << rejected;
    QTest::newRow("second_61") << QByteArray("Sat, 31 Dec 2016 23:59:61 GMT") << rejected;
    QTest::newRow("second_60_not_end_of_day") << QByteArray("Sun, 06 Nov 1994 08:49:60 GMT")
                                              << rejected;
    QTest::newRow("weekday_mismatch") << QByteArray("Mon, 06 Nov 1994 08:49:37 GMT") << rejected;
    QTest::newRow("lowercase_month") << QByteArray("Sun, 06 nov 1994 08:49:37 GMT") << rejected;
    QTest::newRow("not_gmt") << QByteArray("Sun, 06 Nov 1994 08:49:37 UTC") << rejected;
    QTest::newRow("numeric_zone") << QByteArray("Sun, 06 Nov 1994 08:49:37 +0000") << rejected;
    QTest::newRow("imf_single_digit_day") << QByteArray("Sun, 6 Nov 1994 08:49:37 GMT")
                                          << rejected;
    QTest::newRow("imf_two_digit_year") << QByteArray("Sun, 06 Nov 94 08:49:37 GMT") << rejected;
    QTest::newRow("trailing_garbage") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMTx")
                                      << rejected;
    QTest::newRow("trailing_crlf") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT\r\n")
                                   << rejected;
    QTest::newRow("rfc850_short_day_name") << QByteArray("Sun, 06-Nov-94 08:49:37 GMT")
                                           << rejected;
    QTest::newRow("asctime_unpadded_day") << QByteArray("Sun Nov 6 08:49:37 1994") << rejected;
    QTest::newRow("iso_8601") << QByteArray("1994-11-06T08:49:37Z") << rejected;
    QTest::newRow("empty") << QByteArray() << rejected;
    QTest::newRow("truncated") << QByteArray("Sun, 06 Nov 1994 08:49") << rejected;
}

void tst_HttpRange::parseHttpDate()
{
    QFETCH(QByteArray, text);
    QFETCH(QDateTime, expected);

    const std::optional<QDateTime> parsed = httprange::parseHttpDate(text);
    QCOMPARE(parsed.has_value(), expected.isValid());
    if (parsed) {
        QCOMPARE(*parsed, expected);
        QCOMPARE(parsed->timeSpec(), Qt::UTC);
    }
}

void tst_HttpRange::parseHttpDateTwoDigitYear_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QDateTime>("expected");

    const QDateTime now2025 = utc(2025, 6, 15, 12, 0, 0);
    QTest::newRow("past_century") << QByteArray("Sunday, 06-Nov-94 08:49:37 GMT") << now2025
                                  << utc(1994, 11, 6, 8, 49, 37);
    QTest::newRow("this_year") << QByteArray("Wednesday, 01-Jan-25 00:00:00 GMT") << now2025
                               << utc(2025, 1, 1, 0, 0, 0);
    QTest::newRow("exactly_50_years_ahead_stays")
            << QByteArray("Saturday, 15-Jun-75 12:00:00 GMT") << now2025
            << utc(2075, 6, 15, 12, 0, 0);
    QTest::newRow("one_second_over_50_years_goes_back")
            << QByteArray("Sunday, 15-Jun-75 12:00:01 GMT") << now2025
            << utc(1975, 6, 15, 12, 0, 1);
    QTest::newRow("next_year_over_limit_goes_back")
            << QByteArray("Thursday, 01-Jan-76 00:00:00 GMT") << now2025
            << utc(1976, 1, 1, 0, 0, 0);
    QTest::newRow("weekday_checked_after_year_choice")
            << QByteArray("Saturday, 15-Jun-75 12:00:01 GMT") << now2025 << QDateTime();
}

void tst_HttpRange::parseHttpDateTwoDigitYear()
{
    QFETCH(QByteArray, text);
    QFETCH(QDateTime, now);
    QFETCH(QDateTime, expected);

    const std::optional<QDateTime> parsed = httprange::parseHttpDate(text, now);
    QCOMPARE(parsed.has_value(), expected.isValid());
    if (parsed)
        QCOMPARE(*parsed, expected);
}

void tst_HttpRange::httpDateRoundTrip_data()
{
    QTest::addColumn<QDateTime>("when");
    QTest::addColumn<QDateTime>("expected");

    QTest::newRow("whole_seconds") << utc(2023, 3, 14, 15, 9, 26) << utc(2023, 3, 14, 15, 9, 26);
    QTest::newRow("milliseconds_truncated") << utc(2023, 3, 14, 15, 9, 26, 535)
                                            << utc(2023, 3, 14, 15, 9, 26);
    QTest::newRow("non_utc_input")
            << QDateTime(QDate(2023, 3, 14), QTime(1, 0, 0), Qt::OffsetFromUTC, 5 * 3600)
            << utc(2023, 3, 13, 20, 0, 0);
    QTest::newRow("before_epoch") << utc(1969, 12, 31, 23, 59, 59, 500)
                                  << utc(1969, 12, 31, 23, 59, 59);
}

void tst_HttpRange::httpDateRoundTrip()
{
    QFETCH(QDateTime, when);
    QFETCH(QDateTime, expected);

    const std::optional<QDateTime> parsed =
            httprange::parseHttpDate(httprange::formatHttpDate(when));
    QVERIFY(parsed.has_value());
    QCOMPARE(*parsed, expected);
}

void tst_HttpRange::makeStrongEtag()
{
    // 1000 = 0x3e8; 1700000000123 ms = 0x18bcfe5687b.
    const QDateTime mtime = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    QCOMPARE(httprange::makeStrongEtag(1000, mtime), QByteArray("\"3e8-18bcfe5687b\""));
    QCOMPARE(httprange::makeStrongEtag(0, QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)),
             QByteArray("\"0-0\""));
    // One millisecond later must give another tag.
    QVERIFY(httprange::makeStrongEtag(1000, mtime.addMSecs(1))
            != httprange::makeStrongEtag(1000, mtime));
}

void tst_HttpRange::ifRangeMatches_data()
{
    QTest::addColumn<QByteArray>("ifRange");
    QTest::addColumn<QByteArray>("currentEtag");
    QTest::addColumn<QDateTime>("lastModified");
    QTest::addColumn<bool>("expected");

    // The file changed at 08:49:37.250; HTTP dates only carry whole seconds.
    const QDateTime mtime = utc(1994, 11, 6, 8, 49, 37, 250);

    QTest::newRow("strong_etag_equal") << kEtag << kEtag << mtime << true;
    QTest::newRow("strong_etag_with_ows") << QByteArray(" \"3e8-abc\"\t") << kEtag << mtime
                                          << true;
    QTest::newRow("weak_request_tag") << QByteArray("W/\"3e8-abc\"") << kEtag << mtime << false;
    QTest::newRow("weak_current_tag") << kEtag << QByteArray("W/\"3e8-abc\"") << mtime << false;
    QTest::newRow("different_tag") << QByteArray("\"3e8-abd\"") << kEtag << mtime << false;
    QTest::newRow("tag_differs_in_case") << QByteArray("\"3E8-abc\"") << kEtag << mtime << false;
    QTest::newRow("unterminated_tag") << QByteArray("\"3e8-abc") << kEtag << mtime << false;
    QTest::newRow("tag_trailing_garbage") << QByteArray("\"3e8-abc\"x") << kEtag << mtime
                                          << false;
    QTest::newRow("two_tags") << QByteArray("\"3e8-abc\", \"3e8-abc\"") << kEtag << mtime
                              << false;
    QTest::newRow("date_equal") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT") << kEtag << mtime
                                << true;
    QTest::newRow("date_equal_rfc850") << QByteArray("Sunday, 06-Nov-94 08:49:37 GMT") << kEtag
                                       << mtime << true;
    QTest::newRow("date_equal_asctime") << QByteArray("Sun Nov  6 08:49:37 1994") << kEtag
                                        << mtime << true;
    QTest::newRow("date_equal_non_utc_mtime")
            << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT") << kEtag
            << QDateTime(QDate(1994, 11, 6), QTime(9, 49, 37), Qt::OffsetFromUTC, 3600) << true;
    // -500 ms since the epoch lies in the second 23:59:59, not in 00:00:00.
    QTest::newRow("date_equal_before_epoch_with_ms")
            << QByteArray("Wed, 31 Dec 1969 23:59:59 GMT") << kEtag
            << utc(1969, 12, 31, 23, 59, 59, 500) << true;
    QTest::newRow("date_one_second_later") << QByteArray("Sun, 06 Nov 1994 08:49:38 GMT")
                                           << kEtag << mtime << false;
    QTest::newRow("date_one_second_earlier") << QByteArray("Sun, 06 Nov 1994 08:49:36 GMT")
                                             << kEtag << mtime << false;
    QTest::newRow("date_invalid_last_modified") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT")
                                                << kEtag << QDateTime() << false;
    QTest::newRow("garbage") << QByteArray("yesterday") << kEtag << mtime << false;
    QTest::newRow("unquoted_tag") << QByteArray("3e8-abc") << kEtag << mtime << false;
    QTest::newRow("empty") << QByteArray() << kEtag << mtime << false;
}

void tst_HttpRange::ifRangeMatches()
{
    QFETCH(QByteArray, ifRange);
    QFETCH(QByteArray, currentEtag);
    QFETCH(QDateTime, lastModified);
    QFETCH(bool, expected);

    QCOMPARE(httprange::ifRangeMatches(ifRange, currentEtag, lastModified), expected);
}

void tst_HttpRange::ifNoneMatchMatches_data()
{
    QTest::addColumn<QByteArray>("ifNoneMatch");
    QTest::addColumn<QByteArray>("currentEtag");
    QTest::addColumn<bool>("expected");

    QTest::newRow("star") << QByteArray("*") << kEtag << true;
    QTest::newRow("star_with_ows") << QByteArray(" * ") << kEtag << true;
    QTest::newRow("single_match") << kEtag << kEtag << true;
    QTest::newRow("list_with_match") << QByteArray("\"xyz\", \"3e8-abc\"") << kEtag << true;
    QTest::newRow("list_without_match") << QByteArray("\"xyz\", \"3e8-abd\"") << kEtag << false;
    QTest::newRow("weak_request_tag") << QByteArray("W/\"3e8-abc\"") << kEtag << true;
    QTest::newRow("weak_current_tag") << kEtag << QByteArray("W/\"3e8-abc\"") << true;
    QTest::newRow("both_weak") << QByteArray("W/\"3e8-abc\"") << QByteArray("W/\"3e8-abc\"")
                               << true;
    QTest::newRow("weak_different") << QByteArray("W/\"3e8-abd\"") << kEtag << false;
    QTest::newRow("lowercase_weak_prefix") << QByteArray("w/\"3e8-abc\"") << kEtag << false;
    QTest::newRow("empty_elements_and_ows") << QByteArray(" , ,\t\"3e8-abc\" ,") << kEtag
                                            << true;
    QTest::newRow("tag_containing_comma") << QByteArray("\"a,b\"") << QByteArray("\"a,b\"")
                                          << true;
    QTest::newRow("comma_tag_not_split") << QByteArray("\"a\", \"b\"") << QByteArray("\"a,b\"")
                                         << false;
    QTest::newRow("malformed_even_with_match") << QByteArray("\"3e8-abc\", garbage") << kEtag
                                               << false;
    QTest::newRow("missing_comma") << QByteArray("\"xyz\" \"3e8-abc\"") << kEtag << false;
    QTest::newRow("star_in_list") << QByteArray("*, \"3e8-abc\"") << kEtag << false;
    QTest::newRow("unquoted") << QByteArray("3e8-abc") << kEtag << false;
    QTest::newRow("only_commas") << QByteArray(",,") << kEtag << false;
    QTest::newRow("empty") << QByteArray() << kEtag << false;
}

void tst_HttpRange::ifNoneMatchMatches()
{
    QFETCH(QByteArray, ifNoneMatch);
    QFETCH(QByteArray, currentEtag);
    QFETCH(bool, expected);

    QCOMPARE(httprange::ifNoneMatchMatches(ifNoneMatch, currentEtag), expected);
}

void tst_HttpRange::planMultipartTwoParts()
{
    const QByteArray file("0123456789abcdefghij"); // 20 bytes
    const MultipartPlan plan = httprange::planMultipart({{0, 4}, {10, 14}}, file.size(),
                                                        "text/plain", "XYZ");

    QCOMPARE(plan.contentType, QByteArray("multipart/byteranges; boundary=XYZ"));
    QCOMPARE(plan.parts.size(), 2);
    QCOMPARE(plan.parts.at(0).head,
             QByteArray("--XYZ\r\n"
                        "Content-Type: text/plain\r\n"
                        "Content-Range: bytes 0-4/20\r\n"
                        "\r\n"));
    QCOMPARE(plan.parts.at(1).head,
             QByteArray("\r\n--XYZ\r\n"
                        "Content-Type: text/plain\r\n"
                        "Content-Range: bytes 10-14/20\r\n"
                        "\r\n"));
    QCOMPARE(plan.parts.at(1).range.first, 10);
    QCOMPARE(plan.parts.at(1).range.last, 14);
    QCOMPARE(plan.tail, QByteArray("\r\n--XYZ--\r\n"));

    // Heads 64 + 68, data 5 + 5, tail 11: counted by hand.
    QCOMPARE(plan.contentLength, 153);

    QByteArray body;
    for (const MultipartPart &part : plan.parts)
        body += part.head + file.mid(part.range.first, part.range.length());
    body += plan.tail;
    QCOMPARE(body,
             QByteArray("--XYZ\r\n"
                        "Content-Type: text/plain\r\n"
                        "Content-Range: bytes 0-4/20\r\n"
                        "\r\n"
                        "01234"
                        "\r\n--XYZ\r\n"
                        "Content-Type: text/plain\r\n"
                        "Content-Range: bytes 10-14/20\r\n"
                        "\r\n"
                        "abcde"
                        "\r\n--XYZ--\r\n"));
    QCOMPARE(plan.contentLength, body.size());
}

void tst_HttpRange::planMultipartOmitsEmptyContentType()
{
    const MultipartPlan plan = httprange::planMultipart({{0, 0}, {2, 3}}, 4, {}, "B");
    QCOMPARE(plan.parts.at(0).head, QByteArray("--B\r\nContent-Range: bytes 0-0/4\r\n\r\n"));
    QCOMPARE(plan.parts.at(1).head, QByteArray("\r\n--B\r\nContent-Range: bytes 2-3/4\r\n\r\n"));
    // 35 + 37 head bytes, 1 + 2 data bytes, 9 tail bytes.
    QCOMPARE(plan.contentLength, 84);
}

void tst_HttpRange::planMultipartQuotesBoundary()
{
    // ':' and ' ' are valid boundary characters (RFC 2046) but not token characters.
    const MultipartPlan plan = httprange::planMultipart({{0, 0}, {1, 1}}, 2, "a/b", "x:y z");
    QCOMPARE(plan.contentType, QByteArray("multipart/byteranges; boundary=\"x:y z\""));
    QCOMPARE(plan.tail, QByteArray("\r\n--x:y z--\r\n"));
}

void tst_HttpRange::makeBoundary()
{
    const QByteArray first = httprange::makeBoundary();
    const QByteArray second = httprange::makeBoundary();
    QCOMPARE(first.size(), 34);
    QVERIFY(first.startsWith("StreamLab-"));
    for (const char c : first.sliced(10))
        QVERIFY2((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'), first.constData());
    QVERIFY(first != second);
}

QTEST_GUILESS_MAIN(tst_HttpRange)
#include "tst_httprange.moc"
