// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "probe.h"
#include "rangeoutput.h"
#include "rangeplan.h"

#include <QElapsedTimer>
#include <QList>
#include <QPointer>
#include <QUrl>

class QNetworkReply;

// A download manager's way of reading a file: HEAD (exchange 0) for its size, Accept-Ranges
// and validators, then settings().segments ranged GETs in parallel (at most kMaxParallel at
// once, each its own exchange), assembled at the right offsets in settings().outputPath (or a
// temporary file), in bounded memory. Every read is one Range observation {start, end,
// segment} (inclusive offsets in the resource). At the end every byte must have arrived exactly
// once and the file must have the announced size; Done then carries {verified, sha256, size}.
//
// Fallbacks: no Accept-Ranges or an unknown size → one plain GET; a ranged GET answered 200
// with the same validators → the server ignores ranges: that response becomes the one full
// download (noted on its Headers); answered 200 with other validators, or a HEAD whose ETag,
// Last-Modified or size differ from the sidecar's → the file changed: Reconnect {delay_ms: 0,
// reason}, the file is emptied and the download restarts from byte 0. A 416, a 206 whose
// Content-Range is not what was asked, a short or long segment → failure naming it.
//
// Resume: with an outputPath, "<outputPath>.streamlab-partial" records the resource and the
// byte spans on disk, rewritten as data arrives (at most every kSidecarIntervalMs, and at any
// end of the run), so the run may stop at any moment. settings().resume continues from it,
// asking for the missing spans only, with If-Range. The sidecar is removed once verified.
// settings().stopAfterBytes > 0 pauses deliberately after that many bytes in this run: a
// success, Done {verified: false, paused: true}; the partial file and the sidecar stay.
// Only GET is used for the body: settings().method and body do not apply.
class RangeProbe : public Probe
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RangeProbe)
public:
    static constexpr int kMaxParallel = 6;                  // QNAM's connections per host
    static constexpr qint64 kMinSegmentBytes = 64 * 1024;   // never cut the file finer
    static constexpr int kSidecarIntervalMs = 250;

    explicit RangeProbe(ProbeSettings settings, QObject *parent = nullptr);
    ~RangeProbe() override;

protected:
    void begin() override;
    void abortTransfer() override;
    QJsonObject doneFields() const override;

private:
    enum class State {
        Idle,      // not started
        Probing,   // HEAD in flight
        Segmented, // ranged GETs in flight or pending
        Whole,     // one full GET: no ranges, unknown size, ignored ranges or a changed file
        Done,      // verified, failed or paused
    };

    struct Resource
    {
        QUrl url;         // after the HEAD's redirects
        qint64 size = -1; // -1: unknown
        QByteArray etag;
        QByteArray lastModified;
        bool acceptsRanges = false;
    };

    struct Segment
    {
        int index = 0;
        int exchange = 0;
        bool isWhole = false;   // a full response, from byte 0
        rangeplan::Span asked;  // ranged: what the Range header asked for
        qint64 next = 0;        // offset the next byte of this response goes to
        qint64 wholeSize = -1;  // whole: Content-Length, -1 when unknown
        QPointer<QNetworkReply> reply;
        bool hasHeaders = false;
        bool isDone = false;
    };

    void advance();
    void sendHead();
    void onHeadMetaData();
    void onHeadFinished();
    void startDownload();
    QString prepareOutput(bool canRange);
    QString changeSince(const rangeplan::PartialState &partial) const;
    void launch(std::optional<rangeplan::Span> span);
    int activeCount() const;

    void onSegmentHeaders(int index);
    void checkRangedStatus(Segment &segment, QJsonObject &fields);
    void takeFullResponse(Segment &segment, QJsonObject &fields);
    void onSegmentReadyRead(int index);
    bool acceptBytes(Segment &segment, const QByteArray &bytes);
    void onSegmentFinished(int index);
    void verify();

    QString saveSidecar(bool force);
    rangeplan::PartialState partialState() const;
    QByteArray ifRangeValidator() const;
    void dropReply(QPointer<QNetworkReply> &reply);
    void fail(const QString &message);

    State m_state = State::Idle;
    Resource m_resource;
    RangeOutput m_output;
    rangeplan::SpanSet m_complete;       // bytes on disk, this run's and a resumed run's
    QList<rangeplan::Span> m_pending;    // ranges not requested yet
    QList<Segment> m_segments;           // indexes are stable: only ever appended
    QPointer<QNetworkReply> m_head;
    QElapsedTimer m_sinceSidecar;
    QByteArray m_sha256;
    qint64 m_runBytes = 0;               // body bytes received in this run
    qint64 m_overlapBytes = 0;           // bytes that arrived for offsets already on disk
    bool m_hasHeadHeaders = false;
    bool m_isResumable = false;          // the sidecar is kept up to date
    bool m_isVerified = false;
    bool m_isPaused = false;
};
