// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <deque>
#include <optional>

// The rows of an SSE, long-poll or WebSocket lane: events, messages, heartbeats, sends, poll
// round trips, and a separator row at each reconnect. Plain rows in, table out; the content
// view turns observations into rows and appends them in batches (one insert per display
// frame). Holds at most maxRows() rows: appending more drops the oldest and counts them.
//
// Latency of a row: arrival minus the publish time from setPublished() when its id is known
// there, else the row's own fallback (latency_ms, lag_ms or t_server_ns of the observation).
// A row is "replayed" when its id was published before the Request of the (reconnected,
// exchange > 0) exchange that delivered it. Colours come from the application palette when
// data() is asked, so they follow a light or dark palette change.
class EventListModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventListModel)
public:
    static constexpr int kDefaultMaxRows = 10'000;
    static constexpr int kMaxDataChars = 300;    // the data column's single line
    static constexpr int kMaxToolTipChars = 4000;
    static constexpr double kReplayBlend = 0.35;    // share of Highlight over Base
    static constexpr double kSeparatorBlend = 0.30; // share of Mid over Base

    enum Column { MsColumn, KindColumn, IdColumn, DataColumn, LatencyColumn, ColumnCount };
    enum class RowKind { Event, Comment, Message, Sent, Poll, Separator, Note };

    struct Row
    {
        RowKind kind = RowKind::Event;
        qint64 tNs = 0;
        double ms = 0;             // since the lane's first Request
        QString type;              // the kind/type column ("message", "tick", "poll", …)
        QString id;
        QString data;              // full text (one line is shown)
        int exchange = 0;
        qint64 exchangeStartNs = 0; // tNs of this exchange's Request (0: unknown)
        std::optional<double> fallbackLatencyMs;
    };

    explicit EventListModel(QObject *parent = nullptr);
    ~EventListModel() override;

    void clear();
    // Appends `rows` with one insert, then drops the oldest rows beyond maxRows().
    void appendRows(const QList<Row> &rows);
    void setPublished(const QHash<QString, qint64> &serverNsById);
    void setMaxRows(int maxRows);
    int maxRows() const { return m_maxRows; }
    // Rows dropped from the top since the last clear().
    qint64 droppedRows() const { return m_droppedRows; }

    const Row &row(int index) const { return m_rows.at(size_t(index)); }
    bool isReplayed(const Row &row) const;
    std::optional<double> latencyMs(const Row &row) const;
    // Ids of replayed rows still held, in arrival order.
    QStringList replayedIds() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    void droppedRowsChanged(qint64 droppedRows);

private:
    QVariant displayData(const Row &row, int column) const;
    QVariant background(const Row &row) const;
    void trim();

    std::deque<Row> m_rows;
    QHash<QString, qint64> m_published;
    int m_maxRows = kDefaultMaxRows;
    qint64 m_droppedRows = 0;
};
