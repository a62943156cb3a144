// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <map>
#include <optional>

// What the server wrote and when: one entry per logged response, one record per body write,
// timed on the monotonic clock (monotonicNowNs) right after the bytes were handed to the
// kernel. Probes join these records with their own receive times to show send→receive lag.
//
// Thread-safe: written from the server thread, read from any thread (the GUI, tests, the
// /api/sendlog endpoint). Memory is bounded: the oldest entries are dropped first.

struct SendRecord
{
    qint64 tNs = 0;      // monotonic ns when the write reached the kernel
    qint64 bytes = 0;    // payload bytes of this write (without chunk framing)
    qint64 offset = 0;   // payload offset of the first byte of this write
};

struct SendLogEntry
{
    qint64 id = 0;
    QByteArray method;
    QString target;            // path and query as requested
    int status = 0;
    qint64 startedNs = 0;      // when the response began (headers queued)
    qint64 finishedNs = -1;    // -1 while running
    bool isComplete = false;   // false: aborted (client left) or still running
    bool isTruncated = false;  // more writes than kMaxRecordsPerEntry were made
    qint64 totalBytes = 0;
    QList<SendRecord> writes;

    QJsonObject toJson(bool withWrites) const;
};

class SendLog
{
    Q_DISABLE_COPY_MOVE(SendLog)
public:
    static constexpr int kMaxRecordsPerEntry = 200'000;
    static constexpr qsizetype kMaxRecordsTotal = 2'000'000;
    static constexpr int kMaxEntries = 1024;

    SendLog() = default;

    qint64 open(const QByteArray &method, const QString &target, int status, qint64 startedNs);
    void record(qint64 id, qint64 tNs, qint64 bytes);
    void close(qint64 id, qint64 tNs, bool isComplete);

    std::optional<SendLogEntry> entry(qint64 id) const;
    QList<SendLogEntry> recent(int maxEntries) const;  // newest first, without writes

private:
    void evictLocked();

    mutable QMutex m_mutex;
    std::map<qint64, SendLogEntry> m_entries;
    qsizetype m_recordCount = 0;
    qint64 m_nextId = 1;
};
