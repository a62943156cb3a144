// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include "eventlistmodel.h"
#include "recording.h"

#include <QHash>
#include <QImage>
#include <QList>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class ImagePane;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QStackedWidget;
class QTableView;
class RangeMapView;

// What one lane received, shown the way its technique is meant to be seen:
//   Buffered, Stream  the body's text as it arrives (with a second pane "each read decoded
//                     alone" once a character was cut across reads); an image/* body (by
//                     Content-Type, or a PNG signature) is drawn progressively instead
//   Sse, Poll, WS     a table of events, messages, heartbeats, poll round trips, reconnects
//   Range             the range map
//   Raw               the wire bytes, line by line, with each read's time and annotations
// Times are ms since the lane's first Request. Reads observations only; never measures.
//
// Live observations are queued by append() and drawn by a display-rate timer (kFrameMs), in
// one batch per frame, so that a fast stream cannot flood the event loop. Everything runs in
// the GUI thread; the heavy parts (PNG decoding, text insertion) are bounded per frame by what
// arrived in that frame. Child widgets are named for tests: "text", "naiveText", "events",
// "wire", "sendLine". Text and wire panes keep at most their last kMax*Chars characters,
// the table its last EventListModel::kDefaultMaxRows rows.
class LaneContentView : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LaneContentView)
public:
    static constexpr int kFrameMs = 33;
    static constexpr int kMaxTextChars = 4 * 1024 * 1024;
    static constexpr int kMaxWireChars = 2 * 1024 * 1024;

    explicit LaneContentView(QWidget *parent = nullptr);
    ~LaneContentView() override;

    // Clears everything and picks the presentation for the lane's mode (see above).
    void reset(const Lane &lane);
    // Live: queues one observation of this lane; drawn at the next display frame.
    void append(const Observation &observation);
    // A complete lane at once (a loaded or finished recording): replaces the content, now.
    void showLane(const Recording &recording, int lane);
    // Ids of hub messages the GUI published and the server time (same monotonic clock as
    // observations) each was published at. An event/message with such an id that arrives in an
    // exchange > 0 whose Request is later than its publish time was replayed after a reconnect:
    // it is highlighted. Latency = arrival − publish time when known, else the observation's
    // latency_ms, lag_ms or t_server_ns (also inside JSON data).
    void setPublished(const QHash<QString, qint64> &serverNsById);

    // Read-outs (for tests).
    QString text() const;               // text view content (streamed text so far)
    QImage image() const;               // image view: what is drawn so far (null if none)
    int rowCount() const;               // event/message list rows
    QStringList highlightedIds() const; // replayed ids, in arrival order
    qint64 coveredBytes() const;        // range map: distinct bytes arrived

signals:
    // WebSocket lanes show a send box; Enter or its button emits this (hidden otherwise).
    void sendRequested(const QString &text);

private:
    enum class Presentation { Text, Image, Events, Range, Wire };

    // What one frame's observations add to the panes, applied at once by commit().
    struct Batch
    {
        QString text;
        QString naiveText;
        bool hasNaiveText = false;
        QList<EventListModel::Row> rows;
        QString wire;
    };

    QWidget *buildTextPage();
    QWidget *buildEventsPage();
    void setPresentation(Presentation presentation);
    void flush();
    void consume(const Observation &observation, Batch &batch);
    void consumeHttp(const Observation &observation, Batch &batch);
    void consumeChunk(const Observation &observation, Batch &batch);
    void consumeRange(const Observation &observation);
    void commit(Batch &batch);
    double msOf(qint64 tNs) const;
    void sendFromBox();

    Presentation m_presentation = Presentation::Text;
    ProbeMode m_mode = ProbeMode::Stream;
    QList<Observation> m_pending;
    QTimer m_frameTimer;
    qint64 m_originNs = -1;             // the lane's first Request (or first observation)
    QHash<int, qint64> m_exchangeStartNs; // exchange → its Request's tNs
    bool m_hasWarnedNoBytes = false;

    EventListModel m_events;
    QStackedWidget *m_pages = nullptr;
    QPlainTextEdit *m_text = nullptr;
    QWidget *m_naiveBox = nullptr;
    QPlainTextEdit *m_naiveText = nullptr;
    ImagePane *m_image = nullptr;
    QWidget *m_eventsPage = nullptr;
    QLabel *m_droppedNote = nullptr;
    QTableView *m_table = nullptr;
    QWidget *m_sendBox = nullptr;
    QLineEdit *m_sendLine = nullptr;
    RangeMapView *m_rangeMap = nullptr;
    QWidget *m_rangePage = nullptr;
    QPlainTextEdit *m_wire = nullptr;
};
