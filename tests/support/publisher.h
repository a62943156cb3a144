// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QStringList>
#include <QUrl>

// Publishes messages to a StreamLab server's hub (POST /publish?topic=T, body = message) for
// tests of the push techniques. publish() blocks until the server answered; enqueue() does not
// (for use inside an observation handler) but still sends one message at a time, so the hub
// sees them in the order given. Lives in the test's thread.
class Publisher : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Publisher)
public:
    // `publishUrl`: the server's /publish URL; `topic` is added as a query parameter.
    Publisher(QUrl publishUrl, QString topic, QObject *parent = nullptr);

    // Returns the id the hub gave the message, or -1 (the test then fails on it).
    qint64 publish(const QString &text);
    void enqueue(const QString &text);

    // Ids of every message published so far, in order.
    QList<qint64> ids() const { return m_ids; }
    // Messages enqueued and not answered yet.
    qsizetype pendingCount() const { return m_queue.size() + (m_isSending ? 1 : 0); }

signals:
    void published(qint64 id);

private:
    void sendNext();
    QNetworkRequest request() const;

    QNetworkAccessManager m_manager;
    QUrl m_url;
    QStringList m_queue;
    QList<qint64> m_ids;
    bool m_isSending = false;
};
