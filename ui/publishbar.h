// SPDX-License-Identifier: GPL-3.0-only
#pragma once

#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWidget>

class QLineEdit;
class QNetworkAccessManager;
class QSpinBox;
class QLabel;

// Publishes to the built-in server's hub, the source every push lane listens to: a message box
// with an optional event type, a Publish button, and an auto-publish rate. Each accepted publish
// reports the id the hub gave it and its server time (t_server_ns, the lab's monotonic clock),
// which the lanes use to show per-message latency and to highlight messages replayed after a
// reconnect. Publishing is control, not measurement: it runs in the GUI thread.
class PublishBar : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PublishBar)
public:
    static constexpr int kMaxRatePerSecond = 50;

    explicit PublishBar(QWidget *parent = nullptr);
    ~PublishBar() override;

    // Where to publish: the server's base URL and the lanes' topic.
    void setTarget(const QUrl &base, const QString &topic);
    // Publishes `text` now (the box's text when empty).
    void publish(const QString &text = {});
    // Messages per second while auto-publishing (0 = off).
    void setAutoRate(int perSecond);
    int publishedCount() const { return m_published; }

signals:
    void published(const QString &id, qint64 serverNs);
    void failed(const QString &message);

private:
    void onAutoTick();

    QUrl m_base;
    QString m_topic;
    QNetworkAccessManager *m_network = nullptr; // child
    QLineEdit *m_text = nullptr;
    QLineEdit *m_event = nullptr;
    QSpinBox *m_rate = nullptr;
    QLabel *m_count = nullptr;
    QTimer m_auto;
    int m_autoSeq = 0;
    int m_published = 0;
    int m_inFlight = 0;
};
