// SPDX-License-Identifier: GPL-3.0-only
#include "sendlog.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

QJsonObject SendLogEntry::toJson(bool withWrites) const
{
    QJsonObject object{
        {u"id"_s, id},
        {u"method"_s, QString::fromLatin1(method)},
        {u"path"_s, target},
        {u"status"_s, status},
        {u"started_ns"_s, startedNs},
        {u"finished"_s, finishedNs >= 0},
        {u"complete"_s, isComplete},
        {u"truncated"_s, isTruncated},
        {u"total_bytes"_s, totalBytes},
        {u"write_count"_s, writes.size()},
    };
    if (finishedNs >= 0)
        object.insert(u"finished_ns"_s, finishedNs);
    if (withWrites) {
        QJsonArray array;
        for (const SendRecord &write : writes) {
            array.append(QJsonObject{{u"t_ns"_s, write.tNs},
                                     {u"bytes"_s, write.bytes},
                                     {u"offset"_s, write.offset}});
        }
        object.insert(u"writes"_s, array);
    }
    return object;
}

qint64 SendLog::open(const QByteArray &method, const QString &target, int status,
                     qint64 startedNs)
{
    QMutexLocker lock(&m_mutex);
    SendLogEntry entry;
    entry.id = m_nextId++;
    entry.method = method;
    entry.target = target;
    entry.status = status;
    entry.startedNs = startedNs;
    const qint64 id = entry.id;
    m_entries.emplace(id, std::move(entry));
    evictLocked();
    return id;
}

void SendLog::record(qint64 id, qint64 tNs, qint64 bytes)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    SendLogEntry &entry = it->second;
    if (entry.writes.size() >= kMaxRecordsPerEntry) {
        entry.isTruncated = true;
    } else {
        entry.writes.append(SendRecord{tNs, bytes, entry.totalBytes});
        ++m_recordCount;
    }
    entry.totalBytes += bytes;
    evictLocked();
}

void SendLog::close(qint64 id, qint64 tNs, bool isComplete)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || it->second.finishedNs >= 0)
        return;
    it->second.finishedNs = tNs;
    it->second.isComplete = isComplete;
}

std::optional<SendLogEntry> SendLog::entry(qint64 id) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return std::nullopt;
    return it->second;
}

QList<SendLogEntry> SendLog::recent(int maxEntries) const
{
    QMutexLocker lock(&m_mutex);
    QList<SendLogEntry> result;
    for (auto it = m_entries.rbegin(); it != m_entries.rend() && result.size() < maxEntries; ++it) {
        SendLogEntry summary = it->second;
        summary.writes.clear();
        summary.writes.squeeze();
        result.append(summary);
    }
    return result;
}

void SendLog::evictLocked()
{
    // Drop the oldest entries, but never the newest one: it is the response being written.
    while (m_entries.size() > 1
           && (m_entries.size() > size_t(kMaxEntries) || m_recordCount > kMaxRecordsTotal)) {
        m_recordCount -= m_entries.begin()->second.writes.size();
        m_entries.erase(m_entries.begin());
    }
}
